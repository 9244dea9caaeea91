import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksReports
import Testing

@testable import PortBooksStage

/// PortPro API invoice pages staged file by file, as `sync` and `import` do: the charge sets of
/// one invoice number from several files end up in one ledger record.
@Suite("Staging PortPro API pages")
struct PortProPagesStagingTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/portpro-api")

    /// The named fixtures, copied into a fresh temporary folder, staged in that order.
    private func stage(_ names: [String], into ledger: LedgerStore) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stager = Stager(
            ledger: ledger, runID: "run-\(UUID().uuidString)", results: RunResults(), memo: StagedMemo(),
            logger: .quiet)
        for (index, name) in names.enumerated() {
            // A distinct name per step: the same fixture staged twice is a new drop of it.
            let copy = folder.appendingPathComponent("\(index)-\(URL(fileURLWithPath: name).lastPathComponent)")
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: copy)
            try stager.stageNamedFile(copy, progress: nil)
        }
    }

    private func invoice(_ ledger: LedgerStore, _ number: String) throws -> Invoice? {
        guard let record = try ledger.record(kind: .invoice, portproID: number) else { return nil }
        guard case .invoice(let invoice) = try record.decoded() else { return nil }
        return invoice
    }

    @Test("a multi-charge-set invoice spanning two pages (two files) is one invoice with both charge sets")
    func twoPages() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(["quirk-combined-page-1.json", "quirk-combined-page-2.json"], into: ledger)
        let combined = try #require(try invoice(ledger, "RSRE_000284"))
        #expect(combined.chargeSets.map(\.loadReferenceNumber) == ["RSRUSH_E100718", "RSRUSH_E100725"])
        #expect(combined.totalAmount == Decimal(string: "1265.00"))
        #expect(combined.portproRemainAmount == Decimal(string: "734.00"))
        #expect(try ledger.records(kind: .invoice, number: "RSRE_000284").count == 1)
        let record = try #require(try ledger.record(kind: .invoice, portproID: "RSRE_000284"))
        #expect(record.amount == "1265.00", "the ledger's amount column is the combined total")
        #expect(try invoice(ledger, "RSRE_000285") != nil)
    }

    @Test("the pages in the other order give the same charge sets; a page dropped again changes nothing")
    func orderAndRepeats() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(
            ["quirk-combined-page-2.json", "quirk-combined-page-1.json", "quirk-combined-page-2.json"], into: ledger)
        let combined = try #require(try invoice(ledger, "RSRE_000284"))
        #expect(Set(combined.chargeSets.map(\.loadReferenceNumber)) == ["RSRUSH_E100718", "RSRUSH_E100725"])
        #expect(combined.chargeSets.count == 2)
        #expect(combined.totalAmount == Decimal(string: "1265.00"))
    }

    @Test("the list omitting a load: the single-invoice response completes the invoice; a later page keeps it whole")
    func singleResponseCompletes() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(["quirk-list-omits.json"], into: ledger)
        #expect(try invoice(ledger, "RSRE_000284")?.chargeSets.count == 1, "the list gave one of its two loads")
        try stage(["invoice-response-RSRE_000284.json"], into: ledger)
        #expect(try invoice(ledger, "RSRE_000284")?.chargeSets.count == 2)
        try stage(["quirk-combined-page-1.json"], into: ledger)
        let after = try #require(try invoice(ledger, "RSRE_000284"))
        #expect(after.chargeSets.map(\.loadReferenceNumber) == ["RSRUSH_E100718", "RSRUSH_E100725"])
        #expect(after.totalAmount == Decimal(string: "1265.00"))
    }

    @Test("an invalid page stages nothing, not even the parts before its problem")
    func invalidPageStagesNothing() throws {
        let ledger = try LedgerStore.inMemory()
        try stage(["invalid/missing-reference-number.json"], into: ledger)
        #expect(try ledger.records(kind: .invoice, states: RecordState.allCases).isEmpty)
    }
}
