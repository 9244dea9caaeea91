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

    /// Every code a sync writes for a problem found with QuickBooks, and `invalid-record` for a
    /// record whose export breaks a rule (the stage writes it; mapping problems have
    /// ``PortBooksMap/MappingProblem/Code``): the README's "Problem codes" table lists exactly
    /// these, and a test holds the two together. A record waiting on another one carries the
    /// code of that wait (`customer-not-synced`, `invoice-not-synced`, `invoice-not-received`,
    /// `credit-memo-not-synced`, `credit-memo-not-received`).
    public static let codes: [String] = [
        "customer-not-synced", "customer-not-in-quickbooks", "customer-name-clash", "item-not-in-quickbooks",
        "reference-not-in-quickbooks", "duplicate-doc-number", "number-of-voided", "currency-not-enabled",
        "currency-mismatch", "void-with-payments", "total-below-applied", "credit-memo-not-synced",
        "credit-memo-not-received", "invoice-not-synced", "invoice-not-received", "quickbooks-rejected", "no-answer",
        portproBalanceMismatchCode, LedgerRecord.invalidRecordCode,
    ]

    /// The codes `portbooks undo` writes for what it leaves alone or cannot reverse; the README's
    /// table lists them beside ``codes``.
    public enum UndoCode: String, CaseIterable, Sendable {
        case changedInQuickBooks = "changed-in-quickbooks"
        case refused = "undo-refused"
        case noPreviousContent = "undo-no-previous-content"
        case cannotRestore = "undo-cannot-restore"
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

    /// QuickBooks refused the name (6240) without saying which of its records holds it.
    public static func nameClash(_ name: String, detail: String) -> SyncProblem {
        SyncProblem(
            code: "customer-name-clash",
            message:
                "QuickBooks already uses the name \"\(name)\" for a vendor, employee or another customer (\(detail))",
            suggestion:
                "QuickBooks does not say which: look the name up in QuickBooks under Customers (inactive ones too), "
                + "Vendors and Employees. If it is this company's customer, put set-qb-id in action and its Id in "
                + "new_qb_id; if it is a vendor or employee there is no customer to link: rename the customer in "
                + "PortPro (or the vendor in QuickBooks), then retry")
    }

    /// The name belongs to a QuickBooks vendor or employee (`other`: `Vendor 12 "Harbor Freight"`):
    /// there is no customer to link, only a name to change.
    public static func nameTakenByOther(_ name: String, other: String) -> SyncProblem {
        SyncProblem(
            code: "customer-name-clash",
            message:
                "QuickBooks has \(other) with the name \"\(name)\"; names are unique across QuickBooks customers, vendors "
                + "and employees, so the customer cannot be created",
            suggestion:
                "there is no QuickBooks customer of that name to link (set-qb-id needs a customer, and \(other) is not "
                + "one): rename the customer in PortPro (e.g. add \"(customer)\"), or rename \(other) in QuickBooks, "
                + "then retry")
    }

    /// A QuickBooks customer whose name differs from the record's only in case or spacing: maybe
    /// the same company, maybe not — a person decides.
    public static func similarCustomer(_ name: String, id: String, name theirs: String, email: String?) -> SyncProblem {
        let contact = email.map { ", e-mail \($0)" } ?? ""
        let how =
            theirs == name
            ? "with the same name but another e-mail than PortPro's QuickBooks email"
            : "whose name differs from \"\(name)\" only in case or spacing"
        return SyncProblem(
            code: "customer-name-clash",
            message:
                "QuickBooks has customer \(id) \"\(theirs)\"\(contact), \(how); PortBooks does not link them on its own, "
                + "and QuickBooks would refuse a second customer of that name",
            suggestion:
                "set-qb-id \(id) if it is the same company (or give it PortPro's QuickBooks email); otherwise rename one of them in "
                + "PortPro or QuickBooks, then retry")
    }

    /// A record in a currency the QuickBooks company cannot hold: multicurrency is off.
    public static func currencyNotEnabled(_ record: LedgerRecord, currency: String, home: String) -> SyncProblem {
        let what = record.kind == .customer ? "The customer bills in" : "It is in"
        return SyncProblem(
            code: "currency-not-enabled",
            message:
                "\(what) \(currency), but this QuickBooks company has multicurrency turned off (home currency \(home)); "
                + "PortBooks does not book it in \(home)",
            suggestion:
                "turn multicurrency on in QuickBooks (Settings → Account and settings → Advanced → Currency; it cannot be "
                + "turned off again), then retry; or correct the currency in PortPro if \(home) is right")
    }

    /// A QuickBooks customer that is this one but keeps its books in another currency (a
    /// customer's currency cannot change in QuickBooks).
    public static func currencyMismatch(_ name: String, id: String, ours: String, theirs: String) -> SyncProblem {
        SyncProblem(
            code: "currency-mismatch",
            message:
                "QuickBooks customer \(id) \"\(name)\" is in \(theirs), but PortPro bills this customer in \(ours); a "
                + "customer's currency cannot change in QuickBooks",
            suggestion:
                "correct the currency in PortPro; or, if the customer really changed currency, create a customer for \(ours) "
                + "in QuickBooks and set-qb-id it")
    }

    public static func creditMemoMissing(_ number: String) -> SyncProblem {
        SyncProblem(
            code: "credit-memo-not-received",
            message: "The credit applies credit memo \(number), which has not arrived in any drop file yet",
            suggestion: "export the credit memo from PortPro; the credit is applied on the run after it arrives")
    }

    public static func creditMemoNotSynced(_ number: String, state: RecordState) -> SyncProblem {
        SyncProblem(
            code: "credit-memo-not-synced",
            message: "The credit applies credit memo \(number), which \(describe(state))",
            suggestion: "resolve the credit memo's own problem; the credit follows automatically")
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

    /// The number is held in QuickBooks only by a voided document: linking that one would book
    /// nothing, and QuickBooks refuses the number for a new one.
    public static func numberOfVoided(_ number: String, voidedID: String, entity: String) -> SyncProblem {
        SyncProblem(
            code: "number-of-voided",
            message:
                "QuickBooks \(entity) \(voidedID) with the number \(number) is voided there; QuickBooks keeps the number on it, "
                + "so PortBooks can neither link it (it books nothing) nor create another with that number",
            suggestion:
                "clear to leave it voided (and void it in PortPro too); to book it again, give it a new number in PortPro and "
                + "export it again")
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
    /// Raised by the balance check after each push (`balance-check.csv`). Usual causes: a payment
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
