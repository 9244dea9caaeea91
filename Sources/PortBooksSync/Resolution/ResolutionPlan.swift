import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports

/// A resolution file checked against the ledger (and, for `set-qb-id`, QuickBooks): for
/// every row, the record it resolves to and the ledger change it asks for, or why it is
/// rejected. Nothing has changed yet.
public struct ResolutionPlan: Sendable {
    /// One row of the file and what became of it.
    public struct Entry: Hashable, Sendable {
        public var row: ResolutionFile.Row
        public var kind: RecordKind?
        public var action: ResolutionAction?
        /// The ledger record the row resolves to.
        public var record: LedgerRecord?
        /// The change to apply; `nil` when the row is rejected or has no action.
        public var change: LedgerChange?
        /// Why the row is rejected, in words an accountant can act on.
        public var problem: String?
        /// The QuickBooks object's SyncToken (`set-qb-id`).
        public var syncToken: String?
        /// How the row was matched or what it will do (e.g. "matched by number").
        public var message: String = ""

        public var isIgnored: Bool { !row.hasAction }
        public var isRejected: Bool { problem != nil }

        mutating func reject(_ reason: String) {
            if problem == nil { problem = reason }
            change = nil
        }
    }

    /// The file's name.
    public var file: String
    public var entries: [Entry]

    public var rejected: [Entry] { entries.filter(\.isRejected) }
    public var valid: [Entry] { entries.filter { $0.change != nil } }
}

/// What each row of a resolution file came to (a row of `resolution-report.csv`).
public enum ResolutionResult: String, Hashable, Sendable {
    /// Changed in the ledger.
    case applied
    /// The row itself is wrong (see the message); nothing was changed for it.
    case rejected
    /// A valid row left alone because other rows were rejected (all or nothing; see `--partial`).
    case notApplied = "not-applied"
    /// `--dry-run`: would be applied.
    case wouldApply = "would-apply"
    /// No action on the row.
    case ignored
}

/// How applying a resolution file went.
public struct ResolutionOutcome: Sendable {
    /// One line of the report: `line, entity, portpro_id, action, result, message`.
    public struct Row: Hashable, Sendable {
        public var line: Int
        public var entity: String
        public var portproID: String
        public var action: String
        public var result: ResolutionResult
        public var message: String
    }

    public var file: String
    public var rows: [Row]
    /// Where `resolution-report.csv` was written.
    public var report: URL?

    public var applied: Int { rows.count { $0.result == .applied } }
    public var rejected: Int { rows.count { $0.result == .rejected } }
    public var actionRows: Int { rows.count { $0.result != .ignored } }
    /// Nothing applied because some rows were rejected.
    public var refusedWhole: Bool { rejected > 0 && applied == 0 }

    /// Rejections as `FILE:LINE: error: message`, for stderr and `FILE.error.txt`.
    public var diagnostics: [String] {
        rows.filter { $0.result == .rejected }.map { "\(file):\($0.line): error: \($0.message)" }
    }
}
