import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

/// Plans and pushes what the ledger holds, in dependency order (customers, then invoices and
/// credit memos, then payments), and records every outcome back in the ledger.
///
/// Payloads are mapped at push time from the staged content and the current settings, so a
/// settings fix followed by a retry takes effect. Every write carries a `requestid` derived
/// from the record, its content and its generation (or, for a batch, from the batch's content),
/// so a retry after a timeout or a re-run after a crash replays instead of writing twice; on
/// top of that, transactions with a number are looked up by number before they are created,
/// and one that already exists for the same customer and total is adopted, not duplicated.
final class Pusher {
    let ledger: LedgerStore
    let client: QuickBooksClient
    let settings: Settings
    let runID: String
    let results: RunResults
    let logger: Logger
    let progress: ProgressReporter?
    let mapper: RecordMapper
    private let resolver: ReferenceResolver
    /// PortPro customer id → QuickBooks customer Id, for this run.
    private var customerIDs: [String: String] = [:]

    init(
        ledger: LedgerStore, client: QuickBooksClient, settings: Settings, runID: String, results: RunResults,
        logger: Logger, progress: ProgressReporter? = nil
    ) {
        self.progress = progress
        self.ledger = ledger
        self.client = client
        self.settings = settings
        self.runID = runID
        self.results = results
        self.logger = logger
        mapper = RecordMapper(settings: settings)
        resolver = ReferenceResolver(client: client)
    }

    /// Pushes every kind the settings enable.
    func pushAll() async throws {
        defer { results.apiCalls += resolver.queries }
        if settings.sync.isEnabled(.customer) { try await pushCustomers() }
        // Payments whose invoices are in go out while later invoices are still being pushed.
        let alongside =
            settings.sync.isEnabled(.payment) && settings.sync.isEnabled(.invoice)
            ? try PaymentsAlongside(pusher: self) : nil
        let documents = [RecordKind.invoice, .creditMemo].filter { settings.sync.isEnabled($0) }
        try await pushDocuments(documents) { records in try await alongside?.invoicesRecorded(records) }
        // The payments still to go may use the minute's requests the batches had.
        await client.pacer.batchesDone()
        if settings.sync.isEnabled(.payment) { try await pushPayments(early: alongside) }
    }

    // MARK: Outcomes

    func row(
        _ record: LedgerRecord, _ outcome: ResultRow.Outcome, qbID: String? = nil, code: String = "",
        message: String = ""
    ) {
        results.record(
            ResultRow(
                kind: record.kind, portproID: record.portproID, number: record.number ?? "",
                customer: record.customerName ?? "", amount: record.amount ?? "", outcome: outcome,
                qbID: qbID ?? record.qbID ?? "", problemCode: code, message: message,
                sourceFile: record.sourceFile ?? ""))
    }

    func problem(_ record: LedgerRecord, _ problem: SyncProblem) throws {
        try ledger.recordProblem(
            id: record.id, code: problem.code, message: problem.message, suggestion: problem.suggestion, runID: runID)
        row(record, .problem, code: problem.code, message: problem.message)
    }

    func blocked(_ record: LedgerRecord, by dependency: String, _ problem: SyncProblem) throws {
        // Still waiting on the same record: nothing new to write (no attempt counted, no audit row).
        if !(record.state == .blocked && record.blockedBy == dependency && record.problemMessage == problem.message) {
            try ledger.markBlocked(
                id: record.id, by: dependency, message: problem.message, suggestion: problem.suggestion, runID: runID)
        }
        row(record, .problem, code: "blocked", message: problem.message)
    }

    func synced(_ record: LedgerRecord, object: JSONValue, outcome: ResultRow.Outcome) throws {
        guard let id = object["Id"]?.stringValue else {
            throw QuickBooksFault.fatal("QuickBooks answered a write without an Id")
        }
        try ledger.markSynced(
            id: record.id, qbID: id, syncToken: object["SyncToken"]?.stringValue, contentHash: record.contentHash,
            runID: runID)
        row(record, outcome, qbID: id)
    }

