import Foundation
import PortBooksCore

/// What one run did to each record it touched: the rows of `results-<entity>.csv`.
public struct ResultRow: Hashable, Sendable {
    /// `created`, `updated`, `unchanged`, `adopted`, `skipped`, `cleared`, `marked-paid`, `problem`.
    public enum Outcome: String, Hashable, Sendable, CaseIterable {
        case created, updated, unchanged, adopted, skipped, cleared
        case markedPaid = "marked-paid"
        case problem
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
public final class RunResults: @unchecked Sendable {
    private let lock = NSLock()
    private var rowsByKey: [String: ResultRow] = [:]
    private var order: [String] = []
    public private(set) var filesStaged: [String] = []
    public private(set) var filesRejected: [String] = []
    public private(set) var filesDuplicate: [String] = []
    public var apiCalls = 0
    /// Time spent pushing (after staging), for throughput figures.
    public var pushSeconds: Double = 0
    public var startedAt = Date()

    public init() {}

    /// Records (or replaces) the row of one record; the last outcome of a run wins.
    public func record(_ row: ResultRow) {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(row.kind.rawValue)/\(row.portproID)"
        if rowsByKey[key] == nil { order.append(key) }
        rowsByKey[key] = row
    }

    public func fileStaged(_ name: String) { lock.withLock { filesStaged.append(name) } }
    public func fileRejected(_ name: String) { lock.withLock { filesRejected.append(name) } }
    public func fileDuplicate(_ name: String) { lock.withLock { filesDuplicate.append(name) } }

    public func rows(of kind: RecordKind) -> [ResultRow] {
        lock.withLock { order.compactMap { rowsByKey[$0] }.filter { $0.kind == kind } }
    }

    public var allRows: [ResultRow] { lock.withLock { order.compactMap { rowsByKey[$0] } } }

    /// Outcome counts per entity, for the summary.
    public func counts() -> [RecordKind: [ResultRow.Outcome: Int]] {
        var counts: [RecordKind: [ResultRow.Outcome: Int]] = [:]
        for row in allRows { counts[row.kind, default: [:]][row.outcome, default: 0] += 1 }
        return counts
    }
}
