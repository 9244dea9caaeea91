import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports

/// The checks of a resolution file's rows (``ResolutionPlanner``): for one row, the record it
/// resolves to and the ledger change it asks for, or why it is rejected.
public enum ResolutionPlan {
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
        /// What a forced `set-qb-id` was linked in spite of (kept in the audit log's note).
        public var forcedOver: String?

        public var isIgnored: Bool { !row.hasAction }
        public var isRejected: Bool { problem != nil }

        mutating func reject(_ reason: String) {
            if problem == nil { problem = reason }
            change = nil
        }
    }
}

/// What the first pass over a resolution file found, for the second pass to apply: whether
/// any row is rejected (all or nothing), which records more than one row names, and what
/// QuickBooks said for each `set-qb-id` row.
///
/// Memory: an entry per record named (an id and a line), one more per record named more than
/// once, and one per checked `set-qb-id` row — never the rows themselves.
public struct ResolutionSurvey: Sendable {
    /// What QuickBooks said about a `set-qb-id` row (by line).
    struct QuickBooksCheck: Hashable, Sendable {
        var rejection: String?
        var syncToken: String?
        var message: String
        /// What a forced link overrode, for the audit log.
        var forcedOver: String?
    }

    /// A row with an action, as far as repeated records need it. The cells it keeps are clipped
    /// (``ResolutionOutcome/keptCellLength``): one is kept per record named twice.
    struct ActionRow: Hashable, Sendable {
        var line: Int
        var action: ResolutionAction?
        var spelled: String
        var newQBID: String

        init(line: Int, action: ResolutionAction?, spelled: String, newQBID: String) {
            self.line = line
            self.action = action
            self.spelled = DisplayText.clipped(spelled, to: ResolutionOutcome.keptCellLength)
            self.newQBID = DisplayText.clipped(newQBID, to: ResolutionOutcome.keptCellLength)
        }
    }

    /// Rows read (rows of empty cells left out).
    public internal(set) var rows = 0
    /// Rows rejected by their own checks (records named twice not counted yet).
    var rejectedRows = 0
    /// Records named by more than one row: the second row, and how many follow it. A file
    /// naming one record a million times costs one entry, not a million.
    struct Repeats: Hashable, Sendable {
        var second: ActionRow
        /// Rows after the second.
        var more = 0
        /// Whether a row after the second asks for another action or `new_qb_id` than it.
        var laterDiffer = false
    }

    /// Each record a row with an action resolved to, with that first row's line.
    private(set) var firstLines: [Int64: Int] = [:]
    /// Records named by more than one row (the second pass reads the first row again).
    var repeated: [Int64: Repeats] = [:]
    var quickBooks: [Int: QuickBooksCheck] = [:]

    /// Whether some row will be rejected (so that, by default, nothing is applied).
    public var rejectsSomething: Bool {
        rejectedRows > 0 || !repeated.isEmpty || quickBooks.values.contains { $0.rejection != nil }
    }

    mutating func note(record: Int64, row: ResolutionFile.Row, action: ResolutionAction?) {
        guard firstLines[record] != nil else {
            firstLines[record] = row.line
            return
        }
        let actionRow = ActionRow(line: row.line, action: action, spelled: row.action, newQBID: row.newQBID)
        guard var known = repeated[record] else {
            repeated[record] = Repeats(second: actionRow)
            return
        }
        known.more += 1
        if actionRow.action != known.second.action || actionRow.newQBID != known.second.newQBID {
            known.laterDiffer = true
        }
        repeated[record] = known
    }
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

/// How applying a resolution file went: counts per result, the first rows and rejections
/// (every row is in `resolution-report.csv`), and where the report is.
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

    /// How many rows (and rejected rows) an outcome keeps to print; the report has them all.
    public static let keptRows = 1_000
    public static let keptRejections = 100
    /// How much of a cell (entity, portpro_id, action) and of a message a kept row holds, in
    /// Unicode scalars (``DisplayText/clipped(_:to:)``): what is kept stays small whatever the
    /// file's cells hold (a row may hold up to ``CSVReader/maximumRowBytes``); the report has
    /// every row whole.
    public static let keptCellLength = 200
    public static let keptMessageLength = 2_000

    public var file: String
    /// The first ``keptRows`` rows, in file order.
    public private(set) var rows: [Row] = []
    /// The first ``keptRejections`` rejected rows.
    public private(set) var rejections: [Row] = []
    public private(set) var counts: [ResolutionResult: Int] = [:]
    /// Where `resolution-report.csv` was written.
    public var report: URL?

    public init(file: String) {
        self.file = file
    }

    mutating func add(_ row: Row) {
        counts[row.result, default: 0] += 1
        let keepRow = rows.count < Self.keptRows
        let keepRejection = row.result == .rejected && rejections.count < Self.keptRejections
        guard keepRow || keepRejection else { return }
        var kept = row
        kept.entity = DisplayText.clipped(row.entity, to: Self.keptCellLength)
        kept.portproID = DisplayText.clipped(row.portproID, to: Self.keptCellLength)
        kept.action = DisplayText.clipped(row.action, to: Self.keptCellLength)
        kept.message = DisplayText.clipped(row.message, to: Self.keptMessageLength)
        if keepRow { rows.append(kept) }
        if keepRejection { rejections.append(kept) }
    }

    public var applied: Int { counts[.applied] ?? 0 }
    public var rejected: Int { counts[.rejected] ?? 0 }
    public var actionRows: Int { counts.filter { $0.key != .ignored }.values.reduce(0, +) }
    /// Rows not shown in ``rows``.
    public var rowsNotKept: Int { counts.values.reduce(0, +) - rows.count }
    /// Nothing applied because some rows were rejected.
    public var refusedWhole: Bool { rejected > 0 && applied == 0 }

    /// Rejections as `FILE:LINE: error: message`, for stderr and `FILE.error.txt`: the first
    /// ``keptRejections``, then how many more the report holds.
    public var diagnostics: [String] {
        var lines = rejections.map { "\(file):\($0.line): error: \($0.message)" }
        if rejected > rejections.count {
            lines.append(
                "\(file): … and \(rejected - rejections.count) more rejected row(s): see resolution-report.csv")
        }
        return lines
    }
}
