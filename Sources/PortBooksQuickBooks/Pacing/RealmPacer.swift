/// Admits requests to one realm so that every Intuit limit holds at once, without waiting for
/// a 429 and without idling below the ceiling.
///
/// Sliding-window accounting: each admitted request books a start time; a new request gets the
/// earliest time at which, for every window (minute for all requests, second for all requests,
/// minute for batches), fewer than the limit were booked within one window length before it.
/// Bookings are made in FIFO order before the caller sleeps, so waiters never stampede. The
/// in-flight limit is taken first (a slot is held from booking to completion). A 429 pauses all
/// admissions for the scaled back-off and cancels bookings not yet started.
///
/// Thread-safety: an actor; share one per realm between all tasks talking to that realm.
public actor RealmPacer {
    /// What a request counts against.
    public enum Kind: Sendable {
        /// Any single-object call (create, update, read, query, CDC).
        case single
        /// A `/batch` call: one request, and one batch.
        case batch
    }

    /// Proof of admission; give it back with `release(_:)`.
    public struct Permit: Sendable {
        let kind: Kind
        /// When the request was admitted, on the pacer's clock.
        public let admittedAt: Duration
    }

    /// The limits in force.
    public nonisolated let limits: PacingLimits
    private let clock: any PacingClock
    private var allStarts = TimeWindow()
    private var batchStarts = TimeWindow()
    private var inFlight = 0
    private var slotWaiters: [CheckedContinuation<Void, Never>] = []
    private var pausedUntil = Duration.zero
    private var epoch = 0

    /// Creates a pacer.
    public init(limits: PacingLimits = .intuit, clock: any PacingClock = SystemPacingClock()) {
        self.limits = limits
        self.clock = clock
    }

    /// Waits until a request of `kind` may start, and admits it.
    public func acquire(_ kind: Kind) async throws -> Permit {
        if inFlight >= limits.maxInFlight {
            await withCheckedContinuation { slotWaiters.append($0) }
        } else {
            inFlight += 1
        }
        // The slot is ours from here (release() hands it over directly when it resumes us).
        do {
            while true {
                try Task.checkCancellation()
                let bookingEpoch = epoch
                let start = earliestStart(kind)
                allStarts.append(start)
                if kind == .batch { batchStarts.append(start) }
                try await clock.sleep(until: start)
                if bookingEpoch == epoch {
                    return Permit(kind: kind, admittedAt: start)
                }
                // A 429 arrived while we slept: our booking was cancelled; book again.
            }
        } catch {
            freeSlot()
            throw error
        }
    }

    /// Marks the request of `permit` finished, freeing its in-flight slot.
    public func release(_ permit: Permit) {
        freeSlot()
    }

    /// Reports a 429: pauses every admission for the (scaled) throttle back-off and drops the
    /// bookings that had not started, so they are re-booked after the pause.
    public func throttled() {
        let now = clock.now()
        pausedUntil = max(pausedUntil, now + limits.scaled(limits.throttleBackoff))
        allStarts.removeAfter(now)
        batchStarts.removeAfter(now)
        epoch += 1
    }

    /// Runs `body` as one admitted request of `kind`, releasing the slot however it ends.
    public nonisolated func run<T: Sendable>(
        _ kind: Kind, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let permit = try await acquire(kind)
        do {
            let result = try await body()
            await release(permit)
            return result
        } catch {
            await release(permit)
            throw error
        }
    }

    private func freeSlot() {
        if slotWaiters.isEmpty {
            inFlight -= 1
        } else {
            slotWaiters.removeFirst().resume()
        }
    }

    private func earliestStart(_ kind: Kind) -> Duration {
        var start = max(clock.now(), pausedUntil, allStarts.last ?? .zero)
        start = max(
            start, allStarts.earliestAllowed(limit: limits.requestsPerMinute, window: limits.window(.seconds(60))))
        start = max(
            start, allStarts.earliestAllowed(limit: limits.requestsPerSecond, window: limits.window(.seconds(1))))
        if kind == .batch {
            start = max(
                start, batchStarts.earliestAllowed(limit: limits.batchesPerMinute, window: limits.window(.seconds(60))))
        }
        allStarts.prune(before: clock.now() - limits.window(.seconds(60)))
        batchStarts.prune(before: clock.now() - limits.window(.seconds(60)))
        return start
    }
}

/// Booked start times in non-decreasing order.
struct TimeWindow {
    private var times: [Duration] = []
    private var head = 0

    var last: Duration? { head < times.count ? times.last : nil }

    mutating func append(_ time: Duration) {
        times.append(time)
    }

    /// The earliest time a new start keeps at most `limit` starts in any `window`: the
    /// `limit`-th most recent start plus the window, or zero if fewer are booked.
    func earliestAllowed(limit: Int, window: Duration) -> Duration {
        let count = times.count - head
        guard count >= limit else { return .zero }
        return times[times.count - limit] + window
    }

    mutating func prune(before cutoff: Duration) {
        while head < times.count && times[head] < cutoff { head += 1 }
        if head > 1024 && head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }

    mutating func removeAfter(_ time: Duration) {
        while times.count > head, let last = times.last, last > time { times.removeLast() }
    }
}
