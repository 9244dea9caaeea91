import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap

/// The plan: for one staged record, what will happen to it and why — create, update (with
/// what changed), adopt an existing QuickBooks object, skip, wait for another record, or a
/// problem — with its QuickBooks references resolved.
///
/// Pure: a function of the record, its mapping, the settings and ``PlanFacts``. It reads
/// nothing and writes nothing (this module imports neither the ledger nor the QuickBooks
/// client), so a dry run prints exactly what the real run carries out, and every rule is
/// tested without a network. Thread-safe.
public struct Planner: Sendable {
    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The operation for `record` (staged content `exported`, mapped as `mapping`).
    ///
    /// Invoices and credit memos planned as `create` still have their number checked against
    /// QuickBooks (``checkingNumber(_:against:)``) once the run has looked the numbers up.
    public func plan(
        _ record: LedgerRecord, _ exported: ExportRecord, mapping: MappedRecord<MappedPayload>, facts: PlanFacts
    ) -> PlannedRecord {
        if let lifecycle = followingPortProStatus(record, exported) { return lifecycle }
        if case .payment(let payment) = exported, let waiting = waitingOnInvoices(record, payment, facts: facts) {
            return waiting
        }
        if !mapping.problems.isEmpty {
            return PlannedRecord(record: record, operation: .problem(.mapping(mapping.problems)))
        }
        let payload = mapping.payload
        for reference in payload.pendingReferences where reference.kind == .customer {
            let link = facts.customers[reference.key]
            guard let link, let qbID = link.qbID, !qbID.isEmpty, link.state == .synced || link.state == .cleared
            else {
                let problem = SyncProblem.customerNotSynced(link?.name ?? reference.name, state: link?.state)
                return PlannedRecord(
                    record: record, operation: .blocked(dependency: "customer:\(reference.key)", problem),
                    reason: "waits for its customer")
            }
        }
        let resolved: MappedPayload
        do {
            resolved = try payload.resolving { facts.id(for: $0) }
        } catch let unresolved as UnresolvedReferencesError {
            return PlannedRecord(record: record, operation: .problem(.unknownNames(unresolved.missing)))
        } catch {
            return PlannedRecord(
                record: record,
                operation: .problem(.rejectedByQuickBooks(code: "mapping", message: "\(error)", detail: nil)))
        }
        var json = PayloadJSON.json(resolved)
        if let currency = Self.currency(of: exported), let home = facts.homeCurrency, currency != home {
            guard facts.multiCurrency else {
                return PlannedRecord(
                    record: record, operation: .problem(.currencyNotEnabled(record, currency: currency, home: home)))
            }
            json = json.setting("CurrencyRef", to: ["value": .string(currency)])
        }
        let references = ResolvedReference.all(in: json)
        if let qbID = record.qbID {
            var changes = json.objectValue ?? [:]
            changes.removeValue(forKey: "Id")
            changes.removeValue(forKey: "SyncToken")
            // A customer PortBooks bills is active: one an undo made inactive comes back.
            if record.kind == .customer { changes["Active"] = true }
            return PlannedRecord(
                record: record,
                operation: .update(qbID: qbID, syncToken: record.syncToken ?? "0", changes: .object(changes)),
                references: references,
                reason: ContentChanges.describe(from: facts.previousContent[record.id], to: record.content))
        }
        if case .customer(let customer) = exported {
            return planCustomer(record, customer, json: json, references: references, facts: facts)
        }
        let reason: String
        switch record.kind {
        case .payment:
            reason = "new payment; its invoices are in QuickBooks"
        case .invoice, .creditMemo:
            reason =
                json["DocNumber"]?.stringValue == nil
                ? "new; QuickBooks gives it its number" : "new; its number is looked up in QuickBooks first"
        case .customer:
            reason = "new"
        }
        return PlannedRecord(record: record, operation: .create(json), references: references, reason: reason)
    }

    /// A customer not linked yet: adopted when QuickBooks has it (by QuickBooks email, then
    /// DisplayName, as `[customers] match` orders), created when `create_missing` is on.
    private func planCustomer(
        _ record: LedgerRecord, _ customer: Customer, json: JSONValue, references: [ResolvedReference],
        facts: PlanFacts
    ) -> PlannedRecord {
        let name = json["DisplayName"]?.stringValue
        if let match = facts.quickBooksCustomers.match(
            customer: customer, displayName: name, by: settings.customers.match)
        {
            let object = match.object
            let id = object["Id"]?.stringValue ?? "?"
            let shown = object["DisplayName"]?.stringValue ?? ""
            if let home = facts.homeCurrency, let theirs = object["CurrencyRef"]?["value"]?.stringValue,
                theirs != (Self.currency(of: .customer(customer)) ?? home)
            {
                return PlannedRecord(
                    record: record,
                    operation: .problem(
                        .currencyMismatch(
                            shown, id: id, ours: Self.currency(of: .customer(customer)) ?? home, theirs: theirs)),
                    references: references)
            }
            let how: String
            switch match {
            case .email: how = "has its QuickBooks email"
            case .displayName: how = "has its name"
            }
            return PlannedRecord(
                record: record, operation: .adopt(object), references: references,
                reason: "QuickBooks customer \(id) \"\(shown)\" \(how): linked, not created")
        }
        let displayName = name ?? customer.companyName
        if let other = facts.namesInUse[QuickBooksCustomerIndex.folded(displayName)] {
            return PlannedRecord(
                record: record, operation: .problem(.nameTakenByOther(displayName, other: other)),
                references: references)
        }
        if let other = facts.quickBooksCustomers.customer(named: displayName) {
            let id = other["Id"]?.stringValue ?? "?"
            let theirs = other["DisplayName"]?.stringValue ?? displayName
            let email = other["PrimaryEmailAddr"]?["Address"]?.stringValue
            return PlannedRecord(
                record: record, operation: .problem(.similarCustomer(displayName, id: id, name: theirs, email: email)),
                references: references)
        }
        guard settings.customers.createMissing else {
            return PlannedRecord(
                record: record, operation: .problem(.customerNotInQuickBooks(customer.companyName)),
                references: references)
        }
        return PlannedRecord(
            record: record, operation: .create(json), references: references,
            reason: "no QuickBooks customer has its QuickBooks email or name")
    }

