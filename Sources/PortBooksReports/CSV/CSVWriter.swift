import Foundation
import PortBooksCore

/// Writes CSV as shared/DESIGN.md fixes it for result and problem files: UTF-8 with a BOM
/// (so Excel opens it as UTF-8), CRLF line ends, RFC 4180 quoting, and formula
/// neutralisation: a free-text cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading
/// `'` so a spreadsheet shows it as text instead of running it. Plain numbers (`-12.50`) are
/// left alone; `CSVReader` restores neutralised cells.
public enum CSVWriter {
    /// The whole file's bytes.
    public static func encode(header: [String], rows: [[String]]) -> Data {
        var text = "\u{FEFF}"
        text += line(header)
        for row in rows { text += line(row) }
        return Data(text.utf8)
    }

    /// The whole file's bytes for a table (its header and the cells of its rows).
    public static func encode(_ table: CSVTable) -> Data {
        encode(header: table.header, rows: table.rows.map(\.cells))
    }

    /// Writes atomically (a temporary file renamed into place), so a reader never sees half a file.
    public static func write(header: [String], rows: [[String]], to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encode(header: header, rows: rows).write(to: url, options: .atomic)
    }

    static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }

    /// One cell: neutralised if it could be read as a formula, quoted if it needs to be.
    public static func cell(_ value: String) -> String {
        var text = value
        if needsNeutralising(text) { text = "'" + text }
        // By Unicode scalar, not Character: `"` or `,` followed by a combining mark is one
        // Character that is neither, yet its bytes still end an unquoted cell (found by fuzzing:
        // such a cell shifted every column after it, or made the file unreadable).
        let scalars = text.unicodeScalars
        let needsQuotes =
            scalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == ";" })
            || scalars.first == " " || scalars.last == " "
        guard needsQuotes else { return text }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append("\"") }
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// `= + - @`, tab or CR first — unless the whole cell is a plain number such as `-12.50`.
    /// A cell that already starts with `'` before one of those gets one more `'`, so that
    /// ``CSVReader/restoredCell(_:)`` (which removes one) gives back exactly what was written.
    static func needsNeutralising(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        if first == "'" {
            return text.unicodeScalars.first(where: { $0 != "'" }).map(formulaStarts.contains) ?? false
        }
        guard formulaStarts.contains(first) else { return false }
        return !isPlainNumber(text)
    }

    /// The first characters that make a spreadsheet run a cell (or, for tab and CR, that can
    /// hide a formula after them), as Unicode scalars.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    static func isPlainNumber(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        var seenPoint = false
        for character in body {
            if character == "." {
                if seenPoint { return false }
                seenPoint = true
            } else if !character.isASCII || !character.isNumber {
                return false
            }
        }
        return body.last != "."
    }
}
