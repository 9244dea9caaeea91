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
    /// Reads the file at `url`. `knownColumns` are the column names the caller expects; they
    /// decide which delimiter the header uses.
    public static func read(contentsOf url: URL, knownColumns: [String] = []) throws(CSVError) -> CSVTable {
        try checkSize(of: url)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try read(data, knownColumns: knownColumns)
    }

    /// Reads a whole file's bytes.
    public static func read(_ data: Data, knownColumns: [String] = []) throws(CSVError) -> CSVTable {
        guard data.count <= maximumFileBytes else { throw tooLarge(bytes: data.count) }
        return try read(text: utf8Text(data), knownColumns: knownColumns)
    }

    /// Largest file read (128 MiB): half a million problem rows. The whole file is held in
    /// memory, a few times over while it is decoded, so a bigger one is refused unread.
    public static let maximumFileBytes = 128 << 20
    /// Largest number of cells, short rows padded to the header's width (10 million): a wide
    /// header over many short rows would otherwise turn a few megabytes into gigabytes of
    /// empty cells (a 2 MB header of commas over 1,000 one-letter lines: a billion cells).
    public static let maximumCells = 10_000_000

    /// Throws ``CSVError/tooLarge(what:limit:)`` when the file at `url` is over ``maximumFileBytes``.
    public static func checkSize(of url: URL) throws(CSVError) {
        let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        if size > maximumFileBytes { throw tooLarge(bytes: size) }
    }

    private static func tooLarge(bytes: Int) -> CSVError {
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
        let delimiter = detectDelimiter(bytes, knownColumns: knownColumns)
        var parser = CSVParser(bytes: bytes, delimiter: delimiter)
        var header: (line: Int, cells: [String])?
        while header == nil, let record = try parser.nextRecord() {
            if !isBlank(record.cells) { header = record }
        }
        guard let header else { throw .noHeader }
        var names = header.cells.map(trimmed)
        // Empty names at the end are a spreadsheet's formatted but unnamed columns: no column
        // can be found by them, and padding every row to them only costs memory.
        while names.count > 1, names.last?.isEmpty == true { names.removeLast() }
        var rows: [(line: Int, cells: [String])] = []
        var cellCount = names.count
        while let record = try parser.nextRecord() {
            guard !isBlank(record.cells) else { continue }
            cellCount += names.count
            guard cellCount <= maximumCells else {
                throw .tooLarge(
                    what: "more than \(maximumCells) cells (\(names.count) columns)", limit: "\(maximumCells) cells")
            }
            var cells = record.cells
            if cells.count > names.count {
                let extra = cells[names.count...]
                guard extra.allSatisfy({ trimmed($0).isEmpty }) else {
                    let found = (cells.lastIndex { !trimmed($0).isEmpty } ?? 0) + 1
                    throw .tooManyCells(line: record.line, expected: names.count, found: found)
                }
                cells.removeSubrange(names.count...)
            }
            if cells.count < names.count { cells += Array(repeating: "", count: names.count - cells.count) }
            rows.append((record.line, cells.map(restoredCell)))
        }
        return CSVTable(
            header: names, headerLine: header.line, delimiter: Character(Unicode.Scalar(delimiter)), rows: rows)
    }

    /// The delimiter among `,`, `;` and tab that splits the first non-blank line into the most
    /// known column names; with no known names matching, the one giving the most cells; `,`
    /// when nothing tells them apart.
    static func detectDelimiter(_ bytes: [UInt8], knownColumns: [String]) -> UInt8 {
        let known = Set(knownColumns.map(CSVTable.normalisedName))
        var best: (delimiter: UInt8, known: Int, cells: Int) = (UInt8(ascii: ","), -1, 0)
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")] {
            var parser = CSVParser(bytes: bytes, delimiter: delimiter)
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

/// The RFC 4180 record scanner behind ``CSVReader``: one record per call, with the physical
/// line it starts on. Works on UTF-8 bytes: the delimiter, quote and line ends are ASCII and
/// never occur inside a multi-byte character.
struct CSVParser {
    let bytes: [UInt8]
    let delimiter: UInt8
    private var index = 0
    private var line = 1

    init(bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
    }

    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    /// The next record, or `nil` at the end of the text.
    mutating func nextRecord() throws(CSVError) -> (line: Int, cells: [String])? {
        guard index < bytes.count else { return nil }
        let start = line
        var cells: [String] = []
        while true {
            let cell = try nextCell()
            cells.append(cell)
            guard index < bytes.count else { return (start, cells) }
            let byte = bytes[index]
            if byte == delimiter {
                index += 1
                continue
            }
            consumeLineEnd()
            return (start, cells)
        }
    }

    /// Reads one cell and stops at the delimiter, a line end or the end, without consuming it.
    private mutating func nextCell() throws(CSVError) -> String {
        guard index < bytes.count, bytes[index] == Self.quote else {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == delimiter || byte == Self.carriageReturn || byte == Self.lineFeed { break }
                if byte == Self.quote { throw .quoteInUnquotedCell(line: line) }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let openedOn = line
        index += 1
        var cell: [UInt8] = []
        while true {
            guard index < bytes.count else { throw .unterminatedQuote(line: openedOn) }
            let byte = bytes[index]
            if byte == Self.quote {
                if index + 1 < bytes.count, bytes[index + 1] == Self.quote {
                    cell.append(Self.quote)
                    index += 2
                    continue
                }
                index += 1
                break
            }
            if byte == Self.carriageReturn {
                if index + 1 < bytes.count, bytes[index + 1] == Self.lineFeed {
                    cell.append(byte)
                    index += 1
                }
                line += 1
            } else if byte == Self.lineFeed {
                line += 1
            }
            cell.append(bytes[index])
            index += 1
        }
        if index < bytes.count {
            let byte = bytes[index]
            guard byte == delimiter || byte == Self.carriageReturn || byte == Self.lineFeed else {
                throw .textAfterClosingQuote(line: line)
            }
        }
        return String(decoding: cell, as: UTF8.self)
    }

    /// Consumes one line end (CRLF, LF or CR) at the current position.
    private mutating func consumeLineEnd() {
        guard index < bytes.count else { return }
        if bytes[index] == Self.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == Self.lineFeed {
            index += 2
        } else {
            index += 1
        }
        line += 1
    }
}
