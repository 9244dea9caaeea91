import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports
import PortBooksSync

/// `portbooks undo RUN_ID`: reverse in QuickBooks what one run wrote.
struct Undo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reverse in QuickBooks what one run wrote (SyncToken-checked; resumable).",
        discussion: """
            Payments and credit applications the run created are deleted, then its invoices and credit \
            memos (voided where [undo] documents = "void", or where QuickBooks refuses the delete), then \
            its customers are made inactive; objects it updated are put back as they were. An object \
            changed in QuickBooks since PortBooks wrote it is left alone and listed (exit 3), unless \
            --force. Undone records are pending again: the next sync pushes them again (or, with \
            --clear, they are cleared). Interrupted? Run the same command again.

            Examples:
              portbooks status                        # the last runs, with their ids
              portbooks undo 20261201T221354Z-1a2b --dry-run
                                                      # the plan: reports/dry-run/<time>/
              portbooks undo 20261201T221354Z-1a2b    # reverse it
              portbooks undo 20261201T221354Z-1a2b --only payments,credit-memos
              portbooks undo 20261201T221354Z-1a2b --clear
                                                      # and never push those records again
            """
    )

    @OptionGroup var config: ConfigOptions

    @Argument(help: "The run to undo, as `portbooks status` and reports/runs/ name it.")
    var runID: String

    @Flag(
        help: """
            Show the undo plan (reports/dry-run/<time>/plan.csv) and change nothing: nothing in the ledger, \
            no QuickBooks write.
            """)
    var dryRun = false

    @Option(
        help: """
            Undo only these kinds, comma-separated: customers, invoices, payments, credit-memos (singular \
            and credit_memos also accepted).
            """)
    var only: String?

    @Flag(help: "Reverse even the objects changed in QuickBooks since the run (normally left alone and listed).")
    var force = false

    @Flag(help: "Undone records become cleared (never pushed again) instead of pending.")
    var clear = false

    @Flag(help: "Print the summary (or the dry run's plan) as one JSON object on stdout.")
    var json = false

    func validate() throws {
        _ = try kinds()
        guard !runID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("Name the run to undo.")
        }
    }

    /// `--only`, as record kinds (`nil`: every kind).
    func kinds() throws -> Set<RecordKind>? {
        guard let only else { return nil }
        var kinds = Set<RecordKind>()
        for word in only.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            switch word {
            case "customers", "customer": kinds.insert(.customer)
            case "invoices", "invoice": kinds.insert(.invoice)
            case "payments", "payment": kinds.insert(.payment)
            case "credit-memos", "credit_memos", "credit-memo", "credit_memo", "creditmemos": kinds.insert(.creditMemo)
            default:
                throw ValidationError(
                    "--only: \(escaping: word) is not one of customers, invoices, payments, credit-memos")
            }
        }
        guard !kinds.isEmpty else { throw ValidationError("--only: name at least one kind") }
        return kinds
    }

    func run() async throws {
        let settings = try config.loadSettings()
        let options = UndoOptions(runID: runID, kinds: try kinds(), force: force, clear: clear)
        let engine: SyncEngine
        var copy: LedgerCopy?
        if dryRun {
            (engine, copy) = try SyncEngine.rehearsal(settings: settings, logger: LogSetup.logger)
        } else {
            engine = try SyncEngine(settings: settings, logger: LogSetup.logger)
        }
        defer { copy?.remove() }
        let summary: SyncEngine.Summary
        do {
            summary = try await engine.undo(options) { try engine.connectedClient(logger: LogSetup.logger) }
        } catch let error as UndoError {
            throw CommandEnd.couldNotRun("\(error)")
        }
        if json {
            SummaryPrinter.printJSON(summary, folders: engine.folders)
        } else {
            Self.print(summary, undone: runID)
        }
        if let fault = summary.stoppedBy { throw CommandEnd.stopped(fault) }
        if summary.problemCount > 0 { throw CommandEnd.needsAttention }
    }

    /// The undo's summary: what was (or would be) reversed per entity, what was left alone.
    static func print(_ summary: SyncEngine.Summary, undone: String) {
        Terminal.standardOutput(
            summary.dryRun
                ? "Dry run of undo \(escaping: undone): nothing was changed"
                : "Run \(summary.runID): undo of \(escaping: undone)")
        for warning in summary.results.warnings { Terminal.standardOutput("  warning: \(warning)") }
        if summary.plan.count == 0 {
            Terminal.standardOutput(
                "  nothing to undo: everything the run wrote is undone, it wrote nothing to QuickBooks, or it ran "
                    + "before PortBooks kept an undo journal")
        }
        for kind in RecordKind.allCases.sorted() {
            guard let operations = summary.plan.tallies[kind], !operations.isEmpty else { continue }
            let parts = PlanSummary.operationOrder.compactMap { operation -> String? in
                guard let tally = operations[operation], tally.count > 0 else { return nil }
                return "\(tally.count) \(operation == "problem" ? "left alone" : operation)"
            }
            let label = kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
            Terminal.standardOutput("  \(label) \(parts.joined(separator: ", "))\(summary.dryRun ? " (planned)" : "")")
        }
        Terminal.standardOutput("  QuickBooks API calls: \(summary.apiCalls)\(summary.dryRun ? " (reads only)" : "")")
        if let stopped = summary.stoppedBy {
            Terminal.standardOutput("  STOPPED: \(stopped) — run the same command again to finish")
        }
        if let plan = summary.planFile { Terminal.standardOutput("  plan:     \(plan.path)") }
        if !summary.dryRun { Terminal.standardOutput("  results:  \(summary.reportFolder.path)/") }
        if summary.problemCount > 0 {
            Terminal.standardOutput(
                "  left alone: \(summary.problemCount) (changed in QuickBooks since the run, or refused; see the "
                    + "problem rows of \(summary.dryRun ? "plan.csv" : "results-*.csv"))")
        }
    }
}
