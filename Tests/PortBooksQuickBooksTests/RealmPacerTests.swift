import Foundation
import PortBooksJSON
import PortBooksRandom
import Testing

@testable import PortBooksQuickBooks

@Suite(.timeLimit(.minutes(5))) struct RealmPacerTests {
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

    /// One simulated request: what it was, when it started, when the server counted it.
    struct Simulated {
        var kind: RealmPacer.Kind
        var start: Duration
        var arrival: Duration
    }

    /// Drives the pacer's schedule as the pacer does, over a simulated network, in exact
    /// virtual time: at most `maxInFlight` requests open; each starts at its booked time, is
    /// counted by the server somewhere inside its round trip (`arrivalFraction` of it), and
    /// completes — frees its slot and is recorded — when the round trip ends.
    ///
    /// `service` is the part of each round trip the server spends on the request after
    /// counting it (QuickBooks' `Service-Time`): the arrival then falls before it, and the
    /// request is recorded as complete that long before its response, as `release` does.
    func simulate(
        _ kinds: [RealmPacer.Kind], limits: PacingLimits, roundTrip: Duration, service: Double = 0,
        seed: UInt64 = 42
    ) -> [Simulated] {
        var schedule = PacingSchedule(limits: limits)
        var random = SplitMix64(state: seed)
        var now = Duration.zero
        var open: [(end: Duration, kind: RealmPacer.Kind, counted: Duration)] = []
        var results: [Simulated] = []
        var next = 0
        while next < kinds.count || !open.isEmpty {
            while open.count < limits.maxInFlight && next < kinds.count {
                let kind = kinds[next]
                next += 1
                let start = schedule.book(kind, now: now)
                let latency = roundTrip * random.unit()
                let served = latency * service
                results.append(
                    Simulated(kind: kind, start: start, arrival: start + (latency - served) * random.unit()))
                open.append((start + latency, kind, start + latency - served))
            }
            guard let first = open.indices.min(by: { open[$0].end < open[$1].end }) else { break }
            let done = open.remove(at: first)
            now = max(now, done.end)
            schedule.complete(done.kind, at: done.counted)
        }
        return results
    }

    @Test(arguments: [1.0, 60.0])
    func singlesStayInsideEveryWindowAndNearTheCeiling(timeScale: Double) throws {
        let limits = PacingLimits(timeScale: timeScale)
        let minute = Duration.seconds(60) / timeScale
        let second = Duration.seconds(1) / timeScale
        let run = simulate(Array(repeating: .single, count: 3000), limits: limits, roundTrip: second / 20)
        let arrivals = run.map(\.arrival).sorted()
        #expect(peak(arrivals, window: minute) <= 500)
        #expect(peak(arrivals, window: second) <= 10)
        // Near the ceiling: 3000 single requests at 460 per minute (500 less the batches' 40)
        // need a little over 6 minutes (the last starts after the 7th window opens, 460 at
        // 10 a second take 46 s); allow the margin and round trips.
        let elapsed = try #require(run.map(\.start).max())
        #expect(elapsed <= minute * 6 * 1.01 + second * 50)
        #expect(elapsed >= minute * 6)
    }

    /// The server counts a request when it arrives, anywhere between the moment it was sent and
    /// the moment its response was read. Whatever the network does inside that span, the
    /// arrivals never break a window: here round trips up to three one-second windows (at 60x,
    /// 50 ms against 17 ms windows), each arrival drawn anywhere inside its round trip. With
    /// short round trips the same mix runs at the batch ceiling.
    @Test func arrivalsAnywhereBeforeTheResponseNeverBreakAWindow() throws {
        let limits = PacingLimits(timeScale: 60, safetyMargin: 0, safetySlack: .zero)
        let second = Duration.seconds(1) / 60
        let kinds = (0..<1500).map { $0 % 5 == 0 ? RealmPacer.Kind.batch : .single }
        let run = simulate(kinds, limits: limits, roundTrip: second * 3)
        let all = run.map(\.arrival).sorted()
        let batches = run.filter { $0.kind == .batch }.map(\.arrival).sorted()
        #expect(peak(all, window: second) <= 10)
        #expect(peak(all, window: second * 60) <= 500)
        #expect(peak(batches, window: second * 60) <= 40)

        // The least time these limits allow this sequence: the same schedule with an instant
        // network and no margin (300 batches at 40 a minute: more than 7 minutes, as the first 40
        // are spread by the 10-a-second limit over the singles between them). With 1.7 ms round
        // trips the pacer is within its 0.5% margin and a round trip per window of it.
        let exact = PacingLimits(timeScale: 60, safetyMargin: 0, safetySlack: .zero)
        let least = try #require(simulate(kinds, limits: exact, roundTrip: .zero).map(\.start).max())
        let fast = simulate(kinds, limits: PacingLimits(timeScale: 60), roundTrip: second / 10)
        let elapsed = try #require(fast.map(\.start).max())
        #expect(least >= second * 60 * 7)
        #expect(elapsed >= least)
        #expect(elapsed <= least * 1.01)
    }

    /// With QuickBooks' `Service-Time`, a request counts from its response less the time the
    /// service spent on it, not from its response: round trips of up to half a window that are
    /// mostly service time (as Intuit's are: `total=161` of a 250 ms create) then no longer
    /// cost the 10-a-second window its room, and the singles run at the minute's 460, where
    /// counting from the response holds them to 10 per second-and-a-round-trip. The arrivals,
    /// anywhere before the service began, still never break a window.
    @Test func serviceTimeGivesTheSecondBackAndBreaksNoWindow() throws {
        let limits = PacingLimits(timeScale: 60, safetyMargin: 0, safetySlack: .zero)
        let second = Duration.seconds(1) / 60
        let minute = second * 60
        let kinds = Array(repeating: RealmPacer.Kind.single, count: 2300)
        let served = simulate(kinds, limits: limits, roundTrip: second, service: 0.9)
        let arrivals = served.map(\.arrival).sorted()
        #expect(peak(arrivals, window: second) <= 10)
        #expect(peak(arrivals, window: minute) <= 500)
        let withService = try #require(served.map(\.start).max())
        let counted = try #require(simulate(kinds, limits: limits, roundTrip: second).map(\.start).max())
        // 2,300 singles at 460 a minute: the last starts once the fifth minute has begun.
        #expect(withService >= minute * 4)
        #expect(withService <= minute * 4 * 1.02 + second * 46)
        // Counted from the response, 10 a second and half a round trip: about 6.7 a second.
        #expect(counted >= withService * 1.1)
    }

    /// The pacer before this one counted start times only: the same simulated network broke
    /// the one-second window. Kept to show the test above can fail.
    @Test func startTimesAloneAreNotEnough() {
        let second = Duration.seconds(1) / 60
        var starts: [Duration] = []
        var arrivals: [Duration] = []
        var random = SplitMix64(state: 42)
        for index in 0..<200 {
            // Ten starts per window, exactly as a start-time pacer books them.
            let start = second * (1.001 * Double(index / 10))
            starts.append(start)
            arrivals.append(start + second * 3 * random.unit() * random.unit())
        }
        #expect(peak(starts, window: second) <= 10)
        #expect(peak(arrivals.sorted(), window: second) > 10)
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

    /// Batches waiting a minute for their window hold at most half the in-flight slots, so
    /// lookups and payments keep going meanwhile. The clock only moves when the test moves it:
    /// the first 40 batches go at time 0 and the next five fall asleep until their window opens,
    /// holding every batch place; only then come the 100 singles, which must all start at time 0.
    /// (Nothing else orders the two groups. When the singles finished and the clock moved before
    /// 20 batches had gone, more than 40 were left for the minute after the move, and the 41st
    /// slept until a minute the clock never reached: the whole test run hung.)
    @Test func batchesWaitingForTheirWindowLeaveSlotsForSingles() async throws {
        let clock = ManualClock()
        let pacer = RealmPacer(limits: PacingLimits(requestsPerSecond: 1000), clock: clock)
        let batches = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<60 {
                    group.addTask { try await pacer.run(.batch) {} }
                }
                try await group.waitForAll()
            }
        }
        // Five asleep means exactly 40 went at time 0 (a batch sleeps only once 40 are counted)
        // and the other 15 wait for a place; after the move below all 20 fit in one minute.
        try #require(await waitForSleepers(clock, count: 5))
        let singles = try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    let permit = try await pacer.acquire(.single)
                    await pacer.release(permit)
                    return permit.admittedAt
                }
            }
            var starts: [Duration] = []
            for try await start in group { starts.append(start) }
            return starts
        }
        #expect(singles.count == 100)
        #expect(singles.allSatisfy { $0 == .zero })
        clock.advance(to: .seconds(61))
        try await batches.value
    }

    /// Waits (in real time, at most ten seconds) until `count` tasks sleep on `clock`.
    func waitForSleepers(_ clock: ManualClock, count: Int) async throws -> Bool {
        for _ in 0..<10_000 {
            if clock.sleeperCount == count { return true }
            try await Task.sleep(for: .milliseconds(1))
        }
        return false
    }

    /// Waits (in real time, at most two seconds) until `done` holds for the pacer's places.
    func waitForPlaces(
        _ pacer: RealmPacer, until done: ((batches: Int, singles: Int, inFlight: Int)) -> Bool
    ) async throws -> Bool {
        for _ in 0..<2_000 {
            if done(await pacer.places) { return true }
            try await Task.sleep(for: .milliseconds(1))
        }
        return false
    }

    /// Batches asleep for their minute hold a place of their own kind but no room in flight and
    /// none in the shared windows: eight singles go on the wire together meanwhile. (When a
    /// sleeping batch held an in-flight slot, five batches left the singles five.)
    @Test func batchesAsleepForTheirMinuteLeaveEveryRoomInFlightToSingles() async throws {
        let clock = ManualClock()
        let pacer = RealmPacer(limits: PacingLimits(requestsPerSecond: 1000), clock: clock)
        for _ in 0..<40 { await pacer.release(try await pacer.acquire(.batch)) }
        let late = (0..<5).map { _ in Task { try await pacer.acquire(.batch) } }
        #expect(try await waitForPlaces(pacer) { $0.batches == 5 })
        let singles = (0..<8).map { _ in Task { try await pacer.acquire(.single) } }
        #expect(try await waitForPlaces(pacer) { $0.inFlight == 8 })
        // Whatever happened, let every request through and give its place back.
        clock.advance(to: .seconds(61))
        for task in singles {
            let permit = try await task.value
            #expect(permit.admittedAt == .zero)
            await pacer.release(permit)
        }
        for task in late {
            let permit = try await task.value
            #expect(permit.admittedAt >= .seconds(60))
            await pacer.release(permit)
        }
    }

    /// A read (a lookup a pipeline waits on) is handed the next free place before the writes
    /// that queued earlier.
    @Test func readsGoBeforeQueuedWrites() async throws {
        let clock = ManualClock()
        let pacer = RealmPacer(limits: PacingLimits(requestsPerSecond: 1000), clock: clock)
        var held: [RealmPacer.Permit] = []
        for _ in 0..<8 { held.append(try await pacer.acquire(.single)) }
        let order = OrderLog()
        let writes = (0..<3).map { index in
            Task {
                let permit = try await pacer.acquire(.single)
                order.append("write \(index)")
                await pacer.release(permit)
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        let read = Task {
            let permit = try await pacer.acquire(.single, read: true)
            order.append("read")
            await pacer.release(permit)
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(order.entries.isEmpty)
        await pacer.release(held.removeLast())
        try await read.value
        #expect(order.entries.first == "read")
        for permit in held { await pacer.release(permit) }
        for write in writes { try await write.value }
        #expect(order.entries.count == 4)
    }

    /// The windows count a request from when its response arrived (stamped by the transport),
    /// not from when the task got round to releasing it: with one request a second, the next
    /// starts a second after the response, however late the release. A stamp later than the
    /// release is not believed.
    @Test func windowsCountFromWhenTheResponseArrived() async throws {
        let clock = FakeClock()
        let pacer = RealmPacer(limits: PacingLimits(requestsPerSecond: 1, safetyMargin: 0), clock: clock)
        let first = try await pacer.acquire(.single)
        clock.advance(to: .milliseconds(900))
        await pacer.release(first, responseAt: clock.origin + .milliseconds(100))
        let second = try await pacer.acquire(.single)
        #expect(second.admittedAt == .milliseconds(1_100))
        await pacer.release(second, responseAt: clock.origin + .seconds(3_600))
        let third = try await pacer.acquire(.single)
        #expect(third.admittedAt == .milliseconds(2_100))
        clock.advance(to: .milliseconds(2_500))
        await pacer.release(third)
        let fourth = try await pacer.acquire(.single)
        #expect(fourth.admittedAt == .milliseconds(3_500))
        await pacer.release(fourth)
    }

    /// `release(_:responseAt:serviceTime:)` counts the request from its response less the
    /// service time QuickBooks reported, never from before it was sent; after a 429 it no
    /// longer believes the header and counts from the response.
    @Test func windowsCountFromBeforeTheServiceTime() async throws {
        let clock = FakeClock()
        let pacer = RealmPacer(limits: PacingLimits(requestsPerSecond: 1, safetyMargin: 0), clock: clock)
        let first = try await pacer.acquire(.single)
        clock.advance(to: .milliseconds(900))
        await pacer.release(first, responseAt: clock.origin + .milliseconds(800), serviceTime: .milliseconds(600))
        let second = try await pacer.acquire(.single)
        #expect(second.admittedAt == .milliseconds(1_200))
        // A service time longer than the round trip: counted from the moment it was sent.
        clock.advance(to: .milliseconds(1_500))
        await pacer.release(second, responseAt: clock.origin + .milliseconds(1_400), serviceTime: .seconds(5))
        let third = try await pacer.acquire(.single)
        #expect(third.admittedAt == .milliseconds(2_200))
        await pacer.release(third, responseAt: clock.origin + .milliseconds(2_300), serviceTime: .milliseconds(50))
        await pacer.throttled()
        #expect(await pacer.trustsServiceTime == false)
        let fourth = try await pacer.acquire(.single)
        #expect(fourth.admittedAt == .milliseconds(62_200))
        clock.advance(to: .milliseconds(62_500))
        await pacer.release(fourth, responseAt: clock.origin + .milliseconds(62_400), serviceTime: .milliseconds(300))
        let fifth = try await pacer.acquire(.single)
        #expect(fifth.admittedAt == .milliseconds(63_400))
        await pacer.release(fifth)
    }

    /// The most requests of `kinds` on the wire at once (each 5 ms long) through a fast pacer.
    func peakInFlight(_ kinds: [RealmPacer.Kind]) async throws -> Int {
        let pacer = RealmPacer(limits: PacingLimits(timeScale: 1000), clock: SystemPacingClock())
        let gauge = InFlightGauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for kind in kinds {
                group.addTask {
                    try await pacer.run(kind) {
                        gauge.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        return gauge.peak
    }

    @Test func neverMoreThanTenInFlight() async throws {
        let peak = try await peakInFlight(Array(repeating: .single, count: 60))
        #expect(peak <= 10)
        #expect(peak >= 2)
    }

    /// Batches and singles together (five places for batches and eight for singles) never have
    /// more than ten on the wire.
    @Test func batchesAndSinglesTogetherNeverMoreThanTenInFlight() async throws {
        let peak = try await peakInFlight((0..<80).map { $0 % 3 == 0 ? .batch : .single })
        #expect(peak <= 10)
        #expect(peak >= 2)
    }

    /// Singles leave 40 of the minute's 500 requests to batches, batch or no batch: the write
    /// lanes send batches whenever 30 records wait, so the 40 are always theirs to take.
    @Test func singlesLeaveTheBatchesTheirShare() async throws {
        let limits = PacingLimits(requestsPerSecond: 1000, safetyMargin: 0)
        let pacer = RealmPacer(limits: limits, clock: FakeClock())
        for _ in 0..<460 {
            let permit = try await pacer.acquire(.single)
            #expect(permit.admittedAt == .zero)
            await pacer.release(permit)
        }
        // The minute's 460 singles are spent; its batches are not.
        let batch = try await pacer.acquire(.batch)
        #expect(batch.admittedAt == .zero)
        await pacer.release(batch)
        let single = try await pacer.acquire(.single)
        #expect(single.admittedAt >= .seconds(60))
        await pacer.release(single)
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

final class OrderLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func append(_ entry: String) { lock.withLock { list.append(entry) } }
    var entries: [String] { lock.withLock { list } }
}
