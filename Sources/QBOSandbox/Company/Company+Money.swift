import Foundation
import PortBooksJSON

/// Money members of requests: checked against Intuit's documented size and kept at cents.
///
/// Intuit documents line amounts as "Max 15 digits in 10.5 format" (API reference, Invoice
/// and CreditMemo `Line.Amount`); QuickBooks computes and stores line totals, subtotals and
/// totals at two decimals (observed by integrators: "QuickBooks Online rounds everything to two
/// decimal places for the line totals ... subtotals and totals are stored as two decimal
/// places", help.breadwinner.com). What QuickBooks answers for an amount beyond 10.5 is not
/// documented: the sandbox answers 2010 (docs/qbo-sandbox.md, "Money").
extension Company {
    /// Digits an amount may have before its decimal point.
    static let amountIntegerDigits = 10
    /// Digits an amount may have after its decimal point.
    static let amountFractionDigits = 5

    /// The amount a request gives at `path` (a number or a numeric string), rounded to cents
    /// half away from zero; nil when absent or not a number (SDKs send `""` for unset fields).
    /// Throws 2010 when it has more digits than "10.5 format" allows.
    static func money(_ value: JSONValue?, path: String) throws(QBOFault) -> Decimal? {
        guard let amount = value?.looseDecimal else { return nil }
        let text = DecimalText.plainText(amount.magnitude)
        let point = text.firstIndex(of: ".")
        let integerDigits = text.distance(from: text.startIndex, to: point ?? text.endIndex)
        let fractionDigits = point.map { text.distance(from: $0, to: text.endIndex) - 1 } ?? 0
        if integerDigits > amountIntegerDigits || fractionDigits > amountFractionDigits {
            throw QBOFault(
                code: "2010", message: "Request has invalid or unsupported property",
                detail:
                    "Property Name:\(path) specified is unsupported or invalid: \(DecimalText.plainText(amount)) has more than \(amountIntegerDigits) digits before the decimal point or \(amountFractionDigits) after it",
                element: path)
        }
        return roundCents(amount)
    }
}
