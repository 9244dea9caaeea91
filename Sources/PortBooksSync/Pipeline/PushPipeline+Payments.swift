import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksMap
import PortBooksPlan
import PortBooksPush
import PortBooksStage

extension PushPipeline {
    /// Payments: each applies to invoices that must already be in QuickBooks. A payment may
    /// arrive before its invoice: it waits (`blocked`, naming the invoice) and goes on the run
    /// after the invoice syncs. A payment for an invoice marked paid outside QuickBooks is
    /// skipped with the reason. Payments are created through the write lanes — in batches of
    /// 30, and as single requests when the batches' budget is full — each send written to the
    /// ledger before it goes (a payment has no number to look up, so the send's requestid,
    /// sent again exactly after a crash, is what makes a re-run safe).
    ///
    /// `early` holds the payments already sent while the invoices were being pushed
    /// (`PaymentsAlongside`); the rest go here, a chunk planned while earlier ones are on the
    /// wire.
    func pushPayments(early: PaymentsAlongside? = nil, done: Set<Int64> = []) async throws {
        try await early?.finish()
        let handled = (early?.handled ?? []).union(done)
        let total = try ledger.count(kind: .payment, states: [.pending, .blocked])
        guard total > 0 else { return }
        let phase = "pushing Payment"
        progress?.update(phase: phase, done: 0, total: total)
        // A chunk at a time from the ledger: an export of many payments is never loaded whole.
        var lastRead: Int64?
        var done = 0
        var onTheWire: [(planned: [PlannedRecord], count: Int, task: TrackedTask<WriteAnswers>)] = []
        defer { for step in onTheWire { step.task.cancel() } }
        func finishOldest() async throws {
            let step = onTheWire.removeFirst()
            let answers = try await awaitAnswers(step.task)
            try await record(
                step.planned.filter {
                    switch $0.operation {
                    case .update, .void: false
                    default: true
                    }
                }, answers: answers)
            try await pushLinked(step.planned, entity: "Payment")
            done += step.count
            progress?.update(phase: phase, done: done, total: total)
        }
        while true {
            let read = try ledger.records(
                kind: .payment, states: [.pending, .blocked], after: lastRead, limit: Self.chunkSize)
            guard let last = read.last else { break }
            lastRead = last.id
            let chunk = read.filter { !handled.contains($0.id) }
            guard !chunk.isEmpty else {
                done += read.count
                continue
            }
            let planned = try await planPayments(chunk)
            let creates = planned.filter { if case .create = $0.operation { true } else { false } }
            onTheWire.append((planned, read.count, submitCreates(creates, entity: "Payment")))
            while let oldest = onTheWire.first, oldest.task.isDone || onTheWire.count >= Self.chunksOnTheWire {
                try await finishOldest()
            }
        }
        while !onTheWire.isEmpty { try await finishOldest() }
        progress?.finish(phase: phase)
    }

    /// Payments PortPro has voided since they were sent — and credits PortBooks applied for
    /// credit memos PortPro has since voided or no longer applies (their zero-total payments)
    /// — are voided first, so that the invoices and credit memos they were applied to can be
    /// voided or edited in the same run (QuickBooks refuses to void a document with a payment
    /// applied). Returns the records it planned.
    func pushReversals() async throws -> Set<Int64> {
        let linked = try ledger.linkedRecords(kind: .payment, states: [.pending, .blocked])
        let voided = try linked.filter {
            guard case .payment(let payment) = try $0.decoded(memo: memo) else { return false }
            return payment.status == .voided
        }
        guard !voided.isEmpty else { return [] }
        let planned = try await planPayments(voided)
        try recorder.record(planned.filter { !$0.operation.writes })
        try await pushLinked(planned, entity: "Payment")
        return Set(voided.map(\.id))
    }

    /// The plan of a group of payments, from the ledger's links of their invoices and customers.
    /// A payment created again after `remove-qb-id` is first looked for in QuickBooks (by its
    /// customer and date) and adopted when it is there.
    func planPayments(_ records: [LedgerRecord]) async throws -> [PlannedRecord] {
        let records = try mapped(records)
        let facts = try await facts(for: records, invoices: true)
        var planned = records.map { planner.plan($0.record, $0.exported, mapping: $0.mapping, facts: facts) }
        for index in planned.indices where planned[index].record.generation > 0 {
            guard case .create(let json) = planned[index].operation,
                let customer = json["CustomerRef"]?["value"]?.stringValue,
                let date = json["TxnDate"]?.stringValue
            else { continue }
            let rows = try await reads.payments(customer: customer, date: date)
            planned[index] = planner.checkingPayment(planned[index], against: rows)
        }
        return planned
    }
}

