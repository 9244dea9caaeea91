/// The RFC 4180 record scanner behind ``CSVReader``: one record per call, with the physical
/// line it starts on. Works on UTF-8 bytes: the delimiter, quote and line ends are ASCII and
/// never occur inside a multi-byte character.
///
/// Memory is one record, whatever the file: a record holds at most ``CSVReader/maximumRowBytes``
/// of text and no cell past column ``CSVReader/maximumColumns`` (``CSVError/rowTooLarge(line:what:limit:)``
/// otherwise, found while the record is read, before it is held). Empty cells at the end of a
/// record — a spreadsheet's formatted but empty columns, or a line of nothing but delimiters —
/// are counted, not kept: a record of 60 million commas costs no memory, where it used to cost
/// gigabytes of empty strings. Callers pad rows to the header's width.
struct CSVParser {
    let source: CSVByteSource
    let delimiter: UInt8
    private var line = 1
    /// The bytes of the cell being read, reused from cell to cell.
    private var cell: [UInt8] = []
    /// The record limits; only the delimiter guess, over a bounded look-ahead, lifts them.
    var maximumColumns = CSVReader.maximumColumns
    var maximumRowBytes = CSVReader.maximumRowBytes

    init(source: CSVByteSource, delimiter: UInt8) {
        self.source = source
        self.delimiter = delimiter
    }

    /// A scanner over UTF-8 bytes already in memory.
    init(bytes: [UInt8], delimiter: UInt8) {
        self.init(source: CSVByteSource(bytes: bytes), delimiter: delimiter)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    /// The next record (its empty cells at the end left out), or `nil` at the end of the text.
    mutating func nextRecord() throws(CSVError) -> (line: Int, cells: [String])? {
        guard try source.peek() != nil else { return nil }
        let start = line
        var cells: [String] = []
        /// Empty cells read since the last non-empty one: kept only if a non-empty cell follows.
        var emptyCells = 0
        var bytes = 0
        while true {
            try readCell(room: maximumRowBytes - bytes, row: start)
            if cell.isEmpty {
                emptyCells += 1
            } else {
                let column = cells.count + emptyCells + 1
                guard column <= maximumColumns else {
                    throw .rowTooLarge(
                        line: start, what: "a cell in column \(column.grouped)",
                        limit: "\(maximumColumns.grouped) columns, as in Excel and LibreOffice")
                }
                if emptyCells > 0 {
                    cells.append(contentsOf: repeatElement("", count: emptyCells))
                    emptyCells = 0
                }
                cells.append(String(decoding: cell, as: UTF8.self))
                bytes += cell.count
            }
            guard let byte = try source.peek() else { return (start, cells) }
            if byte == delimiter {
                source.advance()
                continue
            }
            try consumeLineEnd()
            return (start, cells)
        }
    }

    /// Reads one cell into ``cell`` and stops at the delimiter, a line end or the end, without
    /// consuming it. The cell may hold `room` bytes at most: the rest of the record's allowance.
    private mutating func readCell(room: Int, row: Int) throws(CSVError) {
        cell.removeAll(keepingCapacity: true)
        guard try source.peek() == Self.quote else {
            while let byte = try source.peek() {
                if byte == delimiter || byte == Self.carriageReturn || byte == Self.lineFeed { break }
                if byte == Self.quote { throw .quoteInUnquotedCell(line: line) }
                try append(byte, room: room, row: row)
                source.advance()
            }
            return
        }
        let openedOn = line
        source.advance()
        while true {
            guard let byte = try source.peek() else { throw .unterminatedQuote(line: openedOn) }
            source.advance()
            if byte == Self.quote {
                if try source.peek() == Self.quote {
                    try append(Self.quote, room: room, row: row)
                    source.advance()
                    continue
                }
                break
            }
            if byte == Self.carriageReturn {
                try append(byte, room: room, row: row)
                if try source.peek() == Self.lineFeed {
                    try append(Self.lineFeed, room: room, row: row)
                    source.advance()
                }
                line += 1
                continue
            }
            if byte == Self.lineFeed { line += 1 }
            try append(byte, room: room, row: row)
        }
        if let byte = try source.peek() {
            guard byte == delimiter || byte == Self.carriageReturn || byte == Self.lineFeed else {
                throw .textAfterClosingQuote(line: line)
            }
        }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8, room: Int, row: Int) throws(CSVError) {
        guard cell.count < room else {
            throw .rowTooLarge(
                line: row, what: "more than \(maximumRowBytes >> 20) MiB of text",
                limit: "\(maximumRowBytes >> 20) MiB; Excel keeps at most 32,767 characters in a cell")
        }
        cell.append(byte)
    }

    /// Consumes one line end (CRLF, LF or CR) at the current position.
    private mutating func consumeLineEnd() throws(CSVError) {
        guard let byte = try source.peek() else { return }
        source.advance()
        if byte == Self.carriageReturn, try source.peek() == Self.lineFeed { source.advance() }
        line += 1
    }
}

extension Int {
    /// `16,384`: a count for a message, grouped by thousands whatever the locale.
    fileprivate var grouped: String {
        let digits = String(self)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
