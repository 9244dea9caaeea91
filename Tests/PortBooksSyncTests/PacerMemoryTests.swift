import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage
import Testing

@testable import PortBooksSync

/// A run's requests are remembered by the next run's pacer (another process in real use), so
/// it does not send into windows the last run filled.
///
/// The limit names a hang, not slowness: the end-to-end suites hold the cooperative pool's
/// threads (two on a 2-core machine) while their child processes run, so this 0.04 s test can
/// wait minutes for a thread in `make test`.
@Suite(.timeLimit(.minutes(10))) struct PacerMemoryTests {
    @Test func theNextRunCountsTheLastRunsRequests() async throws {
        let folder = NSTemporaryDirectory() + "portbooks-pacer-memory-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = URL(fileURLWithPath: folder + "/pacer.json")

        let first = RealmPacer(limits: .intuit)
        for kind in [RealmPacer.Kind.batch, .batch] + Array(repeating: .single, count: 8) {
            await first.release(try await first.acquire(kind))
        }
        try await PacerMemory.save(from: first, to: file)

        let next = RealmPacer(limits: .intuit)
        #expect(await next.recentRequests().singles.isEmpty)
        await PacerMemory.restore(into: next, from: file)
        let remembered = await next.recentRequests()
        #expect(remembered.batches.count == 2)
        #expect(remembered.singles.count == 8)
        // Ages only grow: nothing remembered as finishing in the future.
        #expect(remembered.singles.allSatisfy { $0 >= .zero })

        // A damaged value is ignored, not fatal.
        try Data("{not json".utf8).write(to: file)
        let fresh = RealmPacer(limits: .intuit)
        await PacerMemory.restore(into: fresh, from: file)
        #expect(await fresh.recentRequests().singles.isEmpty)
    }
}
