import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap
import PortBooksPlan
import PortBooksRead
import Testing

/// The plan is a pure function of the record, its mapping, the settings and the facts: every
/// rule is checked here without a ledger or a network.
@Suite("Planner")
struct PlannerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func settings(_ change: (inout Settings) -> Void = { _ in }) throws -> Settings {
        var settings = try Settings.load(
            path: root.appendingPathComponent("fixtures/drop-example/portbooks.toml").path)
        change(&settings)
        return settings
    }

    static func records(_ file: String) throws -> [ExportRecord] {
        var records: [ExportRecord] = []
        let path = root.appendingPathComponent("fixtures/drop-example/\(file)").path
        let result = try JSONExportReader(path: path).read { records.append($0) }
        #expect(result.isValid)
        return records
    }

    /// A ledger record as staging would make it.
    static func staged(
        _ record: ExportRecord, id: Int64 = 1, qbID: String? = nil, state: RecordState = .pending
    ) throws -> LedgerRecord {
        let content = try CanonicalContent.encode(record)
        let summary = CanonicalContent.summary(record)
        return LedgerRecord(
            id: id, kind: record.kind, portproID: record.portproID, number: summary.number,
            customerName: summary.customer, customerPortproID: summary.customerID, amount: summary.amount,
            content: content, contentHash: SHA256Digest.hexDigest(bytes: content), qbID: qbID,
            syncToken: qbID == nil ? nil : "3", state: state)
    }

    /// Facts where every name the payload uses exists in QuickBooks (Id = "n:<name>") and the
    /// customers it names are synced (Id = "c:<id>").
    static func facts(for mapping: MappedRecord<MappedPayload>) -> PlanFacts {
        var facts = PlanFacts()
        for reference in mapping.payload.pendingReferences {
            switch reference.kind {
            case .customer:
                facts.customers[reference.key] = .init(state: .synced, qbID: "c:\(reference.key)", name: reference.name)
            case .invoice:
                continue
            default:
                facts.names[reference.kind, default: [:]][reference.key] = "n:\(reference.key)"
            }
        }
        return facts
    }

    func invoice(_ number: String) throws -> ExportRecord {
        let records = try Self.records("invoices-2026-11-a.json") + Self.records("invoices-2026-11-b.json")
        return try #require(
            records.first {
                if case .invoice(let invoice) = $0 { invoice.referenceNumber == number } else { false }
            })
    }

    @Test("a new invoice whose customer and names are in QuickBooks is created, with every reference resolved")
    func createsWithResolvedReferences() throws {
        let settings = try Self.settings()
        let exported = try invoice("RSRE_000271")
        let mapping = RecordMapper(settings: settings).map(exported)
        let planned = Planner(settings: settings).plan(
            try Self.staged(exported), exported, mapping: mapping, facts: Self.facts(for: mapping))
        guard case .create(let json) = planned.operation else {
            Issue.record("expected create, got \(planned.operation.name)")
            return
        }
        #expect(json["CustomerRef"]?["value"]?.stringValue?.hasPrefix("c:") == true)
        #expect(planned.references.contains { $0.field == "CustomerRef" })
        #expect(planned.references.contains { $0.field == "ItemRef" && $0.id == "n:Drayage" })
        #expect(!planned.reason.isEmpty)
    }

    @Test("a customer that is not synced holds its invoice back, naming the customer and its state")
    func blockedOnCustomer() throws {
        let settings = try Self.settings()
        let exported = try invoice("RSRE_000271")
        let mapping = RecordMapper(settings: settings).map(exported)
        var facts = Self.facts(for: mapping)
        for key in Array(facts.customers.keys) {
            facts.customers[key] = .init(state: .problem, qbID: nil, name: "Pacific Coast Home Furnishings Inc")
        }
        let planned = Planner(settings: settings).plan(
            try Self.staged(exported), exported, mapping: mapping, facts: facts)
        guard case .blocked(let dependency, let problem) = planned.operation else {
            Issue.record("expected blocked, got \(planned.operation.name)")
            return
        }
        #expect(dependency.hasPrefix("customer:"))
        #expect(problem.code == "customer-not-synced")
        #expect(problem.message.contains("Pacific Coast Home Furnishings Inc"))
        #expect(problem.message.contains("problem of its own"))
    }

    @Test("a name QuickBooks does not have is a problem naming it; a mapping problem wins over everything")
    func unknownNamesAndMappingProblems() throws {
        let settings = try Self.settings()
        let exported = try invoice("RSRE_000271")
        let mapping = RecordMapper(settings: settings).map(exported)
        var facts = Self.facts(for: mapping)
        facts.names[.item]?["Detention"] = nil
        let planner = Planner(settings: settings)
        let missing = planner.plan(try Self.staged(exported), exported, mapping: mapping, facts: facts)
        #expect(missing.operation.problem?.code == "item-not-in-quickbooks")
        #expect(missing.operation.problem?.message.contains("\"Detention\"") == true)

        let broken = MappedRecord(
            payload: mapping.payload,
            problems: [
                MappingProblem(
                    code: .unmappedChargeCode, field: "Line", message: "LAYOVER has no item", suggestion: "map it")
            ])
        #expect(
            planner.plan(try Self.staged(exported), exported, mapping: broken, facts: facts).operation.problem?.code
                == "unmapped-charge-code")
    }

    @Test("a linked record that changed is a sparse update of its object, saying what changed")
    func updateSaysWhatChanged() throws {
        let settings = try Self.settings()
        let exported = try invoice("RSRE_000271")
        guard case .invoice(var edited) = exported else { return }
        edited.billingDate = try #require(LocalDate(year: 2026, month: 11, day: 30))
        let mapping = RecordMapper(settings: settings).map(.invoice(edited))
        var facts = Self.facts(for: mapping)
        facts.previousContent[7] = try CanonicalContent.encode(exported)
        let planned = Planner(settings: settings).plan(
            try Self.staged(.invoice(edited), id: 7, qbID: "130"), .invoice(edited), mapping: mapping, facts: facts)
        guard case .update(let qbID, let token, let changes) = planned.operation else {
            Issue.record("expected update, got \(planned.operation.name)")
            return
        }
        #expect(qbID == "130" && token == "3")
        #expect(changes["Id"] == nil && changes["SyncToken"] == nil)
        #expect(changes["TxnDate"]?.stringValue == "2026-11-30")
        #expect(planned.reason.contains("billingDate"), "\(planned.reason)")
    }

    @Test("a number QuickBooks holds is adopted when it is the same document, a problem naming the other one otherwise")
    func numberCheck() throws {
        let settings = try Self.settings()
        let exported = try invoice("RSRE_000271")
        let mapping = RecordMapper(settings: settings).map(exported)
        let record = try Self.staged(exported)
        let planner = Planner(settings: settings)
        let planned = planner.plan(record, exported, mapping: mapping, facts: Self.facts(for: mapping))
        guard case .create(let json) = planned.operation else { return }
        let customer = try #require(json["CustomerRef"]?["value"])
        let total = JSONValue.number(try #require(Money.parse(record.amount ?? "")))
        let same: JSONValue = [
            "Id": "88", "DocNumber": "RSRE_000271", "CustomerRef": ["value": customer], "TotalAmt": total,
        ]
        let other: JSONValue = [
            "Id": "89", "DocNumber": "RSRE_000271", "CustomerRef": ["value": "elsewhere"], "TotalAmt": total,
        ]

        #expect(planner.checkingNumber(planned, against: []).operation == planned.operation)
        let adopted = planner.checkingNumber(planned, against: [other, same])
        #expect(adopted.operation == .adopt(same))
        #expect(adopted.qbID == "88")
        let clash = planner.checkingNumber(planned, against: [other])
        #expect(clash.operation.problem?.code == "duplicate-doc-number")
        #expect(clash.operation.problem?.suggestion.hasPrefix("set-qb-id 89") == true)

        // Held only by a voided invoice (reconcile's voided-in-quickbooks, then remove-qb-id): never
        // "set-qb-id" to the voided one, which would book nothing and be reported again — a loop.
        let voided: JSONValue = [
            "Id": "90", "DocNumber": "RSRE_000271", "CustomerRef": ["value": customer], "TotalAmt": 0,
            "PrivateNote": "Voided", "Balance": 0,
        ]
        let held = planner.checkingNumber(planned, against: [voided])
        #expect(held.operation.problem?.code == "number-of-voided")
        #expect(held.operation.problem?.suggestion.hasPrefix("clear") == true)
        #expect(
            planner.checkingNumber(planned, against: [voided, other]).operation.problem?.code == "duplicate-doc-number")
    }

    @Test(
        "customers: adopted by QuickBooks email or name, refused when a vendor has the name, created only when allowed")
    func customers() throws {
        let records = try Self.records("customers.json")
        let exported = try #require(
            records.first { if case .customer(let c) = $0 { c.quickbooksEmail != nil } else { false } })
        guard case .customer(let customer) = exported else { return }
        let settings = try Self.settings()
        let mapping = RecordMapper(settings: settings).map(exported)
        let record = try Self.staged(exported)
        let planner = Planner(settings: settings)
        let name = customer.companyName

        var facts = Self.facts(for: mapping)
        facts.quickBooksCustomers = QuickBooksCustomerIndex(rows: [
            [
                "Id": "58", "DisplayName": "Someone Else",
                "PrimaryEmailAddr": ["Address": .string(customer.quickbooksEmail ?? "")],
            ]
        ])
        #expect(planner.plan(record, exported, mapping: mapping, facts: facts).qbID == "58")

        facts.quickBooksCustomers = QuickBooksCustomerIndex(rows: [["Id": "60", "DisplayName": .string(name)]])
        #expect(planner.plan(record, exported, mapping: mapping, facts: facts).qbID == "60")
        facts.quickBooksCustomers = QuickBooksCustomerIndex(rows: [
            [
                "Id": "61", "DisplayName": .string(name),
                "PrimaryEmailAddr": ["Address": "accounts@another-company.example"],
            ]
        ])
        let sameNameOtherEmail = planner.plan(record, exported, mapping: mapping, facts: facts)
        #expect(sameNameOtherEmail.operation.problem?.code == "customer-name-clash")
        #expect(sameNameOtherEmail.operation.problem?.suggestion.hasPrefix("set-qb-id 61") == true)

        // A name that differs only in case or spacing may be another company: never adopted, however often retried.
        facts.quickBooksCustomers = QuickBooksCustomerIndex(rows: [
            ["Id": "59", "DisplayName": .string(" " + name.uppercased().replacingOccurrences(of: " ", with: "  "))]
        ])
        let similar = planner.plan(record, exported, mapping: mapping, facts: facts)
        #expect(similar.qbID == nil)
        #expect(similar.operation.problem?.code == "customer-name-clash")
        #expect(similar.operation.problem?.suggestion.hasPrefix("set-qb-id 59") == true)

        facts.quickBooksCustomers = QuickBooksCustomerIndex()
        facts.namesInUse = [name.lowercased(): "Vendor 12 \"\(name)\""]
        let clash = planner.plan(record, exported, mapping: mapping, facts: facts)
        #expect(clash.operation.problem?.code == "customer-name-clash")
        #expect(clash.operation.problem?.message.contains("Vendor 12") == true)

        facts.namesInUse = [:]
        if case .create = planner.plan(record, exported, mapping: mapping, facts: facts).operation {
        } else {
            Issue.record("a customer QuickBooks does not have is created")
        }
        let closed = Planner(settings: try Self.settings { $0.customers.createMissing = false })
        #expect(
            closed.plan(record, exported, mapping: mapping, facts: facts).operation.problem?.code
                == "customer-not-in-quickbooks")
    }

    @Test("payments wait for their invoices, are settled when the invoice was paid outside, and apply to its Id")
    func payments() throws {
        let settings = try Self.settings()
        let exported = try #require(try Self.records("payments.json").first)
        guard case .payment(let payment) = exported else { return }
        let mapping = RecordMapper(settings: settings).map(exported)
        let record = try Self.staged(exported)
        let planner = Planner(settings: settings)
        let number = try #require(payment.invoices.first?.referenceNumber)
        var facts = Self.facts(for: mapping)

        let waiting = planner.plan(record, exported, mapping: mapping, facts: facts)
        #expect(waiting.operation.problem?.code == "invoice-not-received")
        if case .blocked(let dependency, _) = waiting.operation { #expect(dependency == "invoice:\(number)") }

        facts.invoices["number:\(number)"] = .init(state: .problem, qbID: nil, name: number)
        #expect(
            planner.plan(record, exported, mapping: mapping, facts: facts).operation.problem?.code
                == "invoice-not-synced")

        facts.invoices["number:\(number)"] = .init(state: .paidOutside, qbID: "130", name: number)
        guard case .skip(let reason) = planner.plan(record, exported, mapping: mapping, facts: facts).operation else {
            Issue.record("a payment of an invoice paid outside QuickBooks is skipped")
            return
        }
        #expect(reason.contains(number))

        for application in payment.invoices {
            facts.invoices["number:\(application.referenceNumber)"] = .init(
                state: .synced, qbID: "inv-\(application.referenceNumber)", name: application.referenceNumber)
        }
        let ready = planner.plan(record, exported, mapping: mapping, facts: facts)
        guard case .create(let json) = ready.operation else {
            Issue.record("expected create, got \(ready.operation.name)")
            return
        }
        let linked = json["Line"]?[0]?["LinkedTxn"]?[0]?["TxnId"]?.stringValue
        #expect(linked == "inv-\(number)")
        #expect(ready.references.contains { $0.field == "InvoiceRef" && $0.id == "inv-\(number)" })
    }

    @Test("what changed names the fields, and says so when the last synced content is unknown")
    func contentChanges() throws {
        let before = Data(#"{"a":"x","items":[{"n":1}],"total":100.00}"#.utf8)
        let after = Data(#"{"a":"y","items":[{"n":1},{"n":2}],"total":120.5}"#.utf8)
        let text = ContentChanges.describe(from: before, to: after)
        #expect(text.contains("a \"x\" → \"y\""))
        #expect(text.contains("items[1] added"))
        #expect(text.contains("total 100 → 120.5"))
        #expect(ContentChanges.describe(from: nil, to: after) == "changed since it was last synced")
    }
}
