import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage
import Testing

@testable import PortBooksSync

@Suite("Resolution files: validation before anything changes")
struct ResolutionValidationTests {
    private func rejected(_ outcome: ResolutionOutcome) -> [Int: String] {
        Dictionary(
            uniqueKeysWithValues: outcome.rows.filter { $0.result == .rejected }.map { ($0.line, $0.message) })
    }

    @Test("every rule rejects its row with the line number, and nothing changes (all or nothing)")
    func everyRule() async throws {
        let fixture = try ResolutionFixture()
        let before = try fixture.snapshot()
        let text = """
            \(problemsHeader)
            vendor,x1,,,,,,,,,,clear,,
            invoice,i3,RSRE_000152,,,,,,,,,frobnicate,,
            payment,p1,CHK-1,,,,,,,,,mark-paid,,
            invoice,i2,RSRE_000151,,,,,,,,,set-qb-id,,
            invoice,i3,RSRE_000152,,,,,,,,,retry,,
            invoice,i3,RSRE_000152,,,,,,,,,clear,,
            invoice,nope,,,,,,,,,,clear,,
            invoice,i2,,,,,,,,,,retry,1044,
            customer,c1,,,,,,,,,,remove-qb-id,,
            invoice,6.51235E+23,RSRE_000150,,,,,,,,,remove-qb-id,,
            invoice,123,RSRE_000153,,,,,,,,,clear,,

            """
        let outcome = try await fixture.resolve(text)
        let lines = rejected(outcome)
        #expect(lines[2]?.contains("unknown entity \"vendor\"") == true, "\(lines)")
        #expect(lines[3]?.contains("unknown action \"frobnicate\"") == true)
        #expect(lines[4]?.contains("mark-paid is for invoices only") == true)
        #expect(lines[5]?.contains("set-qb-id needs the QuickBooks ID") == true)
        #expect(lines[6]?.contains("conflicting actions") == true)
        #expect(lines[6]?.contains("line 7") == true)
        #expect(lines[7]?.contains("conflicting actions") == true)
        #expect(lines[8]?.contains("no invoice has portpro_id \"nope\"") == true)
        #expect(lines[9]?.contains("conflicting: new_qb_id 1044") == true)
        #expect(lines[11]?.contains("scientific notation") == true)
        #expect(lines[12]?.contains("leading zeros") == true)
        // c1 is linked, so remove-qb-id on line 10 is valid, but all or nothing: not applied.
        #expect(outcome.rows.first { $0.line == 10 }?.result == .notApplied)
        #expect(outcome.applied == 0)
        #expect(outcome.diagnostics.contains { $0.hasPrefix("fixed.csv:11: error: portpro_id \"6.51235E+23\"") })
        #expect(try fixture.snapshot() == before)
    }

    @Test("a scientific-notation id is rejected even though its number is unique, and changes nothing")
    func scientificNotation() async throws {
        let fixture = try ResolutionFixture()
        let before = try fixture.snapshot()
        let outcome = try await fixture.resolve(
            "\(problemsHeader)\r\ninvoice,6.51E+23,RSRE_000150,Acme,100,1043,,,,,,remove-qb-id,,\r\n")
        #expect(outcome.rows.map(\.result) == [.rejected])
        #expect(outcome.rows[0].line == 2)
        #expect(try fixture.snapshot() == before)
        #expect(try fixture.ledger.auditEntries(kind: .invoice, portproID: "651234567890123456789012").count == 1)
    }

    @Test("Excel's 15-digit precision (trailing zeros) is damage too")
    func fifteenDigits() async throws {
        let fixture = try ResolutionFixture()
        let outcome = try await fixture.resolve(
            "\(problemsHeader)\ninvoice,651234567890123000000000,,,,,,,,,,clear,,\n")
        #expect(outcome.rows[0].result == .rejected)
        #expect(outcome.rows[0].message.contains("15 significant digits"))
    }

    @Test("--partial applies the valid rows only; --dry-run changes nothing")
    func partialAndDryRun() async throws {
        let fixture = try ResolutionFixture()
        let text = "\(problemsHeader)\ninvoice,i3,,,,,,,,,,clear,,not ours\npayment,p1,,,,,,,,,,mark-paid,,\n"
        let dry = try await fixture.resolve(text, partial: true, dryRun: true)
        #expect(dry.rows.map(\.result) == [.wouldApply, .rejected])
        #expect(try fixture.record(.invoice, "i3").state == .problem)
        let outcome = try await fixture.resolve(text, partial: true)
        #expect(outcome.rows.map(\.result) == [.applied, .rejected])
        #expect(try fixture.record(.invoice, "i3").state == .cleared)
        #expect(try fixture.record(.payment, "p1").state == .problem)
    }

