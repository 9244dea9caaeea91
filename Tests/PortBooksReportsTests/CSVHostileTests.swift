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
        let header = "entity,action," + String(repeating: "x,", count: 16_000) + "note\n"
        let data = Data((header + String(repeating: "invoice\n", count: 700)).utf8)
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

    @Test("empty cells at the end of a row are counted, not kept: a line of a million commas costs nothing")
    func trailingEmptyCells() throws {
        let commas = String(repeating: ",", count: 1_000_000)
        var parser = CSVParser(bytes: Array("invoice,i3,retry\(commas)\r\nnext,,\(commas)x\r\n".utf8), delimiter: 44)
        let first = try parser.nextRecord()
        #expect(first?.cells == ["invoice", "i3", "retry"])
        // A non-empty cell after them brings the empty cells back: positions are kept.
        do {
            _ = try parser.nextRecord()
            Issue.record("a cell in column 1,000,003 was accepted")
        } catch {
            #expect(
                error
                    == .rowTooLarge(
                        line: 2, what: "a cell in column 1,000,003",
                        limit: "16,384 columns, as in Excel and LibreOffice"))
        }
        var short = CSVParser(bytes: Array("a,,,b,,,\n".utf8), delimiter: 44)
        #expect(try short.nextRecord()?.cells == ["a", "", "", "b"])

        let table = try CSVReader.read(Data("entity,portpro_id,action,note\r\ninvoice,i3,retry\(commas)\r\n".utf8))
        #expect(table.rows.map(\.cells) == [["invoice", "i3", "retry", ""]])
    }

    @Test(
        "a cell past column 16,384 (the widest spreadsheet) is refused with its line, in the header or a row",
        arguments: [
            (
                "header",
                "entity,action," + Array(repeating: "x", count: 16_383).joined(separator: ",")
                    + "\r\ninvoice,retry\r\n", 1, 16_385
            ),
            (
                "row",
                "entity,action\r\ninvoice,retry\r\ninvoice," + String(repeating: ",", count: 19_998) + "note\r\n", 3,
                20_000
            ),
        ])
    func tooManyColumns(where: String, text: String, line: Int, column: Int) throws {
        let expected = CSVError.rowTooLarge(
            line: line, what: "a cell in column \(column / 1000),\(String(column % 1000).leftPadded(3))",
            limit: "16,384 columns, as in Excel and LibreOffice")
        #expect(throws: expected) { try CSVReader.read(Data(text.utf8)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wide-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        #expect(throws: expected) {
            let reader = try CSVRowReader(contentsOf: url)
            while try reader.next() != nil {}
        }
        // The widest sheet itself reads.
        let widest = Array(repeating: "x", count: 16_382).joined(separator: ",")
        let table = try CSVReader.read(Data("entity,action,\(widest)\r\ninvoice,retry\r\n".utf8))
        #expect(table.header.count == 16_384)
    }

    @Test("a row over 4 MiB is refused with its line before it is held; Excel's longest cells in every column read")
    func rowTooLarge() throws {
        let huge = String(repeating: "a", count: 5 << 20)
        for text in [
            "entity,action,note\r\ninvoice,retry,ok\r\ninvoice,retry,\"\(huge)\"\r\n",
            "entity,action,note\r\ninvoice,retry,ok\r\ninvoice,retry,\(huge)\r\n",
            "entity,action,note\r\ninvoice,retry,ok\r\n"
                + Array(repeating: String(repeating: "b", count: 1 << 20), count: 5).joined(separator: ",") + "\r\n",
        ] {
            #expect(
                throws: CSVError.rowTooLarge(
                    line: 3, what: "more than 4 MiB of text",
                    limit: "4 MiB; Excel keeps at most 32,767 characters in a cell")
            ) { try CSVReader.read(Data(text.utf8)) }
        }
        // Excel's longest cell (32,767 characters), multi-byte, in each of problems.csv's columns.
        let longest = String(repeating: "é", count: 32_767)
        let row = Array(repeating: longest, count: ProblemsFile.columns.count)
        let table = try CSVReader.read(CSVWriter.encode(header: ProblemsFile.columns, rows: [row]))
        #expect(table.rows.first?.cells == row)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
