import Foundation
import GRDB
import PortBooksCore
import Testing

@testable import PortBooksLedger

private let day = LocalDate(year: 2026, month: 11, day: 2) ?? LocalDate(year: 2026, month: 1, day: 1)!

private func invoice(_ id: String, number: String = "A-1", total: Decimal = 100) -> ExportRecord {
    .invoice(
        Invoice(
            id: id, referenceNumber: number, caller: CustomerRef(id: "c1", companyName: "Acme"), billingDate: day,
            totalAmount: total,
            chargeSets: [
                ChargeSet(
                    loadReferenceNumber: "L1", totalAmount: total,
                    pricing: [Charge(name: "BASE PRICE", finalAmount: total)])
            ]))
}

private func payment(_ id: String, amount: Decimal = 100) -> ExportRecord {
    .payment(
        Payment(
            id: id, caller: CustomerRef(id: "c1", companyName: "Acme"), paymentDate: day, amount: amount,
            referenceNo: "CHK-1", invoices: [Payment.Application(referenceNumber: "A-1", amount: amount)]))
}

private func customer(_ id: String, name: String = "Acme") -> ExportRecord {
    .customer(Customer(id: id, companyName: name))
}

@discardableResult
private func stage(_ ledger: LedgerStore, _ records: [ExportRecord]) throws -> LedgerStore.StagingOutcome {
    try #require(
        try ledger.stageFile(hash: UUID().uuidString, name: "f.json", size: 1, format: "json", runID: "r") {
            session in
            for record in records { try session.stage(record, sourceFile: "f.json") }
            return true
        })
}

private func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).sqlite").path
}

@Suite("Ledger states")
struct LedgerStateTests {
    @Test("changed content of a problem or blocked record is retried: pending, its old problem forgotten")
    func problemAndBlockedRetryWithNewContent() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1"), invoice("i2", number: "A-2")])
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        let second = try #require(try ledger.record(kind: .invoice, portproID: "i2"))
        try ledger.recordProblem(id: first.id, code: "unmapped-charge", message: "m", suggestion: "s", runID: "r")
        try ledger.markBlocked(id: second.id, by: "customer:c1", message: "m", suggestion: "s", runID: "r")

