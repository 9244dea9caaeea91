import Foundation
import PortBooksCore

/// What one run did to each record it touched: the rows of `results-<entity>.csv`.
public struct ResultRow: Hashable, Sendable {
    /// `created`, `updated`, `voided`, `unchanged`, `adopted`, `skipped`, `held` (waits for
    /// PortPro, e.g. a credit memo not yet applied), `cleared`, `marked-paid`, `problem`; and
    /// an undo's `deleted`, `deactivated` (a customer made inactive), `restored` (an updated
    /// object put back to what it held before).
    public enum Outcome: String, Hashable, Sendable, CaseIterable {
        case created, updated, voided, unchanged, adopted, skipped, held, cleared
        case markedPaid = "marked-paid"
        case problem
        case deleted, deactivated, restored
    }

    public var kind: RecordKind
    public var portproID: String
    public var number: String
    public var customer: String
    public var amount: String
    public var outcome: Outcome
    public var qbID: String
    public var problemCode: String
    public var message: String
    public var sourceFile: String

    public init(
        kind: RecordKind, portproID: String, number: String, customer: String, amount: String, outcome: Outcome,
        qbID: String = "", problemCode: String = "", message: String = "", sourceFile: String = ""
    ) {
        self.kind = kind
        self.portproID = portproID
        self.number = number
        self.customer = customer
        self.amount = amount
        self.outcome = outcome
        self.qbID = qbID
        self.problemCode = problemCode
        self.message = message
        self.sourceFile = sourceFile
    }
}

/// Everything a run records for its reports: result rows, files, API calls, timings.
///
/// Rows go to `results-<entity>.csv` as they are recorded (a migration of a million invoices
/// never holds them all); only their counts stay in memory. Each record is recorded once per
/// run (the plan decides each record once). Without a folder (a dry run), rows are only counted.
///
/// Thread-safety: a lock guards it; staging, resolutions and the push record into it.
public final class RunResults: @unchecked Sendable {
    private let lock = NSLock()
    private let folder: URL?
    private var writers: [RecordKind: CSVFileWriter] = [:]
    private var tallies: [RecordKind: [ResultRow.Outcome: Int]] = [:]
    private var amounts: [RecordKind: [ResultRow.Outcome: Decimal]] = [:]
    public private(set) var filesStaged: [String] = []
    /// Files refused whole, in the order they were refused.
    public private(set) var refusals: [FileRefusal] = []
    public private(set) var filesDuplicate: [String] = []
    /// Things a person should know that are not a record's problem (a file staged but left in
    /// `inbox/` because it could not be archived), one sentence each.
    public private(set) var warnings: [String] = []
    public var apiCalls = 0
    /// Drop files left in the inbox because they were still being written (the next run takes them).
    public var filesWaiting = 0
    /// Time spent pushing (after staging), for throughput figures.
    public var pushSeconds: Double = 0
    public var startedAt = Date()

    /// Results written into `folder` (`reports/runs/<run-id>/`), or only counted (`nil`).
    public init(folder: URL? = nil) {
        self.folder = folder
    }

    public static let columns = [
        "portpro_id", "number", "customer", "amount", "outcome", "qb_id", "problem_code", "message", "source_file",
    ]

    public static func fileName(_ kind: RecordKind) -> String {
        switch kind {
        case .customer: "results-customers.csv"
        case .invoice: "results-invoices.csv"
        case .payment: "results-payments.csv"
        case .creditMemo: "results-credit-memos.csv"
        }
    }

    /// Records the row of one record.
    public func record(_ row: ResultRow) throws {
        try lock.withLock {
            tallies[row.kind, default: [:]][row.outcome, default: 0] += 1
            if let amount = Money.parse(row.amount) {
                amounts[row.kind, default: [:]][row.outcome, default: 0] += amount
            }
            guard let folder else { return }
            let writer: CSVFileWriter
            if let open = writers[row.kind] {
                writer = open
            } else {
                writer = try CSVFileWriter(
                    url: folder.appendingPathComponent(Self.fileName(row.kind)), header: Self.columns)
                writers[row.kind] = writer
            }
            try writer.append([
                row.portproID, row.number, row.customer, row.amount, row.outcome.rawValue, row.qbID, row.problemCode,
                row.message, row.sourceFile,
            ])
        }
    }

    /// Moves every results file into place; an entity the run did not touch gets a file with
    /// only its header, so a run's folder always has the four.
    public func finishFiles() throws {
        try lock.withLock {
            guard let folder else { return }
            for kind in RecordKind.allCases {
                let writer =
                    try writers[kind]
                    ?? CSVFileWriter(url: folder.appendingPathComponent(Self.fileName(kind)), header: Self.columns)
                try writer.finish()
            }
            writers = [:]
        }
    }

    public func fileStaged(_ name: String) { lock.withLock { filesStaged.append(name) } }

    /// Notes a file refused whole: `reasons` are its first diagnostics (or the one reason),
    /// `reasonFile` the `NAME.error.txt` written for it, if any, and `movedTo` where it went
    /// (`nil`: it was left where it was — `import`, a dry run, or a move that failed).
    public func fileRejected(_ name: String, reasons: [String] = [], movedTo: URL? = nil, reasonFile: URL? = nil) {
        lock.withLock {
            refusals.append(FileRefusal(name: name, reasons: reasons, movedTo: movedTo, reasonFile: reasonFile))
        }
    }

    /// Notes something a person should know about the run (see ``warnings``).
    public func warn(_ sentence: String) { lock.withLock { warnings.append(sentence) } }

    /// The names of the files refused whole.
    public var filesRejected: [String] { lock.withLock { refusals.map(\.name) } }

    public func fileDuplicate(_ name: String) { lock.withLock { filesDuplicate.append(name) } }

    /// Records of staged files left out because they break a rule and have no usable `_id`
    /// (listed in the file's `NAME.error.txt` and the warnings): a run with any needs attention.
    public var recordsLeftOut: Int { lock.withLock { leftOut } }
    private var leftOut = 0

    /// Notes `count` records left out for want of a usable `_id`.
    public func noteRecordsLeftOut(_ count: Int) { lock.withLock { leftOut += count } }

    /// Outcome counts per entity, for the summary.
    public func counts() -> [RecordKind: [ResultRow.Outcome: Int]] {
        lock.withLock { tallies }
    }

    /// PortPro's amounts per entity and outcome (the rows' `amount` column summed), for the
    /// run report's money table.
    public func amountTotals() -> [RecordKind: [ResultRow.Outcome: Decimal]] {
        lock.withLock { amounts }
    }
}

/// A file a run refused whole: why, where it went, and where the reason was written.
public struct FileRefusal: Hashable, Sendable {
    public var name: String
    /// The first diagnostics (`file:line:col: error: …`) or the one reason, already escaped.
    public var reasons: [String]
    /// Where the file is now (`rejected/…`); `nil` when it stayed where it was.
    public var movedTo: URL?
    /// The `NAME.error.txt` written for it; `nil` when none was.
    public var reasonFile: URL?

    public init(name: String, reasons: [String], movedTo: URL? = nil, reasonFile: URL? = nil) {
        self.name = name
        self.reasons = reasons
        self.movedTo = movedTo
        self.reasonFile = reasonFile
    }
}
