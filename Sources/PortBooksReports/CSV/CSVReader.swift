import Foundation
import PortBooksCore

/// Reads a CSV file strictly by RFC 4180, as Excel and LibreOffice save it: with or without a
/// BOM; CRLF, LF or CR line ends; `,`, `;` or tab between cells (chosen from the header line);
/// quoted cells with embedded line breaks and doubled quotes. Every row carries the physical
/// line it starts on, and every malformed input is a ``CSVError`` with that line — never a
/// silent skip (shared/PITFALLS.md 6: this is why the project does not use yaslab/CSV.swift).
///
/// Also: blank rows (every cell empty) are left out; a short row is padded with empty cells;
/// a row with more cells than the header is an error unless the extra cells are empty (a
/// spreadsheet's formatted but empty columns); a cell the writer neutralised (`'=…`) gets its
/// text back (``restoredCell(_:)``). UTF-16 files (Excel's "Unicode text") and files that are
/// not valid UTF-8 (Excel's Windows-1252 "CSV") are decoded too.
public enum CSVReader {
    /// Reads the file at `url` whole. `knownColumns` are the column names the caller expects;
    /// they decide which delimiter the header uses. (A file too long to hold is read a row at
    /// a time with ``CSVRowReader``.)
    public static func read(contentsOf url: URL, knownColumns: [String] = []) throws(CSVError) -> CSVTable {
        try table(from: CSVRowReader(contentsOf: url, knownColumns: knownColumns))
    }

    /// Reads a whole file's bytes.
    public static func read(_ data: Data, knownColumns: [String] = []) throws(CSVError) -> CSVTable {
        guard data.count <= maximumFileBytes else { throw tooLarge(bytes: data.count) }
        return try read(text: utf8Text(data), knownColumns: knownColumns)
    }

    /// Largest file read (128 MiB): half a million problem rows; a bigger one is refused
    /// unread, as no problem list is that long.
    public static let maximumFileBytes = 128 << 20
    /// Largest number of cells, short rows padded to the header's width (10 million): a wide
    /// header over many short rows would otherwise turn a few megabytes into gigabytes of
    /// empty cells (a 2 MB header of commas over 1,000 one-letter lines: a billion cells).
    public static let maximumCells = 10_000_000
    /// Widest row read: a non-empty cell past column 16,384 — the last column of an Excel or
    /// LibreOffice sheet (XFD) — is refused with its line (``CSVError/rowTooLarge(line:what:limit:)``).
    /// Empty cells past it are a spreadsheet's formatted columns and are ignored, however many.
    public static let maximumColumns = 16_384
    /// Most text one row may hold (4 MiB): a problems.csv row is a few hundred bytes, and Excel
    /// keeps at most 32,767 characters in a cell. With ``maximumColumns`` it bounds what reading
    /// a row costs, whatever the file: without it, one 100 MB cell took 270 MB to read.
    public static let maximumRowBytes = 4 << 20

    /// Throws ``CSVError/tooLarge(what:limit:)`` when the file at `url` is over ``maximumFileBytes``.
    public static func checkSize(of url: URL) throws(CSVError) {
        let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        if size > maximumFileBytes { throw tooLarge(bytes: size) }
    }

    static func tooLarge(bytes: Int) -> CSVError {
        .tooLarge(what: "\(bytes >> 20) MiB", limit: "\(maximumFileBytes >> 20) MiB")
    }

    /// Reads text already decoded.
    public static func read(_ text: String, knownColumns: [String] = []) throws(CSVError) -> CSVTable {
        var bytes = Array(text.utf8)
        if bytes.starts(with: byteOrderMark) { bytes.removeFirst(byteOrderMark.count) }
        return try read(text: bytes, knownColumns: knownColumns)
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// A cell as the writer meant it: the `'` that ``CSVWriter`` put before a cell starting
    /// with `= + - @`, tab or CR is removed (one `'`, so a cell that really began with `'=`
    /// survives a round trip as well).
    ///
    /// Looks at Unicode scalars, as ``CSVWriter/needsNeutralising(_:)`` does: `=` followed by
    /// a combining mark is one `Character` that is not `=`, but a spreadsheet still sees `=`.
    public static func restoredCell(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'" else { return cell }
        guard let next = scalars.first(where: { $0 != "'" }), CSVWriter.formulaStarts.contains(next) else {
            return cell
        }
        return String(scalars.dropFirst())
    }

    // MARK: Decoding

    /// The file as UTF-8 bytes without a BOM.
    static func utf8Text(_ data: Data) -> [UInt8] {
        let bytes = [UInt8](data)
        if bytes.starts(with: byteOrderMark) { return Array(bytes.dropFirst(byteOrderMark.count)) }
        if bytes.starts(with: [0xFF, 0xFE]), let text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian) {
            return Array(text.utf8)
        }
        if bytes.starts(with: [0xFE, 0xFF]), let text = String(data: data.dropFirst(2), encoding: .utf16BigEndian) {
            return Array(text.utf8)
        }
        if String(validating: bytes, as: UTF8.self) != nil { return bytes }
        if let text = String(data: data, encoding: .windowsCP1252) ?? String(data: data, encoding: .isoLatin1) {
            return Array(text.utf8)
        }
        return Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    // MARK: Table

    static func read(text bytes: [UInt8], knownColumns: [String]) throws(CSVError) -> CSVTable {
        try table(from: CSVRowReader(source: CSVByteSource(bytes: bytes), knownColumns: knownColumns))
    }

    private static func table(from reader: CSVRowReader) throws(CSVError) -> CSVTable {
        var rows: [(line: Int, cells: [String])] = []
        while let row = try reader.next() { rows.append(row) }
        return CSVTable(header: reader.header, headerLine: reader.headerLine, delimiter: reader.delimiter, rows: rows)
    }

    /// The delimiter among `,`, `;` and tab that splits the first non-blank line into the most
    /// known column names; with no known names matching, the one giving the most cells; `,`
    /// when nothing tells them apart.
    static func detectDelimiter(_ bytes: [UInt8], knownColumns: [String]) -> UInt8 {
        let known = Set(knownColumns.map(CSVTable.normalisedName))
        var best: (delimiter: UInt8, known: Int, cells: Int) = (UInt8(ascii: ","), -1, 0)
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")] {
            var parser = CSVParser(source: CSVByteSource(bytes: bytes), delimiter: delimiter)
            // The look-ahead is bounded: a header too wide for the reader is still split by the
            // delimiter that splits it, so that the reader refuses it for its width.
            parser.maximumColumns = .max
            parser.maximumRowBytes = .max
            var cells: [String] = []
            while let record = try? parser.nextRecord() {
                if !isBlank(record.cells) {
                    cells = record.cells
                    break
                }
            }
            let matches = cells.filter { known.contains(CSVTable.normalisedName($0)) }.count
            if matches > best.known || (matches == best.known && cells.count > best.cells) {
                best = (delimiter, matches, cells.count)
            }
        }
        return best.delimiter
    }

