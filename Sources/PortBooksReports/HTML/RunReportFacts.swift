import Foundation
import PortBooksCore

/// What a run's report page shows, gathered by the engine at the end of the run.
public struct RunReportFacts: Sendable {
    public var runID: String
    public var command: String
    public var startedAt: Date
    public var seconds: Double
    /// Why QuickBooks stopped the run, in words; `nil` when it was not stopped.
    public var stoppedBy: String?
    public var apiCalls: Int
    public var filesStaged: [String] = []
    public var filesDuplicate: [String] = []
    public var refusals: [FileRefusal] = []
    public var warnings: [String] = []
    /// Files left in the inbox because they were still being written (the next run takes them).
    public var filesWaiting = 0
    public var outcomes: [RecordKind: [ResultRow.Outcome: Int]] = [:]
    /// PortPro's amounts per entity and outcome.
    public var amounts: [RecordKind: [ResultRow.Outcome: Decimal]] = [:]
    /// The post-sync balance check (PortPro's `remainAmount` against QuickBooks' `Balance`);
    /// `nil` when nothing was checked.
    public var balance: BalanceTotals?
    /// Invoices where QuickBooks says more is owed than PortPro does (balance-check.csv).
    public var balanceDifferences: [BalanceRow] = []
    /// The current problem list (problems.csv), after the run.
    public var problems: [ProblemRow] = []
    /// Ledger counts per entity and state after the run, and after the previous run.
    public var ledgerNow: [RecordKind: [RecordState: Int]] = [:]
    public var ledgerBefore: [RecordKind: [RecordState: Int]]?
    public var previousRunID: String?

    public init(runID: String, command: String, startedAt: Date, seconds: Double, stoppedBy: String?, apiCalls: Int) {
        self.runID = runID
        self.command = command
        self.startedAt = startedAt
        self.seconds = seconds
        self.stoppedBy = stoppedBy
        self.apiCalls = apiCalls
    }
}

/// Both sides of the post-sync balance check, summed over the invoices compared.
public struct BalanceTotals: Sendable, Hashable {
    public var invoicesChecked = 0
    /// What PortPro's files say is still owed (`remainAmount`).
    public var portproRemain: Decimal = 0
    /// What QuickBooks says is owed (`Balance`).
    public var quickBooksBalance: Decimal = 0

    public init() {}
}

/// One invoice of balance-check.csv.
public struct BalanceRow: Sendable, Hashable {
    public var number: String
    public var customer: String
    public var qbID: String
    public var portproRemain: Decimal
    public var quickBooksBalance: Decimal

    public init(number: String, customer: String, qbID: String, portproRemain: Decimal, quickBooksBalance: Decimal) {
        self.number = number
        self.customer = customer
        self.qbID = qbID
        self.portproRemain = portproRemain
        self.quickBooksBalance = quickBooksBalance
    }
}

/// One row of problems.csv, as the report shows it.
public struct ProblemRow: Sendable, Hashable {
    public var entity: String
    public var number: String
    public var customer: String
    public var amount: String
    public var code: String
    public var problem: String
    public var suggestion: String

    public init(
        entity: String, number: String, customer: String, amount: String, code: String, problem: String,
        suggestion: String
    ) {
        self.entity = entity
        self.number = number
        self.customer = customer
        self.amount = amount
        self.code = code
        self.problem = problem
        self.suggestion = suggestion
    }

    /// The row problems.csv has for `record` (a blocked record's code reads `blocked`).
    public init(_ record: LedgerRecord) {
        self.init(
            entity: record.kind.rawValue, number: record.number ?? record.portproID,
            customer: record.customerName ?? "",
            amount: record.amount ?? "", code: record.state == .blocked ? "blocked" : (record.problemCode ?? ""),
            problem: record.problemMessage ?? "", suggestion: record.suggestion ?? "")
    }
}
