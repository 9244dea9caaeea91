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
