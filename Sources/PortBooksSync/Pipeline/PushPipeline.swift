import Foundation
import Logging
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksMap
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksRecord

/// Wires the stages for what the ledger holds, in dependency order — customers, then invoices
/// and credit memos, then payments: each step's records are read from the ledger and decoded,
/// mapped (``RecordMapper``), planned (``Planner``, from the facts the ledger and bulk
/// QuickBooks reads give), pushed (a ``QuickBooksWriter``) and recorded (``Recorder``).
///
/// A real run and a dry run go through exactly this code; only the writer differs (a dry run's
/// ``RehearsalWriter`` sends nothing, and its ledger is a copy), so a dry run's plan is the plan
/// the real run carries out.
///
/// Every write carries a `requestid` derived from the record, its content and its generation
/// (or, for a batch, from the batch's content), so a retry after a timeout or a re-run after a
/// crash replays instead of writing twice.
final class PushPipeline {
    let ledger: LedgerStore
    let settings: Settings
    let memo: StagedMemo
    let client: QuickBooksClient
    let writer: any QuickBooksWriter
    let recorder: Recorder
    let progress: ProgressReporter?
    let logger: Logger
    let mapper: RecordMapper
    let planner: Planner
    let reads: PlanReads
    /// Where every create of invoices, credit memos and payments goes: batches and single
    /// requests from one queue, each send written to the ledger before it goes.
    let lanes: WriteLanes

    init(
        ledger: LedgerStore, settings: Settings, memo: StagedMemo, client: QuickBooksClient,
        writer: any QuickBooksWriter, recorder: Recorder, progress: ProgressReporter?, logger: Logger
    ) {
        self.ledger = ledger
        self.settings = settings
        self.memo = memo
        self.client = client
        self.writer = writer
        self.recorder = recorder
        self.progress = progress
        self.logger = logger
        mapper = RecordMapper(settings: settings)
        planner = Planner(settings: settings)
        reads = PlanReads(client: client)
        lanes = WriteLanes(writer: writer, ledger: ledger, singles: settings.push.singleRequests)
    }

    /// Plans and pushes every kind the settings enable. Reversals go first, in reverse
    /// dependency order: a payment PortPro voided, or a credit it no longer applies, is taken
    /// off its invoice before the credit memo or the invoice is voided.
    func run() async throws {
        await lanes.start()
        do {
            try await replayPendingSends()
            try await pushAll()
            try await lanes.close()
        } catch {
            await lanes.cancel()
            throw error
        }
    }

    private func pushAll() async throws {
        var reversed: Set<Int64> = []
        if settings.sync.isEnabled(.payment) { reversed = try await pushReversals() }
        if settings.sync.isEnabled(.customer) { try await pushCustomers() }
        // Payments whose invoices are in go out while later invoices are still being pushed.
        let alongside =
            settings.sync.isEnabled(.payment) && settings.sync.isEnabled(.invoice)
            ? try PaymentsAlongside(pipeline: self) : nil
        let documents = [RecordKind.invoice, .creditMemo].filter { settings.sync.isEnabled($0) }
        try await pushDocuments(documents) { records in try await alongside?.invoicesRecorded(records) }
        if settings.sync.isEnabled(.payment) { try await pushPayments(early: alongside, done: reversed) }
    }

    // MARK: Inputs of the plan

    /// A record with its staged content and its mapping.
    struct Mapped: Sendable {
        var record: LedgerRecord
        var exported: ExportRecord
        var mapping: MappedRecord<MappedPayload>
    }

    func mapped(_ records: [LedgerRecord]) throws -> [Mapped] {
        try records.map { record in
            let exported = try record.decoded(memo: memo)
            return Mapped(record: record, exported: exported, mapping: mapper.map(exported))
        }
    }

    /// The facts `records` are planned from: the ledger's links of the customers and invoices
    /// they name, the content of linked ones when last synced, and the QuickBooks Ids of the
    /// names their payloads use (looked up now, in bulk, when not known yet).
    func facts(for records: [Mapped], invoices: Bool = false) async throws -> PlanFacts {
        var facts = PlanFacts()
        var customerIDs = Set<String>()
        var names: [PendingReference] = []
        for entry in records where entry.mapping.isClean {
            for reference in entry.mapping.payload.pendingReferences {
                if reference.kind == .customer { customerIDs.insert(reference.key) } else { names.append(reference) }
            }
        }
        for customer in try ledger.records(kind: .customer, portproIDs: Array(customerIDs)) {
            facts.customers[customer.portproID] = PlanFacts.Link(customer)
        }
        if invoices { try invoiceLinks(for: records, into: &facts) }
        try await reads.prefetch(names)
        facts.names = reads.names
        (facts.multiCurrency, facts.homeCurrency) = try await reads.currencies()
        let linked = records.filter { $0.record.qbID != nil && $0.record.state != .synced }.map(\.record.id)
        facts.previousContent = try ledger.syncedContents(ids: linked)
        return facts
    }

