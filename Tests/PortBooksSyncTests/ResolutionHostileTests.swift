import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports
import Testing

@testable import PortBooksSync

/// Resolution files that try to mean something else (README "Hostile input"): control
/// characters in cells, a header naming a column twice; and a file read from disk a row at a
/// time gives what the same bytes read whole give.
@Suite("Resolution files: control characters, duplicate columns, streaming")
struct ResolutionHostileTests {
    private func rejected(_ outcome: ResolutionOutcome) -> [Int: String] {
        Dictionary(
            uniqueKeysWithValues: outcome.rows.filter { $0.result == .rejected }.map { ($0.line, $0.message) })
    }

    @Test("a control character in an action, an id or an entity rejects the row; `re\\0try` is not retry")
    func controlCharacters() async throws {
        let fixture = try ResolutionFixture()
        let before = try fixture.snapshot()
        let text =
            "entity,portpro_id,action,note\r\n" + "invoice,i3,re\u{0}try,\r\n" + "invoice,i3\u{0},retry,\r\n"
            + "invo\u{1B}ice,i3,retry,\r\n" + "invoice,i3,re\u{9B}try,\r\n" + "invoice,i3,retry,bell\u{7}\r\n"
        let outcome = try await fixture.resolve(text)
        let lines = rejected(outcome)
        #expect(lines.keys.sorted() == [2, 3, 4, 5, 6], "\(lines)")
        #expect(lines[2]?.contains("the action cell \"re\\u{0}try\" holds the control character U+0000") == true)
        #expect(lines[3]?.contains("the portpro_id cell") == true)
        #expect(lines[4]?.contains("the entity cell") == true)
        #expect(lines[5]?.contains("U+009B") == true)
        #expect(lines[6]?.contains("the note cell") == true)
        #expect(outcome.applied == 0)
        #expect(try fixture.snapshot() == before)
        // Diagnostics carry the cell escaped: one line each.
        #expect(outcome.diagnostics.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 } })
    }

    @Test("invisible or stray characters inside an action make it unknown; punctuation around it does not")
    func actionSpellings() {
        #expect(ResolutionAction(spelling: "re\u{0}try") == nil)
        #expect(ResolutionAction(spelling: "re\u{200B}try") == nil)
        #expect(ResolutionAction(spelling: "re.try") == nil)
        #expect(ResolutionAction(spelling: "retry.") == .retry)
        #expect(ResolutionAction(spelling: "  Mark as paid! ") == .markPaid)
        #expect(RecordKind(entitySpelling: "in\u{0}voice") == nil)
    }

    @Test(
        "a header naming a column PortBooks reads twice is an error naming it; the accountant's own columns may repeat",
        arguments: [
            ("entity,portpro_id,action,action\r\ninvoice,i3,retry,clear\r\n", "`action` 2 times (columns 3, 4)"),
            ("entity,PortPro ID,portpro_id,action\r\ninvoice,i3,i2,retry\r\n", "`portpro_id` 2 times (columns 2, 3)"),
            ("entity,portpro_id,action,Notes,note\r\ninvoice,i3,retry,a,b\r\n", "`note` 2 times (columns 4, 5)"),
        ])
    func duplicateColumns(text: String, words: String) throws {
        do {
            _ = try ResolutionFile.parse(Data(text.utf8), name: "dup.csv")
            Issue.record("a duplicate column was accepted")
        } catch let error as ResolutionError {
            #expect("\(error)".hasPrefix("dup.csv:1: error: the header has the column \(words)"), "\(error)")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dup-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        #expect(throws: ResolutionError.self) { try ResolutionFile.read(url) }
        let own = try ResolutionFile.parse(
            Data("entity,portpro_id,action,mine,mine\r\ninvoice,i3,retry,a,b\r\n".utf8), name: "own.csv")
        #expect(own.name == "own.csv")
    }

    @Test("a file read from disk a row at a time gives the outcome the same bytes give read whole")
    func streamingEqualsWhole() async throws {
        // Rows that apply, repeat a record, are rejected and are ignored, many times over, so that
        // the file spans many read buffers and quoted notes cross their edges.
        var text = "\u{FEFF}entity,portpro_id,number,action,note\r\n"
        let note = "\"a note, with \"\"quotes\"\" and a line\nbreak " + String(repeating: "x", count: 200) + "\""
        for index in 0..<3_000 {
            switch index % 4 {
            case 0: text += "invoice,nope\(index),,retry,\(note)\r\n"
            case 1: text += "invoice,,,,\(note)\r\n"
            case 2: text += "payment,p1,,clear,\r\n"
            default: text += "customer,c1,,retry,é\r\n"
            }
        }
        let data = Data(text.utf8)
        #expect(data.count > 4 * 65_536, "several of the reader's 64 KiB pieces")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)

        func run(_ file: ResolutionFile) async throws -> (ResolutionOutcome, Data) {
            let fixture = try ResolutionFixture()
            let planner = ResolutionPlanner(ledger: fixture.ledger)
            let survey = try await planner.survey(file) { FakeQuickBooks() }
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("r-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: report) }
            let writer = try CSVFileWriter(url: report, header: ResolutionReport.columns)
            let outcome = try ResolutionApplier(ledger: fixture.ledger, runID: "r1").apply(
                file, survey: survey, planner: planner, partial: false, dryRun: false, report: writer)
            try writer.finish()
            return (outcome, try Data(contentsOf: report))
        }
        let (whole, wholeReport) = try await run(try ResolutionFile.parse(data, name: "f.csv"))
        let (streamed, streamedReport) = try await run(try ResolutionFile.read(url))
        #expect(whole.counts == streamed.counts)
        #expect(whole.counts[.rejected] == 3_000 - 750, "\(whole.counts)")
        #expect(whole.rows == streamed.rows)
        #expect(whole.rows.count == ResolutionOutcome.keptRows)
        #expect(wholeReport == streamedReport)
        #expect(streamed.diagnostics.count == ResolutionOutcome.keptRejections + 1)
        #expect(streamed.diagnostics.last?.contains("more rejected row(s)") == true)
    }

    @Test(
        "one record named on 5,000 rows: every row rejected with a short message naming two lines and counting the rest"
    )
    func oneRecordManyTimes() async throws {
        let fixture = try ResolutionFixture()
        var text = "entity,portpro_id,action\r\n"
        for _ in 0..<5_000 { text += "invoice,i3,retry\r\n" }
        let outcome = try await fixture.resolve(text)
        #expect(outcome.rejected == 5_000)
        let messages = outcome.rows.map(\.message)
        #expect(messages[0] == "the same record is also on line 3 and 4998 other row(s); keep one row per record")
        #expect(
            messages[2] == "the same record is also on line 2, line 3 and 4997 other row(s); keep one row per record")
        #expect(messages.allSatisfy { $0.count < 120 })

        var mixed = "entity,portpro_id,action\r\n"
        for index in 0..<1_000 { mixed += "invoice,i3,\(index == 500 ? "clear" : "retry")\r\n" }
        let conflicting = try await fixture.resolve(mixed)
        #expect(
            conflicting.rows[0].message
                == "conflicting actions for one record (retry on line 2, retry on line 3, and 998 more row(s)); keep one row per record"
        )
    }

