import PortBooksReports

/// Recognises identifiers a spreadsheet rewrote when it opened a CSV: long digit strings
/// shown in scientific notation (`6.51E+23`), digits past the 15th turned into zeros (Excel
/// keeps 15 significant digits), and leading zeros dropped (`000123` → `123`).
///
/// A damaged id must never be matched to some other record, so these checks run before any
/// fallback; see reference/peers-ecosystem.md §2.2.
enum SpreadsheetDamage {
    /// Why `text` looks rewritten by a spreadsheet, or `nil`.
    static func reason(_ text: String) -> String? {
        if isScientific(text) {
            return "is in scientific notation: a spreadsheet turned a long id into a number and lost digits"
        }
        let digits = !text.isEmpty && text.allSatisfy(\.isASCIIDigit)
        if digits, text.count > 15, text.dropFirst(15).allSatisfy({ $0 == "0" }), text.last == "0" {
            return "ends in zeros after the 15th digit: Excel keeps only 15 significant digits"
        }
        return nil
    }

    /// `6.51E+23`, `6,51E+23`, `1e5`, `-2.3E-04`.
    static func isScientific(_ text: String) -> Bool {
        var characters = Substring(text.uppercased())
        if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
        guard let e = characters.firstIndex(of: "E") else { return false }
        let mantissa = characters[..<e]
        var exponent = characters[characters.index(after: e)...]
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        let mantissaParts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard !mantissa.isEmpty, mantissaParts.count <= 2, let whole = mantissaParts.first, !whole.isEmpty else {
            return false
        }
        return mantissaParts.allSatisfy { $0.allSatisfy(\.isASCIIDigit) } && !exponent.isEmpty
            && exponent.allSatisfy(\.isASCIIDigit)
    }

    /// For an all-digit id, the ids it could have been before a spreadsheet dropped leading
    /// zeros (`123` → `0123`, `00123`, … up to 24 characters, the length of a PortPro `_id`).
    static func zeroPaddedCandidates(_ text: String) -> [String] {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), text.count < 24 else { return [] }
        return (1...(24 - text.count)).map { String(repeating: "0", count: $0) + text }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
