import Foundation

/// Decimal literals read and written from their digits, exactly and fast: the amounts of drop
/// files and of QuickBooks' JSON. Never through `Double` (shared/PITFALLS.md 10).
public enum DecimalText {
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
    public static func isDecimalLiteral(_ text: String) -> Bool {
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

    /// `value.description` (`"1265.5"`, `"-0.05"`, `"100"`), written from the significand's
    /// digits for the values money holds. Foundation's `description` and NSDecimalNumber's are
    /// slow enough to be a twelfth of a push's CPU, where every amount is written at least twice.
    public static func plainText(_ value: Decimal) -> String {
        guard let (significand, exponent, negative) = DecimalLayout.parts(of: value) else {
            return value.description
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var rest = significand
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        digits.reverse()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count + 4 + max(0, exponent))
        if negative { bytes.append(UInt8(ascii: "-")) }
        if exponent >= 0 {
            bytes += digits
            bytes += repeatElement(UInt8(ascii: "0"), count: exponent)
        } else if -exponent < digits.count {
            let point = digits.count + exponent
            bytes += digits[..<point]
            bytes.append(UInt8(ascii: "."))
            bytes += digits[point...]
        } else {
            bytes += [UInt8(ascii: "0"), UInt8(ascii: ".")]
            bytes += repeatElement(UInt8(ascii: "0"), count: -exponent - digits.count)
            bytes += digits
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Reads a `Decimal`'s significand and exponent straight from its memory: swift-foundation's
/// layout of NSDecimal's fields (an 8-bit exponent; a byte with the length in 16-bit words in
/// its high nibble and the sign in bit 3; two reserved bytes; eight little-endian 16-bit words).
/// `parts(of:)` reads only once a check at first use has found that layout on known values
/// (a test asserts it does, so a Foundation that changes it is noticed), and only nonzero
/// values of at most four words; anything else goes to Foundation.
enum DecimalLayout {
    private static let matches: Bool = {
        guard MemoryLayout<Decimal>.size == 20 else { return false }
        let samples: [(String, UInt64, Int, Bool)] = [
            ("1265.5", 12655, -1, false), ("-0.05", 5, -2, true),
            ("123456789012345678", 123_456_789_012_345_678, 0, false),
            ("4e3", 4, 3, false),
        ]
        return samples.allSatisfy { text, significand, exponent, negative in
            guard let value = Decimal(string: text), let parts = read(value) else { return false }
            return parts.significand == significand && parts.exponent == exponent && parts.negative == negative
        }
    }()

    static func parts(of value: Decimal) -> (significand: UInt64, exponent: Int, negative: Bool)? {
        guard matches else { return nil }
        return read(value)
    }

    private static func read(_ value: Decimal) -> (significand: UInt64, exponent: Int, negative: Bool)? {
        withUnsafeBytes(of: value) { raw -> (UInt64, Int, Bool)? in
            let exponent = Int(Int8(bitPattern: raw[0]))
            let length = Int(raw[1] >> 4)
            let negative = raw[1] & 0x08 != 0
            guard length >= 1, length <= 4 else { return nil }
            var significand: UInt64 = 0
            for word in stride(from: length - 1, through: 0, by: -1) {
                significand = significand << 16 | UInt64(raw[4 + 2 * word]) | UInt64(raw[5 + 2 * word]) << 8
            }
            guard significand != 0 else { return nil }
            return (significand, exponent, negative)
        }
    }
}
