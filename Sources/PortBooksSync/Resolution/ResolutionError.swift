import PortBooksReports

/// Why a resolution file (or an `ids` command) could not be used at all. Problems with single
/// rows are not errors: they are rejected rows in the resolution report.
public enum ResolutionError: Error, Sendable, CustomStringConvertible {
    /// Not a CSV file PortBooks can read (an unterminated quote, a broken encoding, …).
    case unreadable(file: String, line: Int?, message: String)
    /// A required column is not in the header.
    case missingColumns(file: String, columns: [String], found: [String])

    public var description: String {
        switch self {
        case .unreadable(let file, let line, let message):
            "\(file):\(line.map(String.init) ?? "1"): error: not a readable CSV file: \(message)"
        case .missingColumns(let file, let columns, let found):
            "\(file):1: error: the header has no \(columns.joined(separator: ", ")) column "
                + "(found: \(found.joined(separator: ", "))); save the file from problems.csv, keeping its header row"
        }
    }
}
