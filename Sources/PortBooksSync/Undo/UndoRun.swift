import Foundation
import Logging
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksRecord
import PortBooksReports

/// The stages of one undo (`portbooks undo RUN_ID`), the same for a real run and a dry run
/// (only the writer differs): read the run's journal (``RunWrite``), read what QuickBooks holds
/// now in bulk, plan each reversal (``UndoPlanner``), write plan.csv, then reverse in reverse
/// dependency order — payments and credit applications, then invoices and credit memos, then
/// customers — and record each outcome in the ledger as it comes back.
///
/// Crash safety: before a phase's writes are sent, the ledger notes which undo sends which
/// write (``LedgerStore/markUndoIntents(_:undoRunID:)``); every write's requestid is derived
/// from its journal row, so a re-run after a crash re-sends the same requests and QuickBooks
/// replays them: nothing is deleted twice, and an object already gone is recorded as undone.
///
/// Not thread-safe: one task drives it.
final class UndoRun {
    let ledger: LedgerStore
    let options: UndoOptions
    let undoRunID: String
    let client: QuickBooksClient
    let writer: any QuickBooksWriter & QuickBooksDeleter
    let planner: UndoPlanner
    let pipeline: PushPipeline
    let results: RunResults
    let plan: PlanFile
    let logger: Logger

    init(
        engine: SyncEngine, options: UndoOptions, undoRunID: String, client: QuickBooksClient,
        writer: any QuickBooksWriter & QuickBooksDeleter, results: RunResults, plan: PlanFile, logger: Logger
    ) {
        ledger = engine.ledger
        self.options = options
        self.undoRunID = undoRunID
        self.client = client
        self.writer = writer
        planner = UndoPlanner(voidDocuments: engine.settings.undo.voidDocuments, force: options.force)
        pipeline = PushPipeline(
            ledger: engine.ledger, settings: engine.settings, memo: StagedMemo(), client: client, writer: writer,
            recorder: Recorder(ledger: engine.ledger, runID: undoRunID, results: results, plan: plan), progress: nil,
            logger: logger)
        self.results = results
        self.plan = plan
        self.logger = logger
    }

    /// Plans and carries out the reversal of `open` (the run's writes not undone yet); returns
    /// how many were left alone (reported, exit 3).
    func run(_ open: [RunWrite]) async throws -> Int {
        let steps = try await planSteps(open)
        for step in steps { try plan.append(Self.planRow(step)) }
        var left = 0
        for phase in 0...2 {
            let group = steps.filter { $0.phase == phase }
            guard !group.isEmpty else { continue }
            left += try await carryOut(group, refresh: phase > 0)
        }
        return left
    }

    // MARK: Planning

