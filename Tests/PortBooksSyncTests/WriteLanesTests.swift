import Foundation
import PortBooksJSON
import PortBooksLedger
import PortBooksPush
import PortBooksQuickBooks
import Testing

@testable import PortBooksSync

/// The write lanes against a writer whose batch window never opens (as when the minute's 40
/// batches are spent): the single requests carry every record, and closing the lanes does not
/// wait for the batch window with nothing left to send. Before, `close()` waited for the
/// window (at Intuit's pace up to a minute; a sixth of the bench's paid-history push), here
/// for ever: the suite's limit fails the test.
@Suite(.timeLimit(.minutes(2))) struct WriteLanesTests {
    /// Sends singles at once; a batch's admission waits until it is cancelled.
    struct ClosedBatchWindow: QuickBooksWriter {
        let rehearsal = RehearsalWriter()
        let batchesAdmitted = Counter()

        func admit(_ route: WireSend.Route) async throws -> WriteAdmission {
            guard route == .batch else { return try await rehearsal.admit(route) }
            try await Task.sleep(for: .seconds(3_600))
            batchesAdmitted.increment()
            return try await rehearsal.admit(route)
        }

        func unused(_ admission: WriteAdmission) async {}

        func send(_ send: WireSend, admission: WriteAdmission?) async throws -> WriteAnswers {
            try await rehearsal.send(send, admission: admission)
        }

        func createInBatches(_ jobs: [WriteJob], entity: String) async throws -> WriteAnswers {
            try await rehearsal.createInBatches(jobs, entity: entity)
        }

        func createEach(_ jobs: [WriteJob], entity: String, concurrency: Int) async throws -> WriteAnswers {
            try await rehearsal.createEach(jobs, entity: entity, concurrency: concurrency)
        }

        func update(_ jobs: [UpdateJob], entity: String) async throws -> WriteAnswers {
            try await rehearsal.update(jobs, entity: entity)
        }

        func void(_ jobs: [VoidJob], entity: String) async throws -> WriteAnswers {
            try await rehearsal.void(jobs, entity: entity)
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    func jobs(_ ids: ClosedRange<Int64>) throws -> [WriteJob] {
        try ids.map { id in
            WriteJob(
                recordID: id, json: ["CustomerRef": ["value": "1"], "TotalAmt": 10],
                requestID: try #require(RequestID("lanes-test-\(id)")))
        }
    }

    @Test func closingDoesNotWaitForABatchWindowWithNothingToSend() async throws {
        let ledger = try LedgerStore.inMemory()
        let writer = ClosedBatchWindow()
        let lanes = WriteLanes(writer: writer, ledger: ledger, singles: true)
        await lanes.start()
        // 45 records: a batch worker asks for the window as soon as 30 are queued, the single
        // requests meanwhile take them all.
        let group = await lanes.submit(try jobs(1...45), entity: "Payment", contentHashes: [:])
        let answers = try await lanes.answers(group)
        #expect(answers.count == 45)
        #expect(answers.values.allSatisfy { if case .success = $0 { true } else { false } })
        // Each send was written down before it went, and is forgotten once recorded.
        #expect(try ledger.pendingSends().count == 45)
        try await lanes.recorded(Array(Int64(1)...45))
        try await lanes.close()
        #expect(writer.batchesAdmitted.value == 0)
        #expect(await lanes.singlesSent == 45)
        #expect(await lanes.batchesSent == 0)
        #expect(try ledger.pendingSends().isEmpty)
    }
}
