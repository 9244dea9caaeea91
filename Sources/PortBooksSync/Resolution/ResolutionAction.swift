import PortBooksCore
import PortBooksReports

/// What an accountant asks for in the `action` column of a resolution file: PortPro's
/// Problem Sync buttons, as words in a spreadsheet cell.
public enum ResolutionAction: String, Hashable, Sendable, CaseIterable {
    /// Push again with the current settings (the record becomes `pending`).
    case retry
    /// Take it off the problem list without syncing; it is never pushed again.
    case clear
    /// Invoices: paid outside QuickBooks' sync; its later payments and edits are not pushed.
    case markPaid = "mark-paid"
    /// Unlink the QuickBooks object; the next run re-creates it (new requestid generation),
    /// after looking its number up so an invoice that still exists is adopted, never duplicated.
    case removeQBID = "remove-qb-id"
    /// Link an existing QuickBooks object (`new_qb_id`).
    case setQBID = "set-qb-id"

    /// Reads a cell as people type it: case, spaces, `_` and `-` do not matter, and PortPro's
    /// own button names are accepted ("Mark as paid", "Sync again", "Remove QB ID", …).
    /// Anything else inside the word makes it unknown: `re\0try` or `re.try` is not `retry`.
    public init?(spelling: String) {
        guard let key = Self.normalised(spelling), let action = Self.spellings[key] else { return nil }
        self = action
    }

    /// Lower case, every run of spaces, `_` and `-` as one `-`, punctuation around the words
    /// dropped (`"retry."`); `nil` when anything but letters, digits and those separators is
    /// inside (a control character, a zero-width space, a dot between letters).
    static func normalised(_ text: String) -> String? {
        let characters = Array(text.lowercased())
        let isWordCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber }
        guard let first = characters.firstIndex(where: isWordCharacter),
            let last = characters.lastIndex(where: isWordCharacter)
        else { return "" }
        let outside = characters[..<first] + characters[(last + 1)...]
        guard !outside.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
        else { return nil }
        var out = ""
        var pendingSeparator = false
        for character in characters[first...last] {
            if character == " " || character == "_" || character == "-" {
                pendingSeparator = true
            } else if isWordCharacter(character) {
                if pendingSeparator { out.append("-") }
                pendingSeparator = false
                out.append(character)
            } else {
                return nil
            }
        }
        return out
    }

    static let spellings: [String: ResolutionAction] = {
        var table: [String: ResolutionAction] = [:]
        let words: [ResolutionAction: [String]] = [
            .retry: ["retry", "sync-again", "resync", "re-sync", "sync", "try-again", "push-again"],
            .clear: ["clear", "clear-from-list", "remove-from-list", "ignore", "dismiss"],
            .markPaid: [
                "mark-paid", "mark-as-paid", "markpaid", "paid", "move-to-paid", "mark-paid-without-syncing",
                "move-to-paid-without-syncing", "paid-in-quickbooks",
            ],
            .removeQBID: [
                "remove-qb-id", "remove-qbid", "remove-quickbooks-id", "remove-id", "unlink", "clear-qb-id",
                "delete-qb-id",
            ],
            .setQBID: ["set-qb-id", "set-qbid", "set-quickbooks-id", "set-id", "link", "override-qb-id", "qb-id"],
        ]
        for (action, list) in words {
            for word in list {
                if let key = normalised(word) { table[key] = action }
            }
        }
        return table
    }()
}

extension RecordKind {
    /// Reads the `entity` cell: `invoice`, `Invoices`, `credit memo`, `Credit_Memo`, … .
    public init?(entitySpelling: String) {
        switch ResolutionAction.normalised(entitySpelling) ?? "" {
        case "customer", "customers": self = .customer
        case "invoice", "invoices": self = .invoice
        case "payment", "payments": self = .payment
        case "credit-memo", "credit-memos", "creditmemo", "creditmemos": self = .creditMemo
        default: return nil
        }
    }

    /// The QuickBooks entity a record of this kind becomes.
    var quickBooksEntityName: String {
        switch self {
        case .customer: "Customer"
        case .invoice: "Invoice"
        case .payment: "Payment"
        case .creditMemo: "CreditMemo"
        }
    }
}