    /// A QuickBooks fault on one record: a record problem becomes a problem row; anything
    /// else (transient past the retry budget, auth, fatal) stops the run.
    func fault(_ record: LedgerRecord, _ fault: QuickBooksFault) throws {
        guard case .recordProblem(let code, let message, let detail, _) = fault else { throw fault }
        if code == "6240" {
            try problem(record, .nameClash(record.customerName ?? record.number ?? "", detail: detail ?? message))
        } else if code == "no-answer" {
            try problem(
                record,
                SyncProblem(
                    code: "no-answer", message: "QuickBooks returned no result for this record", suggestion: "retry"))
        } else if code == "6140" {
            try problem(
                record,
                SyncProblem(
                    code: "duplicate-doc-number",
                    message: "An invoice with this number already exists in QuickBooks (\(detail ?? message))",
                    suggestion: "set-qb-id to the existing QuickBooks transaction, or delete the manual one and retry"))
        } else {
            try problem(record, .rejectedByQuickBooks(code: code, message: message, detail: detail))
        }
    }

    // MARK: Mapping and references

    /// Maps a record; `nil` (with the problem recorded) when the mapper found problems.
    func mapped(_ record: LedgerRecord) throws -> MappedPayload? {
        try accepted(record, mapper.map(record.decoded()))
    }

    /// A mapping's payload; `nil` (with the problem recorded) when the mapper found problems.
    func accepted(_ record: LedgerRecord, _ mapping: MappedRecord<MappedPayload>) throws -> MappedPayload? {
        if !mapping.problems.isEmpty {
            try problem(record, .mapping(mapping.problems))
            return nil
        }
        return mapping.payload
    }

    /// Resolves name-list references in bulk, then the record's customer and invoices from
    /// the ledger; records a problem or a block and returns `nil` when something is missing.
    func resolve(_ record: LedgerRecord, _ payload: MappedPayload) throws -> JSONValue? {
        for reference in payload.pendingReferences where reference.kind == .customer {
            guard try customerID(for: reference, dependent: record) != nil else { return nil }
        }
        do {
            let resolved = try payload.resolving { reference in
                switch reference.kind {
                case .customer: customerIDs[reference.key]
                case .invoice: invoiceQBID(reference)
                default: resolver.id(for: reference)
                }
            }
            return PayloadJSON.json(resolved)
        } catch let missing as UnresolvedReferencesError {
            try problem(record, .unknownNames(missing.missing))
            return nil
        }
    }

    func prefetch(_ payloads: [MappedPayload]) async throws {
        try await resolver.prefetch(payloads.flatMap(\.pendingReferences))
    }

    /// The QuickBooks Id of a record's customer, from the ledger; blocks the record when the
    /// customer is not synced.
    private func customerID(for reference: PendingReference, dependent record: LedgerRecord) throws -> String? {
        if let known = customerIDs[reference.key] { return known }
        guard let customer = try ledger.record(kind: .customer, portproID: reference.key) else {
            try blocked(record, by: "customer:\(reference.key)", .customerNotSynced(reference.name, state: nil))
            return nil
        }
        if let qbID = customer.qbID, customer.state == .synced || customer.state == .cleared {
            customerIDs[reference.key] = qbID
            return qbID
        }
        try blocked(
            record, by: "customer:\(reference.key)",
            .customerNotSynced(customer.number ?? reference.name, state: customer.state))
        return nil
    }

    /// The QuickBooks Id of an invoice a payment applies to (`key`: the PortPro `_id`, or
    /// `number:<invoice number>`).
    private func invoiceQBID(_ reference: PendingReference) -> String? {
        let invoice = try? invoiceRecord(reference)
        return invoice?.qbID
    }

    func invoiceRecord(_ reference: PendingReference) throws -> LedgerRecord? {
        if reference.key.hasPrefix("number:") {
            return try ledger.records(kind: .invoice, number: String(reference.key.dropFirst("number:".count))).first
        }
        if let byID = try ledger.record(kind: .invoice, portproID: reference.key) { return byID }
        return try ledger.records(kind: .invoice, number: reference.name).first
    }

    /// The `requestid` of a single write of `record`.
    func requestID(_ record: LedgerRecord, operation: String) -> RequestID {
        RequestID.derive(
            kind: "\(record.kind.rawValue).\(operation)", portproID: record.portproID,
            contentHash: record.contentHash, generation: record.generation)
    }
}