    @Test("matching falls back to a unique number, never to an ambiguous one")
    func numberFallback() async throws {
        let fixture = try ResolutionFixture()
        try fixture.ledger.stageFile(hash: "h2", name: "g.json", size: 1, format: "json", runID: "r0") { session in
            try session.stage(ResolutionFixture.invoice("i8", number: "DUP-1"), sourceFile: "g.json")
            try session.stage(ResolutionFixture.invoice("i9", number: "DUP-1"), sourceFile: "g.json")
            return true
        }
        let outcome = try await fixture.resolve(
            "\(problemsHeader)\ninvoice,,RSRE_000152,,,,,,,,,clear,,\ninvoice,gone,DUP-1,,,,,,,,,clear,,\n",
            partial: true)
        #expect(outcome.rows[0].result == .applied)
        #expect(outcome.rows[0].message.contains("matched by its number RSRE_000152"))
        #expect(outcome.rows[1].result == .rejected)
        #expect(outcome.rows[1].message.contains("2 invoice records have the number \"DUP-1\""))
        #expect(try fixture.record(.invoice, "i3").state == .cleared)
    }

    @Test("set-qb-id: the object must exist, be the right entity, carry the number and customer — unless --force")
    func setQBIDChecks() async throws {
        let fixture = try ResolutionFixture()
        var quickBooks = FakeQuickBooks()
        quickBooks.objects["Invoice"] = [
            "2001": ["Id": "2001", "SyncToken": "3", "DocNumber": "RSRE_000152", "CustomerRef": ["value": "58"]],
            "2002": ["Id": "2002", "SyncToken": "0", "DocNumber": "OTHER-9", "CustomerRef": ["value": "58"]],
            "2003": ["Id": "2003", "SyncToken": "0", "DocNumber": "RSRE_000152", "CustomerRef": ["value": "77"]],
        ]
        quickBooks.objects["Customer"] = ["58": ["Id": "58", "SyncToken": "1", "DisplayName": "Acme Drayage"]]
        func attempt(_ id: String, force: Bool = false) async throws -> ResolutionOutcome.Row {
            let outcome = try await fixture.resolve(
                "\(problemsHeader)\ninvoice,i3,RSRE_000152,,,,,,,,,set-qb-id,\(id),\n", dryRun: true, force: force,
                quickBooks: quickBooks)
            return outcome.rows[0]
        }
        #expect(
            try await attempt("58").message.contains("QuickBooks has no Invoice 58"),
            "a customer's Id is not an invoice")
        #expect(try await attempt("9999").message.contains("QuickBooks has no Invoice 9999"))
        #expect(try await attempt("2002").message.contains("its number is \"OTHER-9\""))
        #expect(try await attempt("2003").message.contains("it belongs to QuickBooks customer"))
        #expect(try await attempt("2003").result == .rejected)
        #expect(try await attempt("2003", force: true).result == .wouldApply)
        #expect(try await attempt("2003").message.contains("force column"), "the refusal says how to confirm it")
        #expect(try await attempt("1.04E+03").message.contains("scientific notation"))

