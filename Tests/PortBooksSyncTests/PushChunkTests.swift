import Testing

@testable import PortBooksSync

/// How a push takes its invoices: small steps first (the first batches leave while the rest
/// is mapped), full steps, and small steps last (few payments wait on the last invoices).
@Suite struct PushChunkTests {
    @Test func stepsCoverEveryRecordOnceInOrder() {
        for count in [0, 1, 29, 30, 31, 119, 120, 121, 239, 240, 360, 541, 660, 661, 3000, 12_345] {
            let sizes = Pusher.chunkSizes(count: count)
            #expect(sizes.reduce(0, +) == count, "\(count)")
            #expect(sizes.allSatisfy { $0 > 0 && $0 <= Pusher.chunkSize }, "\(count): \(sizes)")
        }
        #expect(Pusher.chunkSizes(count: 3000) == [30, 90] + Array(repeating: 300, count: 9) + [60, 90, 30])
        #expect(Pusher.chunkSizes(count: 200) == [30, 90, 80])
        #expect(Pusher.chunkSizes(count: 50) == [30, 20])
    }
}