/// Payments sent while the invoices are still being pushed: after each chunk of invoices is
/// recorded, the payments whose invoices are now all in QuickBooks join the write lanes' queue,
/// so the batches and single requests the invoices leave idle carry them. Their outcomes are recorded
/// as they come back; anything not sent here goes through `pushPayments` as usual.
final class PaymentsAlongside {
    private unowned let pipeline: PushPipeline
    /// Payments not yet sent (ledger id → the invoices they apply to), and by the invoice keys
    /// they wait on (PortPro id and number). Records are read again when they go: an export of
    /// many payments is not held in memory.
    private var waiting: [Int64: [PendingReference]] = [:]
    private var byInvoiceKey: [String: Set<Int64>] = [:]
    private var sent: [(planned: [PlannedRecord], task: TrackedTask<WriteAnswers>)] = []
    /// The payments planned here: each record is planned once per run.
    private(set) var handled: Set<Int64> = []
    /// Groups on the wire before the invoice pipeline waits for the oldest: enough that a push
    /// of 3,000 invoices (a dozen groups) never waits, and a bound on what payments hold in
    /// memory when an export has more of them than the single-request budget carries.
    static let groupsOnTheWire = 16

    init(pipeline: PushPipeline) throws {
        self.pipeline = pipeline
        for record in try pipeline.ledger.records(kind: .payment, states: [.pending, .blocked], limit: nil) {
            // Credits wait for their credit memos, which go after the invoices: not sent alongside.
            guard record.qbID == nil, case .payment(let payment) = try record.decoded(memo: pipeline.memo),
                payment.credits == nil, payment.status == nil
            else { continue }
            let references = Planner.invoiceReferences(of: payment)
            guard !references.isEmpty else { continue }
            waiting[record.id] = references
            for reference in references {
                byInvoiceKey[reference.key, default: []].insert(record.id)
                byInvoiceKey["number:\(reference.name)", default: []].insert(record.id)
            }
        }
    }

    deinit {
        for step in sent { step.task.cancel() }
    }

    /// Sends the payments whose invoices are all synced now, among those waiting on `invoices`;
    /// records the outcomes of earlier sends that have come back.
    func invoicesRecorded(_ invoices: [LedgerRecord]) async throws {
        guard !waiting.isEmpty else { return }
        var candidates: Set<Int64> = []
        for invoice in invoices {
            candidates.formUnion(byInvoiceKey[invoice.portproID] ?? [])
            if let number = invoice.number { candidates.formUnion(byInvoiceKey["number:\(number)"] ?? []) }
        }
        var ready: [Int64] = []
        for id in candidates.sorted() {
            guard let references = waiting[id] else { continue }
            let allSynced = try references.allSatisfy { try self.invoice($0)?.state == .synced }
            guard allSynced else { continue }
            waiting[id] = nil
            handled.insert(id)
            ready.append(id)
        }
        if !ready.isEmpty {
            let planned = try await pipeline.planPayments(try pipeline.ledger.records(ids: ready))
            // Into the write lanes behind the invoices queued before them: whichever budget has
            // room takes them.
            sent.append((planned, pipeline.submitCreates(planned, entity: "Payment")))
        }
        // Record the groups that are back; wait for one (this runs between invoice chunks, so
        // the invoices wait too) only when payments fall far behind. Payments queued in the
        // pacer do not hold up the number lookups: reads are admitted before writes.
        while let oldest = sent.first, oldest.task.isDone || sent.count > Self.groupsOnTheWire {
            try await recordOldest()
        }
    }

    /// The invoice a reference names, as the ledger holds it now.
    private func invoice(_ reference: PendingReference) throws -> LedgerRecord? {
        let ledger = pipeline.ledger
        if reference.key.hasPrefix("number:") {
            return try ledger.records(kind: .invoice, number: String(reference.key.dropFirst("number:".count))).first
        }
        if let byID = try ledger.record(kind: .invoice, portproID: reference.key) { return byID }
        return try ledger.records(kind: .invoice, number: reference.name).first
    }

    /// Waits for every payment sent here and records it.
    func finish() async throws {
        while !sent.isEmpty { try await recordOldest() }
    }

    private func recordOldest() async throws {
        let step = sent.removeFirst()
        try await pipeline.record(step.planned, answers: try await pipeline.awaitAnswers(step.task))
    }
}
