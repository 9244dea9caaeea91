import PortBooksReports

/// Why a resolution file (or an `ids` command) could not be used at all. Problems with single
/// rows are not errors: they are rejected rows in the resolution report.
public enum ResolutionError: Error, Sendable, CustomStringConvertible {
    /// Not a CSV file PortBooks can read (an unterminated quote, a broken encoding, …).
    case unreadable(file: String, line: Int?, message: String)
    /// A required column is not in the header.
    case missingColumns(file: String, columns: [String], found: [String])
    /// Columns PortBooks reads that the header names more than once, with their 1-based
    /// positions: which one the accountant meant is a guess.
    case duplicateColumns(file: String, columns: [(name: String, positions: [Int])])

    public var description: String {
        switch self {
        case .unreadable(let file, let line, let message):
            "\(file):\(line.map(String.init) ?? "1"): error: not a readable CSV file: \(message)"
        case .duplicateColumns(let file, let columns):
            "\(file):1: error: the header has "
                + columns.map {
                    "the column `\($0.name)` \($0.positions.count) times (columns \($0.positions.map(String.init).joined(separator: ", ")))"
                }
                .joined(separator: ", and ")
                + "; which one is meant is unclear, so nothing was read. Keep one of them and save the file again"
        case .missingColumns(let file, let columns, let found):
            "\(file):1: error: the header has no \(columns.joined(separator: ", ")) column "
                + "(found: \(found.joined(separator: ", "))); save the file from problems.csv, keeping its header row"
        }
    }
}
