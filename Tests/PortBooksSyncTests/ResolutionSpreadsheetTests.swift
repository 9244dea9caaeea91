import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage
import Testing

@testable import PortBooksSync

@Suite("Resolution files as spreadsheets save them", .timeLimit(.minutes(5)))
struct ResolutionSpreadsheetTests {
    @Test("Excel: semicolons, BOM, CRLF, reordered and extra columns, reformatted amounts and dates")
    func excel() async throws {
        let fixture = try ResolutionFixture()
        let text =
            "\u{FEFF}Action;Entity;PortPro ID;Amount;Since;My column;note\r\n"
            + "Mark Paid;invoice;i2;100,00;02/11/2026;x;paid by wire in QB\r\n"
            + "clear;invoice;i3;1.265,00;11/2/26;;\r\n;;;;;;\r\n;;;;;;\r\n"
        let outcome = try await fixture.resolve(Data(text.utf8), name: "problems (1).csv")
        #expect(outcome.rows.map(\.result) == [.applied, .applied], "\(outcome.rows)")
        #expect(try fixture.record(.invoice, "i2").state == .paidOutside)
        #expect(try fixture.record(.invoice, "i3").state == .cleared)
        let audit = try fixture.ledger.auditEntries(kind: .invoice, portproID: "i2").last
        #expect(audit?.note == "paid by wire in QB")
        #expect(audit?.source == "problems (1).csv line 2")
    }

    @Test("LibreOffice: LF, no BOM, quoted newlines in the note, the ' of formula neutralisation restored")
    func libreOffice() async throws {
        let fixture = try ResolutionFixture()
        let text = #"""
            \#(problemsHeader)
            invoice,i3,RSRE_000152,Acme Drayage,100,,unmapped-charge-code,"The charge codes aren't synced: ""LAYOVER""",2026-11-02T01:00:00Z,1,x,retry,,"'=not a formula
            second line"
            payment,p1,CHK-1,Acme Drayage,-100.00,,,,,,,Clear,,'-negative note

            """#
        let outcome = try await fixture.resolve(text)
        #expect(outcome.rows.map(\.result) == [.applied, .applied], "\(outcome.rows)")
        #expect(outcome.rows.map(\.line) == [2, 4], "a row's line is where it starts")
        #expect(try fixture.record(.invoice, "i3").state == .pending)
        let note = try fixture.ledger.auditEntries(kind: .invoice, portproID: "i3").last?.note
        #expect(note == "=not a formula\nsecond line")
        #expect(try fixture.ledger.auditEntries(kind: .payment, portproID: "p1").last?.note == "-negative note")
    }

    @Test("rows with an empty action are reported as ignored and change nothing")
    func emptyAction() async throws {
        let fixture = try ResolutionFixture()
        let before = try fixture.snapshot()
        let outcome = try await fixture.resolve("\(problemsHeader)\ninvoice,i3,RSRE_000152,,,,,,,,,,,\n")
        #expect(outcome.rows.map(\.result) == [.ignored])
        #expect(outcome.rejected == 0)
        #expect(try fixture.snapshot() == before)
    }

    @Test("problems.csv → xlsx → csv through LibreOffice, then applied", .enabled(if: Soffice.path != nil))
    func realSpreadsheetRoundTrip() async throws {
        let fixture = try ResolutionFixture()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-soffice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // problems.csv as PortBooks writes it, with the accountant's actions filled in.
        let problems = folder.appendingPathComponent("problems.csv")
        try CSVWriter.write(
            header: ProblemsFile.columns,
            rows: [
                [
                    "invoice", "i3", "RSRE_000152", "Acme Drayage", "100.00", "", "unmapped-charge-code",
                    "The charge codes aren't synced", "2026-11-02T01:00:00Z", "1", "fix the settings", "retry", "",
                    "=fixed the map\nthen retried",
                ],
                [
                    "payment", "p1", "CHK-1", "Acme Drayage", "100.00", "", "quickbooks-rejected", "x",
                    "2026-11-02T01:00:00Z", "1", "", "clear", "", "",
                ],
                [
                    "invoice", "000123", "RSRE_000153", "Acme Drayage", "100.00", "", "x", "x", "", "1", "", "", "",
                    "",
                ],
                [
                    "invoice", "651234567890123456789012", "RSRE_000150", "Acme Drayage", "100.00", "1043", "x", "x",
                    "", "1", "", "clear", "", "",
                ],
            ], to: problems)
        let xlsx = try Soffice.convert(problems, to: "xlsx", in: folder.appendingPathComponent("x"))
        let back = try Soffice.convert(xlsx, to: "csv", in: folder.appendingPathComponent("y"))
        let before = try fixture.snapshot()
        let whole = try await fixture.resolve(try Data(contentsOf: back), name: back.lastPathComponent)
        // The spreadsheet turned the long id into 6.51234567890123E+023: that row is rejected,
        // so by default nothing applies.
        #expect(whole.rows.filter { $0.result == .rejected }.map(\.line) == [6], "the note on line 2 spans two lines")
        #expect(whole.rows.first { $0.line == 6 }?.message.contains("scientific notation") == true)
        #expect(try fixture.snapshot() == before)
        let outcome = try await fixture.resolve(try Data(contentsOf: back), name: back.lastPathComponent, partial: true)
        #expect(
            outcome.rows.filter { $0.result != .ignored }.map(\.result) == [.applied, .applied, .rejected],
            "\(outcome.rows)")
        #expect(try fixture.record(.invoice, "i3").state == .pending)
        #expect(try fixture.record(.payment, "p1").state == .cleared)
        #expect(
            try fixture.ledger.auditEntries(kind: .invoice, portproID: "i3").last?.note
                == "=fixed the map\nthen retried")
    }
}

/// LibreOffice headless (`libreoffice-calc-nogui`), when installed.
enum Soffice {
    static let path: String? = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/bin/libreoffice"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct ConversionFailed: Error {
        var output: String
    }

    /// `soffice --headless --convert-to FORMAT --outdir DIR FILE`, with a private profile.
    static func convert(_ file: URL, to format: String, in folder: URL) throws -> URL {
        guard let path else { throw ConversionFailed(output: "soffice is not installed") }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let profile = folder.deletingLastPathComponent().appendingPathComponent("profile")
        // CSV import and export: comma (44), quote (34), UTF-8 (76); default cell detection, as a
        // person opening the file would get (long ids become numbers, leading zeros go).
        let filter = format == "csv" ? "csv:Text - txt - csv (StarCalc):44,34,76,1" : format
        process.arguments = [
            "-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to", filter,
            "--infilter=CSV:44,34,76,1", "--outdir", folder.path,
            file.path,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let target = folder.appendingPathComponent(file.deletingPathExtension().lastPathComponent + "." + format)
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: target.path) else {
            throw ConversionFailed(output: output)
        }
        return target
    }
}
