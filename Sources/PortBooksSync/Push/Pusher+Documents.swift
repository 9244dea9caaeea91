import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

/// One invoice or credit memo ready to go: what the network half of the pipeline needs, and
/// nothing it may not carry across tasks.
struct DocumentCreate: Sendable {
    var recordID: Int64
    var number: String?
    var customerID: String?
    var total: Decimal?
    var json: JSONValue
    var requestID: RequestID
}

/// What QuickBooks answered for one chunk of creates.
struct DocumentChunkAnswer: Sendable {
    /// Numbers already in QuickBooks: the object when it is the same document (adopt it), or
    /// the Id of the other one using the number.
    enum Existing: Sendable {
        case same(JSONValue)
        case other(number: String, id: String)
    }

    var existing: [Int64: Existing] = [:]
    var created: [Int64: Result<JSONValue, QuickBooksFault>] = [:]
    var apiCalls = 0
}

extension Pusher {
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
    /// wire (looked up by number, then created in batches), the next is mapped and resolved,
    /// and the oldest is recorded. A number already in QuickBooks is adopted when the document
    /// is the same (same customer and total), a `duplicate-doc-number` problem otherwise.
    /// `afterChunk` runs once each chunk's outcomes are in the ledger (payments waiting on
    /// those invoices start from there).
    func pushDocuments(
        _ kinds: [RecordKind], afterChunk: ([LedgerRecord]) async throws -> Void = { _ in }
    ) async throws {
        // The plan is counted up front; each chunk's records are read when it is its turn, so
        // the first batches do not wait for every record of the push to be loaded.
        var plan: [(kind: RecordKind, size: Int)] = []
        var totals: [RecordKind: Int] = [:]
        for kind in kinds {
            let count = try ledger.count(kind: kind, states: [.pending, .blocked])
            totals[kind] = count
            var left = count
            for size in Self.openingChunkSizes + [Self.chunkSize] {
                while left > 0 {
                    plan.append((kind, min(size, left)))
                    left -= min(size, left)
                    if size != Self.chunkSize { break }
                }
            }
        }
        guard !plan.isEmpty else { return }
        var lastRead: [RecordKind: Int64] = [:]
        let oneByOne = settings.invoices.docNumber == .quickbooks
        var updates: [RecordKind: [(LedgerRecord, JSONValue)]] = [:]
        var onTheWire: [(kind: RecordKind, records: [Int64: LedgerRecord], task: TrackedTask<DocumentChunkAnswer>)] =
            []
        defer { for step in onTheWire { step.task.cancel() } }
        var done: [RecordKind: Int] = [:]
        func finishOldest() async throws {
            let step = onTheWire.removeFirst()
            try recordChunk(await step.task.value, records: step.records, entity: Self.entity(step.kind))
            done[step.kind, default: 0] += step.records.count
            progress?.update(
                phase: "pushing \(Self.entity(step.kind))", done: done[step.kind] ?? 0, total: totals[step.kind])
            try await afterChunk(Array(step.records.values))
        }
        // Decoding and mapping run a chunk ahead, on a task of their own (the other core): while
        // this task resolves, launches and records chunk k, chunk k+1 is being mapped.
        var step = 0
        func startMapping() throws -> (kind: RecordKind, mapping: MappingAhead)? {
            while step < plan.count {
                let (kind, size) = plan[step]
                step += 1
                let chunk = try ledger.records(
                    kind: kind, states: [.pending, .blocked], after: lastRead[kind], limit: size)
                if let last = chunk.last {
                    lastRead[kind] = last.id
                    return (kind, MappingAhead(chunk, mapper: mapper))
                }
            }
            return nil
        }
        var ahead = try startMapping()
        defer { ahead?.mapping.task.cancel() }
        while let (kind, mapping) = ahead {
            ahead = try startMapping()
            let (creates, chunkUpdates) = try await prepareDocuments(mapping.chunk, mapped: mapping.task.value)
            updates[kind, default: []] += chunkUpdates
            let task = Self.launchDocuments(creates, entity: Self.entity(kind), oneByOne: oneByOne, client: client)
            onTheWire.append((kind, Dictionary(uniqueKeysWithValues: mapping.chunk.map { ($0.id, $0) }), task))
            // Chunks that are back are recorded now (their payments can go); the pipeline waits
            // for the oldest only when it is full.
            while let oldest = onTheWire.first, oldest.task.isDone || onTheWire.count >= Self.chunksOnTheWire {
                try await finishOldest()
            }
        }
        while !onTheWire.isEmpty { try await finishOldest() }
        for kind in kinds where (totals[kind] ?? 0) > 0 {
            progress?.finish(phase: "pushing \(Self.entity(kind))")
            try await update(updates[kind] ?? [], entity: Self.entity(kind))
        }
    }

