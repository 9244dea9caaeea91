import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksReports
import PortBooksSync

/// The summary a run prints on stdout: counts per entity, files, where the CSVs are; for a
/// dry run, the plan's counts and money per entity and operation.
enum SummaryPrinter {
    static func print(_ summary: SyncEngine.Summary, folders: ProjectFolders) {
        let results = summary.results
        let would = summary.dryRun ? "would be " : ""
        Terminal.standardOutput(summary.dryRun ? "Dry run: nothing was changed" : "Run \(summary.runID)")
        if !results.filesStaged.isEmpty {
            Terminal.standardOutput("  files \(would)staged:    \(results.filesStaged.joined(separator: ", "))")
        }
        if !results.filesDuplicate.isEmpty {
            Terminal.standardOutput(
                "  already seen:    \(results.filesDuplicate.joined(separator: ", ")) (same content; skipped)")
        }
        for refusal in results.refusals { printRefusal(refusal, dryRun: summary.dryRun) }
        if results.filesWaiting > 0 {
            Terminal.standardOutput(
                "  waiting:         \(results.filesWaiting) file(s) in inbox/ still being written; the next run takes them"
            )
        }
        for warning in results.warnings { Terminal.standardOutput("  warning: \(warning)") }
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
                Terminal.standardOutput("  \(label(kind)) \(parts.joined(separator: ", "))")
            }
        }
        Terminal.standardOutput("  QuickBooks API calls: \(summary.apiCalls)\(summary.dryRun ? " (reads only)" : "")")
        if let stopped = summary.stoppedBy { Terminal.standardOutput("  STOPPED: \(stopped)") }
        if summary.dryRun {
            if let plan = summary.planFile { Terminal.standardOutput("  plan:     \(plan.path)") }
            Terminal.standardOutput("  problems: \(summary.problemCount) would need attention after the run")
        } else {
            if let plan = summary.planFile { Terminal.standardOutput("  plan:     \(plan.path)") }
            if summary.idle {
                Terminal.standardOutput("  results:  nothing new: no file, no record to send (this run left no folder)")
            } else {
                Terminal.standardOutput("  results:  \(summary.reportFolder.path)/")
            }
            if summary.balanceDifferences > 0 {
                Terminal.standardOutput(
                    "  balances: \(summary.balanceDifferences) invoice(s) owe another amount in QuickBooks than PortPro's "
                        + "remainAmount: \(summary.reportFolder.path)/balance-check.csv")
            }
            Terminal.standardOutput("  problems: \(folders.problemsFile.path) (\(summary.problemCount) need attention)")
        }
    }

    /// The same summary as one JSON object (`--json`), for scripts and schedulers:
    /// `{"dryRun", "runID", "files": {"staged", "alreadySeen", "refused"}, "plan": {entity:
    /// {operation: {"count", "amount"}}}, "outcomes": {entity: {outcome: count}} (real runs),
    /// "apiCalls", "problems", "planFile", "reportFolder", "problemsFile", "stoppedBy"}`.
    /// Amounts are strings with two decimals, as in the CSVs.
    static func printJSON(_ summary: SyncEngine.Summary, folders: ProjectFolders) {
        let results = summary.results
        var plan: [String: JSONValue] = [:]
        for (kind, operations) in summary.plan.tallies {
            var entity: [String: JSONValue] = [:]
            for (operation, tally) in operations where tally.count > 0 {
                entity[operation] = [
                    "count": .number(Decimal(tally.count)), "amount": .string(Money.format(tally.amount)),
                ]
            }
            plan[kind.rawValue] = .object(entity)
        }
        var outcomes: [String: JSONValue] = [:]
        if !summary.dryRun {
            for (kind, counts) in results.counts() {
                var entity: [String: JSONValue] = [:]
                for (outcome, count) in counts where count > 0 { entity[outcome.rawValue] = .number(Decimal(count)) }
                outcomes[kind.rawValue] = .object(entity)
            }
        }
        var object: [String: JSONValue] = [
            "dryRun": .bool(summary.dryRun),
            "runID": summary.dryRun ? .null : .string(summary.runID),
            "files": [
                "staged": .array(results.filesStaged.map { .string($0) }),
                "alreadySeen": .array(results.filesDuplicate.map { .string($0) }),
                "refused": .array(results.filesRejected.map { .string($0) }),
                "waiting": .number(Decimal(results.filesWaiting)),
            ],
            "plan": .object(plan),
            "apiCalls": .number(Decimal(summary.apiCalls)),
            "balanceDifferences": .number(Decimal(summary.balanceDifferences)),
            "problems": .number(Decimal(summary.problemCount)),
            "planFile": summary.planFile.map { .string($0.path) } ?? .null,
            "reportFolder": summary.idle ? .null : .string(summary.reportFolder.path),
            "problemsFile": summary.dryRun ? .null : .string(folders.problemsFile.path),
            "stoppedBy": summary.stoppedBy.map { .string("\($0)") } ?? .null,
        ]
        if !summary.dryRun { object["outcomes"] = .object(outcomes) }
        Terminal.standardOutputJSON(String(decoding: JSONValue.object(object).encoded(), as: UTF8.self))
    }

    /// A refused file, saying what actually happened to it: moved to `rejected/` with its
    /// reason file (named), or left where it was (`import`, a dry run, a move that failed) —
    /// then its diagnostics follow, since no reason file holds them.
    private static func printRefusal(_ refusal: FileRefusal, dryRun: Bool) {
        if let reasonFile = refusal.reasonFile {
            let moved = refusal.movedTo.map { "moved to \($0.path); " } ?? ""
            Terminal.standardOutput("  file REFUSED:    \(refusal.name) (\(moved)why: \(reasonFile.path))")
            return
        }
        let fate = dryRun ? "would be REFUSED" : "REFUSED"
        // A resolution file's rows are applied, a drop file's records staged.
        let taken = refusal.name.lowercased().hasSuffix(".csv") ? "applied" : "staged"
        Terminal.standardOutput("  file \(fate):    \(refusal.name) (left where it is; nothing from it was \(taken))")
        for reason in refusal.reasons.prefix(11) { Terminal.standardOutput("      \(reason)") }
    }

    /// `invoice          25 create (43,210.50), 2 update (1,200.00), 1 problem (300.00)`.
    private static func printPlan(_ plan: PlanSummary) {
        if plan.count == 0 { Terminal.standardOutput("  nothing to send") }
        for kind in RecordKind.allCases.sorted() {
            guard let operations = plan.tallies[kind], !operations.isEmpty else { continue }
            let parts = PlanSummary.operationOrder.compactMap { operation -> String? in
                guard let tally = operations[operation], tally.count > 0 else { return nil }
                let money = kind == .customer ? "" : " (\(Money.format(tally.amount)))"
                return "\(tally.count) \(operation)\(money)"
            }
            Terminal.standardOutput("  \(label(kind)) \(parts.joined(separator: ", "))")
        }
    }

    private static func label(_ kind: RecordKind) -> String {
        kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
    }
}
