import Foundation
import PortBooksCore
import PortBooksLedger

/// Writes a run's reports (shared/DESIGN.md "Problem and result files"):
/// `reports/runs/<run-id>/results-{customers,invoices,payments,credit-memos}.csv`,
/// `summary.json`, and `reports/problems.csv`, always the current list.
public final class RunReports {
    public let folders: ProjectFolders
    public let ledger: LedgerStore
    public private(set) var summaryJSON = "{}"

    public init(folders: ProjectFolders, ledger: LedgerStore) {
        self.folders = folders
        self.ledger = ledger
    }

    /// The results files' columns.
    public static var resultColumns: [String] { RunResults.columns }

    /// Writes everything; returns the run's folder.
    public func write(runID: String, results: RunResults, stoppedBy: String?) throws -> URL {
        let folder = folders.reports.appendingPathComponent("runs", isDirectory: true)
            .appendingPathComponent(runID, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try results.finishFiles()
        try ProblemsFile.write(ledger: ledger, to: folders.problemsFile)
        summaryJSON = try summary(runID: runID, results: results, stoppedBy: stoppedBy)
        try Data(summaryJSON.utf8).write(to: folder.appendingPathComponent("summary.json"), options: .atomic)
        return folder
    }

    private func summary(runID: String, results: RunResults, stoppedBy: String?) throws -> String {
        var outcomes: [String: [String: Int]] = [:]
        for (kind, counts) in results.counts() {
            outcomes[kind.rawValue] = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        }
        var ledgerCounts: [String: [String: Int]] = [:]
        for (kind, counts) in try ledger.counts() {
            ledgerCounts[kind.rawValue] = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        }
        let object: [String: Any] = [
            "run": runID,
            "seconds": (Date().timeIntervalSince(results.startedAt) * 1000).rounded() / 1000,
            "apiCalls": results.apiCalls,
            "pushSeconds": (results.pushSeconds * 1000).rounded() / 1000,
            "files": [
                "staged": results.filesStaged, "rejected": results.filesRejected,
                "alreadyProcessed": results.filesDuplicate,
            ],
            "outcomes": outcomes,
            "ledger": ledgerCounts,
            "problems": try ledger.problemRecords().count,
            "stoppedBy": stoppedBy ?? NSNull(),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// `reports/problems.csv`: PortPro's Problem Sync page as a file, one row per record that
/// needs attention, with an empty `action` column for the accountant.
public enum ProblemsFile {
    public static let columns = [
        "entity", "portpro_id", "number", "customer", "amount", "qb_id", "problem_code", "problem", "since",
        "attempts", "suggestion", "action", "new_qb_id", "note",
    ]

    public static func write(ledger: LedgerStore, to url: URL) throws {
        let rows = try ledger.problemRecords().map { record in
            [
                record.kind.rawValue, record.portproID, record.number ?? "", record.customerName ?? "",
                record.amount ?? "", record.qbID ?? "",
                record.problemCode ?? (record.state == .blocked ? "blocked" : ""),
                record.problemMessage ?? "", record.firstProblemAt ?? "", String(record.attempts),
                record.suggestion ?? "", "", "", "",
            ]
        }
        try CSVWriter.write(header: columns, rows: rows, to: url)
    }
}
