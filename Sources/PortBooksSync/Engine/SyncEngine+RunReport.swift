import Foundation
import PortBooksCore
import PortBooksQuickBooks
import PortBooksReports

/// What the engine hands to the run report, besides the ledger and the folders.
struct RunReportInput {
    var runID: String
    var command: String
    var results: RunResults
    var stoppedBy: QuickBooksFault?
    var apiCalls: Int
    var balance: BalanceTotals?
    var balanceRows: [BalanceRow]
}

extension BalanceDifference {
    /// The report's row of this invoice.
    var row: BalanceRow {
        BalanceRow(
            number: record.number ?? record.portproID, customer: record.customerName ?? "", qbID: qbID,
            portproRemain: portproRemain, quickBooksBalance: quickBooksBalance)
    }
}

extension SyncEngine {
    /// `reports/runs/<run-id>/report.html` and `reports/index.html` (PortBooksReports/HTML).
    /// A page that cannot be written is a warning in the log, never a failed run: the CSVs and
    /// the ledger already hold everything it shows.
    func writeRunReport(_ input: RunReportInput, folder: URL) {
        do {
            let results = input.results
            var facts = RunReportFacts(
                runID: input.runID, command: input.command, startedAt: results.startedAt,
                seconds: Date().timeIntervalSince(results.startedAt), stoppedBy: input.stoppedBy.map { "\($0)" },
                apiCalls: input.apiCalls)
            facts.filesStaged = results.filesStaged
            facts.filesDuplicate = results.filesDuplicate
            facts.refusals = results.refusals
            facts.warnings = results.warnings
            facts.filesWaiting = results.filesWaiting
            facts.outcomes = results.counts()
            facts.amounts = results.amountTotals()
            facts.balance = input.balance
            facts.balanceDifferences = input.balanceRows
            facts.problems = try ledger.problemRecords().map(ProblemRow.init)
            facts.ledgerNow = try ledger.counts()
            if let previous = RunReportWriter.previousRun(before: input.runID, reports: folders.reports) {
                facts.previousRunID = previous.id
                facts.ledgerBefore = previous.ledger
            }
            try RunReportWriter.write(facts, runFolder: folder, reports: folders.reports)
        } catch {
            logger.warning("could not write the run's report.html: \(FileErrorWords.describe(error))")
        }
    }
}

extension SyncEngine {
    /// Whether a finished run did nothing worth a folder: no file seen, no record touched, no
    /// resolution file applied, nothing to warn about.
    static func didNothing(_ results: RunResults, folder: URL) -> Bool {
        results.counts().values.allSatisfy { $0.values.allSatisfy { $0 == 0 } } && results.filesStaged.isEmpty
            && results.filesDuplicate.isEmpty && results.refusals.isEmpty && results.warnings.isEmpty
            && results.filesWaiting == 0
            && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("resolution-report.csv").path)
    }

    /// `[reports] keep_runs` / `keep_days`: the run's own folder goes when the run did nothing,
    /// older ones beyond the bounds (``RunRetention``); then the index is written again.
    func keepRunFoldersInBounds(runID: String, folder: URL, idle: Bool) {
        if idle { try? FileManager.default.removeItem(at: folder) }
        let removed = RunRetention.prune(
            reports: folders.reports, keepRuns: settings.reports.keepRuns, keepDays: settings.reports.keepDays,
            keeping: idle ? "" : runID)
        if idle || !removed.isEmpty {
            do {
                try RunReportWriter.writeIndex(reports: folders.reports)
            } catch {
                logger.warning("could not write reports/index.html: \(FileErrorWords.describe(error))")
            }
        }
    }
}