    /// The ledger's links of the invoices payments apply to, by `_id` and by number.
    private func invoiceLinks(for records: [Mapped], into facts: inout PlanFacts) throws {
        var ids = Set<String>()
        var numbers = Set<String>()
        for entry in records {
            guard case .payment(let payment) = entry.exported else { continue }
            for reference in Planner.invoiceReferences(of: payment) {
                if !reference.key.hasPrefix("number:") { ids.insert(reference.key) }
                numbers.insert(reference.name)
            }
        }
        for invoice in try ledger.records(kind: .invoice, portproIDs: Array(ids)) {
            facts.invoices[invoice.portproID] = PlanFacts.Link(invoice)
        }
        for invoice in try ledger.records(kind: .invoice, numbers: Array(numbers)) {
            guard let number = invoice.number, facts.invoices["number:\(number)"] == nil else { continue }
            facts.invoices["number:\(number)"] = PlanFacts.Link(invoice)
        }
        let memos = records.flatMap { entry -> [String] in
            guard case .payment(let payment) = entry.exported else { return [] }
            return (payment.credits ?? []).map(\.creditMemoID)
        }
        for memo in try ledger.records(kind: .creditMemo, portproIDs: Array(Set(memos))) {
            facts.creditMemos[memo.portproID] = PlanFacts.Link(memo)
        }
    }

    // MARK: The write lanes

    /// Queues the creates among `planned` in the write lanes; the task ends with their answers.
    func submitCreates(_ planned: [PlannedRecord], entity: String) -> TrackedTask<WriteAnswers> {
        Self.submitCreates(planned, entity: entity, lanes: lanes)
    }

    static func submitCreates(_ planned: [PlannedRecord], entity: String, lanes: WriteLanes) -> TrackedTask<
        WriteAnswers
    > {
        let jobs = creates(planned)
        var contentHashes: [Int64: String] = [:]
        for entry in planned { contentHashes[entry.record.id] = entry.record.contentHash }
        let hashes = contentHashes
        return TrackedTask {
            let group = await lanes.submit(jobs, entity: entity, contentHashes: hashes)
            return try await lanes.answers(group)
        }
    }

    /// The value of a task the pipeline cannot go on without: while it waits, the lanes send
    /// batches with what is queued rather than waiting for 30.
    func awaitAnswers<T: Sendable>(_ task: TrackedTask<T>) async throws -> T {
        if task.isDone { return try await task.value }
        await lanes.waiting(true)
        do {
            let value = try await task.value
            await lanes.waiting(false)
            return value
        } catch {
            await lanes.waiting(false)
            throw error
        }
    }

    /// Records `planned` with `answers`, and lets the lanes forget the sends that carried them.
    func record(_ planned: [PlannedRecord], answers: WriteAnswers) async throws {
        do {
            try recorder.record(planned, answers: answers)
        } catch {
            try? await lanes.recorded(planned.map(\.record.id).filter { answers[$0] != nil })
            throw error
        }
        try await lanes.recorded(planned.map(\.record.id))
    }

