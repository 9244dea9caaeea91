import Foundation
import PortBooksRandom
import PortBooksTestSupport
import Testing

@testable import PortBooksReports

@Suite("CSV: hostile input and formula injection")
struct CSVHostileTests {
    /// Characters a spreadsheet or a CSV parser cares about, and Unicode that groups them
    /// differently (`=` + a combining accent is one Character that still starts with `=`).
    static let alphabet: [String] = [
        "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", "''", "\"", ",", ";", " ", "a", "Z", "1", "0", ".", "é",
        "e\u{301}", "\u{301}", "=\u{301}", "-\u{301}", "'\u{301}", "🚚", "\u{FEFF}", "\u{0}", "|", "!", "%", "cmd",
    ]

    static func randomText(using generator: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...10, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "" }
            .joined()
    }

    /// Every file PortBooks writes, by its columns.
    static let headers = [
        ProblemsFile.columns, RunReports.resultColumns, PlanFile.columns,
        ["line", "entity", "portpro_id", "action", "result", "message"],
    ]

    @Test("2,000 random tables survive write → read unchanged, and no written cell would run as a formula")
    func roundTrip() throws {
        var generator = SplitMix64(state: 4_180)
        var neutralised = 0
        for index in 0..<2_000 {
            let header = Self.headers[index % Self.headers.count]
            let rows = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                // The first cell is never blank: a row of only blank cells is skipped by design.
                ["x" + Self.randomText(using: &generator)]
                    + (1..<header.count).map { _ in Self.randomText(using: &generator) }
            }
            let data = CSVWriter.encode(header: header, rows: rows)
            let table = try CSVReader.read(data, knownColumns: header)
            #expect(table.header == header)
            #expect(table.rows.map(\.cells) == rows, "case \(index)")

            // The cells as a spreadsheet sees them, before the reader restores anything.
            var parser = CSVParser(bytes: Array(data.dropFirst(3)), delimiter: UInt8(ascii: ","))
            while let record = try parser.nextRecord() {
                for cell in record.cells {
                    guard let first = cell.unicodeScalars.first else { continue }
                    if first == "'" { neutralised += 1 }
                    #expect(
                        !CSVWriter.formulaStarts.contains(first) || CSVWriter.isPlainNumber(cell),
                        "case \(index): \(cell.debugDescription) would run as a formula")
                }
            }
        }
        #expect(neutralised > 1_000)
    }

    @Test("a combining mark after = , or \" does not hide it: neutralised, quoted and read back by Unicode scalar")
    func combiningMarks() throws {
        for text in ["=\u{301}1+2", "-\u{301}", "'=\u{301}", "@\u{20DD}x"] {
            #expect(CSVWriter.cell(text).hasPrefix("'"), "\(text.debugDescription)")
            let table = try CSVReader.read(CSVWriter.encode(header: ["entity", "note"], rows: [["invoice", text]]))
            #expect(table.rows.first?["note"] == text, "\(text.debugDescription)")
        }
        for text in ["a,\u{301}b", "say \"\u{301}hi", "x;\u{301}", " \u{301}"] {
            #expect(CSVWriter.cell(text).hasPrefix("\""), "\(text.debugDescription) must be quoted")
            let table = try CSVReader.read(
                CSVWriter.encode(header: ["entity", "note", "after"], rows: [["invoice", text, "next"]]))
            #expect(table.rows.first?.cells == ["invoice", text, "next"], "\(text.debugDescription)")
        }
    }

    @Test("1,500 mutated files: a table or an error with a line inside the file, never a crash")
    func mutatedFiles() throws {
        var generator = SplitMix64(state: 6_135)
        let rows = (0..<12).map { row in
            ["invoice", "65a\(row)", "=RSRE_\(row)", "Acme, \"the\" best\nline two", "-12.50", "", "@x", "+1", "\t"]
                + (0..<5).map { _ in Self.randomText(using: &generator) }
        }
        let original = [UInt8](CSVWriter.encode(header: ProblemsFile.columns, rows: rows))
        let pieces: [[UInt8]] =
            ["\"", "\"\"", ",", ";", "\t", "\r", "\n", "\r\n", "'", "="].map { Array($0.utf8) }
            + [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xC3], [0x00], [0x80, 0x80]]
        var errors = 0
        for index in 0..<1_500 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where position < bytes.count:
                    bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1:
                    bytes = Array(bytes[..<position])
                case 2:
                    bytes.removeSubrange(position..<min(bytes.count, position + 8))
                default:
                    bytes.insert(contentsOf: pieces.randomElement(using: &generator) ?? [], at: position)
                }
            }
            // Lines as a spreadsheet user counts them (CRLF, LF or CR ends a line).
            let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false) {
                $0.isNewline
            }.count
            do {
                let table = try CSVReader.read(Data(bytes), knownColumns: ProblemsFile.columns)
                for row in table.rows {
                    #expect(row.cells.count == table.header.count)
                    #expect((1...lines + 1).contains(row.line), "case \(index): row at line \(row.line) of \(lines)")
                }
            } catch {
                errors += 1
                if let line = error.line {
                    #expect((1...lines + 1).contains(line), "case \(index): \(error) in \(lines) lines")
                }
                #expect(!error.message.isEmpty)
            }
        }
        #expect(errors > 100)
    }
}

@Suite("CSV: size limits")
struct CSVLimitTests {
    @Test("a wide header over many short rows is refused before it becomes a billion empty cells")
    func wideHeader() throws {
        let header = "entity,action," + String(repeating: "x,", count: 100_000) + "note\n"
        let data = Data((header + String(repeating: "invoice\n", count: 200)).utf8)
        #expect(throws: CSVError.self) { try CSVReader.read(data) }
        do {
            _ = try CSVReader.read(data)
        } catch {
            #expect(error.message.contains("cells"), "\(error)")
        }
    }

    @Test("unnamed columns at the end of the header (a spreadsheet's formatted columns) are dropped")
    func trailingUnnamedColumns() throws {
        let header = "entity,portpro_id,action" + String(repeating: ",", count: 100_000) + "\n"
        let table = try CSVReader.read(Data((header + String(repeating: "invoice,a1,retry\n", count: 200)).utf8))
        #expect(table.header == ["entity", "portpro_id", "action"])
        #expect(table.rows.count == 200)
        #expect(table.rows.allSatisfy { $0.cells == ["invoice", "a1", "retry"] })
    }

    @Test("a file over 128 MiB is refused by its size, unread")
    func hugeFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("entity,action\n".utf8))
        let handle = try FileHandle(forWritingTo: url)
        // A sparse file: 129 MiB long, nothing written past the header.
        try handle.truncate(atOffset: UInt64(CSVReader.maximumFileBytes + (1 << 20)))
        try handle.close()
        #expect(throws: CSVError.tooLarge(what: "129 MiB", limit: "128 MiB")) {
            try CSVReader.read(contentsOf: url)
        }
    }
}
