import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

extension Pusher {
    /// Payments: each applies to invoices that must already be in QuickBooks. A payment may
    /// arrive before its invoice: it waits (`blocked`, naming the invoice) and goes on the run
    /// after the invoice syncs. A payment for an invoice marked paid outside QuickBooks is
    /// skipped with the reason. Payments are created one by one, each with its own requestid
    /// (a payment has no number to look up, so the requestid is what makes a re-run safe).
    ///
    /// `early` holds the payments already sent while the invoices were being pushed
    /// (`PaymentsAlongside`); the rest go here.
    func pushPayments(early: PaymentsAlongside? = nil) async throws {
        try await early?.finish()
        let pending = try ledger.records(kind: .payment, states: [.pending, .blocked], limit: nil)
        guard !pending.isEmpty else { return }
        var ready: [LedgerRecord] = []
        for record in pending {
            guard case .payment(let payment) = try record.decoded() else { continue }
            if try invoicesReady(for: payment, record: record) { ready.append(record) }
        }
        let phase = "pushing Payment"
        progress?.update(phase: phase, done: 0, total: ready.count)
        for start in stride(from: 0, to: ready.count, by: Self.chunkSize) {
            let chunk = Array(ready[start..<min(start + Self.chunkSize, ready.count)])
            let (jobs, updates) = try await preparePayments(chunk)
            let outcomes = try await Self.createEach(jobs, entity: "Payment", client: client)
            results.apiCalls += jobs.count
            try recordCreated(outcomes, records: Dictionary(uniqueKeysWithValues: chunk.map { ($0.id, $0) }))
            try await update(updates, entity: "Payment")
            progress?.update(phase: phase, done: start + chunk.count, total: ready.count)
        }
        progress?.finish(phase: phase)
    }

    /// Maps and resolves payments whose invoices are in QuickBooks.
    func preparePayments(_ chunk: [LedgerRecord]) async throws -> (
        [(recordID: Int64, json: JSONValue, requestID: RequestID)], [(LedgerRecord, JSONValue)]
    ) {
        var prepared: [(LedgerRecord, MappedPayload)] = []
        for record in chunk {
            if let payload = try mapped(record) { prepared.append((record, payload)) }
        }
        try await prefetch(prepared.map(\.1))
        var creates: [(recordID: Int64, json: JSONValue, requestID: RequestID)] = []
        var updates: [(LedgerRecord, JSONValue)] = []
        for (record, payload) in prepared {
            guard let json = try resolve(record, payload) else { continue }
            if record.qbID != nil {
                updates.append((record, json))
            } else {
                creates.append((record.id, json, requestID(record, operation: "create")))
            }
        }
        return (creates, updates)
    }

    /// The invoice references of a payment, as `invoiceRecord(_:)` takes them.
    static func invoiceReferences(of payment: Payment) -> [PendingReference] {
        payment.invoices.map { application in
            PendingReference(
                kind: .invoice, key: application.invoiceID ?? "number:\(application.referenceNumber)",
                name: application.referenceNumber)
        }
    }

    /// Whether every invoice the payment applies to is in QuickBooks; otherwise records why not.
    private func invoicesReady(for payment: Payment, record: LedgerRecord) throws -> Bool {
        for (application, reference) in zip(payment.invoices, Self.invoiceReferences(of: payment)) {
            guard let invoice = try invoiceRecord(reference) else {
                try blocked(
                    record, by: "invoice:\(application.referenceNumber)", .invoiceMissing(application.referenceNumber))
                return false
            }
            switch invoice.state {
            case .synced:
                continue
            case .paidOutside:
                let reason =
                    "invoice \(application.referenceNumber) was marked paid outside QuickBooks; this payment is not sent"
                try ledger.markCleared(id: record.id, note: reason, source: "mark-paid of the invoice", runID: runID)
                row(record, .skipped, message: reason)
                return false
            default:
                try blocked(
                    record, by: "invoice:\(application.referenceNumber)",
                    .invoiceNotSynced(application.referenceNumber, state: invoice.state))
                return false
            }
        }
        return true
    }
}