    /// Sends exactly again what a run that stopped had sent (or was about to send) without
    /// recording the answers — the same requestid and bytes, so QuickBooks answers what it
    /// did the first time or, if it never got it, writes it now, once — and records the
    /// answers of the members still waiting for one. A member's content when it was sent is
    /// what the ledger records as synced: if its content has changed since, it is updated
    /// later in this run like any changed record.
    func replayPendingSends() async throws {
        let sends = try ledger.pendingSends()
        guard !sends.isEmpty else { return }
        var again = 0
        defer {
            if again > 0 { logger.info("sent again the \(again) requests a stopped run left unrecorded") }
        }
        for send in sends {
            let records = try ledger.records(ids: send.members.map(\.recordID))
            var byID: [Int64: LedgerRecord] = [:]
            for record in records { byID[record.id] = record }
            let live = send.members.filter { member in
                guard let record = byID[member.recordID] else { return false }
                return record.qbID == nil && (record.state == .pending || record.state == .blocked)
            }
            guard !live.isEmpty, let requestID = RequestID(send.requestID) else {
                try ledger.forgetSends([send.requestID])
                continue
            }
            var jobs: [(entity: String, job: WriteJob)] = []
            switch send.route {
            case .batch:
                for item in try QuickBooksClient.items(encoded: send.body) {
                    guard let id = WriteJob.recordID(inBatchID: item.bId),
                        case .create(let entity, let json) = item.operation
                    else {
                        continue
                    }
                    jobs.append(
                        (
                            entity.name,
                            WriteJob(
                                recordID: id, json: json, requestID: requestID,
                                generation: WriteJob.generation(inBatchID: item.bId))
                        ))
                }
            case .single:
                guard let id = send.members.first?.recordID else { continue }
                jobs.append(
                    (send.entity, WriteJob(recordID: id, json: try JSONValue.decode(send.body), requestID: requestID)))
            }
            let wire = WireSend(
                route: send.route == .batch ? .batch : .single, requestID: requestID, body: send.body, jobs: jobs)
            again += 1
            let answers = try await writer.send(wire, admission: nil)
            let planned = live.compactMap { member -> PlannedRecord? in
                guard var record = byID[member.recordID],
                    let job = jobs.first(where: { $0.job.recordID == member.recordID })
                else { return nil }
                record.contentHash = member.contentHash
                return PlannedRecord(
                    record: record, operation: .create(job.job.json),
                    reason: "sent again exactly as before the last run stopped (requestid \(send.requestID))")
            }
            try recorder.record(planned, answers: answers)
            try ledger.forgetSends([send.requestID])
        }
    }

    // MARK: Jobs for the writer

    /// The `requestid` of a single write of `record`.
    static func requestID(_ record: LedgerRecord, operation: String) -> RequestID {
        RequestID.derive(
            kind: "\(record.kind.rawValue).\(operation)", portproID: record.portproID,
            contentHash: record.contentHash, generation: record.generation)
    }

    /// The creates among `planned`.
    static func creates(_ planned: [PlannedRecord]) -> [WriteJob] {
        planned.compactMap { entry in
            guard case .create(let json) = entry.operation else { return nil }
            return WriteJob(
                recordID: entry.record.id, json: json, requestID: requestID(entry.record, operation: "create"),
                generation: entry.record.generation)
        }
    }

    /// The updates among `planned`.
    static func updates(_ planned: [PlannedRecord]) -> [UpdateJob] {
        planned.compactMap { entry in
            guard case .update(let qbID, let syncToken, let changes) = entry.operation else { return nil }
            return UpdateJob(
                recordID: entry.record.id, qbID: qbID, syncToken: syncToken, changes: changes.objectValue ?? [:],
                requestID: requestID(entry.record, operation: "update"))
        }
    }

    /// Sends the updates and voids among `planned` and records them. Invoices, credit memos and
    /// payments are first read from QuickBooks in bulk and checked against what it holds now
    /// (``Planner/checkingLinked(_:against:)``: what is applied to them, whether they are voided,
    /// their current SyncToken: applying a payment or a credit bumps the invoice's).
    func pushLinked(_ planned: [PlannedRecord], entity: String) async throws {
        var linked = planned.filter {
            switch $0.operation {
            case .update, .void: true
            default: false
            }
        }
        guard !linked.isEmpty else { return }
        if entity != "Customer" {
            let objects = try await reads.objects(entity, ids: linked.compactMap(\.qbID))
            linked = linked.map { planner.checkingLinked($0, against: $0.qbID.flatMap { objects[$0] }) }
            try recorder.record(linked.filter { !$0.operation.writes })
        }
        let updates = linked.filter { if case .update = $0.operation { true } else { false } }
        if !updates.isEmpty {
            try recorder.record(updates, answers: try await writer.update(Self.updates(updates), entity: entity))
        }
        let voids = linked.filter { if case .void = $0.operation { true } else { false } }
        if !voids.isEmpty {
            try recorder.record(voids, answers: try await writer.void(Self.voids(voids), entity: entity))
        }
    }

    /// The voids among `planned`.
    static func voids(_ planned: [PlannedRecord]) -> [VoidJob] {
        planned.compactMap { entry in
            guard case .void(let qbID, let syncToken) = entry.operation else { return nil }
            return VoidJob(
                recordID: entry.record.id, qbID: qbID, syncToken: syncToken,
                requestID: requestID(entry.record, operation: "void"))
        }
    }
}