    /// What PortPro's status decides before anything is mapped: a voided invoice or credit memo
    /// is voided in QuickBooks (or, never sent, not created); a credit memo PortPro has only
    /// drafted or approved waits until PortPro issues it.
    private func followingPortProStatus(_ record: LedgerRecord, _ exported: ExportRecord) -> PlannedRecord? {
        let voided: Bool
        switch exported {
        case .invoice(let invoice):
            voided = invoice.status == .voided
        case .creditMemo(let memo):
            switch memo.status {
            case .drafted?, .approved?:
                let reason =
                    "credit memo \(memo.creditMemoNumber) is \(memo.status?.rawValue.lowercased() ?? "") in PortPro; "
                    + "it is posted once PortPro issues it"
                return PlannedRecord(record: record, operation: .hold(reason: reason), reason: reason)
            case .voided?:
                voided = true
            default:
                voided = false
            }
        case .payment(let payment):
            voided = payment.status == .voided
        case .customer:
            voided = false
        }
        guard voided else { return nil }
        let what = record.kind == .invoice ? "invoice" : record.kind == .payment ? "payment" : "credit memo"
        guard let qbID = record.qbID else {
            let reason = "the \(what) was voided in PortPro before it reached QuickBooks; it is not created"
            return PlannedRecord(record: record, operation: .skip(reason: reason), reason: reason)
        }
        return PlannedRecord(
            record: record, operation: .void(qbID: qbID, syncToken: record.syncToken ?? "0"),
            reason: "voided in PortPro: voided in QuickBooks too (amounts zeroed, the document kept)")
    }

    /// A payment waits until every invoice it applies to is in QuickBooks; one applied to an
    /// invoice marked paid outside QuickBooks, or cleared from the list, is settled without
    /// being sent.
    private func waitingOnInvoices(_ record: LedgerRecord, _ payment: Payment, facts: PlanFacts) -> PlannedRecord? {
        for (application, reference) in zip(payment.invoices, Self.invoiceReferences(of: payment)) {
            let number = application.referenceNumber
            guard let invoice = facts.invoice(reference) else {
                return PlannedRecord(
                    record: record, operation: .blocked(dependency: "invoice:\(number)", .invoiceMissing(number)),
                    reason: "waits for invoice \(number)")
            }
            switch invoice.state {
            case .synced?:
                continue
            case .paidOutside?:
                let reason =
                    "invoice \(number) was marked paid outside QuickBooks; this payment is not sent"
                return PlannedRecord(record: record, operation: .skip(reason: reason), reason: reason)
            case .cleared?:
                let reason = "invoice \(number) was cleared without syncing; this payment is not sent"
                return PlannedRecord(record: record, operation: .skip(reason: reason), reason: reason)
            default:
                return PlannedRecord(
                    record: record,
                    operation: .blocked(
                        dependency: "invoice:\(number)",
                        .invoiceNotSynced(number, state: invoice.state ?? .pending)),
                    reason: "waits for invoice \(number)")
            }
        }
        for credit in payment.credits ?? [] {
            let number = credit.creditMemoNumber
            guard let memo = facts.creditMemos[credit.creditMemoID] else {
                return PlannedRecord(
                    record: record,
                    operation: .blocked(dependency: "credit_memo:\(credit.creditMemoID)", .creditMemoMissing(number)),
                    reason: "waits for credit memo \(number)")
            }
            switch memo.state {
            case .synced?:
                continue
            case .cleared?:
                let reason = "credit memo \(number) was cleared without syncing; its credit is not applied"
                return PlannedRecord(record: record, operation: .skip(reason: reason), reason: reason)
            default:
                return PlannedRecord(
                    record: record,
                    operation: .blocked(
                        dependency: "credit_memo:\(credit.creditMemoID)",
                        .creditMemoNotSynced(number, state: memo.state ?? .pending)),
                    reason: "waits for credit memo \(number)")
            }
        }
        return nil
    }

    /// The currency a record is in, as PortPro names it (`nil`: not said, the home currency).
    static func currency(of exported: ExportRecord) -> String? {
        let named: String?
        switch exported {
        case .customer(let customer): named = customer.currency
        case .invoice(let invoice): named = invoice.currency ?? invoice.caller.currency
        case .creditMemo(let memo): named = memo.caller.currency
        case .payment(let payment): named = payment.caller.currency
        }
        let code = named?.trimmingWhitespace().uppercased() ?? ""
        return code.isEmpty ? nil : code
    }

    /// The invoice references of a payment: its invoices' PortPro `_id` when the export gives
    /// it, else `number:` + the invoice number.
    public static func invoiceReferences(of payment: Payment) -> [PendingReference] {
        payment.invoices.map { application in
            PendingReference(
                kind: .invoice, key: application.invoiceID ?? "number:\(application.referenceNumber)",
                name: application.referenceNumber)
        }
    }
}
