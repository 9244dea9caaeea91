import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports

extension SyncEngine {
    /// `portbooks reconcile`: a run of its own under the run lock; writes
    /// `reports/runs/<run-id>/reconcile-report.csv` and the current `reports/problems.csv`.
    public func reconcile(connect: () throws -> any QuickBooksChangeFeed) async throws -> (
        outcome: Reconciler.Outcome, report: URL
    ) {
        let lock = try RunLock(path: folders.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let runID = try ledger.beginRun(command: "reconcile")
        let outcome = try await Reconciler(ledger: ledger, feed: try connect(), runID: runID, logger: logger).run()
        let report = try writeReconcileReport(outcome, runID: runID)
        try ProblemsFile.write(ledger: ledger, to: folders.problemsFile)
        try ledger.finishRun(
            id: runID, status: "\(outcome.findings.count) finding(s)", summaryJSON: "{}")
        return (outcome, report)
    }

    /// `[sync] reconcile_first`: inside a sync run, before pushing.
    func reconcileFirst(feed: any QuickBooksChangeFeed, runID: String) async throws {
        let outcome = try await Reconciler(ledger: ledger, feed: feed, runID: runID, logger: logger).run()
        // A dry run (on a copy of the ledger) leaves no report in runs/.
        if !isRehearsal { try writeReconcileReport(outcome, runID: runID) }
        for finding in outcome.findings {
            logger.info("reconcile: \(finding.kind.rawValue) \(finding.number): \(finding.code)")
        }
    }

    @discardableResult
    func writeReconcileReport(_ outcome: Reconciler.Outcome, runID: String) throws -> URL {
        let target = try runFolder(runID).appendingPathComponent("reconcile-report.csv")
        let rows = outcome.findings.map {
            [
                $0.kind.rawValue, $0.portproID, $0.number, $0.qbID, $0.code, $0.message, $0.suggestion,
                $0.isProblem ? "problems.csv" : "noted",
            ]
        }
        try CSVWriter.write(
            header: ["entity", "portpro_id", "number", "qb_id", "code", "message", "suggestion", "recorded"],
            rows: rows, to: target)
        return target
    }
}
