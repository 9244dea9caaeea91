/// Admits requests to one realm so that every Intuit limit holds at once, without waiting for
/// a 429 and without idling below the ceiling.
///
/// Sliding-window accounting that no network delay can fool. QuickBooks counts a request at
/// the moment it arrives, which the client never sees: it lies somewhere between the moment
/// the request was sent and the moment its response was read. So the pacer counts every
/// request as occupying its windows until its response was read (a request still open counts
/// as occupying them for ever), and admits a new one only when fewer than the limit could
/// possibly still be counted when it arrives. However late or early the arrivals really fall,
/// the server never sees more than the limit in any window; the price is one round trip per
/// window, nothing at Intuit's windows of a second and a minute.
///
/// Every admission takes an in-flight slot first (≤ `maxInFlight`; batches are handed free
/// slots first, and neither kind may hold them all), then books the earliest start every window
/// allows and sleeps until it; the booking counts as open from that moment, so waiters never
/// stampede. Single requests get what the batches leave of the minute's budget (500 − 40). A 429 pauses all admissions for the
/// scaled back-off and makes bookings not yet started book again after the pause.
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
    private var schedule: PacingSchedule
    private var inFlight = 0
    private var inFlightBatches = 0
    private var batchWaiters: [CheckedContinuation<Void, Never>] = []
    private var singleWaiters: [CheckedContinuation<Void, Never>] = []
    private var pausedUntil = Duration.zero
    private var epoch = 0

    /// Creates a pacer.
    public init(limits: PacingLimits = .intuit, clock: any PacingClock = SystemPacingClock()) {
        self.limits = limits
        self.clock = clock
        self.schedule = PacingSchedule(limits: limits)
    }

    /// Waits until a request of `kind` may start, and admits it.
    public func acquire(_ kind: Kind) async throws -> Permit {
        if canTakeSlot(kind) && (kind == .batch ? batchWaiters : singleWaiters).isEmpty {
            takeSlot(kind)
        } else {
            await withCheckedContinuation { continuation in
                if kind == .batch { batchWaiters.append(continuation) } else { singleWaiters.append(continuation) }
            }
        }
        // The slot is ours from here (handOverSlots() takes it for us before resuming us).
        do {
            while true {
                try Task.checkCancellation()
                let bookingEpoch = epoch
                let start = max(schedule.book(kind, now: clock.now()), pausedUntil)
                do {
                    try await clock.sleep(until: start)
                } catch {
                    schedule.cancel(kind)
                    throw error
                }
                if bookingEpoch == epoch {
                    return Permit(kind: kind, admittedAt: start)
                }
                // A 429 arrived while we slept: book again after the pause.
                schedule.cancel(kind)
            }
        } catch {
            freeSlot(kind)
            throw error
        }
    }

    /// Marks the request of `permit` finished (its response read, or the attempt abandoned),
    /// freeing its in-flight slot.
    public func release(_ permit: Permit) {
        schedule.complete(permit.kind, at: clock.now())
        freeSlot(permit.kind)
    }

    /// Reports a 429: pauses every admission for the (scaled) throttle back-off; bookings not
    /// yet started book again after the pause.
    public func throttled() {
        pausedUntil = max(pausedUntil, clock.now() + limits.scaled(limits.throttleBackoff))
        epoch += 1
    }

    /// How long ago each request still inside a window finished (batches and singles apart),
    /// so that the next run, in another process, can `remember` them: QuickBooks counts a
    /// realm's requests across processes, so a run started seconds after another must not
    /// assume its windows are empty.
    public func recentRequests() -> (batches: [Duration], singles: [Duration]) {
        let now = clock.now()
        let window = limits.window(.seconds(60))
        let (batches, singles) = schedule.completions(since: now - window)
        return (batches.map { now - $0 }, singles.map { now - $0 })
    }

    /// Counts requests that finished `ages` ago (from `recentRequests`, perhaps of another
    /// process) in the windows, as if this pacer had sent them.
    public func remember(batches: [Duration], singles: [Duration]) {
        let now = clock.now()
        for age in batches where age >= .zero { schedule.recordPast(.batch, at: now - age) }
        for age in singles where age >= .zero { schedule.recordPast(.single, at: now - age) }
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

    /// In-flight slots are shared, but neither kind may hold them all: batches at most half,
    /// singles all but two. A batch waiting for its window then never starves the lookups and
    /// payments, and a queue of singles waiting for the minute's budget never keeps the next
    /// batch (30 records) from starting when its window opens.
    private func slotCap(_ kind: Kind) -> Int {
        let total = limits.maxInFlight
        guard total >= 3 else { return total }
        return kind == .batch ? max(1, total / 2) : total - 2
    }

    private func canTakeSlot(_ kind: Kind) -> Bool {
        let held = kind == .batch ? inFlightBatches : inFlight - inFlightBatches
        return inFlight < limits.maxInFlight && held < slotCap(kind)
    }

    private func takeSlot(_ kind: Kind) {
        inFlight += 1
        if kind == .batch { inFlightBatches += 1 }
    }

    private func freeSlot(_ kind: Kind) {
        inFlight -= 1
        if kind == .batch { inFlightBatches -= 1 }
        handOverSlots()
    }

    /// Gives free slots to waiters, batches first, each kind in FIFO order.
    private func handOverSlots() {
        while true {
            if !batchWaiters.isEmpty && canTakeSlot(.batch) {
                takeSlot(.batch)
                batchWaiters.removeFirst().resume()
            } else if !singleWaiters.isEmpty && canTakeSlot(.single) {
                takeSlot(.single)
                singleWaiters.removeFirst().resume()
            } else {
                return
            }
        }
    }
}

