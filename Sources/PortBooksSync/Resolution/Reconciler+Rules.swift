import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports

/// The rules that turn changed QuickBooks objects into findings about linked records.
struct FindingRules {
    let ledger: LedgerStore
    private var linked: [RecordKind: [String: LedgerRecord]] = [:]
    /// What synced PortPro payments apply, by `id:<invoice _id>` and `number:<invoice number>`.
    private var paid: [String: Decimal]?

    init(ledger: LedgerStore) throws {
        self.ledger = ledger
    }

    /// Records of `kind` by their QuickBooks Id (built once per kind, only when needed).
    private mutating func record(_ kind: RecordKind, qbID: String) throws -> LedgerRecord? {
        if linked[kind] == nil {
            var map: [String: LedgerRecord] = [:]
            for record in try ledger.allRecords(kind: kind, onlyWithoutQBID: false) {
                if let id = record.qbID { map[id] = record }
            }
            linked[kind] = map
        }
        return linked[kind]?[qbID]
    }

    mutating func findings(in changed: [String: [String: JSONValue]]) throws -> [ReconcileFinding] {
        var findings: [ReconcileFinding] = []
        let kinds: [(String, RecordKind)] = [
            ("Customer", .customer), ("Invoice", .invoice), ("CreditMemo", .creditMemo), ("Payment", .payment),
        ]
        for (entity, kind) in kinds {
            for (id, object) in (changed[entity] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let record = try record(kind, qbID: id) else { continue }
                guard let finding = try finding(object, entity: entity, record: record) else { continue }
                // Already in problems.csv for the same reason: nothing new.
                if finding.isProblem && record.state == .problem && record.problemCode == finding.code { continue }
                findings.append(finding)
            }
        }
        return findings
    }

    private mutating func finding(_ object: JSONValue, entity: String, record: LedgerRecord) throws -> ReconcileFinding?
    {
        let id = object["Id"]?.stringValue ?? ""
        let name =
            "\(record.kind == .creditMemo ? "credit memo" : record.kind.rawValue) \(record.number ?? record.portproID)"
        func make(_ code: String, _ message: String, _ suggestion: String, problem: Bool = true) -> ReconcileFinding {
            ReconcileFinding(
                kind: record.kind, portproID: record.portproID, number: record.number ?? "", qbID: id, code: code,
                message: message, suggestion: suggestion, isProblem: problem)
        }
        // Records set aside on purpose are not reopened.
        guard record.state != .cleared else { return nil }
        if object["status"]?.stringValue == "Deleted" {
            return make(
                "deleted-in-quickbooks",
                "The \(name) was deleted in QuickBooks (it was QuickBooks \(entity) \(id))",
                "remove-qb-id to send it again as a new \(entity), or clear to leave it deleted")
        }
        if record.kind == .customer {
            let displayName = object["DisplayName"]?.stringValue ?? ""
            guard let portproName = record.number, !displayName.isEmpty, displayName != portproName,
                let changedAt = Reconciler.updated(object),
                let linkedAt = Reconciler.parseTime(record.updatedAt), changedAt > linkedAt.addingTimeInterval(1)
            else { return nil }
            return make(
                "renamed-in-quickbooks",
                "The customer \(portproName) is named \"\(displayName)\" in QuickBooks now (QuickBooks Customer \(id))",
                "nothing to do for the sync (the link is by QuickBooks ID); rename it in PortPro or QuickBooks so they agree",
                problem: false)
        }
        let total = object["TotalAmt"]?.decimalValue
        let note = object["PrivateNote"]?.stringValue ?? ""
        let ours = record.amount.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
        if note.localizedCaseInsensitiveContains("voided") || (total == 0 && (ours ?? 0) != 0) {
            // A voided invoice or credit memo keeps its number in QuickBooks: a new one cannot take
            // it, so re-sending is not suggested (it would end as number-of-voided). A payment has
            // no number: removing its link sends it again.
            let suggestion =
                record.kind == .payment
                ? "remove-qb-id to send it again as a new Payment, or clear to leave it voided"
                : "clear to leave it voided (and void it in PortPro too); to book it again, give it a new number in PortPro"
            return make(
                "voided-in-quickbooks",
                "The \(name) was voided in QuickBooks (QuickBooks \(entity) \(id) now totals 0.00)", suggestion)
        }
        guard record.kind == .invoice, record.state != .paidOutside, let total, total > 0,
            object["Balance"]?.decimalValue == 0
        else { return nil }
        let covered = try paidByPortPro(record)
        guard covered < total else { return nil }
        return make(
            "paid-in-quickbooks",
            "The \(name) was paid directly in QuickBooks: its balance there is 0.00, but the PortPro payments PortBooks sent cover \(Money.format(covered)) of \(Money.format(total))",
            "mark-paid: the payment was taken in QuickBooks; later PortPro payments and edits for it will not be sent")
    }

    /// What the PortPro payments PortBooks sent apply to this invoice (all synced payments
    /// are read once per reconcile, only when an invoice's balance reached 0).
    private mutating func paidByPortPro(_ invoice: LedgerRecord) throws -> Decimal {
        if paid == nil {
            var applied: [String: Decimal] = [:]
            for record in try ledger.records(kind: .payment, states: [.synced], limit: nil) {
                guard case .payment(let payment) = try record.decoded() else { continue }
                for application in payment.invoices {
                    let key = application.invoiceID.map { "id:\($0)" } ?? "number:\(application.referenceNumber)"
                    applied[key, default: 0] += application.amount
                }
            }
            paid = applied
        }
        let byID = paid?["id:\(invoice.portproID)"] ?? 0
        let byNumber = invoice.number.flatMap { paid?["number:\($0)"] } ?? 0
        return byID + byNumber
    }
}
