import Foundation
import PortBooksCore
import PortBooksMap

/// A record that could not sync, in words an accountant acts on (PortPro's own phrases
/// where PortPro has one), with a stable code and the likely fix.
///
/// Mapping problems (docs/MAPPING.md) keep their own codes; these are the ones found while
/// talking to QuickBooks. Every code is listed in the README.
public struct SyncProblem: Hashable, Sendable {
    public var code: String
    public var message: String
    public var suggestion: String

    public init(code: String, message: String, suggestion: String) {
        self.code = code
        self.message = message
        self.suggestion = suggestion
    }

    /// How a dependency's state reads in a sentence.
    public static func describe(_ state: RecordState?) -> String {
        switch state {
        case nil: "is not in any drop file yet"
        case .pending?: "has not been sent yet"
        case .problem?: "has a problem of its own (see its row)"
        case .blocked?: "is itself waiting on another record"
        case .cleared?: "was cleared without syncing"
        case .paidOutside?: "was marked paid outside QuickBooks"
        case .synced?: "is synced"
        }
    }

    public static func customerNotSynced(_ name: String, state: RecordState?) -> SyncProblem {
        SyncProblem(
            code: "customer-not-synced",
            message: "The customer is not synced to QB: \(name) \(describe(state))",
            suggestion: "fix the customer's own problem in this file first; this record follows automatically")
    }

    public static func customerNotInQuickBooks(_ name: String) -> SyncProblem {
        SyncProblem(
            code: "customer-not-in-quickbooks",
            message:
                "The customer is not synced to QB: no QuickBooks customer has the QuickBooks email or the name \(name), and creating customers is off",
            suggestion:
                "create the customer in QuickBooks, make its email match PortPro's QuickBooks Email, or set-qb-id")
    }

    public static func nameClash(_ name: String, detail: String) -> SyncProblem {
        SyncProblem(
            code: "customer-name-clash",
            message:
                "QuickBooks already uses the name \"\(name)\" for a vendor, employee or another customer (\(detail))",
            suggestion:
                "set-qb-id to the existing QuickBooks customer if it is the same company; otherwise rename one of them")
    }

    public static func unknownNames(_ missing: [PendingReference]) -> SyncProblem {
        let items = missing.filter { $0.kind == .item }.map(\.name)
        if !items.isEmpty && items.count == missing.count {
            return SyncProblem(
                code: "item-not-in-quickbooks",
                message:
                    "The charge codes aren't synced: QuickBooks has no product or service named \(items.map { "\"\($0)\"" }.joined(separator: ", "))",
                suggestion:
                    "create it in QuickBooks Products and Services (once), or change [items.map] in portbooks.toml; then retry"
            )
        }
        let names = missing.map { "\($0.kind.rawValue) \"\($0.name)\"" }.joined(separator: ", ")
        return SyncProblem(
            code: "reference-not-in-quickbooks",
            message: "QuickBooks has no \(names)",
            suggestion: "create it in QuickBooks or fix portbooks.toml; then retry")
    }

    public static func duplicateDocNumber(_ number: String, existingID: String, entity: String) -> SyncProblem {
        SyncProblem(
            code: "duplicate-doc-number",
            message:
                "An invoice with this number already exists in QuickBooks: \(entity) \(number) is QuickBooks \(entity) \(existingID), with another customer or amount",
            suggestion:
                "set-qb-id \(existingID): an invoice with this number already exists in QuickBooks (or delete the manual one there and retry)"
        )
    }

    public static func invoiceNotSynced(_ number: String, state: RecordState) -> SyncProblem {
        SyncProblem(
            code: "invoice-not-synced",
            message: "The payment applies to invoice \(number), which \(describe(state))",
            suggestion: "resolve the invoice's own problem; the payment follows automatically")
    }

    public static func invoiceMissing(_ number: String) -> SyncProblem {
        SyncProblem(
            code: "invoice-not-received",
            message: "The payment applies to invoice \(number), which has not arrived in any drop file yet",
            suggestion: "export the invoice from PortPro; the payment syncs on the run after it arrives")
    }

    /// The code of ``portproBalanceMismatch(_:portproRemain:quickBooksBalance:)``.
    public static let portproBalanceMismatchCode = "portpro-balance-mismatch"

    /// PortPro and QuickBooks disagree on what is still owed on an invoice: PortPro's
    /// `remainAmount` (the sum over its charge sets, from a PortPro API response) is not the
    /// invoice's QuickBooks `Balance` after the sync. Both amounts are named, with two decimals.
    ///
    /// Defined for the balance check (issue #10); nothing raises it yet. Usual causes: a payment
    /// or credit entered in one system only, or a payment that has not arrived in a drop file.
    public static func portproBalanceMismatch(_ number: String, portproRemain: Decimal, quickBooksBalance: Decimal)
        -> SyncProblem
    {
        let difference = Money.format(quickBooksBalance - portproRemain)
        return SyncProblem(
            code: portproBalanceMismatchCode,
            message:
                "PortPro says \(Money.format(portproRemain)) is still owed on invoice \(number), QuickBooks' balance is "
                + "\(Money.format(quickBooksBalance)) (QuickBooks minus PortPro: \(difference))",
            suggestion:
                "find the payment or credit entered in only one of them (or not yet exported from PortPro); "
                + "enter it where it is missing, or mark-paid if it was settled in QuickBooks")
    }

    public static func rejectedByQuickBooks(code: String, message: String, detail: String?) -> SyncProblem {
        let words = [message, detail].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        return SyncProblem(
            code: "quickbooks-rejected",
            message: "QuickBooks refused it (error \(code)): \(words)",
            suggestion: "correct the record in PortPro (or the settings) and retry")
    }

    public static func mapping(_ problems: [MappingProblem]) -> SyncProblem {
        let first = problems[0]
        let more =
            problems.count > 1
            ? " (and \(problems.count - 1) more: \(problems.dropFirst().map(\.code.rawValue).joined(separator: ", ")))"
            : ""
        return SyncProblem(code: first.code.rawValue, message: first.message + more, suggestion: first.suggestion)
    }
}
