import Foundation
import PortBooksJSON

/// Money and quantities are `Decimal` from the file to the wire (shared/PITFALLS.md 10).
public enum Money {
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// Parses a plain decimal literal (`300`, `-12.5`, `"337.50"`), never through `Double`:
    /// ``DecimalText/parse(_:)``, the drop-file format's rule for amounts.
    public static func parse(_ text: String) -> Decimal? {
        DecimalText.parse(text)
    }

    /// Rounds half away from zero to `scale` places, as QuickBooks rounds line amounts.
    public static func rounded(_ value: Decimal, scale: Int = 2) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }

    /// Formats with exactly `scale` fraction digits (`1265` → `1265.00`), POSIX, no grouping.
    public static func format(_ value: Decimal, scale: Int = 2) -> String {
        let rounded = rounded(value, scale: scale)
        var text = plainText(rounded)
        if scale == 0 { return text }
        if let point = text.firstIndex(of: ".") {
            let have = text.distance(from: point, to: text.endIndex) - 1
            if have < scale { text += String(repeating: "0", count: scale - have) }
        } else {
            text += "." + String(repeating: "0", count: scale)
        }
        return text
    }

    /// `value.description` (`"1265.5"`, `"-0.05"`, `"100"`), fast: ``DecimalText/plainText(_:)``.
    public static func plainText(_ value: Decimal) -> String {
        DecimalText.plainText(value)
    }
}
