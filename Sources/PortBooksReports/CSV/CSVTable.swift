import PortBooksCore

/// A CSV file as rows under a header, with columns found by header name, so an accountant
/// may reorder columns or add their own (shared/DESIGN.md "Problem and result files").
///
/// Header names match by ``normalisedName(_:)``: case and separators do not matter
/// (`Portpro ID` finds `portpro_id`). When a name appears twice the first column wins;
/// ``requireColumns(_:)`` refuses a duplicate of a column the caller needs.
public struct CSVTable: Hashable, Sendable {
    /// One data row: its cells (as many as the header has columns: a short row is padded
    /// with empty cells) and the physical line it starts on.
    public struct Row: Hashable, Sendable {
        /// The 1-based physical line where the row starts (embedded line breaks counted).
        public let line: Int
        public let cells: [String]
        let columns: [String: Int]

        /// The cell under the column named `column`; `nil` when the table has no such column.
        public subscript(column: String) -> String? {
            guard let index = columns[CSVTable.normalisedName(column)], index < cells.count else { return nil }
            return cells[index]
        }
    }

    /// The header cells as written (trimmed).
    public let header: [String]
    /// The physical line of the header (1 unless blank lines come first).
    public let headerLine: Int
    /// The cell separator the file uses: `,`, `;` or tab.
    public let delimiter: Character
    /// The data rows, blank rows left out.
    public let rows: [Row]
    let columns: [String: Int]

    /// A table from a header and rows of cells (to write, or in tests); row lines are counted
    /// as a writer would put them: the header on line 1, one line per row.
    public init(header: [String], rows: [[String]], delimiter: Character = ",") {
        self.init(
            header: header, headerLine: 1, delimiter: delimiter,
            rows: rows.enumerated().map { (line: $0.offset + 2, cells: $0.element) })
    }

    init(header: [String], headerLine: Int, delimiter: Character, rows: [(line: Int, cells: [String])]) {
        var columns: [String: Int] = [:]
        for (index, name) in header.enumerated() where columns[Self.normalisedName(name)] == nil {
            columns[Self.normalisedName(name)] = index
        }
        self.header = header
        self.headerLine = headerLine
        self.delimiter = delimiter
        self.columns = columns
        self.rows = rows.map { Row(line: $0.line, cells: $0.cells, columns: columns) }
    }

    /// The index of the column named `name`, if the header has it.
    public func columnIndex(_ name: String) -> Int? {
        columns[Self.normalisedName(name)]
    }

    /// Throws ``CSVError/missingColumns(_:line:)`` naming every one of `names` the header
    /// lacks, or ``CSVError/duplicateColumn(_:line:)`` when one of them appears twice.
    public func requireColumns(_ names: [String]) throws(CSVError) {
        let missing = names.filter { columnIndex($0) == nil }
        guard missing.isEmpty else { throw .missingColumns(missing, line: headerLine) }
        for name in names {
            let wanted = Self.normalisedName(name)
            if header.filter({ Self.normalisedName($0) == wanted }).count > 1 {
                throw .duplicateColumn(name, line: headerLine)
            }
        }
    }

    /// How header names compare: lower-case words joined by `_`, whatever separated them
    /// (`Portpro ID`, `portpro-id` and `PORTPRO_ID` are all `portpro_id`).
    public static func normalisedName(_ name: String) -> String {
        name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "_")
    }
}