    static func isBlank(_ cells: [String]) -> Bool {
        cells.allSatisfy { trimmed($0).isEmpty }
    }

    static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A CSV file read a row at a time, with the checks of ``CSVReader``: memory is one row and a
/// buffer, whatever the file's size (a resolution file of a million rows is read in a few
/// megabytes).
///
/// The header is read (and the delimiter chosen) when the reader is made; ``next()`` then
/// hands out each data row padded to the header's width, blank rows left out, neutralised
/// cells restored, and throws ``CSVError`` — with the line — at the first malformed row, or
/// once the rows pass ``CSVReader/maximumCells``.
///
/// Not thread-safe.
public final class CSVRowReader {
    /// The header cells as written (trimmed), unnamed columns at the end dropped.
    public let header: [String]
    /// The physical line of the header.
    public let headerLine: Int
    /// The cell separator: `,`, `;` or tab.
    public let delimiter: Character
    private var parser: CSVParser
    private var cellCount: Int

    /// Opens the file at `url` (refused unread over ``CSVReader/maximumFileBytes``) and reads
    /// its header; `knownColumns` decide the delimiter.
    public convenience init(contentsOf url: URL, knownColumns: [String] = []) throws(CSVError) {
        try CSVReader.checkSize(of: url)
        try self.init(source: CSVByteSource(url: url), knownColumns: knownColumns)
    }

    init(source: CSVByteSource, knownColumns: [String]) throws(CSVError) {
        // The header line decides the delimiter; 1 MiB of it is plenty to count known names.
        let delimiter = CSVReader.detectDelimiter(try source.lookahead(1 << 20), knownColumns: knownColumns)
        var parser = CSVParser(source: source, delimiter: delimiter)
        var found: (line: Int, cells: [String])?
        while found == nil, let record = try parser.nextRecord() {
            if !CSVReader.isBlank(record.cells) { found = record }
        }
        guard let found else { throw .noHeader }
        var names = found.cells.map(CSVReader.trimmed)
        // Empty names at the end are a spreadsheet's formatted but unnamed columns: no column
        // can be found by them, and padding every row to them only costs memory.
        while names.count > 1, names.last?.isEmpty == true { names.removeLast() }
        header = names
        headerLine = found.line
        self.delimiter = Character(Unicode.Scalar(delimiter))
        self.parser = parser
        cellCount = names.count
    }

    /// The next non-blank data row, or `nil` at the end of the file.
    public func next() throws(CSVError) -> (line: Int, cells: [String])? {
        while let record = try parser.nextRecord() {
            guard !CSVReader.isBlank(record.cells) else { continue }
            cellCount += max(header.count, record.cells.count)
            guard cellCount <= CSVReader.maximumCells else {
                throw .tooLarge(
                    what: "more than \(CSVReader.maximumCells) cells (\(header.count) columns)",
                    limit: "\(CSVReader.maximumCells) cells")
            }
            var cells = record.cells
            if cells.count > header.count {
                let extra = cells[header.count...]
                guard extra.allSatisfy({ CSVReader.trimmed($0).isEmpty }) else {
                    let found = (cells.lastIndex { !CSVReader.trimmed($0).isEmpty } ?? 0) + 1
                    throw .tooManyCells(line: record.line, expected: header.count, found: found)
                }
                cells.removeSubrange(header.count...)
            }
            if cells.count < header.count { cells += Array(repeating: "", count: header.count - cells.count) }
            return (record.line, cells.map(CSVReader.restoredCell))
        }
        return nil
    }
}
