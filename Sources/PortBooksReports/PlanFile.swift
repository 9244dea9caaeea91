import Foundation
import PortBooksCore

/// `plan.csv`: one row per record the plan decided on — what will happen to it and why
/// (shared/DESIGN.md "Architecture"). A dry run writes it to `reports/dry-run/<timestamp>/`; a
/// real run writes the same rows to `reports/runs/<run-id>/`, so the two can be compared.
///
/// Rows are written as they are planned (a plan of 100,000 invoices is never held whole) and
/// tallied into a ``PlanSummary``.
public final class PlanFile {
    public static let columns = [
        "entity", "portpro_id", "number", "customer", "amount", "operation", "qb_id", "references", "problem_code",
        "problem", "suggestion", "reason",
    ]

    /// One planned record.
    public struct Row: Hashable, Sendable {
        public var kind: RecordKind
        public var portproID: String
        public var number: String
        public var customer: String
        /// Two decimals, as the ledger holds it.
        public var amount: String
        /// `create`, `update`, `adopt`, `skip`, `blocked` or `problem`; for an undo, `delete`,
        /// `void`, `deactivate`, `restore`, `unlink`, `skip` or `problem`.
        public var operation: String
        public var qbID: String
        /// `CustomerRef=58 (Acme); ItemRef=7 (Drayage); …`
        public var references: String
        public var problemCode: String
        public var problem: String
        public var suggestion: String
        public var reason: String

        public init(
            kind: RecordKind, portproID: String, number: String, customer: String, amount: String, operation: String,
            qbID: String, references: String, problemCode: String, problem: String, suggestion: String, reason: String
        ) {
            self.kind = kind
            self.portproID = portproID
            self.number = number
            self.customer = customer
            self.amount = amount
            self.operation = operation
            self.qbID = qbID
            self.references = references
            self.problemCode = problemCode
            self.problem = problem
            self.suggestion = suggestion
            self.reason = reason
        }

        var cells: [String] {
            [
                kind.rawValue, portproID, number, customer, amount, operation, qbID, references, problemCode, problem,
                suggestion, reason,
            ]
        }
    }

    /// Where the plan goes.
    public let url: URL
    private var writer: CSVFileWriter?
    public private(set) var summary = PlanSummary()

    /// A plan to be written to `url`; the file is created with its first row.
    public init(url: URL) {
        self.url = url
    }

    public func append(_ row: Row) throws {
        summary.add(row)
        if writer == nil { writer = try CSVFileWriter(url: url, header: Self.columns) }
        try writer?.append(row.cells)
    }

    /// Moves the finished file into place; returns whether there is one. A plan without rows
    /// is written only when `keepingEmpty` (a dry run always shows its plan).
    @discardableResult
    public func finish(keepingEmpty: Bool) throws -> Bool {
        if writer == nil && keepingEmpty { writer = try CSVFileWriter(url: url, header: Self.columns) }
        guard let writer else { return false }
        try writer.finish()
        return true
    }
}

/// A plan's counts and money per entity and operation: what a dry run prints.
public struct PlanSummary: Hashable, Sendable {
    public struct Tally: Hashable, Sendable {
        public var count = 0
        public var amount: Decimal = 0
    }

    public private(set) var tallies: [RecordKind: [String: Tally]] = [:]

    public init() {}

    mutating func add(_ row: PlanFile.Row) {
        var tally = tallies[row.kind, default: [:]][row.operation, default: Tally()]
        tally.count += 1
        tally.amount += Money.parse(row.amount) ?? 0
        tallies[row.kind, default: [:]][row.operation] = tally
    }

    /// Records planned in all.
    public var count: Int { tallies.values.flatMap(\.values).reduce(0) { $0 + $1.count } }

    /// Records that would be problems (or wait on one): what makes the run exit 3.
    public var problems: Int {
        tallies.values.reduce(0) { $0 + ($1["problem"]?.count ?? 0) + ($1["blocked"]?.count ?? 0) }
    }

    /// The operations in the order a person reads them.
    /// (An undo's plan: `delete`, `void`, `deactivate`, `restore`, `unlink`, `skip`, `problem`.)
    public static let operationOrder = [
        "create", "update", "void", "adopt", "hold", "delete", "deactivate", "restore", "unlink", "skip", "blocked",
        "problem",
    ]

    /// `{"invoice": {"create": {"count": 25, "amount": "43210.50"}, …}, …}` for `--json`.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [:]
        for (kind, operations) in tallies {
            var entity: [String: Any] = [:]
            for (operation, tally) in operations {
                entity[operation] = ["count": tally.count, "amount": Money.format(tally.amount)]
            }
            object[kind.rawValue] = entity
        }
        return object
    }
}