/// Payments sent while the invoices are still being pushed: after each chunk of invoices is
/// recorded, the payments whose invoices are now all in QuickBooks go out at once, using the
/// minute's single-request budget the invoice batches leave idle. Their outcomes are recorded
/// as they come back; anything not sent here goes through `pushPayments` as usual.
final class PaymentsAlongside {
    private unowned let pusher: Pusher
    /// Payments not yet sent, by the invoice keys they wait on (PortPro id and number).
    private var waiting: [Int64: (record: LedgerRecord, references: [PendingReference])] = [:]
    private var byInvoiceKey: [String: Set<Int64>] = [:]
    private var sent:
        [(
            records: [Int64: LedgerRecord], updates: [(LedgerRecord, JSONValue)],
            task: TrackedTask<[Int64: Result<JSONValue, QuickBooksFault>]>
        )] = []
    /// Groups on the wire before the invoice pipeline waits for the oldest: enough that a push
    /// of 3,000 invoices (a dozen groups) never waits, and a bound on what payments hold in
    /// memory when an export has more of them than the single-request budget carries.
    static let groupsOnTheWire = 16

    init(pusher: Pusher) throws {
        self.pusher = pusher
        for record in try pusher.ledger.records(kind: .payment, states: [.pending, .blocked], limit: nil) {
            guard record.qbID == nil, case .payment(let payment) = try record.decoded() else { continue }
            let references = Pusher.invoiceReferences(of: payment)
            guard !references.isEmpty else { continue }
            waiting[record.id] = (record, references)
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
        var ready: [LedgerRecord] = []
        for id in candidates.sorted() {
            guard let entry = waiting[id] else { continue }
            let allSynced = try entry.references.allSatisfy { try pusher.invoiceRecord($0)?.state == .synced }
            guard allSynced else { continue }
            waiting[id] = nil
            ready.append(entry.record)
        }
        if !ready.isEmpty {
            let (jobs, updates) = try await pusher.preparePayments(ready)
            let task = Self.launch(jobs, client: pusher.client)
            sent.append((Dictionary(uniqueKeysWithValues: ready.map { ($0.id, $0) }), updates, task))
        }
        // Record the groups that are back; wait for one (this runs between invoice chunks, so
        // the invoices wait too) only when payments fall far behind. Payments queued in the
        // pacer do not hold up the number lookups: reads are admitted before writes.
        while let oldest = sent.first, oldest.task.isDone || sent.count > Self.groupsOnTheWire {
            try await recordOldest()
        }
    }

    private static func launch(
        _ jobs: [(recordID: Int64, json: JSONValue, requestID: RequestID)], client: QuickBooksClient
    ) -> TrackedTask<[Int64: Result<JSONValue, QuickBooksFault>]> {
        TrackedTask {
            // As many as the pacer gives single requests places: payments are what fills the
            // minute's single-request budget beside the batches.
            return try await Pusher.createEach(jobs, entity: "Payment", client: client, concurrency: 8)
        }
    }

    /// Waits for every payment sent here and records it.
    func finish() async throws {
        while !sent.isEmpty { try await recordOldest() }
    }

    private func recordOldest() async throws {
        let step = sent.removeFirst()
        let outcomes = try await step.task.value
        pusher.results.apiCalls += outcomes.count
        try pusher.recordCreated(outcomes, records: step.records)
        try await pusher.update(step.updates, entity: "Payment")
    }
}

/// A task whose end can be seen without awaiting it: the push records what is back between
/// chunks and waits only when too much is on the wire.
struct TrackedTask<Success: Sendable>: Sendable {
    let task: Task<Success, any Error>
    private let flag = DoneFlag()

    init(_ operation: @escaping @Sendable () async throws -> Success) {
        let flag = flag
        task = Task {
            defer { flag.set() }
            return try await operation()
        }
    }

    var isDone: Bool { flag.isSet }
    var value: Success { get async throws { try await task.value } }
    func cancel() { task.cancel() }
}

private final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func set() {
        lock.lock()
        defer { lock.unlock() }
        done = true
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }
}
