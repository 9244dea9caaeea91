import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksReports

/// The record stage: writes what became of each planned record back into the ledger — the
/// QuickBooks Id it got in the same transaction as its state — and into the run's results and
/// its plan.csv.
///
/// One step (a chunk of the pipeline) is one ledger transaction. A fault that stops the run is
/// thrown after the outcomes of everything that did succeed are recorded, so a re-run replays
/// only what is left.
///
/// Not thread-safe: the pipeline records from one task.
public final class Recorder {
    public let ledger: LedgerStore
    public let runID: String
    public let results: RunResults
    public let plan: PlanFile

    public init(ledger: LedgerStore, runID: String, results: RunResults, plan: PlanFile) {
        self.ledger = ledger
        self.runID = runID
        self.results = results
        self.plan = plan
    }

    /// Records a step: each planned record's plan row, then its outcome — the answer to its
    /// write, or what the plan decided when it writes nothing. A write without an answer (the
    /// run stopped before it was sent) changes nothing: the record stays pending.
    public func record(_ planned: [PlannedRecord], answers: WriteAnswers = [:]) throws {
        var changes: [LedgerChange] = []
        var journal: [LedgerStore.JournalEntry] = []
        var rows: [ResultRow] = []
        var stop: QuickBooksFault?
        for entry in planned {
            try plan.append(Self.planRow(entry))
            let record = entry.record
            switch entry.operation {
            case .create, .update, .void:
                switch answers[record.id] {
                case .success(let object)?:
                    guard let qbID = object["Id"]?.stringValue, !qbID.isEmpty else {
                        stop = stop ?? .fatal("QuickBooks answered a write without an Id")
                        continue
                    }
                    changes.append(
                        .synced(
                            id: record.id, qbID: qbID, syncToken: object["SyncToken"]?.stringValue,
                            contentHash: record.contentHash))
                    // The undo journal: what this run wrote, and what the record held before.
                    journal.append(
                        LedgerStore.JournalEntry(
                            recordID: record.id, operation: Self.journalled(entry.operation), qbID: qbID,
                            syncToken: object["SyncToken"]?.stringValue, fingerprint: ObjectFingerprint.of(object)))
                    let outcome: ResultRow.Outcome =
                        switch entry.operation {
                        case .create: .created
                        case .void: .voided
                        default: .updated
                        }
                    rows.append(Self.row(record, outcome, qbID: qbID))
                case .failure(let fault)?:
                    guard case .recordProblem = fault else {
                        stop = stop ?? fault
                        continue
                    }
                    var problem = SyncProblem.from(fault, record: record)
                    if problem.code == "quickbooks-rejected" {
                        problem.message = try DocumentNames.rewrite(problem.message, ledger: ledger)
                    }
                    changes.append(
                        .problem(
                            id: record.id, code: problem.code, message: problem.message,
                            suggestion: problem.suggestion))
                    rows.append(Self.row(record, .problem, code: problem.code, message: problem.message))
                case nil:
                    continue
                }
            case .adopt(let object):
                guard let qbID = object["Id"]?.stringValue, !qbID.isEmpty else { continue }
                changes.append(
                    .synced(
                        id: record.id, qbID: qbID, syncToken: object["SyncToken"]?.stringValue,
                        contentHash: record.contentHash))
                rows.append(Self.row(record, .adopted, qbID: qbID, message: entry.reason))
            case .hold(let reason):
                // Stays pending: the sync after PortPro changes it sends it.
                rows.append(Self.row(record, .held, message: reason))
            case .skip(let reason):
                changes.append(.cleared(id: record.id, note: reason, source: "the plan"))
                rows.append(Self.row(record, .skipped, message: reason))
            case .blocked(let dependency, let problem):
                // Still waiting on the same record: nothing new to write (no attempt counted, no audit row).
                // The row's code says which wait it is (customer-not-synced, invoice-not-received, …).
                if !(record.state == .blocked && record.blockedBy == dependency
                    && record.problemMessage == problem.message && record.problemCode == problem.code)
                {
                    changes.append(
                        .blocked(
                            id: record.id, by: dependency, code: problem.code, message: problem.message,
                            suggestion: problem.suggestion))
                }
                rows.append(Self.row(record, .problem, code: problem.code, message: problem.message))
            case .problem(let problem):
                changes.append(
                    .problem(
                        id: record.id, code: problem.code, message: problem.message, suggestion: problem.suggestion))
                rows.append(Self.row(record, .problem, code: problem.code, message: problem.message))
            }
        }
        try ledger.apply(changes, journal: journal, runID: runID)
        for row in rows { try results.record(row) }
        if let stop { throw stop }
    }

