/// Admits requests to one realm so that every Intuit limit holds at once, without waiting for
/// a 429 and without idling below the ceiling.
///
/// Sliding-window accounting that no network delay can fool. QuickBooks counts a request at
/// the moment it arrives, which the client never sees: it lies somewhere between the moment
/// the request was sent and the moment its response was read. So the pacer counts every
/// request as occupying its windows until its response was read (a request still open counts
/// as occupying them for ever), and admits a new one only when fewer than the limit could
/// possibly still be counted when it arrives. However late or early the arrivals really fall,
/// the server never sees more than the limit in any window.
///
/// The price would be a round trip per window: 10 requests per second-and-a-round-trip, which
/// at Intuit's round trips of a few hundred milliseconds is below the minute's 500. But
/// QuickBooks says how long it spent on a request once it was counted: its `Service-Time`
/// header (`total=161, db=57`, milliseconds). The throttle counts a request as it arrives,
/// before the service works on it, and the answer leaves after, so the request was counted at
/// least that long before its response was read: its windows count from then (never before it
/// was sent). What is left of the price is the network's part of the round trip, and the
/// 10-a-second window carries the minute's 500. After a 429 the pacer stops relying on the
/// header for the rest of its life and counts from the response again.
///
/// Every admission goes in three steps. It takes a place (batches at most half of
/// `maxInFlight`, singles all but two; batches are handed free places first, then reads, then
/// single writes). It books its own kind's minute (40 batches, or the 460 requests the batches
/// leave of 500) and sleeps until that allows it: asleep there, it holds no room in flight and
/// none in the windows every request shares, so a batch waiting most of a minute for its window
/// costs the payments and lookups nothing. Then it takes room among the ≤ `maxInFlight` in
/// flight and books the shared windows (500 a minute, 10 a second). Each booking counts as open
/// from the moment it is made, so waiters never stampede. A 429 pauses all admissions for the
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
    /// Requests holding a place (from admission to release), batches apart.
    private var placed = 0
    private var placedBatches = 0
    /// Requests booked in the shared windows or on the wire; waiting for room among them.
    private var inFlight = 0
    private var flightWaiters: [CheckedContinuation<Void, Never>] = []
    private var batchWaiters: [CheckedContinuation<Void, Never>] = []
    private var singleWaiters: [CheckedContinuation<Void, Never>] = []
    private var readWaiters: [CheckedContinuation<Void, Never>] = []
    private var pausedUntil = Duration.zero
    private var epoch = 0
    /// Whether windows may count a request from its response less its service time (until a 429).
    private(set) var trustsServiceTime = true

    /// Creates a pacer.
    public init(limits: PacingLimits = .intuit, clock: any PacingClock = SystemPacingClock()) {
        self.limits = limits
        self.clock = clock
        self.schedule = PacingSchedule(limits: limits)
    }

    /// Waits until a request of `kind` may start, and admits it. A `read` single (a lookup or
    /// query) is handed a free place before the writes waiting for one.
    public func acquire(_ kind: Kind, read: Bool = false) async throws -> Permit {
        let ahead =
            kind == .batch ? batchWaiters.count : read ? readWaiters.count : readWaiters.count + singleWaiters.count
        if canTakePlace(kind) && ahead == 0 {
            takePlace(kind)
        } else {
            await withCheckedContinuation { continuation in
                if kind == .batch {
                    batchWaiters.append(continuation)
                } else if read {
                    readWaiters.append(continuation)
                } else {
                    singleWaiters.append(continuation)
                }
            }
        }
        // The place is ours from here (handOverPlaces() takes it for us before resuming us).
        do {
            while true {
                try Task.checkCancellation()
                let bookingEpoch = epoch
                // First the kind's own minute (a batch may wait most of it), counted only
                // against that kind: a request asleep here is not open in the windows every
                // request shares, so it takes no room from the other kind's next second.
                let kindStart = schedule.bookKind(kind, now: clock.now())
                do {
                    try await clock.sleep(until: max(kindStart, pausedUntil))
                } catch {
                    schedule.cancelKind(kind)
                    throw error
                }
                guard bookingEpoch == epoch else {
                    schedule.cancelKind(kind)
                    continue
                }
                // Then room among the ≤ 10 in flight, and the shared windows (500 a minute,
                // 10 a second), booked when it is about to start.
                await enterFlight()
                let start = max(schedule.bookShared(now: clock.now()), pausedUntil)
                do {
                    try await clock.sleep(until: start)
                } catch {
                    schedule.cancel(kind)
                    leaveFlight()
                    throw error
                }
                if bookingEpoch == epoch {
                    return Permit(kind: kind, admittedAt: start)
                }
                // A 429 arrived while we slept: book again after the pause.
                schedule.cancel(kind)
                leaveFlight()
            }
        } catch {
            freePlace(kind)
            throw error
        }
    }

    /// Marks the request of `permit` finished (its response read, or the attempt abandoned),
    /// freeing its place and its room in flight. `responseAt`, when known, is when the response
    /// had arrived (the transport's clock, taken as the transfer ended): QuickBooks counted the
    /// request before answering it, so its windows may count from then rather than from now,
    /// which on a busy machine is a scheduling delay later. `serviceTime`, QuickBooks' own
    /// account of the time it spent on the request after counting it (`Service-Time`), moves
    /// that back by as much.
    public func release(
        _ permit: Permit, responseAt: ContinuousClock.Instant? = nil, serviceTime: Duration? = nil
    ) {
        let now = clock.now()
        var finished = responseAt.flatMap { clock.time(of: $0) }.map { min($0, now) } ?? now
        if trustsServiceTime, let serviceTime, serviceTime > .zero { finished -= serviceTime }
        schedule.complete(permit.kind, at: max(finished, permit.admittedAt))
        leaveFlight()
        freePlace(permit.kind)
    }

    /// Gives back a permit whose request was never sent (by the time it was admitted, the
    /// work it was taken for had gone another way): its bookings are cancelled, as if it had
    /// never been admitted, and its place goes to the next waiter.
    public func unused(_ permit: Permit) {
        schedule.cancel(permit.kind)
        leaveFlight()
        freePlace(permit.kind)
    }

    /// Reports a 429: pauses every admission for the (scaled) throttle back-off; bookings not
    /// yet started book again after the pause.
    public func throttled() {
        pausedUntil = max(pausedUntil, clock.now() + limits.scaled(limits.throttleBackoff))
        epoch += 1
        trustsServiceTime = false
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

    /// Runs `body` as one admitted request of `kind`, releasing it however it ends.
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

    /// Places bound how many requests of a kind are admitted at once (waiting for a window, or
    /// on the wire): batches at most half of `maxInFlight`, singles all but two. A batch waiting
    /// most of a minute for its window then never starves the lookups and payments, and a queue
    /// of singles waiting for the minute's budget never keeps the next batch (30 records) from
    /// starting when its window opens.
    private func placeCap(_ kind: Kind) -> Int {
        let total = limits.maxInFlight
        // Never more booked in a kind's window than it holds, so a booking always has a start.
        let window = kind == .batch ? limits.batchesPerMinute : limits.singlesPerMinute
        guard total >= 3 else { return min(total, window) }
        return min(kind == .batch ? max(1, total / 2) : total - 2, window)
    }

    /// Requests holding a place, batches and singles apart, and requests in flight (for tests).
    var places: (batches: Int, singles: Int, inFlight: Int) { (placedBatches, placed - placedBatches, inFlight) }

    private func canTakePlace(_ kind: Kind) -> Bool {
        let held = kind == .batch ? placedBatches : placed - placedBatches
        return held < placeCap(kind)
    }

    private func takePlace(_ kind: Kind) {
        placed += 1
        if kind == .batch { placedBatches += 1 }
    }

    private func freePlace(_ kind: Kind) {
        placed -= 1
        if kind == .batch { placedBatches -= 1 }
        handOverPlaces()
    }

    /// Gives free places to waiters: batches first, then reads, then single writes, each in
    /// FIFO order. Reads go before writes because a pipeline waits on them (the number lookups
    /// before a chunk's batches, the reference lookups before its mapping), while the writes
    /// queued behind them (payments) wait on nothing; there are few reads, so no write starves.
    private func handOverPlaces() {
        while true {
            if !batchWaiters.isEmpty && canTakePlace(.batch) {
                takePlace(.batch)
                batchWaiters.removeFirst().resume()
            } else if !readWaiters.isEmpty && canTakePlace(.single) {
                takePlace(.single)
                readWaiters.removeFirst().resume()
            } else if !singleWaiters.isEmpty && canTakePlace(.single) {
                takePlace(.single)
                singleWaiters.removeFirst().resume()
            } else {
                return
            }
        }
    }

    /// Waits for room among the requests in flight (≤ `maxInFlight`), in FIFO order.
    private func enterFlight() async {
        if inFlight < limits.maxInFlight && flightWaiters.isEmpty {
            inFlight += 1
        } else {
            // leaveFlight() counts us in before resuming us.
            await withCheckedContinuation { flightWaiters.append($0) }
        }
    }

    private func leaveFlight() {
        inFlight -= 1
        if !flightWaiters.isEmpty && inFlight < limits.maxInFlight {
            inFlight += 1
            flightWaiters.removeFirst().resume()
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
    /// Requests booked in the shared windows or in flight; batches and singles booked in
    /// their own window or in flight.
    private(set) var open = 0
    private(set) var openBatches = 0
    private(set) var openSingles = 0

    init(limits: PacingLimits) {
        self.limits = limits
    }

    /// Books a request of `kind` at `now`: returns the earliest start at which, in every
    /// window, fewer than the limit of the requests booked, in flight, or finished less than
    /// one window before could still be counted. It counts as open from here.
    mutating func book(_ kind: RealmPacer.Kind, now: Duration) -> Duration {
        max(bookKind(kind, now: now), bookShared(now: now))
    }

    /// The kind's own window alone (40 batches, or the singles' share of 500, a minute): the
    /// earliest start it allows; the request counts as open in it from here.
    mutating func bookKind(_ kind: RealmPacer.Kind, now: Duration) -> Duration {
        let minute = limits.window(.seconds(60))
        finishedBatches.prune(before: now - minute)
        finishedSingles.prune(before: now - minute)
        let start: Duration
        if kind == .batch {
            start = finishedBatches.earliestAllowed(limit: limits.batchesPerMinute, open: openBatches, window: minute)
            openBatches += 1
        } else {
            // Singles leave the batches their share of the minute's requests.
            start = finishedSingles.earliestAllowed(
                limit: limits.singlesPerMinute, open: openSingles, window: minute)
            openSingles += 1
        }
        return max(now, start)
    }

    /// The windows every request shares (500 a minute, 10 a second): the earliest start they
    /// allow; the request counts as open in them from here.
    mutating func bookShared(now: Duration) -> Duration {
        let minute = limits.window(.seconds(60))
        let second = limits.window(.seconds(1))
        finished.prune(before: now - minute)
        var start = now
        start = max(start, finished.earliestAllowed(limit: limits.requestsPerMinute, open: open, window: minute))
        start = max(start, finished.earliestAllowed(limit: limits.requestsPerSecond, open: open, window: second))
        open += 1
        return start
    }

    /// A booking of the kind's window only, that never started.
    mutating func cancelKind(_ kind: RealmPacer.Kind) {
        if kind == .batch { openBatches -= 1 } else { openSingles -= 1 }
    }

    /// A booking (both steps) that never started.
    mutating func cancel(_ kind: RealmPacer.Kind) {
        cancelKind(kind)
        open -= 1
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
