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
        let json = PayloadJSON.json(resolved)
        let references = ResolvedReference.all(in: json)
        if let qbID = record.qbID {
            var changes = json.objectValue ?? [:]
            changes.removeValue(forKey: "Id")
            changes.removeValue(forKey: "SyncToken")
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
        let key = displayName.trimmingWhitespace().lowercased()
        if let other = facts.namesInUse[key] {
            return PlannedRecord(
                record: record, operation: .problem(.nameClash(displayName, detail: "QuickBooks has \(other)")),
                references: references)
        }
        if let other = facts.quickBooksCustomers.customer(named: displayName) {
            let id = other["Id"]?.stringValue ?? "?"
            let detail =
                "QuickBooks customer \(id) \"\(other["DisplayName"]?.stringValue ?? displayName)\" has the name"
            return PlannedRecord(
                record: record, operation: .problem(.nameClash(displayName, detail: detail)), references: references)
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

    /// A payment waits until every invoice it applies to is in QuickBooks; one applied to an
    /// invoice marked paid outside QuickBooks is settled without being sent.
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
            default:
                return PlannedRecord(
                    record: record,
                    operation: .blocked(
                        dependency: "invoice:\(number)",
                        .invoiceNotSynced(number, state: invoice.state ?? .pending)),
                    reason: "waits for invoice \(number)")
            }
        }
        return nil
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
