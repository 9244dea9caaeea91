import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage
import Testing

@testable import PortBooksSync

/// A run's requests are remembered by the next run's pacer (another process in real use), so
/// it does not send into windows the last run filled.
@Suite struct PacerMemoryTests {
    @Test func theNextRunCountsTheLastRunsRequests() async throws {
        let folder = NSTemporaryDirectory() + "portbooks-pacer-memory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ledger = try LedgerStore.open(path: folder + "/ledger.sqlite")

        let first = RealmPacer(limits: .intuit)
        for kind in [RealmPacer.Kind.batch, .batch] + Array(repeating: .single, count: 8) {
            await first.release(try await first.acquire(kind))
        }
        try await PacerMemory.save(from: first, to: ledger)

        let next = RealmPacer(limits: .intuit)
        #expect(await next.recentRequests().singles.isEmpty)
        try await PacerMemory.restore(into: next, from: ledger)
        let remembered = await next.recentRequests()
        #expect(remembered.batches.count == 2)
        #expect(remembered.singles.count == 8)
        // Ages only grow: nothing remembered as finishing in the future.
        #expect(remembered.singles.allSatisfy { $0 >= .zero })

        // A damaged value is ignored, not fatal.
        try ledger.setMeta(PacerMemory.key, "{not json")
        let fresh = RealmPacer(limits: .intuit)
        try await PacerMemory.restore(into: fresh, from: ledger)
        #expect(await fresh.recentRequests().singles.isEmpty)
    }
}
