import Foundation
import Testing

@testable import PortBooksQuickBooks

@Suite struct RealmPacerTests {
    /// The most admissions inside any window of `length` (half-open), over sorted times.
    func peak(_ times: [Duration], window length: Duration) -> Int {
        var best = 0
        var low = 0
        for high in times.indices {
            while times[high] - times[low] >= length { low += 1 }
            best = max(best, high - low + 1)
        }
        return best
    }

    @Test(arguments: [1.0, 60.0])
    func singlesStayInsideEveryWindowAndNearTheCeiling(timeScale: Double) async throws {
        let clock = FakeClock()
        let pacer = RealmPacer(limits: PacingLimits(timeScale: timeScale), clock: clock)
        let count = 3000
        let times = try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let permit = try await pacer.acquire(.single)
                    await pacer.release(permit)
                    return permit.admittedAt
                }
            }
            var times: [Duration] = []
            for try await time in group { times.append(time) }
            return times.sorted()
        }
        let minute = Duration.seconds(60) / timeScale
        let second = Duration.seconds(1) / timeScale
        #expect(peak(times, window: minute) <= 500)
        #expect(peak(times, window: second) <= 10)
        // Near the ceiling: 3000 requests at 500 per minute need a little over 5 minutes
        // (the last starts after the 6th window opens); allow the 2% safety margin and slack.
        let elapsed = try #require(times.last)
        #expect(elapsed <= minute * 5 * 1.03 + second * 60)
        #expect(elapsed >= minute * 5)
    }

    @Test func batchesHaveTheirOwnLimitAndCountAsRequests() async throws {
        let clock = FakeClock()
        let pacer = RealmPacer(limits: PacingLimits(), clock: clock)
        let times = try await withThrowingTaskGroup(of: (RealmPacer.Kind, Duration).self) { group in
            for index in 0..<1200 {
                let kind: RealmPacer.Kind = index % 4 == 0 ? .batch : .single
                group.addTask {
                    let permit = try await pacer.acquire(kind)
                    await pacer.release(permit)
                    return (kind, permit.admittedAt)
                }
            }
            var times: [(RealmPacer.Kind, Duration)] = []
            for try await entry in group { times.append(entry) }
            return times
        }
        let all = times.map(\.1).sorted()
        let batches = times.filter { $0.0 == .batch }.map(\.1).sorted()
        #expect(batches.count == 300)
        #expect(peak(batches, window: .seconds(60)) <= 40)
        #expect(peak(all, window: .seconds(60)) <= 500)
        #expect(peak(all, window: .seconds(1)) <= 10)
    }

    @Test func neverMoreThanTenInFlight() async throws {
        let pacer = RealmPacer(limits: PacingLimits(timeScale: 1000), clock: SystemPacingClock())
        let gauge = InFlightGauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<60 {
                group.addTask {
                    try await pacer.run(.single) {
                        gauge.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak <= 10)
        #expect(gauge.peak >= 2)
    }

    @Test func throttlePausesEveryoneForTheScaledBackoff() async throws {
        let clock = FakeClock()
        let pacer = RealmPacer(limits: PacingLimits(timeScale: 2), clock: clock)
        let first = try await pacer.acquire(.single)
        await pacer.release(first)
        await pacer.throttled()
        let second = try await pacer.acquire(.single)
        #expect(second.admittedAt >= .seconds(30))
        await pacer.release(second)
    }
}

final class InFlightGauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0

    func enter() {
        lock.lock()
        current += 1
        peak = max(peak, current)
        lock.unlock()
    }

    func leave() {
        lock.lock()
        current -= 1
        lock.unlock()
    }
}
