/// Untrusted text made safe to show on a terminal, in a log line or in a diagnostic.
///
/// File names, PortPro ids and values, CSV cells and QuickBooks' words come from outside: a
/// newline in one would print a line PortBooks never wrote (a fake log line, a diagnostic
/// split in two), a carriage return or an ANSI escape would overwrite or recolour what is on
/// the screen, and a bidirectional override (U+202E) would show a name reversed. This is the
/// one function that neutralises them; every place PortBooks prints (``Terminal`` in the
/// commands, the log handler, ``Diagnostic``, reason files) goes through it.
///
/// What is escaped, as Swift writes it: `\n`, `\r`, `\t`, and `\u{…}` for every other
/// control character (C0, DEL, C1 — ESC included), the bidirectional formatting characters
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph
/// separators (U+2028, U+2029). Everything else is kept, letters of every script, emoji and
/// the zero-width joiner included. Backslashes are kept as they are: the output cannot hold
/// a control character, which is what matters, and a Windows path stays readable. Escaping
/// is idempotent.
public enum DisplayText {
    /// `text` with every character that could forge or reorder output escaped.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscaping(scalar) else {
                out.append(scalar)
                continue
            }
            let replacement: String
            switch scalar {
            case "\n": replacement = "\\n"
            case "\r": replacement = "\\r"
            case "\t": replacement = "\\t"
            default: replacement = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: replacement.unicodeScalars)
        }
        return String(out)
    }

    /// `text` cut to its first `limit` Unicode scalars, with `…` when anything was cut: for text
    /// kept to be shown later (the rows and rejections a command prints, what a reason file
    /// says). A cell of a million characters, quoted in a message and kept for each of a
    /// thousand rows, would otherwise cost a gigabyte; the report files keep the whole text.
    /// Counted in scalars, not characters: a run of combining marks is one character of any length.
    public static func clipped(_ text: String, to limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex),
            end != scalars.endIndex
        else { return text }
        return String(scalars[..<end]) + "…"
    }

    /// Whether `scalar` is escaped by ``escaped(_:)``.
    public static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }
}

extension DefaultStringInterpolation {
    /// `"\(escaping: name)"`: interpolates untrusted text through ``DisplayText/escaped(_:)``.
    public mutating func appendInterpolation(escaping text: String) {
        appendLiteral(DisplayText.escaped(text))
    }
}