    static func entity(_ kind: RecordKind) -> String {
        kind == .invoice ? "Invoice" : "CreditMemo"
    }

    /// Resolves a mapped chunk (problems and blocks are recorded here) and splits it into
    /// creates and updates.
    private func prepareDocuments(_ chunk: [LedgerRecord], mapped: [MappedRecord<MappedPayload>]) async throws -> (
        [DocumentCreate], [(LedgerRecord, JSONValue)]
    ) {
        var prepared: [(LedgerRecord, MappedPayload)] = []
        for (record, mapping) in zip(chunk, mapped) {
            if let payload = try accepted(record, mapping) { prepared.append((record, payload)) }
        }
        try await prefetch(prepared.map(\.1))
        var creates: [DocumentCreate] = []
        var updates: [(LedgerRecord, JSONValue)] = []
        for (record, payload) in prepared {
            guard let json = try resolve(record, payload) else { continue }
            if record.qbID != nil {
                updates.append((record, json))
                continue
            }
            creates.append(
                DocumentCreate(
                    recordID: record.id, number: json["DocNumber"]?.stringValue,
                    customerID: json["CustomerRef"]?["value"]?.stringValue,
                    total: record.amount.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) },
                    json: json, requestID: requestID(record, operation: "create")))
        }
        return (creates, updates)
    }

    /// Starts the network half of a chunk in its own task.
    static func launchDocuments(
        _ creates: [DocumentCreate], entity: String, oneByOne: Bool, client: QuickBooksClient
    ) -> TrackedTask<DocumentChunkAnswer> {
        TrackedTask { try await sendDocuments(creates, entity: entity, oneByOne: oneByOne, client: client) }
    }

    /// The network half: looks the numbers up (`DocNumber IN (…)`, `numbersPerLookup` at a
    /// time, in pages of 1,000 rows), then creates
    /// the documents whose number is free — in batches of 30, or one by one with their own
    /// requestids when QuickBooks numbers them (nothing to look up then).
    static func sendDocuments(
        _ creates: [DocumentCreate], entity: String, oneByOne: Bool, client: QuickBooksClient
    ) async throws -> DocumentChunkAnswer {
        var answer = DocumentChunkAnswer()
        let numbers = Array(Set(creates.compactMap(\.number))).sorted()
        // The lookups go out together: each is one round trip the chunk's batches wait on.
        let per = Self.numbersPerLookup
        let lists = stride(from: 0, to: numbers.count, by: per).map {
            Array(numbers[$0..<min($0 + per, numbers.count)])
        }
        var found: [JSONValue] = []
        try await withThrowingTaskGroup(of: [JSONValue].self) { group in
            for list in lists {
                group.addTask {
                    try await client.queryAll(
                        QuickBooksEntity(entity), where: QuickBooksQuery.inList("DocNumber", list))
                }
            }
            for try await rows in group {
                found += rows
                // One request per page of 1,000, and a last one that came back short.
                answer.apiCalls += rows.count / QuickBooksQuery.maxPageSize + 1
            }
        }
        var rowsByNumber: [String: [JSONValue]] = [:]
        for row in found {
            if let number = row["DocNumber"]?.stringValue { rowsByNumber[number, default: []].append(row) }
        }
        var fresh: [DocumentCreate] = []
        for create in creates {
            guard let number = create.number, let rows = rowsByNumber[number], !rows.isEmpty else {
                fresh.append(create)
                continue
            }
            if let same = rows.first(where: {
                $0["CustomerRef"]?["value"]?.stringValue == create.customerID
                    && $0["TotalAmt"]?.decimalValue == create.total
            }) {
                // The same document: created by an earlier run that did not live to record it,
                // or entered by hand identically. Link it; never create a second one.
                answer.existing[create.recordID] = .same(same)
            } else {
                answer.existing[create.recordID] = .other(number: number, id: rows[0]["Id"]?.stringValue ?? "?")
            }
        }
        if oneByOne {
            answer.apiCalls += fresh.count
            answer.created = try await createEach(
                fresh.map { ($0.recordID, $0.json, $0.requestID) }, entity: entity, client: client)
        } else {
            answer.apiCalls += batchCount(fresh.count)
            answer.created = try await createInBatches(
                fresh.map { ($0.recordID, $0.json) }, entity: entity, client: client)
        }
        return answer
    }

    /// Document numbers per lookup. A chunk of 300 takes 3 lookups (at 40 it took 8, and each
    /// lookup is a request from the minute's budget and a round trip the chunk's batches wait
    /// on); 100 quoted numbers of 21 characters make about 3.3 KB of URL. Each lookup asks for
    /// pages of 1,000 rows and reads on while they come back full, so no row is missed however
    /// often QuickBooks holds a number (the default page is 100).
    static let numbersPerLookup = 100

    /// How many batch requests `count` creates take.
    static func batchCount(_ count: Int) -> Int {
        (count + QuickBooksClient.maxBatchItems - 1) / QuickBooksClient.maxBatchItems
    }

    /// Creates in batches of 30 (their requestids derived from their content), an outcome for
    /// every job: the object, the item's fault, or `no-answer` when the batch left it out.
    static func createInBatches(
        _ jobs: [(recordID: Int64, json: JSONValue)], entity: String, client: QuickBooksClient
    ) async throws -> [Int64: Result<JSONValue, QuickBooksFault>] {
        let items = jobs.map { BatchItem(bId: String($0.recordID), .create(QuickBooksEntity(entity), $0.json)) }
        var outcomes: [Int64: Result<JSONValue, QuickBooksFault>] = [:]
        for (bId, result) in try await client.batchAll(items) {
            guard let id = Int64(bId) else { continue }
            switch result {
            case .object(let object) where object["Id"]?.stringValue != nil: outcomes[id] = .success(object)
            case .fault(let fault): outcomes[id] = .failure(fault)
            default: continue
            }
        }
        for job in jobs where outcomes[job.recordID] == nil { outcomes[job.recordID] = .failure(noAnswer) }
        return outcomes
    }

    static let noAnswer = QuickBooksFault.recordProblem(
        code: "no-answer", message: "QuickBooks returned no result for this record", detail: nil, element: nil)

    /// Single creates, each with its own requestid, `concurrency` at a time. Few at a time on
    /// purpose: the pacer serves single requests in order, and a number lookup that the next
    /// invoice batches wait for must not queue behind hundreds of payments. Every job gets an
    /// outcome: one the group never answered is a `no-answer` problem, never a silent gap.
    static func createEach(
        _ jobs: [(recordID: Int64, json: JSONValue, requestID: RequestID)], entity: String, client: QuickBooksClient,
        concurrency: Int = 4
    ) async throws -> [Int64: Result<JSONValue, QuickBooksFault>] {
        let answers = try await withThrowingTaskGroup(of: (Int, Result<JSONValue, QuickBooksFault>).self) { group in
            var answers: [Int: Result<JSONValue, QuickBooksFault>] = [:]
            var next = 0
            var running = 0
            while next < jobs.count || running > 0 {
                while next < jobs.count && running < concurrency {
                    let index = next
                    let (json, requestID) = (jobs[index].json, jobs[index].requestID)
                    group.addTask {
                        do {
                            let object = try await client.create(QuickBooksEntity(entity), json, requestID: requestID)
                            return (index, .success(object))
                        } catch let fault as QuickBooksFault {
                            return (index, .failure(fault))
                        }
                    }
                    next += 1
                    running += 1
                }
                guard let (index, answer) = try await group.next() else { break }
                answers[index] = answer
                running -= 1
            }
            return answers
        }
        var outcomes: [Int64: Result<JSONValue, QuickBooksFault>] = [:]
        for (index, job) in jobs.enumerated() { outcomes[job.recordID] = answers[index] ?? .failure(noAnswer) }
        return outcomes
    }

    /// Records one chunk's answer: adopted and created links in one transaction, then the
    /// problems. A fault that stops the run (auth, fatal, transient past the retry budget) is
    /// thrown after the links of everything that did succeed are recorded.
    func recordChunk(_ answer: DocumentChunkAnswer, records: [Int64: LedgerRecord], entity: String) throws {
        results.apiCalls += answer.apiCalls
        for (id, existing) in answer.existing.sorted(by: { $0.key < $1.key }) {
            guard let record = records[id] else { continue }
            switch existing {
            case .same(let object): try synced(record, object: object, outcome: .adopted)
            case .other(let number, let existingID):
                try problem(record, .duplicateDocNumber(number, existingID: existingID, entity: entity))
            }
        }
        try recordCreated(answer.created, records: records)
    }

    /// Links what was created (one transaction), then records each failure.
    func recordCreated(_ created: [Int64: Result<JSONValue, QuickBooksFault>], records: [Int64: LedgerRecord]) throws {
        var links: [LedgerChange] = []
        var rows: [(LedgerRecord, String)] = []
        for (id, outcome) in created.sorted(by: { $0.key < $1.key }) {
            guard case .success(let object) = outcome, let record = records[id], let qbID = object["Id"]?.stringValue
            else { continue }
            links.append(
                .synced(
                    id: record.id, qbID: qbID, syncToken: object["SyncToken"]?.stringValue,
                    contentHash: record.contentHash))
            rows.append((record, qbID))
        }
        try ledger.apply(links, runID: runID)
        for (record, qbID) in rows { row(record, .created, qbID: qbID) }
        var stop: QuickBooksFault?
        for (id, outcome) in created.sorted(by: { $0.key < $1.key }) {
            guard case .failure(let fault) = outcome, let record = records[id] else { continue }
            if case .recordProblem = fault {
                try self.fault(record, fault)
            } else {
                stop = stop ?? fault
            }
        }
        if let stop { throw stop }
    }
}

/// One chunk being decoded and mapped on a task of its own, while the push task works on the
/// chunk before. Mapping is pure (``RecordMapper``), so nothing here touches the ledger or the
/// run's state. It yields every few records: the cooperative pool has a thread per core, and
/// the pacer, the answers coming back and the payments must not wait out a whole chunk.
struct MappingAhead: Sendable {
    static let yieldEvery = 8
    let chunk: [LedgerRecord]
    let task: Task<[MappedRecord<MappedPayload>], any Error>

    init(_ chunk: [LedgerRecord], mapper: RecordMapper) {
        self.chunk = chunk
        task = Task.detached {
            var mapped: [MappedRecord<MappedPayload>] = []
            mapped.reserveCapacity(chunk.count)
            for record in chunk {
                try Task.checkCancellation()
                mapped.append(mapper.map(try record.decoded()))
                if mapped.count % Self.yieldEvery == 0 { await Task.yield() }
            }
            return mapped
        }
    }
}
