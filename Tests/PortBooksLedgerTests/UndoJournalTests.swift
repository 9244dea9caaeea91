import Foundation
import PortBooksCore
import Testing

@testable import PortBooksLedger

private let day = LocalDate(year: 2026, month: 11, day: 20) ?? LocalDate(year: 2026, month: 1, day: 1)!

private func invoice(_ id: String, total: Decimal) -> ExportRecord {
    .invoice(
        Invoice(
            id: id, referenceNumber: "A-1", caller: CustomerRef(id: "c1", companyName: "Acme"), billingDate: day,
            totalAmount: total,
            chargeSets: [
                ChargeSet(
                    loadReferenceNumber: "L1", totalAmount: total,
                    pricing: [Charge(name: "BASE PRICE", finalAmount: total)])
            ]))
}

private func stage(_ ledger: LedgerStore, _ record: ExportRecord) throws {
    _ = try ledger.stageFile(hash: UUID().uuidString, name: "f.json", size: 1, format: "json", runID: "r") {
        session in
        try session.stage(record, sourceFile: "f.json")
        return true
    }
}

@Suite("the undo journal")
struct UndoJournalTests {
    /// Syncs the record as `run` would: the outcome and its journal row in one transaction.
    private func push(_ ledger: LedgerStore, _ operation: RunWrite.Operation, token: String, run: String) throws {
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.apply(
            [.synced(id: record.id, qbID: "145", syncToken: token, contentHash: record.contentHash)],
            journal: [
                LedgerStore.JournalEntry(
                    recordID: record.id, operation: operation, qbID: "145", syncToken: token, fingerprint: "Line:1")
            ], runID: run)
    }

    @Test("each write is journalled with what the record held before: an update keeps the content it replaced")
    func journalKeepsThePreviousContent() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, invoice("i1", total: 100))
        try push(ledger, .create, token: "0", run: "run-1")
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try stage(ledger, invoice("i1", total: 120))
        try push(ledger, .update, token: "1", run: "run-2")

        let created = try #require(try ledger.runWrites(runID: "run-1").first)
        #expect(created.operation == .create)
        #expect(created.previousQBID == nil)
        #expect(created.previousState == .pending)
        let updated = try #require(try ledger.runWrites(runID: "run-2").first)
        #expect(updated.operation == .update)
        #expect(updated.previousQBID == "145")
        #expect(updated.previousSyncToken == "0")
        #expect(updated.previousSyncedHash == first.contentHash)
        #expect(updated.previousSyncedContent == first.content)
        #expect(updated.fingerprint == "Line:1")
        #expect(try ledger.lastWrites(kind: .invoice, qbIDs: ["145"])["145"]?.runID == "run-2")
    }

    @Test(
        "an undone create unlinks its record (pending, a new generation) or clears it; its journal row closes, with an audit row naming both runs"
    )
    func undoneRecordsGoBack() throws {
        for clear in [false, true] {
            let ledger = try LedgerStore.inMemory()
            try stage(ledger, invoice("i1", total: 100))
            try push(ledger, .create, token: "0", run: "run-1")
            let write = try #require(try ledger.runWrites(runID: "run-1").first)
            try ledger.markUndoIntents([write.id: "delete"], undoRunID: "undo-1")
            #expect(try ledger.runWrites(runID: "run-1").first?.undoIntent == "delete")
            #expect(try ledger.undoneRuns()["run-1"]?.complete == false)

            try ledger.recordUndo(
                [LedgerStore.UndoRecord(write: write, effect: .unlinked, result: "deleted", detail: "deleted 145")],
                clear: clear, undoRunID: "undo-1")
            let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
            #expect(record.state == (clear ? .cleared : .pending))
            #expect(record.qbID == nil)
            #expect(record.syncToken == nil)
            #expect(record.generation == 1)
            let closed = try #require(try ledger.runWrites(runID: "run-1").first)
            #expect(closed.undoneAt != nil)
            #expect(closed.undoResult == "deleted")
            #expect(try ledger.undoneRuns()["run-1"]?.undoRuns == ["undo-1"])
            #expect(try ledger.undoneRuns()["run-1"]?.complete == true)
            let audit = try #require(try ledger.auditEntries(kind: .invoice, portproID: "i1").last)
            #expect(audit.action == "undo")
            #expect(audit.runID == "undo-1")
            #expect(audit.source == "undo run-1")
            #expect(try ledger.openCreates(kind: .invoice, qbIDs: ["145"]).isEmpty)
        }
    }

    @Test("a restored update makes the previous content the synced one again, with QuickBooks' new SyncToken")
    func restoredUpdate() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, invoice("i1", total: 100))
        try push(ledger, .create, token: "0", run: "run-1")
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try stage(ledger, invoice("i1", total: 120))
        try push(ledger, .update, token: "1", run: "run-2")
        let write = try #require(try ledger.runWrites(runID: "run-2").first)
        try ledger.recordUndo(
            [LedgerStore.UndoRecord(write: write, effect: .restored(syncToken: "2"), result: "restored", detail: "")],
            clear: false, undoRunID: "undo-2")
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(record.state == .pending)
        #expect(record.qbID == "145")
        #expect(record.syncToken == "2")
        #expect(record.syncedHash == first.contentHash)
        #expect(try ledger.syncedContents(ids: [record.id])[record.id] == first.content)
    }
}
