import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksReports

extension UndoRun {
    /// Records a phase: each reversed write closes its journal row and sends its record back to
    /// pending (or cleared), in one ledger transaction with its audit rows; every step gets its
    /// results row. A write without an answer (the run stopped first) changes nothing. Returns
    /// how many steps were left alone or refused.
    func record(_ steps: [UndoStep], answers: WriteAnswers) throws -> Int {
        var undone: [LedgerStore.UndoRecord] = []
        var rows: [ResultRow] = []
        var left = 0
        for step in steps {
            let write = step.write
            let what = "QuickBooks \(Planner.entity(write.kind)) \(write.qbID)"
            let source = "run \(write.runID)"
            switch step.operation {
            case .delete, .void, .deactivate, .restore:
                switch answers[write.id] {
                case .success(let object)?:
                    let token = object["SyncToken"]?.stringValue
                    let (effect, result, outcome): (LedgerStore.UndoRecord.Effect, String, ResultRow.Outcome) =
                        switch step.operation {
                        case .delete: (.unlinked, "deleted", .deleted)
                        case .void: (.unlinked, "voided", .voided)
                        case .deactivate: (.deactivated(syncToken: token), "deactivated", .deactivated)
                        default: (.restored(syncToken: token), "restored", .restored)
                        }
                    undone.append(
                        LedgerStore.UndoRecord(
                            write: write, effect: effect, result: result, detail: "\(result) \(what) (\(source))"))
                    rows.append(Self.row(step, outcome, message: step.reason))
                case .failure(let fault)? where fault.code == "610":
                    // Not there any more: deleted (or made inactive) since the plan read it.
                    let effect: LedgerStore.UndoRecord.Effect =
                        write.kind == .customer ? .deactivated(syncToken: nil) : .unlinked
                    undone.append(
                        LedgerStore.UndoRecord(
                            write: write, effect: effect, result: "gone",
                            detail: "\(what) was already gone (\(source))"))
                    rows.append(
                        Self.row(step, write.kind == .customer ? .deactivated : .deleted, message: "already gone"))
                case .failure(let fault)?:
                    guard case .recordProblem = fault else { continue }
                    left += 1
                    rows.append(
                        Self.row(
                            step, .problem, code: SyncProblem.UndoCode.refused.rawValue,
                            message: "QuickBooks refused to reverse \(what): \(fault)"))
                case nil:
                    continue
                }
            case .unlink:
                let effect: LedgerStore.UndoRecord.Effect =
                    write.kind == .customer ? .deactivated(syncToken: nil) : .unlinked
                undone.append(
                    LedgerStore.UndoRecord(
                        write: write, effect: effect, result: "gone", detail: "\(what) was already gone (\(source))"))
                rows.append(Self.row(step, write.kind == .customer ? .deactivated : .deleted, message: step.reason))
            case .leave(let problem):
                left += 1
                rows.append(Self.row(step, .problem, code: problem.code, message: problem.message))
            case .skip(let reason):
                rows.append(Self.row(step, .skipped, message: reason))
            }
        }
        try ledger.recordUndo(undone, clear: options.clear, undoRunID: undoRunID)
        for row in rows { try results.record(row) }
        return left
    }

    static func row(_ step: UndoStep, _ outcome: ResultRow.Outcome, code: String = "", message: String = "")
        -> ResultRow
    {
        let record = step.record
        return ResultRow(
            kind: record.kind, portproID: record.portproID, number: record.number ?? "",
            customer: record.customerName ?? "", amount: record.amount ?? "", outcome: outcome, qbID: step.write.qbID,
            problemCode: code, message: message, sourceFile: record.sourceFile ?? "")
    }

    /// The plan.csv row of an undo step (the sync's columns; `operation` is the reversal).
    static func planRow(_ step: UndoStep) -> PlanFile.Row {
        let record = step.record
        let problem = step.operation.problem
        return PlanFile.Row(
            kind: record.kind, portproID: record.portproID, number: record.number ?? "",
            customer: record.customerName ?? "", amount: record.amount ?? "", operation: step.operation.name,
            qbID: step.write.qbID, references: "run=\(step.write.runID)", problemCode: problem?.code ?? "",
            problem: problem?.message ?? "", suggestion: problem?.suggestion ?? "", reason: step.reason)
    }
}
