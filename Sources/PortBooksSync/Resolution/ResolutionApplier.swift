import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports

/// Applies a checked plan: every valid row in ONE ledger transaction (each with an audit
/// entry carrying the row's note and where it came from), or nothing at all when any row was
/// rejected — unless `partial`, which applies the valid rows and leaves the rejected ones.
public struct ResolutionApplier: Sendable {
    public let ledger: LedgerStore
    public let runID: String

    public init(ledger: LedgerStore, runID: String) {
        self.ledger = ledger
        self.runID = runID
    }

    public func apply(_ plan: ResolutionPlan, partial: Bool, dryRun: Bool) throws -> ResolutionOutcome {
        let rejected = !plan.rejected.isEmpty
        let applying = !dryRun && (!rejected || partial)
        let changes = plan.entries.compactMap(\.change)
        if applying && !changes.isEmpty { try ledger.apply(changes, runID: runID) }
        let rows = plan.entries.map { entry -> ResolutionOutcome.Row in
            let result: ResolutionResult
            var message = entry.message
            if entry.isIgnored {
                result = .ignored
            } else if let problem = entry.problem {
                result = .rejected
                message = problem
            } else if dryRun {
                result = .wouldApply
            } else if applying {
                result = .applied
            } else {
                result = .notApplied
                message = join(
                    "not applied: other rows of the file were rejected, so nothing was changed (fix them, or use --partial)",
                    message)
            }
            if result == .applied || result == .wouldApply, let action = entry.action, let record = entry.record {
                message = join(Self.effect(action, record: record, newQBID: entry.row.newQBID), message)
            }
            return ResolutionOutcome.Row(
                line: entry.row.line, entity: entry.kind?.rawValue ?? entry.row.entity,
                portproID: entry.record?.portproID ?? entry.row.portproID,
                action: entry.action?.rawValue ?? entry.row.action,
                result: result, message: message)
        }
        return ResolutionOutcome(file: plan.file, rows: rows, report: nil)
    }

    private func join(_ first: String, _ second: String) -> String {
        second.isEmpty ? first : "\(first); \(second)"
    }

    /// What an applied action does, in a sentence.
    static func effect(_ action: ResolutionAction, record: LedgerRecord, newQBID: String) -> String {
        switch action {
        case .retry: "pending: sent again on the next sync"
        case .clear: "cleared: off the problem list, not synced"
        case .markPaid: "marked paid outside QuickBooks: its later payments and edits are not sent"
        case .removeQBID:
            "unlinked from QuickBooks \(record.qbID ?? ""): the next sync looks its number up in QuickBooks before creating it"
        case .setQBID: "linked to QuickBooks \(newQBID)"
        }
    }
}

/// `reports/runs/<run-id>/resolution-report.csv`: one row per input row.
public enum ResolutionReport {
    public static let columns = ["line", "entity", "portpro_id", "action", "result", "message"]

    /// Writes the report into `folder`; a second file in the same run gets `resolution-report-2.csv`, ….
    @discardableResult
    public static func write(_ outcome: ResolutionOutcome, into folder: URL) throws -> URL {
        var target = folder.appendingPathComponent("resolution-report.csv")
        var counter = 1
        while FileManager.default.fileExists(atPath: target.path) {
            counter += 1
            target = folder.appendingPathComponent("resolution-report-\(counter).csv")
        }
        let rows = outcome.rows.map {
            [String($0.line), $0.entity, $0.portproID, $0.action, $0.result.rawValue, $0.message]
        }
        try CSVWriter.write(header: columns, rows: rows, to: target)
        return target
    }
}
