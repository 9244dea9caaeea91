import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksMap
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks

/// What came back for one chunk of invoices or credit memos: the chunk's plan, its numbers
/// checked against QuickBooks, and the answers to its creates.
struct DocumentChunkAnswer: Sendable {
    var planned: [PlannedRecord]
    var answers: WriteAnswers
}

extension PushPipeline {
    /// Records taken per pipeline step once it runs: mapped while earlier chunks are on the
    /// wire. The first steps are smaller, so the first batches leave while the rest is mapped.
    static let chunkSize = 300
    static let openingChunkSizes = [30, 90]
    /// Chunks on the wire at once (the pacer spaces their requests; this only keeps the next
    /// batch ready when its window opens). Four, not three: with three, a trace at 60x showed
    /// seconds where the window took 35 batches instead of 40 while the pipeline waited for the
    /// oldest chunk; interleaved runs, 3.04 s against 3.13 s (six each).
    static let chunksOnTheWire = 4

    /// Invoices and credit memos (`kinds`, in that order), pipelined: while chunks are on the
    /// wire (their numbers looked up, then created in batches), the next is mapped and planned,
    /// and the oldest is recorded. `afterChunk` runs once each chunk's outcomes are in the
    /// ledger (payments waiting on those invoices start from there). Updates go last.
    func pushDocuments(
        _ kinds: [RecordKind], afterChunk: ([LedgerRecord]) async throws -> Void = { _ in }
    ) async throws {
        // The steps are counted up front; each chunk's records are read when it is its turn, so
        // the first batches do not wait for every record of the push to be loaded.
        var steps: [(kind: RecordKind, size: Int)] = []
        var totals: [RecordKind: Int] = [:]
        for kind in kinds {
            let count = try ledger.count(kind: kind, states: [.pending, .blocked])
            totals[kind] = count
            var left = count
            for size in Self.openingChunkSizes + [Self.chunkSize] {
                while left > 0 {
                    steps.append((kind, min(size, left)))
                    left -= min(size, left)
                    if size != Self.chunkSize { break }
                }
            }
        }
        guard !steps.isEmpty else { return }
        var lastRead: [RecordKind: Int64] = [:]
        let oneByOne = settings.invoices.docNumber == .quickbooks
        var updates: [RecordKind: [PlannedRecord]] = [:]
        var onTheWire: [(kind: RecordKind, records: [LedgerRecord], task: TrackedTask<DocumentChunkAnswer>)] = []
        defer { for step in onTheWire { step.task.cancel() } }
        var done: [RecordKind: Int] = [:]
        func finishOldest() async throws {
            let step = onTheWire.removeFirst()
            let answer = try await awaitAnswers(step.task)
            try await record(answer.planned, answers: answer.answers)
            done[step.kind, default: 0] += step.records.count
            progress?.update(
                phase: "pushing \(Planner.entity(step.kind))", done: done[step.kind] ?? 0, total: totals[step.kind])
            try await afterChunk(step.records)
        }
        // Decoding and mapping run a chunk ahead, on a task of their own (the other core): while
        // this task plans, launches and records chunk k, chunk k+1 is being mapped.
        var next = 0
        func startMapping() throws -> (kind: RecordKind, mapping: MappingAhead)? {
            while next < steps.count {
                let (kind, size) = steps[next]
                next += 1
                let chunk = try ledger.records(
                    kind: kind, states: [.pending, .blocked], after: lastRead[kind], limit: size)
                if let last = chunk.last {
                    lastRead[kind] = last.id
                    return (kind, MappingAhead(chunk, mapper: mapper, memo: memo))
                }
            }
            return nil
        }
        var ahead = try startMapping()
        defer { ahead?.mapping.task.cancel() }
        while let (kind, mapping) = ahead {
            ahead = try startMapping()
            let records = try await mapping.task.value
            let facts = try await facts(for: records)
            var planned: [PlannedRecord] = []
            for entry in records {
                let plan = planner.plan(entry.record, entry.exported, mapping: entry.mapping, facts: facts)
                switch plan.operation {
                case .update, .void: updates[kind, default: []].append(plan)
                default: planned.append(plan)
                }
            }
            let task = Self.launchDocuments(
                planned, entity: Planner.entity(kind), oneByOne: oneByOne, planner: planner, client: client,
                writer: writer, lanes: lanes)
            onTheWire.append((kind, mapping.chunk, task))
            // Chunks that are back are recorded now (their payments can go); the pipeline waits
            // for the oldest only when it is full.
            while let oldest = onTheWire.first, oldest.task.isDone || onTheWire.count >= Self.chunksOnTheWire {
                try await finishOldest()
            }
        }
        while !onTheWire.isEmpty { try await finishOldest() }
        for kind in kinds where (totals[kind] ?? 0) > 0 {
            progress?.finish(phase: "pushing \(Planner.entity(kind))")
            try await pushLinked(updates[kind] ?? [], entity: Planner.entity(kind))
        }
    }

    /// Starts the network half of a chunk in its own task: the numbers of the documents planned
    /// as `create` are looked up (`DocNumber IN (…)`), each such plan is checked against what
    /// QuickBooks holds (``Planner/checkingNumber(_:against:)``: adopt the same document, a
    /// problem for another), then what is still `create` goes to the write lanes (in batches of
    /// 30 and single requests, whichever budget has room) — or one by one with their own
    /// requestids when QuickBooks numbers them (nothing to look up then).
    static func launchDocuments(
        _ planned: [PlannedRecord], entity: String, oneByOne: Bool, planner: Planner, client: QuickBooksClient,
        writer: any QuickBooksWriter, lanes: WriteLanes
    ) -> TrackedTask<DocumentChunkAnswer> {
        TrackedTask {
            var planned = planned
            if !oneByOne {
                let numbers = planned.compactMap { entry -> String? in
                    guard case .create(let json) = entry.operation else { return nil }
                    return json["DocNumber"]?.stringValue
                }
                if !numbers.isEmpty {
                    let existing = try await PlanReads.documents(numbers: numbers, entity: entity, client: client)
                    planned = planned.map { entry in
                        guard case .create(let json) = entry.operation, let number = json["DocNumber"]?.stringValue
                        else { return entry }
                        return planner.checkingNumber(entry, against: existing[number] ?? [])
                    }
                }
            }
            let answers =
                oneByOne
                ? try await writer.createEach(creates(planned), entity: entity, concurrency: 4)
                : try await submitCreates(planned, entity: entity, lanes: lanes).value
            return DocumentChunkAnswer(planned: planned, answers: answers)
        }
    }
}

/// One chunk being decoded and mapped on a task of its own, while the push task works on the
/// chunk before. Mapping is pure (``RecordMapper``), so nothing here touches the ledger or the
/// run's state. It yields every few records: the cooperative pool has a thread per core, and
/// the pacer, the answers coming back and the payments must not wait out a whole chunk.
struct MappingAhead: Sendable {
    static let yieldEvery = 8
    let chunk: [LedgerRecord]
    let task: Task<[PushPipeline.Mapped], any Error>

    init(_ chunk: [LedgerRecord], mapper: RecordMapper, memo: StagedMemo) {
        self.chunk = chunk
        task = Task.detached {
            var mapped: [PushPipeline.Mapped] = []
            mapped.reserveCapacity(chunk.count)
            for record in chunk {
                try Task.checkCancellation()
                let exported = try record.decoded(memo: memo)
                mapped.append(PushPipeline.Mapped(record: record, exported: exported, mapping: mapper.map(exported)))
                if mapped.count % Self.yieldEvery == 0 { await Task.yield() }
            }
            return mapped
        }
    }
}
