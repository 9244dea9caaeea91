import Foundation
import PortBooksCore
import PortBooksReports
import PortBooksSync

/// The summary a run prints on stdout: counts per entity, files, where the CSVs are; for a
/// dry run, the plan's counts and money per entity and operation.
enum SummaryPrinter {
    static func print(_ summary: SyncEngine.Summary, folders: ProjectFolders) {
        let results = summary.results
        let would = summary.dryRun ? "would be " : ""
        Swift.print(summary.dryRun ? "Dry run: nothing was changed" : "Run \(summary.runID)")
        if !results.filesStaged.isEmpty {
            Swift.print("  files \(would)staged:    \(results.filesStaged.joined(separator: ", "))")
        }
        if !results.filesDuplicate.isEmpty {
            Swift.print("  already seen:    \(results.filesDuplicate.joined(separator: ", ")) (same content; skipped)")
        }
        if !results.filesRejected.isEmpty {
            let detail = summary.dryRun ? "" : " (see rejected/*.error.txt)"
            Swift.print("  files \(would)REFUSED:   \(results.filesRejected.joined(separator: ", "))\(detail)")
        }
        if summary.dryRun {
            printPlan(summary.plan)
        } else {
            let counts = results.counts()
            for kind in RecordKind.allCases.sorted() {
                guard let outcomes = counts[kind], !outcomes.isEmpty else { continue }
                let parts = ResultRow.Outcome.allCases.compactMap { outcome -> String? in
                    guard let count = outcomes[outcome], count > 0 else { return nil }
                    return "\(count) \(outcome.rawValue)"
                }
                Swift.print("  \(label(kind)) \(parts.joined(separator: ", "))")
            }
        }
        Swift.print("  QuickBooks API calls: \(summary.apiCalls)\(summary.dryRun ? " (reads only)" : "")")
        if let stopped = summary.stoppedBy { Swift.print("  STOPPED: \(stopped)") }
        if summary.dryRun {
            if let plan = summary.planFile { Swift.print("  plan:     \(plan.path)") }
            Swift.print("  problems: \(summary.problemCount) would need attention after the run")
        } else {
            if let plan = summary.planFile { Swift.print("  plan:     \(plan.path)") }
            Swift.print("  results:  \(summary.reportFolder.path)/")
            Swift.print("  problems: \(folders.problemsFile.path) (\(summary.problemCount) need attention)")
        }
    }

    /// `invoice          25 create (43,210.50), 2 update (1,200.00), 1 problem (300.00)`.
    private static func printPlan(_ plan: PlanSummary) {
        if plan.count == 0 { Swift.print("  nothing to send") }
        for kind in RecordKind.allCases.sorted() {
            guard let operations = plan.tallies[kind], !operations.isEmpty else { continue }
            let parts = PlanSummary.operationOrder.compactMap { operation -> String? in
                guard let tally = operations[operation], tally.count > 0 else { return nil }
                let money = kind == .customer ? "" : " (\(Money.format(tally.amount)))"
                return "\(tally.count) \(operation)\(money)"
            }
            Swift.print("  \(label(kind)) \(parts.joined(separator: ", "))")
        }
    }

    private static func label(_ kind: RecordKind) -> String {
        kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
    }
}
