import Foundation
import PortBooksRandom
import Testing

@testable import PortBooksReports

/// The row-at-a-time reader (``CSVRowReader``) against the whole-file reader: the same rows
/// from a file of many read buffers, whatever the encoding a spreadsheet saved it in.
@Suite("CSV: reading a row at a time")
struct CSVStreamingTests {
    private func file(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).csv")
        try data.write(to: url)
        return url
    }

    private func rows(_ url: URL) throws -> (header: [String], rows: [[String]], lines: [Int]) {
        let reader = try CSVRowReader(contentsOf: url, knownColumns: ProblemsFile.columns)
        var rows: [[String]] = []
        var lines: [Int] = []
        while let row = try reader.next() {
            rows.append(row.cells)
            lines.append(row.line)
        }
        return (reader.header, rows, lines)
    }

    @Test("UTF-8 (BOM or not), UTF-16 LE and BE, and Windows-1252 files read row by row as they read whole")
    func encodings() throws {
        var generator = SplitMix64(state: 7_919)
        let header = ProblemsFile.columns
        // Enough rows to span several 64 KiB pieces, with quoted line breaks, quotes, commas and
        // multi-byte characters falling on piece edges.
        let table = (0..<2_500).map { index in
            [String(index)] + (1..<header.count).map { _ in CSVHostileTests.randomText(using: &generator) }
        }
        let written = CSVWriter.encode(header: header, rows: table)
        let expected = try CSVReader.read(written, knownColumns: header)
        #expect(written.count > 4 * CSVByteSource.pieceSize)

        let text = String(decoding: written.dropFirst(3), as: UTF8.self)
        var encodings: [(String, Data)] = [("utf-8 with BOM", written), ("utf-8", Data(written.dropFirst(3)))]
        var little = Data([0xFF, 0xFE])
        var big = Data([0xFE, 0xFF])
        for unit in text.utf16 {
            little.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)])
            big.append(contentsOf: [UInt8(unit >> 8), UInt8(unit & 0xFF)])
        }
        encodings += [("utf-16le", little), ("utf-16be", big)]
        for (name, data) in encodings {
            let url = try file(data)
            defer { try? FileManager.default.removeItem(at: url) }
            let read = try rows(url)
            #expect(read.header == expected.header, "\(name)")
            #expect(read.rows == expected.rows.map(\.cells), "\(name)")
            #expect(read.lines == expected.rows.map(\.line), "\(name)")
        }

        // Excel's "CSV" on Windows: Windows-1252, no BOM (é, €, curly quotes).
        let latin = "entity,portpro_id,action,note\r\ninvoice,i1,retry,caf\u{E9} \u{80}5 \u{93}ok\u{94}\r\n"
        let bytes = latin.unicodeScalars.map { scalar -> UInt8 in
            switch scalar.value {
            case 0x80: 0x80
            case 0x93: 0x93
            case 0x94: 0x94
            default: UInt8(scalar.value)
            }
        }
        let url = try file(Data(bytes))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try rows(url).rows == [["invoice", "i1", "retry", "café €5 “ok”"]])
    }

    @Test("a malformed row deep in a long file is an error with its line, found when the reader reaches it")
    func lateError() throws {
        var text = "entity,portpro_id,action\r\n"
        for index in 0..<20_000 { text += "invoice,i\(index),retry\r\n" }
        text += "invoice,\"open,retry\r\n"
        let url = try file(Data(text.utf8))
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try CSVRowReader(contentsOf: url)
        var count = 0
        do {
            while try reader.next() != nil { count += 1 }
            Issue.record("the unterminated quote was not found")
        } catch {
            #expect(error == .unterminatedQuote(line: 20_002))
        }
        #expect(count == 20_000)
    }
}
