/// Which characters a text field of a drop file may hold: what QuickBooks Online stores as
/// it was sent, and nothing a CSV, a terminal or the ledger would show differently.
///
/// QuickBooks' entities are defined by an XML schema and its API speaks XML as well as JSON;
/// XML 1.0 admits no control character but tab, line feed and carriage return, and not
/// U+FFFE or U+FFFF. A NUL sent in JSON is stored and then breaks every XML client of the
/// company (Intuit's PHP SDK issue 288: legacy data with such characters makes whole
/// responses unreadable), and SQLite text ends at a NUL, so the ledger's columns — what the
/// results CSVs show — would say "Acme" while DisplayName said "Acme\0Evil". DEL and the C1
/// controls (U+0080–U+009F, a sign of text decoded with the wrong code page) are valid XML
/// but invisible and terminal-active: no PortPro field holds them either.
///
/// So, per field:
/// - one-line fields (numbers such as DocNumber and PaymentRefNum, load references, codes,
///   charge names, e-mail, phone, city, …): no control character at all;
/// - free text (notes, descriptions, the address line) and the company name: tab, line
///   feed and carriage return are allowed — QuickBooks keeps them in memos and descriptions,
///   and the customer mapper turns them into `invalid-display-name` or the configured
///   replacement (docs/MAPPING.md) — every other control character is refused.
///
/// Bidirectional formatting characters are valid text (Arabic and Hebrew names use them);
/// they reach QuickBooks as written and are escaped wherever PortBooks prints them
/// (``DisplayText``).
public enum TextCharacters {
    /// The first character of `text` a field may not hold, with its 1-based position in
    /// characters; `nil` when every character is allowed.
    public static func firstRefused(in text: String, multiline: Bool) -> (scalar: Unicode.Scalar, offset: Int)? {
        // Most values are plain printable ASCII: one pass over the bytes decides.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        var offset = 0
        for scalar in text.unicodeScalars {
            offset += 1
            if isRefused(scalar, multiline: multiline) { return (scalar, offset) }
        }
        return nil
    }

    /// Whether a field (one-line, or `multiline` free text) refuses `scalar`.
    public static func isRefused(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: !multiline
        case 0x00..<0x20, 0x7F..<0xA0, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// The diagnostic's words for `refused` in the field at `field` (`invoices[0].reference_number`).
    public static func message(field: String, refused: (scalar: Unicode.Scalar, offset: Int)) -> String {
        let code = "U+" + String(refused.scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        let what: String
        switch refused.scalar {
        case "\n", "\r": what = "a line break (\(code))"
        case "\t": what = "a tab (\(code))"
        case "\0": what = "a NUL character (\(code))"
        default: what = "the control character \(code)"
        }
        let why =
            refused.scalar == "\n" || refused.scalar == "\r" || refused.scalar == "\t"
            ? "this field is one line in QuickBooks"
            : "QuickBooks cannot store it faithfully and no PortPro field holds one"
        return "\(field) holds \(what) at character \(refused.offset); \(why). Correct the value in PortPro"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
