import Foundation
import PortBooksCore
import Testing

@testable import PortBooksLedger

private func invoice(_ id: String, number: String, total: Decimal = 100) -> ExportRecord {
    .invoice(
        Invoice(
            id: id, referenceNumber: number, caller: CustomerRef(id: "c1", companyName: "Acme"),
            billingDate: LocalDate(year: 2026, month: 11, day: 2) ?? LocalDate(year: 2026, month: 1, day: 1)!,
            totalAmount: total,
            chargeSets: [
                ChargeSet(
                    loadReferenceNumber: "L1", totalAmount: total,
                    pricing: [Charge(name: "BASE PRICE", finalAmount: total)])
            ]))
}

@discardableResult
private func stage(_ ledger: LedgerStore, _ records: [ExportRecord], hash: String = UUID().uuidString) throws
    -> LedgerStore.StagingOutcome?
{
    try ledger.stageFile(hash: hash, name: "f.json", size: 1, format: "json", runID: "r") { session in
        for record in records { try session.stage(record, sourceFile: "f.json") }
        return true
    }
}

@Suite("Ledger")
struct LedgerStoreTests {
    @Test("staging: new is pending, same content does nothing, changed content goes back to pending")
    func stagingRules() throws {
        let ledger = try LedgerStore.inMemory()
        #expect(try stage(ledger, [invoice("i1", number: "A-1")])?.inserted == 1)
        #expect(try stage(ledger, [invoice("i1", number: "A-1")])?.unchanged == 1)
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(record.state == .pending)
        #expect(record.amount == "100.00")
        #expect(record.number == "A-1")
        try ledger.markSynced(id: record.id, qbID: "77", syncToken: "0", contentHash: record.contentHash, runID: "r")
        #expect(try stage(ledger, [invoice("i1", number: "A-1", total: 120)])?.changed == 1)
        let changed = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(changed.state == .pending)
        #expect(changed.qbID == "77", "a changed synced record keeps its link: it becomes a sparse update")
        #expect(changed.syncedHash != changed.contentHash)
    }

