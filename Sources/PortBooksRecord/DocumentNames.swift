import Foundation
import PortBooksCore
import PortBooksLedger

/// Rewrites QuickBooks' texts that name a document by its internal Id ("Invoice 6", "Payment 12")
/// into the names an accountant can find: the document's number and the Id
/// (`invoice HDX-000206 (QuickBooks Id 6)`), or, for an Id no record is linked to, says so
/// (`QuickBooks invoice Id 6, which PortBooks did not sync`).
public enum DocumentNames {
    /// QuickBooks' entity words, as its messages write them, and the kinds they are.
    static let kinds: [(word: String, kind: RecordKind)] = [
        ("CreditMemo", .creditMemo), ("Credit Memo", .creditMemo), ("Invoice", .invoice), ("Payment", .payment),
        ("Customer", .customer),
    ]

    /// `text` with each `<Entity> <digits>` replaced; a ledger lookup per distinct Id.
    public static func rewrite(_ text: String, ledger: LedgerStore) throws -> String {
        var result = ""
        var rest = Substring(text)
        scan: while !rest.isEmpty {
            for (word, kind) in kinds where rest.hasPrefix(word + " ") && Self.startsWord(rest, in: text) {
                let afterWord = rest.dropFirst(word.count + 1)
                let digits = afterWord.prefix(while: { $0.isASCII && $0.isNumber })
                let next = afterWord.dropFirst(digits.count).first
                guard !digits.isEmpty, next.map({ !$0.isLetter && !$0.isNumber }) ?? true else { continue }
                result += try name(kind: kind, qbID: String(digits), ledger: ledger)
                rest = afterWord.dropFirst(digits.count)
                continue scan
            }
            result.append(rest.removeFirst())
        }
        return result
    }

    /// Whether `rest` starts at the beginning of a word of `text`.
    private static func startsWord(_ rest: Substring, in text: String) -> Bool {
        guard rest.startIndex > text.startIndex else { return true }
        let before = text[text.index(before: rest.startIndex)]
        return !before.isLetter && !before.isNumber
    }

    private static func name(kind: RecordKind, qbID: String, ledger: LedgerStore) throws -> String {
        let what = kind == .creditMemo ? "credit memo" : kind.rawValue
        guard let record = try ledger.record(kind: kind, qbID: qbID) else {
            return "QuickBooks \(what) Id \(qbID), which PortBooks did not sync"
        }
        let number = record.number ?? record.customerName ?? record.portproID
        return "\(what) \(number) (QuickBooks Id \(qbID))"
    }
}