/// The pacer's bookkeeping, without clocks or tasks: bookings, completions, and the earliest
/// start each new booking may have. Kept apart so that it can be driven by a simulated
/// network in tests.
struct PacingSchedule {
    let limits: PacingLimits
    /// Completion times of finished requests (all kinds), of finished batches, and of finished
    /// single requests.
    private var finished = CompletionTimes()
    private var finishedBatches = CompletionTimes()
    private var finishedSingles = CompletionTimes()
    /// Requests booked or in flight, and how many of them are batches.
    private(set) var open = 0
    private(set) var openBatches = 0

    init(limits: PacingLimits) {
        self.limits = limits
    }

    /// Books a request of `kind` at `now`: returns the earliest start at which, in every
    /// window, fewer than the limit of the requests booked, in flight, or finished less than
    /// one window before could still be counted. It counts as open from here.
    mutating func book(_ kind: RealmPacer.Kind, now: Duration) -> Duration {
        let minute = limits.window(.seconds(60))
        let second = limits.window(.seconds(1))
        finished.prune(before: now - minute)
        finishedBatches.prune(before: now - minute)
        finishedSingles.prune(before: now - minute)
        var start = now
        start = max(start, finished.earliestAllowed(limit: limits.requestsPerMinute, open: open, window: minute))
        start = max(start, finished.earliestAllowed(limit: limits.requestsPerSecond, open: open, window: second))
        if kind == .batch {
            start = max(
                start,
                finishedBatches.earliestAllowed(limit: limits.batchesPerMinute, open: openBatches, window: minute))
        } else {
            // Singles leave the batches their share of the minute's requests.
            start = max(
                start,
                finishedSingles.earliestAllowed(
                    limit: limits.singlesPerMinute, open: open - openBatches, window: minute))
        }
        open += 1
        if kind == .batch { openBatches += 1 }
        return start
    }

    /// A booking that never started.
    mutating func cancel(_ kind: RealmPacer.Kind) {
        open -= 1
        if kind == .batch { openBatches -= 1 }
    }

    /// A request this schedule never booked (another process's) that finished at `time`.
    mutating func recordPast(_ kind: RealmPacer.Kind, at time: Duration) {
        finished.insert(time)
        if kind == .batch { finishedBatches.insert(time) } else { finishedSingles.insert(time) }
    }

    /// The completion times at or after `cutoff`, batches and singles apart.
    func completions(since cutoff: Duration) -> (batches: [Duration], singles: [Duration]) {
        (finishedBatches.times(since: cutoff), finishedSingles.times(since: cutoff))
    }

    /// A booked request whose response was read (or that was abandoned) at `time`.
    mutating func complete(_ kind: RealmPacer.Kind, at time: Duration) {
        cancel(kind)
        finished.insert(time)
        if kind == .batch { finishedBatches.insert(time) } else { finishedSingles.insert(time) }
    }
}

/// Completion times, kept sorted (they arrive almost in order, so inserting is cheap).
struct CompletionTimes {
    private var times: [Duration] = []
    private var head = 0

    var count: Int { times.count - head }

    mutating func insert(_ time: Duration) {
        var index = times.count
        while index > head && times[index - 1] > time { index -= 1 }
        times.insert(time, at: index)
    }

    /// The earliest start that keeps at most `limit` requests in a `window`, when `open`
    /// requests count for ever: one window after the `(limit − open)`-th latest completion,
    /// or zero if fewer have completed. `open` is below `limit` (the in-flight cap is).
    func earliestAllowed(limit: Int, open: Int, window: Duration) -> Duration {
        let room = limit - open
        guard room > 0 else { return .seconds(Int64.max / 2) }
        guard count >= room else { return .zero }
        return times[times.count - room] + window
    }

    func times(since cutoff: Duration) -> [Duration] {
        times[head...].filter { $0 >= cutoff }
    }

    mutating func prune(before cutoff: Duration) {
        while head < times.count && times[head] < cutoff { head += 1 }
        if head > 1024 && head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }
}