    @Test("a file changed between the check and the apply changes nothing")
    func changedBetweenPasses() async throws {
        let fixture = try ResolutionFixture()
        let before = try fixture.snapshot()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("moving-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("entity,portpro_id,action\r\ninvoice,i3,retry\r\n".utf8).write(to: url)
        let file = try ResolutionFile.read(url)
        let planner = ResolutionPlanner(ledger: fixture.ledger)
        let survey = try await planner.survey(file) { FakeQuickBooks() }
        try Data("entity,portpro_id,action\r\ninvoice,i3,retry\r\ninvoice,i2,clear\r\n".utf8).write(to: url)
        #expect(throws: ResolutionError.self) {
            try ResolutionApplier(ledger: fixture.ledger, runID: "r1").apply(
                file, survey: survey, planner: planner, partial: false, dryRun: false)
        }
        #expect(try fixture.snapshot() == before)
    }

    @Test(
        "long cells are clipped in what is kept across rows (the rows printed, records named twice); the report has them whole"
    )
    func longCellsClipped() async throws {
        let fixture = try ResolutionFixture()
        let long = String(repeating: "x", count: 100_000)
        let dots = String(repeating: ".", count: 100_000)
        let text =
            "entity,portpro_id,action\r\n" + "invoice,\(long),retry\r\n" + "invoice,i3,\(long)\r\n"
            + "\(long),i3,retry\r\n" + "invoice,i2,clear\r\n" + "invoice,i2,retry\(dots)\r\n"
        let file = try ResolutionFile.parse(Data(text.utf8), name: "long.csv")
        let planner = ResolutionPlanner(ledger: fixture.ledger)
        let survey = try await planner.survey(file) { FakeQuickBooks() }
        // The record named twice keeps its second row's spelling of the action, clipped.
        let i2 = try fixture.record(.invoice, "i2")
        let second = try #require(survey.repeated[i2.id]?.second)
        #expect(second.spelled.unicodeScalars.count == ResolutionOutcome.keptCellLength + 1, "clipped, with …")
        #expect(second.spelled.hasPrefix("retry...") && second.spelled.hasSuffix("…"))

        let report = FileManager.default.temporaryDirectory.appendingPathComponent("r-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: report) }
        let writer = try CSVFileWriter(url: report, header: ResolutionReport.columns)
        let outcome = try ResolutionApplier(ledger: fixture.ledger, runID: "r1").apply(
            file, survey: survey, planner: planner, partial: false, dryRun: false, report: writer)
        try writer.finish()
        #expect(outcome.rejected == 5)
        #expect(outcome.rows.count == 5 && outcome.rejections.count == 5)
        for row in outcome.rows + outcome.rejections {
            for cell in [row.entity, row.portproID, row.action] {
                #expect(cell.unicodeScalars.count <= ResolutionOutcome.keptCellLength + 1)
            }
            #expect(row.message.unicodeScalars.count <= ResolutionOutcome.keptMessageLength + 1)
        }
        #expect(outcome.rows[0].portproID.hasPrefix("xxxx") && outcome.rows[0].portproID.hasSuffix("…"))
        #expect(outcome.diagnostics.allSatisfy { $0.unicodeScalars.count < ResolutionOutcome.keptMessageLength + 100 })
        // The report keeps every row whole.
        let rows = try CSVReader.read(contentsOf: report).rows
        #expect(rows.count == 5)
        #expect(rows.first?["portpro_id"] == long)
        #expect(rows[1]["action"] == long)
    }
}