    private func planSteps(_ open: [RunWrite]) async throws -> [UndoStep] {
        let wanted = options.kinds ?? Set(RecordKind.allCases)
        var records: [Int64: LedgerRecord] = [:]
        for record in try ledger.records(ids: open.map(\.recordID)) { records[record.id] = record }
        var current: [RecordKind: [String: JSONValue]] = [:]
        for kind in RecordKind.allCases {
            let ids = open.filter { $0.kind == kind && $0.operation != .void }.map(\.qbID)
            if !ids.isEmpty { current[kind] = try await pipeline.reads.objects(Planner.entity(kind), ids: ids) }
        }
        // Payments applied to the documents this undo deletes: the run's own, later runs' (undone
        // with the document, which QuickBooks does not delete while they are applied), or others.
        let ownPayments = Set(open.filter { $0.kind == .payment }.map(\.qbID))
        // Keyed by `kind:Id` (QuickBooks numbers each entity on its own).
        func key(_ kind: RecordKind, _ qbID: String) -> String { "\(kind.rawValue):\(qbID)" }
        var appliedTo: [String: [String]] = [:]  // document → payment Ids
        for write in open where write.operation == .create && (write.kind == .invoice || write.kind == .creditMemo) {
            guard let object = current[write.kind]?[write.qbID] else { continue }
            appliedTo[key(write.kind, write.qbID)] = (object["LinkedTxn"]?.arrayValue ?? []).filter {
                $0["TxnType"]?.stringValue == "Payment"
            }.compactMap { $0["TxnId"]?.stringValue }
        }
        // A credit memo's applications are zero-total payments staged as `credit-application:<id>`
        // (QuickBooks lists them on the invoice, not on the credit memo): found in the ledger.
        let memos = open.filter { $0.operation == .create && $0.kind == .creditMemo }
        if !memos.isEmpty {
            let applications = try ledger.records(
                kind: .payment, portproIDs: memos.map { "credit-application:\($0.portproID)" })
            // Only applications PortBooks created and no undo removed are still applied.
            let created = Set(
                try ledger.openCreates(kind: .payment, qbIDs: applications.compactMap(\.qbID)).map(\.qbID))
            for memo in memos {
                guard
                    let qbID = applications.first(where: { $0.portproID == "credit-application:\(memo.portproID)" })?
                        .qbID, created.contains(qbID) || ownPayments.contains(qbID)
                else { continue }
                let memoKey = key(.creditMemo, memo.qbID)
                if !(appliedTo[memoKey] ?? []).contains(qbID) { appliedTo[memoKey, default: []].append(qbID) }
            }
        }
        var dependents: [RunWrite] = []
        if wanted.contains(.payment) {
            let others = Set(appliedTo.values.flatMap { $0 }).subtracting(ownPayments)
            var latest: [String: RunWrite] = [:]
            for write in try ledger.openCreates(kind: .payment, qbIDs: others.sorted())
            where write.runID != options.runID {
                latest[write.qbID] = write
            }
            dependents = latest.values.sorted { $0.id < $1.id }
            for record in try ledger.records(ids: dependents.map(\.recordID)) { records[record.id] = record }
            let found = try await pipeline.reads.objects("Payment", ids: dependents.map(\.qbID))
            current[.payment, default: [:]].merge(found) { old, _ in old }
        }
        let undone = wanted.contains(.payment) ? ownPayments.union(dependents.map(\.qbID)) : []
        var lastWrites: [RecordKind: [String: RunWrite]] = [:]
        for kind in RecordKind.allCases {
            let ids = (open + dependents).filter { $0.kind == kind }.map(\.qbID)
            if !ids.isEmpty { lastWrites[kind] = try ledger.lastWrites(kind: kind, qbIDs: ids) }
        }
        let restores = try await restoreChanges(open.filter { $0.operation == .update }, records: records)
        var documents: [String: String] = [:]  // payment Id → the document it hangs on, in words
        for write in open {
            for payment in appliedTo[key(write.kind, write.qbID)] ?? [] {
                documents[payment] = "\(Planner.entity(write.kind)) \(write.qbID)"
            }
        }
        var steps: [UndoStep] = []
        for write in open + dependents {
            guard let record = records[write.recordID] else { continue }
            let isDependent = write.runID != options.runID
            let now = UndoPlanner.Now(
                object: current[write.kind]?[write.qbID], lastWrite: lastWrites[write.kind]?[write.qbID],
                otherPayments: (appliedTo[key(write.kind, write.qbID)] ?? []).filter { !undone.contains($0) }.sorted(),
                restore: restores[write.id], dependentOf: isDependent ? documents[write.qbID] : nil)
            steps.append(planner.plan(write, record: record, now: now))
        }
        // A document keeps what hangs on it: one whose payment is left alone is left too.
        if !options.force {
            let leftPayments = Set(
                steps.filter { $0.write.kind == .payment && $0.operation.intent == nil && $0.operation != .unlink }
                    .map(\.write.qbID))
            for index in steps.indices where steps[index].phase == 1 && steps[index].operation.intent != nil {
                let blocking = (appliedTo[key(steps[index].write.kind, steps[index].write.qbID)] ?? []).filter {
                    leftPayments.contains($0)
                }
                guard !blocking.isEmpty else { continue }
                let what = "QuickBooks \(Planner.entity(steps[index].write.kind)) \(steps[index].write.qbID)"
                let message =
                    "\(what) is left: Payment \(blocking.sorted().joined(separator: ", ")) applied to it is left alone"
                steps[index].operation = .leave(
                    SyncProblem(
                        code: SyncProblem.UndoCode.changedInQuickBooks.rawValue, message: message,
                        suggestion: "see the payment's row; undo again once it is settled, or use --force"))
                steps[index].reason = message
            }
        }
        // A later run's payment is undone only with a document this undo does delete.
        let proceeding = Set(
            steps.filter { $0.phase == 1 && $0.operation.intent != nil }.map { key($0.write.kind, $0.write.qbID) })
        steps.removeAll { step in
            step.write.runID != options.runID
                && !appliedTo.contains { proceeding.contains($0.key) && $0.value.contains(step.write.qbID) }
        }
        return steps.sorted { ($0.phase, $0.write.id) < ($1.phase, $1.write.id) }
    }

    /// For each update: the members that put the object back as it was before the run — the
    /// previous synced content, mapped and resolved as the sync would map it.
    private func restoreChanges(_ updates: [RunWrite], records: [Int64: LedgerRecord]) async throws
        -> [Int64: UndoPlanner.Restore]
    {
        var previous: [LedgerRecord] = []
        var byRecord: [Int64: RunWrite] = [:]
        for write in updates {
            guard let content = write.previousSyncedContent, let hash = write.previousSyncedHash,
                var record = records[write.recordID]
            else { continue }
            record.content = content
            record.contentHash = hash
            record.state = .pending
            record.qbID = write.qbID
            previous.append(record)
            byRecord[record.id] = write
        }
        guard !previous.isEmpty else { return [:] }
        let mapped = try pipeline.mapped(previous)
        let facts = try await pipeline.facts(for: mapped, invoices: true)
        var found: [Int64: UndoPlanner.Restore] = [:]
        for entry in mapped {
            guard let write = byRecord[entry.record.id] else { continue }
            let planned = pipeline.planner.plan(entry.record, entry.exported, mapping: entry.mapping, facts: facts)
            if case .update(_, _, let changes) = planned.operation {
                found[write.id] = .members(changes)
            } else {
                found[write.id] = .cannot(
                    planned.operation.problem
                        ?? SyncProblem(
                            code: SyncProblem.UndoCode.cannotRestore.rawValue,
                            message:
                                "what \(Planner.entity(write.kind)) \(write.qbID) held before run \(write.runID) cannot be "
                                + "sent again (\(planned.operation.name): \(planned.reason))",
                            suggestion: "put it back by hand in QuickBooks if needed"))
            }
        }
        return found
    }
}
