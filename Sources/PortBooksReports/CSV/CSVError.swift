import PortBooksCore

/// Why a CSV file (a resolution file, or any problems.csv a spreadsheet saved) cannot be
/// read, with the 1-based physical line it concerns, so an accountant can open the file at
/// that line. Callers prefix the file name (`problems.csv:7: error: …`).
public enum CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// No header row: the file is empty or holds only blank lines.
    case noHeader
    /// A quoted cell that starts on `line` is never closed.
    case unterminatedQuote(line: Int)
    /// A `"` inside a cell that does not start with one (RFC 4180 wants the cell quoted and
    /// the quote doubled).
    case quoteInUnquotedCell(line: Int)
    /// Text right after a closing quote, before the next delimiter or line end (`"abc"x`).
    case textAfterClosingQuote(line: Int)
    /// A row with more non-empty cells than the header has columns.
    case tooManyCells(line: Int, expected: Int, found: Int)
    /// Columns the reader needs are not in the header.
    case missingColumns([String], line: Int)
    /// A column the reader needs appears twice in the header: which one is meant is unclear.
    case duplicateColumn(String, line: Int)
    /// The file is beyond ``CSVReader/maximumFileBytes`` or ``CSVReader/maximumCells``: not a
    /// problem list, and reading it would take memory far beyond its size.
    case tooLarge(what: String, limit: String)
    /// A row beyond ``CSVReader/maximumColumns`` or ``CSVReader/maximumRowBytes``: no
    /// spreadsheet writes one, and holding it would take memory without bound.
    case rowTooLarge(line: Int, what: String, limit: String)
    /// A report could not be written (no space, no permission, a folder in the way).
    case cannotWrite(path: String, reason: String)

    /// The physical line the problem is on, when there is one.
    public var line: Int? {
        switch self {
        case .unreadable, .noHeader, .tooLarge, .cannotWrite: nil
        case .unterminatedQuote(let line), .quoteInUnquotedCell(let line), .textAfterClosingQuote(let line):
            line
        case .tooManyCells(let line, _, _), .missingColumns(_, let line), .duplicateColumn(_, let line),
            .rowTooLarge(let line, _, _):
            line
        }
    }

    /// What is wrong, without the line number.
    public var message: String {
        switch self {
        case .unreadable(let path, let reason): "\(path) cannot be read: \(reason)"
        case .cannotWrite(let path, let reason): "\(path) cannot be written: \(reason)"
        case .noHeader: "the file is empty: no header row"
        case .unterminatedQuote:
            "the quoted cell that starts on this line is never closed (a \" is missing); nothing after it can be read"
        case .quoteInUnquotedCell:
            "a \" inside a cell that is not quoted; quote the whole cell and double the \" (\"\")"
        case .textAfterClosingQuote: "text after the closing \" of a quoted cell"
        case .tooManyCells(_, let expected, let found):
            "\(found) cells, but the header has \(expected) columns"
        case .missingColumns(let names, _):
            "the header has no column " + names.map { "`\($0)`" }.joined(separator: ", ")
        case .duplicateColumn(let name, _): "the header has the column `\(name)` twice"
        case .tooLarge(let what, let limit):
            "the file is too large to be a problem list: \(what) (at most \(limit)); is it the right file?"
        case .rowTooLarge(_, let what, let limit):
            "the row is too large to be a problem list's: \(what) (at most \(limit)); is it the right file?"
        }
    }

    public var description: String {
        if let line { "line \(line): \(message)" } else { message }
    }
}
