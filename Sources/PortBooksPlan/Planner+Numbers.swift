import Foundation
import PortBooksCore
import PortBooksJSON

extension Planner {
    /// An invoice or credit memo planned as `create`, once its number was looked up in
    /// QuickBooks (`rows`: the objects holding it, any customer). The same document — same
    /// customer and total, created by an earlier run that did not live to record it or entered
    /// by hand identically — is adopted, never created twice; another document with the number
    /// makes the record a `duplicate-doc-number` problem that names it. Anything else passes
    /// through unchanged.
    public func checkingNumber(_ planned: PlannedRecord, against rows: [JSONValue]) -> PlannedRecord {
        guard case .create(let json) = planned.operation, let number = json["DocNumber"]?.stringValue else {
            return planned
        }
        var checked = planned
        guard !rows.isEmpty else {
            checked.reason = "new; no QuickBooks \(Self.entity(planned.record.kind)) has the number \(number)"
            return checked
        }
        let customerID = json["CustomerRef"]?["value"]?.stringValue
        let total = planned.record.amount.flatMap(Money.parse)
        if let same = rows.first(where: {
            $0["CustomerRef"]?["value"]?.stringValue == customerID && $0["TotalAmt"]?.decimalValue == total
        }) {
            let id = same["Id"]?.stringValue ?? "?"
            checked.operation = .adopt(same)
            checked.reason =
                "QuickBooks \(Self.entity(planned.record.kind)) \(id) has this number, customer and total: linked, not created again"
            return checked
        }
        guard let live = rows.first(where: { !Self.isVoided($0) }) else {
            checked.operation = .problem(
                .numberOfVoided(
                    number, voidedID: rows[0]["Id"]?.stringValue ?? "?", entity: Self.entity(planned.record.kind)))
            checked.reason = ""
            return checked
        }
        let existing = live["Id"]?.stringValue ?? "?"
        checked.operation = .problem(
            .duplicateDocNumber(number, existingID: existing, entity: Self.entity(planned.record.kind)))
        checked.reason = ""
        return checked
    }

    /// A transaction QuickBooks voided: "Voided" in its note and nothing left of its total.
    public static func isVoided(_ object: JSONValue) -> Bool {
        (object["PrivateNote"]?.stringValue ?? "").hasPrefix("Voided") && object["TotalAmt"]?.decimalValue == 0
    }

    /// The QuickBooks entity of a record kind: `Customer`, `Invoice`, `Payment`, `CreditMemo`.
    public static func entity(_ kind: RecordKind) -> String {
        switch kind {
        case .customer: "Customer"
        case .invoice: "Invoice"
        case .payment: "Payment"
        case .creditMemo: "CreditMemo"
        }
    }
}

extension Planner {
    /// An update or void of a linked invoice, credit memo or payment, checked against the object
    /// QuickBooks holds now (`object`, read in bulk; `nil` when the read found none):
    /// - a void of a document already voided there is adopted, not sent again;
    /// - a void of an invoice with payments applied is a problem: QuickBooks refuses it, and
    ///   the payments must be voided or removed first;
    /// - an update that would bring the total below what is already applied to it is a problem
    ///   naming both amounts, never a silent negative balance (Intuit documents nothing for
    ///   it; PortBooks does not send it).
    /// Writes that pass carry the object's current SyncToken.
    public func checkingLinked(_ planned: PlannedRecord, against object: JSONValue?) -> PlannedRecord {
        guard let object, planned.record.kind != .customer else { return planned }
        var checked = planned
        let token = object["SyncToken"]?.stringValue
        let number = planned.record.number ?? planned.record.portproID
        let what = Self.entity(planned.record.kind)
        let total = object["TotalAmt"]?.decimalValue ?? 0
        let balance = object["Balance"]?.decimalValue ?? total
        let payments = (object["LinkedTxn"]?.arrayValue ?? []).filter { $0["TxnType"]?.stringValue == "Payment" }
            .compactMap { $0["TxnId"]?.stringValue }
        switch planned.operation {
        case .void(let qbID, let syncToken):
            if total == 0, object["PrivateNote"]?.stringValue?.hasPrefix("Voided") == true {
                checked.operation = .adopt(object)
                checked.reason = "already voided in QuickBooks (\(what) \(qbID)): recorded, not sent again"
            } else if !payments.isEmpty {
                let applied = Money.format(total - balance)
                checked.operation = .problem(
                    SyncProblem(
                        code: "void-with-payments",
                        message:
                            "\(number) is voided in PortPro, but QuickBooks \(what) \(qbID) has \(applied) applied to it by "
                            + "Payment \(payments.joined(separator: ", ")); QuickBooks does not void a document with payments applied",
                        suggestion:
                            "void or delete those payments (in PortPro, or in QuickBooks), then retry; the \(what) is voided on the next sync"
                    ))
                checked.reason = ""
            } else {
                checked.operation = .void(qbID: qbID, syncToken: token ?? syncToken)
            }
        case .update(let qbID, let syncToken, let changes):
            let applied = total - balance
            if planned.record.kind == .invoice, let newTotal = planned.record.amount.flatMap(Money.parse),
                applied > 0, newTotal < applied
            {
                checked.operation = .problem(
                    SyncProblem(
                        code: "total-below-applied",
                        message:
                            "\(number) now totals \(Money.format(newTotal)) in PortPro, but \(Money.format(applied)) is already "
                            + "applied to QuickBooks Invoice \(qbID) (Payment \(payments.joined(separator: ", ")))",
                        suggestion:
                            "correct the payments in PortPro (or unapply them in QuickBooks) so that no more than the new total "
                            + "is applied, then retry"))
                checked.reason = ""
            } else {
                checked.operation = .update(qbID: qbID, syncToken: token ?? syncToken, changes: changes)
            }
        default:
            break
        }
        return checked
    }
}

extension Planner {
    /// A payment about to be created again after its QuickBooks link was removed
    /// (`remove-qb-id`: a new generation, so a new requestid that QuickBooks would not replay),
    /// checked against the payments QuickBooks holds for its customer on its date (`rows`): the
    /// same payment — same amount, reference and invoices — is adopted, never created twice.
    public func checkingPayment(_ planned: PlannedRecord, against rows: [JSONValue]) -> PlannedRecord {
        guard case .create(let json) = planned.operation, planned.record.kind == .payment else { return planned }
        func invoices(_ payment: JSONValue) -> [String: Decimal] {
            var applied: [String: Decimal] = [:]
            for line in payment["Line"]?.arrayValue ?? [] {
                for link in line["LinkedTxn"]?.arrayValue ?? [] {
                    guard let id = link["TxnId"]?.stringValue else { continue }
                    applied[id, default: 0] += line["Amount"]?.decimalValue ?? 0
                }
            }
            return applied
        }
        let wanted = invoices(json)
        guard
            let same = rows.first(where: {
                $0["TotalAmt"]?.decimalValue == json["TotalAmt"]?.decimalValue
                    && $0["PaymentRefNum"]?.stringValue == json["PaymentRefNum"]?.stringValue
                    && invoices($0) == wanted
            })
        else { return planned }
        var checked = planned
        checked.operation = .adopt(same)
        checked.reason =
            "QuickBooks Payment \(same["Id"]?.stringValue ?? "?") is this payment (same customer, date, amount, reference "
            + "and invoices): linked again, not created twice"
        return checked
    }
}
