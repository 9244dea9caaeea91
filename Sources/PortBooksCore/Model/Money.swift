import Foundation

/// Money and quantities are `Decimal` from the file to the wire (shared/PITFALLS.md 10).
public enum Money {
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// Parses a plain decimal literal (`300`, `-12.5`, `"337.50"`), never through `Double`.
    ///
    /// Accepts what the drop-file format allows: an optional minus, up to 13 integer digits,
    /// up to 6 fraction digits; and JSON's exponent form for numbers (`1.5e2`).
    public static func parse(_ text: String) -> Decimal? {
        guard isDecimalLiteral(text) else { return nil }
        // Plain literals (all of PortPro's) are built from their digits directly: exact, and
        // far cheaper than a locale-aware scan on files of millions of amounts.
        var significand: UInt64 = 0
        var fractionDigits = 0
        var negative = false
        var seenPoint = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
            default:
                return Decimal(string: text, locale: posix)
            }
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(significand))
    }

    /// Whether `text` is `-?[0-9]{1,13}(\.[0-9]{1,6})?`, or a JSON exponent number whose value fits.
    static func isDecimalLiteral(_ text: String) -> Bool {
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenExponent = false
        var index = text.utf8.startIndex
        let bytes = text.utf8
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenExponent {
                } else if seenPoint {
                    fractionDigits += 1
                } else {
                    integerDigits += 1
                }
            case UInt8(ascii: "."):
                if seenPoint || seenExponent || integerDigits == 0 { return false }
                seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if seenExponent || integerDigits == 0 { return false }
                seenExponent = true
                let next = bytes.index(after: index)
                if next < bytes.endIndex, bytes[next] == UInt8(ascii: "+") || bytes[next] == UInt8(ascii: "-") {
                    index = next
                }
            default:
                return false
            }
            index = bytes.index(after: index)
        }
        if seenPoint && fractionDigits == 0 { return false }
        return integerDigits >= 1 && integerDigits <= 13 && fractionDigits <= 6
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
        var text = NSDecimalNumber(decimal: rounded).description(withLocale: posix)
        if scale == 0 { return text }
        if let point = text.firstIndex(of: ".") {
            let have = text.distance(from: point, to: text.endIndex) - 1
            if have < scale { text += String(repeating: "0", count: scale - have) }
        } else {
            text += "." + String(repeating: "0", count: scale)
        }
        return text
    }
}