    /// A write's operation as the undo journal names it.
    static func journalled(_ operation: PlanOperation) -> RunWrite.Operation {
        switch operation {
        case .create: .create
        case .void: .void
        default: .update
        }
    }

    /// Records the rows of records the stage kept as problems because their export breaks a
    /// rule (``LedgerRecord/invalidRecordCode``): a plan.csv row and a results row each, so a
    /// dry run shows them as a real run does. The ledger already holds their problem (the stage
    /// wrote it): nothing changes there.
    public func recordStagedProblems(_ records: [LedgerRecord]) throws {
        for record in records {
            let problem = SyncProblem(
                code: record.problemCode ?? LedgerRecord.invalidRecordCode, message: record.problemMessage ?? "",
                suggestion: record.suggestion ?? "")
            try plan.append(
                Self.planRow(
                    PlannedRecord(
                        record: record, operation: .problem(problem),
                        reason: "its export breaks a rule of the export format")))
            try results.record(Self.row(record, .problem, code: problem.code, message: problem.message))
        }
    }

    static func row(
        _ record: LedgerRecord, _ outcome: ResultRow.Outcome, qbID: String? = nil, code: String = "",
        message: String = ""
    ) -> ResultRow {
        ResultRow(
            kind: record.kind, portproID: record.portproID, number: record.number ?? "",
            customer: record.customerName ?? "", amount: record.amount ?? "", outcome: outcome,
            qbID: qbID ?? record.qbID ?? "", problemCode: code, message: message, sourceFile: record.sourceFile ?? "")
    }

    /// The plan.csv row of a planned record.
    public static func planRow(_ planned: PlannedRecord) -> PlanFile.Row {
        let record = planned.record
        let problem = planned.operation.problem
        return PlanFile.Row(
            kind: record.kind, portproID: record.portproID, number: record.number ?? "",
            customer: record.customerName ?? "", amount: record.amount ?? "", operation: planned.operation.name,
            qbID: planned.qbID ?? "", references: planned.references.map(\.description).joined(separator: "; "),
            problemCode: problem?.code ?? "", problem: problem?.message ?? "", suggestion: problem?.suggestion ?? "",
            reason: planned.reason)
    }
}

extension SyncProblem {
    /// The problem row for QuickBooks refusing one record's write.
    static func from(_ fault: QuickBooksFault, record: LedgerRecord) -> SyncProblem {
        guard case .recordProblem(let code, let message, let detail, _) = fault else {
            return .rejectedByQuickBooks(code: "?", message: "\(fault)", detail: nil)
        }
        switch code {
        case "6240":
            return .nameClash(record.customerName ?? record.number ?? "", detail: detail ?? message)
        case "no-answer":
            return SyncProblem(
                code: "no-answer", message: "QuickBooks returned no result for this record", suggestion: "retry")
        case "6140":
            return SyncProblem(
                code: "duplicate-doc-number",
                message: "An invoice with this number already exists in QuickBooks (\(detail ?? message))",
                suggestion: "set-qb-id to the existing QuickBooks transaction, or delete the manual one and retry")
        default:
            return .rejectedByQuickBooks(code: code, message: message, detail: detail)
        }
    }
}
