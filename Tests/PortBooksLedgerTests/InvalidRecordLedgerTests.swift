import Foundation
import PortBooksCore
import Testing

@testable import PortBooksLedger

private func invoice(_ id: String, total: Decimal) -> ExportRecord {
    .invoice(
        Invoice(
            id: id, referenceNumber: "A-1", caller: CustomerRef(id: "c1", companyName: "Acme"),
            billingDate: LocalDate(year: 2026, month: 11, day: 2) ?? LocalDate(year: 2026, month: 1, day: 1)!,
            totalAmount: total,
            chargeSets: [
                ChargeSet(
                    loadReferenceNumber: "L1", totalAmount: total,
                    pricing: [Charge(name: "BASE PRICE", finalAmount: total)])
            ]))
}

/// A record whose export breaks a rule (#22) is kept as a problem without content
/// (`invalid-record`), which a good export of the same `_id` replaces.
@Suite("Ledger: records whose export breaks a rule")
struct InvalidRecordLedgerTests {
    private func stageInvalid(_ ledger: LedgerStore, _ id: String, replaces: Bool = true) throws {
        try ledger.stageFile(hash: UUID().uuidString, name: "bad.json", size: 1, format: "json", runID: "r") {
            session in
            try session.stageInvalid(
                kind: .invoice, portproID: id, number: "A-1",
                message:
                    "bad.json:9:20: error: invoices[0].chargeSets[0].pricing[0].finalAmount \"12,50x\" [invalid-value]",
                suggestion: "export it again", sourceFile: "bad.json")
            // Invoice parts are never combined with a record that has no content.
            if replaces { #expect(try session.stagedRecord(kind: .invoice, portproID: id) == nil) }
            return true
        }
    }

    private func stage(_ ledger: LedgerStore, _ record: ExportRecord) throws {
        try ledger.stageFile(hash: UUID().uuidString, name: "good.json", size: 1, format: "json", runID: "r") {
            session in
            try session.stage(record, sourceFile: "good.json")
            return true
        }
    }

    @Test("a new broken record is a problem row with no content; decoding it says so; a good export makes it pending")
    func newBrokenRecord() throws {
        let ledger = try LedgerStore.inMemory()
        try stageInvalid(ledger, "i1")
        let row = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(row.state == .problem)
        #expect(row.problemCode == LedgerRecord.invalidRecordCode)
        #expect(row.problemMessage?.contains("bad.json:9:20") == true)
        #expect(row.number == "A-1")
        #expect(row.isUnreadable)
        #expect(throws: UnreadableRecord.self) { try row.decoded() }
        #expect(try ledger.problemRecords().map(\.portproID) == ["i1"])
        #expect(try ledger.count(kind: .invoice, states: [.pending, .blocked]) == 0, "never pushed")

        try stage(ledger, invoice("i1", total: 12.5))
        let fixed = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(fixed.state == .pending)
        #expect(fixed.problemCode == nil)
        #expect(!fixed.isUnreadable)
        #expect(try fixed.decoded() == invoice("i1", total: 12.5))
    }

    @Test("a synced record exported broken keeps its link and synced content; the corrected export is an update")
    func syncedRecordExportedBroken() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, invoice("i1", total: 100))
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.markSynced(id: first.id, qbID: "77", syncToken: "0", contentHash: first.contentHash, runID: "r")

        try stageInvalid(ledger, "i1")
        let broken = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(broken.state == .problem)
        #expect(broken.qbID == "77")
        #expect(broken.syncedHash == first.contentHash)
        #expect(broken.isUnreadable)

        // The corrected export replaces the problem.
        try stage(ledger, invoice("i1", total: 120))
        let corrected = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(corrected.state == .pending)
        #expect(corrected.qbID == "77", "a sparse update of the QuickBooks invoice")
        #expect(corrected.problemCode == nil)
    }

    @Test("a cleared record is left as it is when its export breaks a rule")
    func clearedRecordIsLeftAlone() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(ledger, invoice("i1", total: 100))
        let first = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        try ledger.markCleared(id: first.id, note: "", source: "test", runID: "r")
        try stageInvalid(ledger, "i1", replaces: false)
        let kept = try #require(try ledger.record(kind: .invoice, portproID: "i1"))
        #expect(kept.state == .cleared)
        #expect(!kept.isUnreadable)
    }
}
