import Foundation
import PortBooksJSON
import PortBooksLedger
import PortBooksPush
import PortBooksQuickBooks

/// The push's creates — invoices, credit memos, payments and credit applications — go through
/// two lanes that share one queue: batches of up to 30, and single requests. Intuit's minute
/// carries 40 batches and, beside them, 460 single requests (500 in all): 1,660 records when
/// both are full. A lane takes work only once the pacer has admitted its next request, so
/// whichever budget has room takes the records at the head of the queue: when batches are the
/// bottleneck the single requests carry the rest, and when single requests are (lookups spend
/// them too) the batches carry more. Neither budget idles while records wait, whatever the mix.
///
/// Every send is written to the ledger (``LedgerStore/recordSends(_:)``) — requestid, bytes,
/// members — after it is admitted and before it goes, and forgotten once its answers are
/// recorded; a run that stops first sends exactly that request again
/// (``PushPipeline/replayPendingSends()``), so no grouping of a later run can write a record
/// twice.
///
/// `singles: false` (`[push] single_requests = false`) sends everything in batches: fewest
/// requests (one per 30 records), at most 1,200 records a minute.
actor WriteLanes {
    static let batchWorkers = 5
    /// Single writers at once: the pacer gives singles eight places, and the lookups the
    /// pipelines wait on need the rest.
    static let singleWorkers = 6

    private struct Entry {
        var entity: String
        var job: WriteJob
        var contentHash: String
        var group: Int
    }

    private struct Group {
        var remaining: Int
        var answers: WriteAnswers = [:]
        var waiters: [CheckedContinuation<WriteAnswers, any Error>] = []
        var thrown: (any Error)?
        var done: Bool { remaining <= 0 }
    }

    private let writer: any QuickBooksWriter
    private let ledger: LedgerStore
    private let journal: SendJournal
    let singles: Bool
    private var queue: [Entry] = []
    private var head = 0
    private var groups: [Int: Group] = [:]
    private var nextGroup = 0
    private var failure: (any Error)?
    private var closed = false
    /// Groups someone is waiting for: a batch then goes with what is queued, not waiting for 30.
    private var awaited = 0
    private var batchWaiters: [CheckedContinuation<Bool, Never>] = []
    private var singleWaiters: [CheckedContinuation<Bool, Never>] = []
    private var workers: [Task<Void, Never>] = []
    /// Batch workers waiting for the pacer to admit their next batch, holding no records.
    private var admitting: Set<Int> = []
    /// This run's sends whose answers are not recorded yet, by requestid, and the send of each record.
    private var unrecorded: [String: Set<Int64>] = [:]
    private var sendOf: [Int64: String] = [:]
    private var recordedSends: [String] = []
    /// Sends and requests made, for the run's figures.
    private(set) var batchesSent = 0
    private(set) var singlesSent = 0

    init(writer: any QuickBooksWriter, ledger: LedgerStore, singles: Bool) {
        self.writer = writer
        self.ledger = ledger
        self.singles = singles
        journal = SendJournal(ledger: ledger)
    }

    /// Starts the lanes' workers.
    func start() {
        guard workers.isEmpty else { return }
        for index in 0..<Self.batchWorkers { workers.append(Task { await self.work(.batch, index) }) }
        if singles {
            for index in 0..<Self.singleWorkers {
                workers.append(Task { await self.work(.single, Self.batchWorkers + index) })
            }
        }
    }

    /// Queues creates; their answers come back together (``answers(_:)``).
    func submit(_ jobs: [WriteJob], entity: String, contentHashes: [Int64: String]) -> Int {
        let group = nextGroup
        nextGroup += 1
        groups[group] = Group(remaining: jobs.count)
        let entries = jobs.map {
            Entry(entity: entity, job: $0, contentHash: contentHashes[$0.recordID] ?? "", group: group)
        }
        if let failure {
            deliver(entries, [:], error: failure)
        } else {
            queue.append(contentsOf: entries)
            wake()
        }
        return group
    }

    /// The answers of a group once every job in it is answered. After a failure that stops the
    /// run, the jobs not answered carry it (a ``QuickBooksFault``), so the recorder keeps what
    /// did succeed and stops.
    func answers(_ group: Int) async throws -> WriteAnswers {
        guard let state = groups[group] else { return [:] }
        if state.done {
            groups[group] = nil
            if let thrown = state.thrown { throw thrown }
            return state.answers
        }
        let answers = try await withCheckedThrowingContinuation { continuation in
            groups[group]?.waiters.append(continuation)
        }
        groups[group] = nil
        return answers
    }

    /// The pipeline waits (`true`) or goes on (`false`): while it waits, batches go with what
    /// is queued.
    func waiting(_ on: Bool) {
        awaited += on ? 1 : -1
        if on { wake() }
    }

    /// Says these records' answers are in the ledger: their sends are forgotten (in bulk).
    func recorded(_ recordIDs: some Sequence<Int64>) throws {
        for id in recordIDs {
            guard let send = sendOf.removeValue(forKey: id) else { continue }
            unrecorded[send]?.remove(id)
            if unrecorded[send]?.isEmpty == true {
                unrecorded[send] = nil
                recordedSends.append(send)
            }
        }
        if recordedSends.count >= 64 {
            journal.forget(recordedSends)
            recordedSends.removeAll()
        }
    }

    /// No more work: the workers end once the queue is empty; recorded sends are forgotten.
    func close() async throws {
        closed = true
        wake()
        stopIdleAdmissions()
        for worker in workers { await worker.value }
        try flushRecorded()
    }

    /// Stops the workers at once (the run is stopping); nothing queued is sent.
    func cancel() {
        for worker in workers { worker.cancel() }
        fail(CancellationError())
    }

    private func flushRecorded() throws {
        journal.forget(recordedSends)
        recordedSends.removeAll()
        try journal.drained()
    }

    // MARK: The lanes

    private var queued: Int { queue.count - head }

    /// Whether a lane has work now: singles whenever anything is queued; a batch when 30 are,
    /// or when fewer are and nothing else will take them soon (no single lane, someone waits
    /// for their answers, or no more work is coming).
    private func hasWork(_ route: WireSend.Route) -> Bool {
        guard failure == nil, queued > 0 else { return false }
        if route == .single { return true }
        return queued >= QuickBooksClient.maxBatchItems || !singles || awaited > 0 || closed
    }

    /// Waits until the lane has work (true) or the lanes are done (false).
    private func waitForWork(_ route: WireSend.Route) async -> Bool {
        while true {
            if Task.isCancelled || failure != nil { return false }
            if hasWork(route) { return true }
            if closed && queued == 0 { return false }
            let more = await withCheckedContinuation { continuation in
                if route == .batch { batchWaiters.append(continuation) } else { singleWaiters.append(continuation) }
            }
            if !more { return false }
        }
    }

    private func wake() {
        let waiting = batchWaiters + singleWaiters
        batchWaiters.removeAll()
        singleWaiters.removeAll()
        for waiter in waiting { waiter.resume(returning: true) }
    }

    private func take(_ route: WireSend.Route) -> [Entry] {
        let count = min(route == .batch ? QuickBooksClient.maxBatchItems : 1, queued)
        guard count > 0 else { return [] }
        let taken = Array(queue[head..<head + count])
        head += count
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        stopIdleAdmissions()
        return taken
    }

    /// Once the last record is taken and no more are coming, the batch workers still waiting
    /// for the pacer have nothing to send: they stop waiting. A batch may wait most of a
    /// minute for its window, and the run must not wait with it for nothing.
    private func stopIdleAdmissions() {
        guard closed, queued == 0 else { return }
        for index in admitting { workers[index].cancel() }
        admitting.removeAll()
    }

    private func admitting(_ index: Int, _ on: Bool) {
        if on { admitting.insert(index) } else { admitting.remove(index) }
    }

    /// The lanes have nothing left to do: closed, with every record taken.
    private var drained: Bool { closed && queued == 0 }

    /// One worker of a lane: waits for work, takes it, writes the send down, sends it and
    /// hands out the answers. A batch is admitted first and takes what is at the head of the
    /// queue then (it may wait most of a minute for its window, and the records must not wait
    /// with it). A single takes its record first and writes it down before it asks to be
    /// admitted: the pacer counts a request in its windows from admission until its answer,
    /// so the ledger's write must not sit in between — it would cost the 10-a-second window
    /// room at every request (a single holds one record while it waits; six at most).
    private nonisolated func work(_ route: WireSend.Route, _ index: Int) async {
        while await waitForWork(route) {
            var admission: WriteAdmission?
            if route == .batch {
                await admitting(index, true)
                do {
                    admission = try await writer.admit(.batch)
                    await admitting(index, false)
                } catch {
                    await admitting(index, false)
                    // Stopped waiting because nothing is left to send (stopIdleAdmissions).
                    if error is CancellationError, await drained { return }
                    await fail(error)
                    return
                }
            }
            let taken = await take(route)
            guard !taken.isEmpty else {
                if let admission { await writer.unused(admission) }
                continue
            }
            do {
                let jobs = taken.map { (entity: $0.entity, job: $0.job) }
                let send =
                    route == .batch ? try WireSend.batch(jobs) : WireSend.single(jobs[0].job, entity: jobs[0].entity)
                try await journal.write([
                    PendingSend(
                        requestID: send.requestID.value, route: route == .batch ? .batch : .single,
                        entity: route == .batch ? "" : jobs[0].entity, body: send.body,
                        members: taken.map {
                            PendingSend.Member(recordID: $0.job.recordID, contentHash: $0.contentHash)
                        })
                ])
                await sending(send.requestID.value, taken, route: route)
                if admission == nil { admission = try await writer.admit(.single) }
                let answers = try await writer.send(send, admission: admission)
                await deliver(taken, answers)
            } catch {
                await deliver(taken, [:], error: error)
                await fail(error)
                return
            }
        }
    }

    private func sending(_ requestID: String, _ taken: [Entry], route: WireSend.Route) {
        let ids = Set(taken.map(\.job.recordID))
        unrecorded[requestID, default: []].formUnion(ids)
        for id in ids { sendOf[id] = requestID }
        if route == .batch { batchesSent += 1 } else { singlesSent += 1 }
    }

    /// Hands out a send's answers. A job without one (the send failed past its retries, or
    /// was never sent) carries `error` when that is QuickBooks' — the recorder then keeps what
    /// succeeded and stops the run — and makes its group throw otherwise.
    private func deliver(_ taken: [Entry], _ answers: WriteAnswers, error: (any Error)? = nil) {
        for entry in taken {
            guard var group = groups[entry.group] else { continue }
            if let answer = answers[entry.job.recordID] {
                group.answers[entry.job.recordID] = answer
            } else if let fault = error as? QuickBooksFault {
                group.answers[entry.job.recordID] = .failure(fault)
            } else if let error {
                group.thrown = group.thrown ?? error
            }
            group.remaining -= 1
            groups[entry.group] = group
            if group.done { finish(entry.group) }
        }
    }

    private func finish(_ group: Int) {
        guard let state = groups[group] else { return }
        for waiter in state.waiters {
            if let thrown = state.thrown {
                waiter.resume(throwing: thrown)
            } else {
                waiter.resume(returning: state.answers)
            }
        }
        groups[group]?.waiters = []
    }

    /// A failure that stops the run: nothing more is taken, and what is still queued is
    /// answered with it (``deliver(_:_:error:)``); sends on the wire finish and are answered.
    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        let dropped = Array(queue[head...])
        queue.removeAll()
        head = 0
        deliver(dropped, [:], error: failure)
        for waiter in batchWaiters + singleWaiters { waiter.resume(returning: false) }
        batchWaiters.removeAll()
        singleWaiters.removeAll()
    }
}