    @Test("a push reads its records a chunk at a time, and the customers they name without reading them")
    func pagesAndCustomerReferences() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, (1...7).map { invoice("i\($0)", number: "A-\($0)") })
        let all = try ledger.records(kind: .invoice, states: [.pending])
        #expect(try ledger.count(kind: .invoice, states: [.pending]) == 7)
        let first = try ledger.records(kind: .invoice, states: [.pending], limit: 3)
        let rest = try ledger.records(kind: .invoice, states: [.pending], after: first.last?.id, limit: 10)
        #expect((first + rest).map(\.id) == all.map(\.id))
        #expect(try ledger.records(kind: .invoice, states: [.pending], after: all.last?.id).isEmpty)
        let references = try ledger.customerReferences(kind: .invoice, states: [.pending])
        #expect(references.named.map(\.customerID) == ["c1"])
        #expect(references.named.first?.recordID == all.first?.id)
        #expect(references.unnamed.isEmpty)
        #expect(try ledger.customerReferences(kind: .invoice, states: [.synced]).named.isEmpty)
    }

    @Test("cleared and paid-outside records keep their state when their content changes")
    func keptStates() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1", number: "A-1"), invoice("i2", number: "A-2")])
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        let second = try #require(try ledger.record(kind: .invoice, portproID: "i2"))
        try ledger.markCleared(id: first.id, note: "not ours", source: "test", runID: "r")
        try ledger.markPaidOutside(id: second.id, note: "paid in QB", source: "test", runID: "r")
        let changed = [invoice("i1", number: "A-1", total: 5), invoice("i2", number: "A-2", total: 6)]
        let outcome = try stage(ledger, changed)
        #expect(outcome?.ignored == 2)
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.state == .cleared)
        #expect(try ledger.record(kind: .invoice, portproID: "i2")?.state == .paidOutside)
    }

    @Test("a file is staged whole or not at all")
    func wholeOrNothing() throws {
        let ledger = try LedgerStore.inMemory()
        let refused = try ledger.stageFile(hash: "h1", name: "bad.json", size: 1, format: "json", runID: "r") {
            session in
            try session.stage(invoice("i1", number: "A-1"), sourceFile: "bad.json")
            return false
        }
        #expect(refused == nil)
        #expect(try ledger.record(kind: .invoice, portproID: "i1") == nil)
        #expect(try ledger.fileAlreadyStaged(hash: "h1") == false)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try ledger.stageFile(hash: "h2", name: "x.json", size: 1, format: "json", runID: "r") { session in
                try session.stage(invoice("i2", number: "A-2"), sourceFile: "x.json")
                throw Boom()
            }
        }
        #expect(try ledger.record(kind: .invoice, portproID: "i2") == nil)
        try stage(ledger, [invoice("i3", number: "A-3")], hash: "h3")
        #expect(try ledger.fileAlreadyStaged(hash: "h3"))
    }

    @Test("a list of changes applies in one transaction: a bad one rolls back the rest")
    func applyAllOrNothing() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1", number: "A-1")])
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(throws: LedgerError.self) {
            try ledger.apply(
                [.cleared(id: record.id, note: "n", source: "s"), .retry(id: 9_999, note: "n", source: "s")],
                runID: "r")
        }
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.state == .pending)
        #expect(try ledger.auditEntries(kind: .invoice, portproID: "i1").isEmpty)
    }

    @Test("remove-qb-id unlinks and starts a new requestid generation; the audit keeps the note")
    func removeAndSet() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1", number: "A-1")])
        let record = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.markSynced(id: record.id, qbID: "5", syncToken: "2", contentHash: record.contentHash, runID: "r")
        try ledger.removeQBID(id: record.id, note: "deleted in QB", source: "problems.csv", runID: "r")
        let removed = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(removed.qbID == nil && removed.state == .pending && removed.generation == 1)
        try ledger.setQBID(id: record.id, qbID: "9", syncToken: "0", note: "manual", source: "ids", runID: "r")
        let set = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(set.qbID == "9" && set.state == .synced && set.syncedHash == set.contentHash)
        let entries = try ledger.auditEntries(kind: .invoice, portproID: "i1")
        #expect(entries.map(\.action) == ["synced", "remove-qb-id", "set-qb-id"])
        #expect(entries[1].note == "deleted in QB")
    }

    @Test("problems count attempts; a record waiting on the same dependency is not counted again")
    func problemsAndBlocks() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, [invoice("i1", number: "A-1"), invoice("i2", number: "A-2")])
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        let second = try #require(try ledger.record(kind: .invoice, portproID: "i2"))
        try ledger.recordProblem(id: first.id, code: "x", message: "m", suggestion: "s", runID: "r")
        try ledger.recordProblem(id: first.id, code: "x", message: "m", suggestion: "s", runID: "r")
        try ledger.markBlocked(id: second.id, by: "customer:c1", message: "m", suggestion: "s", runID: "r")
        try ledger.markBlocked(id: second.id, by: "customer:c1", message: "m", suggestion: "s", runID: "r")
        #expect(try ledger.record(kind: .invoice, portproID: "i1")?.attempts == 2)
        #expect(try ledger.record(kind: .invoice, portproID: "i2")?.attempts == 1)
        #expect(try ledger.problemRecords().count == 2)
        #expect(try ledger.counts()[.invoice]?[.problem] == 1)
        #expect(try ledger.counts()[.invoice]?[.blocked] == 1)
    }

    @Test("a file ledger reopens with its data; migrations are not run twice")
    func reopen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).sqlite")
            .path
        do {
            let ledger = try LedgerStore.open(path: path)
            try stage(ledger, [invoice("i1", number: "A-1")])
            try ledger.setMeta("reconnect_needed", "true")
        }
        let again = try LedgerStore.open(path: path)
        #expect(try again.record(kind: .invoice, portproID: "i1") != nil)
        #expect(try again.value(forMeta: "reconnect_needed") == "true")
        #expect(try again.record(kind: .invoice, portproID: "i1")?.decoded() == invoice("i1", number: "A-1"))
    }
}