        let outcome = try stage(ledger, [invoice("i1", total: 7), invoice("i2", number: "A-2", total: 8)])
        #expect(outcome.changed == 2 && outcome.ignored == 0)
        for id in ["i1", "i2"] {
            let record = try #require(try ledger.record(kind: .invoice, portproID: id))
            #expect(record.state == .pending)
            #expect(record.problemCode == nil && record.blockedBy == nil && record.problemMessage == nil)
            #expect(record.attempts == 1, "attempts stay as history")
            #expect(record.firstProblemAt != nil)
        }
        #expect(try ledger.problemRecords().isEmpty)
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.amount == "7.00")
    }

    @Test("a pending record whose content changes stays pending, with the new content")
    func pendingTakesNewContent() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1")])
        let outcome = try stage(ledger, [invoice("i1", total: 250.5)])
        #expect(outcome == LedgerStore.StagingOutcome(inserted: 0, changed: 1, unchanged: 0, ignored: 0))
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(record.state == .pending)
        #expect(record.amount == "250.50")
        #expect(try record.decoded() == invoice("i1", total: 250.5))
    }

    @Test("a changed synced record keeps its QuickBooks ID and SyncToken for the sparse update")
    func syncedKeepsLink() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1")])
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.markSynced(id: record.id, qbID: "145", syncToken: "3", contentHash: record.contentHash, runID: "r")
        #expect(try stage(ledger, [invoice("i1")]).unchanged == 1)
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.state == .synced)
        try stage(ledger, [invoice("i1", total: 99)])
        let changed = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(changed.state == .pending && changed.qbID == "145" && changed.syncToken == "3")
        #expect(changed.syncedHash == record.contentHash)
    }

    @Test("the content is canonical JSON (sorted keys, days as YYYY-MM-DD) and the hash is its SHA-256")
    func canonicalContent() throws {
        let ledger = try LedgerStore.inMemory()
        let other = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1"), payment("p1"), customer("c1")])
        try stage(other, [customer("c1"), payment("p1"), invoice("i1")])
        for kind in [RecordKind.invoice, .payment, .customer] {
            let records = try ledger.allRecords(kind: kind, onlyWithoutQBID: false)
            let record = try #require(records.first)
            #expect(record.contentHash == SHA256Digest.hexDigest(bytes: [UInt8](record.content)))
            #expect(try other.allRecords(kind: kind, onlyWithoutQBID: false).first?.contentHash == record.contentHash)
        }
        let text = String(
            decoding: try #require(try ledger.record(kind: .invoice, portproID: "i1")).content, as: UTF8.self)
        #expect(text.contains("\"billingDate\":\"2026-11-02\""))
        let staged = try #require(try ledger.record(kind: .payment, portproID: "p1"))
        #expect(staged.number == "CHK-1" && staged.customerName == "Acme" && staged.customerPortproID == "c1")
        #expect(try staged.decoded() == payment("p1"))
    }

    @Test("state and QuickBooks ID change together: the schema refuses synced without an ID")
    func stateAndLinkTogether() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1")])
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(throws: (any Error).self) {
            try ledger.writer.write { db in
                try db.execute(sql: "UPDATE records SET state = 'synced' WHERE id = ?", arguments: [record.id])
            }
        }
        #expect(throws: LedgerError.self) {
            try ledger.markSynced(id: record.id, qbID: " ", syncToken: "0", contentHash: record.contentHash, runID: "r")
        }
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.state == .pending)
        try ledger.markSynced(id: record.id, qbID: "9", syncToken: "0", contentHash: record.contentHash, runID: "r")
        let synced = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(synced.state == .synced && synced.qbID == "9" && synced.syncToken == "0")
        try ledger.updateSyncToken(id: record.id, syncToken: "1")
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.syncToken == "1")
    }

    @Test("apply: a refused change late in the list leaves the earlier ones undone")
    func applyRefusedChangeRollsBack() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1"), invoice("i2", number: "A-2"), payment("p1")])
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        let second = try #require(try ledger.record(kind: .invoice, portproID: "i2"))
        let pay = try #require(try ledger.record(kind: .payment, portproID: "p1"))
        let changes: [LedgerChange] = [
            .setQBID(id: first.id, qbID: "10", syncToken: "0", note: "n", source: "fix.csv line 2"),
            .cleared(id: second.id, note: "n", source: "fix.csv line 3"),
            .paidOutside(id: pay.id, note: "n", source: "fix.csv line 4"),
        ]
        #expect(throws: LedgerError.self) { try ledger.apply(changes, runID: "r") }
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.qbID == nil)
        #expect(try ledger.record(kind: .invoice, portproID: "i2")?.state == .pending)
        #expect(try ledger.auditEntries(kind: .invoice, portproID: "i1").isEmpty)

        try ledger.apply(Array(changes.prefix(2)) + [.paidOutside(id: first.id, note: "paid", source: "s")], runID: "r")
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.state == .paidOutside)
        #expect(try ledger.record(kind: .invoice, portproID: "i2")?.state == .cleared)
        #expect(try ledger.auditEntries(kind: .invoice, portproID: "i1").map(\.action) == ["set-qb-id", "mark-paid"])
    }

    @Test("retry puts a problem back to pending and clears its problem; the audit keeps note and source")
    func retry() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1")])
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.recordProblem(id: record.id, code: "x", message: "m", suggestion: "s", runID: "r1")
        let firstSeen = try #require(try ledger.record(kind: .invoice, portproID: "i1")?.firstProblemAt)
        try ledger.markForRetry(id: record.id, note: "items fixed", source: "problems.csv line 2", runID: "r2")
        let retried = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(retried.state == .pending && retried.problemCode == nil)
        try ledger.recordProblem(id: record.id, code: "x", message: "m", suggestion: "s", runID: "r3")
        let again = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(again.attempts == 2 && again.firstProblemAt == firstSeen)
        let entry = try #require(
            try ledger.auditEntries(kind: .invoice, portproID: "i1").first { $0.action == "retry" })
        #expect(entry.note == "items fixed" && entry.source == "problems.csv line 2" && entry.runID == "r2")
    }

    @Test("counts per kind and state; reading by state, number and bulk ids")
    func countsAndReads() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(
            ledger,
            [invoice("i1"), invoice("i2", number: "A-2"), invoice("i3", number: "A-2"), payment("p1"), customer("c1")])
        let i1 = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.markSynced(id: i1.id, qbID: "1", syncToken: "0", contentHash: i1.contentHash, runID: "r")
        let counts = try ledger.counts()
        #expect(counts[.invoice] == [.synced: 1, .pending: 2])
        #expect(counts[.payment] == [.pending: 1])
        #expect(counts[.customer] == [.pending: 1])
        #expect(counts[.creditMemo] == nil)
        #expect(try ledger.records(kind: .invoice, states: [.pending], limit: nil).map(\.portproID) == ["i2", "i3"])
        #expect(try ledger.records(kind: .invoice, states: [.pending, .synced], limit: 1).count == 1)
        #expect(try ledger.records(kind: .invoice, number: "A-2").map(\.portproID) == ["i2", "i3"])
        #expect(
            Set(try ledger.records(kind: .invoice, portproIDs: ["i1", "i3", "nope"]).map(\.portproID)) == ["i1", "i3"])
        #expect(try ledger.allRecords(kind: .invoice, onlyWithoutQBID: true).map(\.portproID) == ["i2", "i3"])
        #expect(try ledger.allRecords(kind: nil, onlyWithoutQBID: false).count == 5)
    }

    @Test("files, runs and meta")
    func filesRunsMeta() throws {
        let ledger = try LedgerStore.inMemory()
        try ledger.recordRejectedFile(hash: "h", name: "bad.json", message: "line 3: x", runID: "r")
        #expect(try ledger.fileAlreadyStaged(hash: "h") == false, "a refused file may be dropped again")
        let run = try ledger.beginRun(command: "sync")
        try ledger.finishRun(id: run, status: "exit 0", summaryJSON: "{}")
        let runs = try ledger.lastRuns(limit: 5)
        #expect(runs.map(\.id) == [run] && runs.first?.status == "exit 0" && runs.first?.finishedAt != nil)
        try ledger.setMeta("last_cdc_check", "2026-11-27T01:00:00Z")
        #expect(try ledger.value(forMeta: "last_cdc_check") == "2026-11-27T01:00:00Z")
        try ledger.setMeta("last_cdc_check", nil)
        #expect(try ledger.value(forMeta: "last_cdc_check") == nil)
    }

    @Test("migrations are named, run once, and a reopened file ledger does not run them again")
    func migrations() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<2 {
            let ledger = try LedgerStore.open(path: path)
            let applied = try ledger.writer.read { try LedgerStore.migrator.appliedIdentifiers($0) }
            #expect(
                applied == [
                    "v1-records", "v1-files-runs-audit-meta", "v2-synced-content", "undo-v1-run-writes",
                    "payment-batches",
                ])
            let mode = try ledger.writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
    }

    @Test("a file that is not a ledger, or a ledger from a newer PortBooks, is a clear error")
    func unusableLedgers() throws {
        let garbage = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try LedgerStore.open(path: garbage)
            Issue.record("a garbage file opened as a ledger")
        } catch let error as LedgerError {
            #expect("\(error)".hasPrefix("the ledger \(garbage) is not an SQLite database"))
            #expect("\(error)".contains("To recover"))
        }

        let missingFolder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "no-such-\(UUID().uuidString)/portbooks.sqlite"
        ).path
        #expect(throws: LedgerError.self) { try LedgerStore.open(path: missingFolder) }

        let newer = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: newer) }
        do {
            let ledger = try LedgerStore.open(path: newer)
            try ledger.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
        }
        do {
            _ = try LedgerStore.open(path: newer)
            Issue.record("a newer ledger opened")
        } catch LedgerError.newerSchema(let path) {
            #expect(path == newer)
        }
    }
}