        // The spreadsheet itself can confirm the override: a force column, audited.
        let forced = try await fixture.resolve(
            "\(problemsHeader),force\ninvoice,i3,RSRE_000152,,,,,,,,,set-qb-id,2003,same invoice,yes\n",
            quickBooks: quickBooks)
        #expect(forced.rows[0].result == .applied, "\(forced.rows)")
        #expect(try fixture.record(.invoice, "i3").qbID == "2003")
        let forcedAudit = try fixture.ledger.auditEntries(kind: .invoice, portproID: "i3").last
        #expect(forcedAudit?.note?.contains("same invoice") == true)
        #expect(
            forcedAudit?.note?.contains("forced (the row's force column)") == true, "\(String(describing: forcedAudit))"
        )
        _ = try await fixture.resolve(
            "\(problemsHeader)\ninvoice,i3,RSRE_000152,,,,,,,,,remove-qb-id,,\n", quickBooks: quickBooks)

        let applied = try await fixture.resolve(
            "\(problemsHeader)\ninvoice,i3,RSRE_000152,,,,,,,,,Set QB ID,2001,matched by hand\n", quickBooks: quickBooks
        )
        #expect(applied.rows[0].result == .applied, "\(applied.rows)")
        let record = try fixture.record(.invoice, "i3")
        #expect(record.state == .synced)
        #expect(record.qbID == "2001")
        #expect(record.syncToken == "3", "the SyncToken is fetched")
        let audit = try fixture.ledger.auditEntries(kind: .invoice, portproID: "i3").last
        #expect(audit?.action == "set-qb-id")
        #expect(audit?.note == "matched by hand")
        #expect(audit?.source == "fixed.csv line 2")
    }

    @Test(
        "set-qb-id on a customer: the exact name or the same QuickBooks email, never a look-alike, unless --force; it says what it links"
    )
    func setQBIDCustomer() async throws {
        let fixture = try ResolutionFixture()
        var quickBooks = FakeQuickBooks()
        quickBooks.objects["Customer"] = [
            "1": [
                "Id": "1", "SyncToken": "0", "DisplayName": "Pacific Coast Imports",
                "PrimaryEmailAddr": ["Address": "ap@pacificcoast.example"],
            ],
            "70": ["Id": "70", "SyncToken": "0", "DisplayName": "ACME  DRAYAGE"],
            "71": ["Id": "71", "SyncToken": "2", "DisplayName": "Acme Drayage"],
        ]
        func attempt(_ id: String, force: Bool = false) async throws -> ResolutionOutcome.Row {
            let outcome = try await fixture.resolve(
                "\(problemsHeader)\ncustomer,c1,Acme Drayage,,,,,,,,,set-qb-id,\(id),\n", dryRun: true, force: force,
                quickBooks: quickBooks)
            return outcome.rows[0]
        }
        let other = try await attempt("1")
        #expect(other.result == .rejected)
        #expect(other.message.contains("\"Pacific Coast Imports\" with e-mail ap@pacificcoast.example"), "\(other)")
        #expect(try await attempt("70").result == .rejected, "a name differing in case and spacing is not the company")
        let forced = try await attempt("1", force: true)
        #expect(forced.result == .wouldApply)
        #expect(forced.message.contains("QuickBooks Customer 1 \"Pacific Coast Imports\""))
        let same = try await attempt("71")
        #expect(same.result == .wouldApply, "\(same)")
        #expect(same.message.contains("QuickBooks Customer 71 \"Acme Drayage\""))
    }

    @Test("set-qb-id refuses an object another record is already linked to")
    func alreadyLinked() async throws {
        let fixture = try ResolutionFixture()
        var quickBooks = FakeQuickBooks()
        quickBooks.objects["Invoice"] = [
            "1044": ["Id": "1044", "SyncToken": "0", "DocNumber": "RSRE_000151", "CustomerRef": ["value": "58"]]
        ]
        let outcome = try await fixture.resolve(
            "\(problemsHeader)\ninvoice,i3,,,,,,,,,,set-qb-id,1044,\n", quickBooks: quickBooks)
        #expect(outcome.rows[0].result == .rejected)
        #expect(outcome.rows[0].message.contains("invoice RSRE_000151 (portpro_id i2) is already linked to it"))
    }

    @Test("PortPro-ish action spellings and entity spellings are accepted")
    func spellings() {
        #expect(ResolutionAction(spelling: "Mark Paid") == .markPaid)
        #expect(ResolutionAction(spelling: " mark as paid ") == .markPaid)
        #expect(ResolutionAction(spelling: "CLEAR") == .clear)
        #expect(ResolutionAction(spelling: "Retry") == .retry)
        #expect(ResolutionAction(spelling: "sync again") == .retry)
        #expect(ResolutionAction(spelling: "Remove QB ID") == .removeQBID)
        #expect(ResolutionAction(spelling: "set_qb_id") == .setQBID)
        #expect(ResolutionAction(spelling: "delete") == nil)
        #expect(RecordKind(entitySpelling: "Credit Memo") == .creditMemo)
        #expect(RecordKind(entitySpelling: "credit_memo") == .creditMemo)
        #expect(RecordKind(entitySpelling: "Invoices") == .invoice)
    }

    @Test("an unreadable file or a missing column is an error for the whole file, with its line")
    func unreadable() throws {
        #expect(throws: ResolutionError.self) {
            try ResolutionFile.parse(Data("\(problemsHeader)\ninvoice,\"i3,x\n".utf8), name: "bad.csv")
        }
        do {
            _ = try ResolutionFile.parse(Data("\(problemsHeader)\ninvoice,i3\ninvoice,\"open\n".utf8), name: "bad.csv")
            Issue.record("an unterminated quote must be an error")
        } catch let error as ResolutionError {
            #expect("\(error)".hasPrefix("bad.csv:3: error:"), "\(error)")
        }
        #expect(throws: ResolutionError.self) {
            try ResolutionFile.parse(Data("entity,portpro_id,number\ninvoice,i3,x\n".utf8), name: "noaction.csv")
        }
    }

    @Test("a resolution file over 128 MiB is refused by its size, unread")
    func hugeResolutionFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("entity,action\n".utf8))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(CSVReader.maximumFileBytes + (1 << 20)))
        try handle.close()
        #expect {
            try ResolutionFile.read(url)
        } throws: { error in
            "\(error)".contains("too large")
        }
    }
}