/// The ledger writes of the lanes, off the cooperative threads: a send's row is committed
/// before it goes, and the rows of the sends admitted meanwhile are committed together (one
/// transaction, one sync to disk for all of them), while the tasks waiting for them are
/// suspended rather than blocking one of the few threads every task runs on. Forgetting
/// recorded sends goes the same way, in order.
final class SendJournal: @unchecked Sendable {
    private let ledger: LedgerStore
    private let queue = DispatchQueue(label: "portbooks.write-lanes.sends")
    private let lock = NSLock()
    private var waiting: [(sends: [PendingSend], done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    private var failure: (any Error)?

    init(ledger: LedgerStore) {
        self.ledger = ledger
    }

    /// Returns once `sends` are committed.
    func write(_ sends: [PendingSend]) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            lock.lock()
            waiting.append((sends, done))
            let start = !draining
            draining = true
            lock.unlock()
            if start { queue.async { self.drain() } }
        }
    }

    /// Forgets sends whose answers are recorded, after every write queued before.
    func forget(_ requestIDs: [String]) {
        guard !requestIDs.isEmpty else { return }
        queue.async {
            do {
                try self.ledger.forgetSends(requestIDs)
            } catch {
                self.lock.lock()
                self.failure = self.failure ?? error
                self.lock.unlock()
            }
        }
    }

    /// Waits (blocking) for everything queued so far; throws a failure to forget.
    func drained() throws {
        queue.sync {}
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }

    private func drain() {
        while true {
            lock.lock()
            let batch = waiting
            waiting = []
            if batch.isEmpty {
                draining = false
                lock.unlock()
                return
            }
            lock.unlock()
            do {
                try ledger.recordSends(batch.flatMap(\.sends))
                for entry in batch { entry.done.resume() }
            } catch {
                for entry in batch { entry.done.resume(throwing: error) }
            }
        }
    }
}
