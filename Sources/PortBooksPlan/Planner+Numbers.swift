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
        let existing = rows[0]["Id"]?.stringValue ?? "?"
        checked.operation = .problem(
            .duplicateDocNumber(number, existingID: existing, entity: Self.entity(planned.record.kind)))
        checked.reason = ""
        return checked
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
