import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksQuickBooks
import PortBooksSync

/// `portbooks resolve FILE.csv`: apply a resolution file now.
struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a resolution file (problems.csv with the action column filled) now.",
        discussion: """
            Actions: retry, clear, mark-paid (invoices), remove-qb-id, set-qb-id (with new_qb_id). Every \
            row is checked first; by default the file applies whole or not at all. Rows are matched by \
            entity + portpro_id, or by a number only one record has; an id a spreadsheet damaged \
            (6.51E+23, lost leading zeros) is rejected, never matched to another record. \
            Exit 0: applied; 3: rows were rejected (see reports/runs/<run>/resolution-report.csv); \
            1: could not run (no such file, …); 75: another run holds the lock.

            Examples:
              portbooks resolve ~/Downloads/problems.csv --dry-run
              portbooks resolve fixes.csv --partial
            """
    )

    @OptionGroup var config: ConfigOptions

    @Argument(help: "The edited problems file (CSV, as Excel or LibreOffice saved it).")
    var file: String

    @Flag(help: "Check every row and write the report, but change nothing.")
    var dryRun = false

    @Flag(help: "Apply the valid rows even when other rows are rejected.")
    var partial = false

    @Flag(help: "set-qb-id even when the QuickBooks object's number or customer differ from the record's.")
    var force = false

    func run() async throws {
        // A missing file is "could not run" (exit 1, README), not a usage error.
        guard FileManager.default.fileExists(atPath: file) else {
            throw CommandEnd.couldNotRun("no such file: \(file)")
        }
        let settings = try config.loadSettings()
        let engine = try SyncEngine(settings: settings, logger: LogSetup.logger)
        let parsed = try ResolutionFile.read(URL(fileURLWithPath: file))
        let outcome = try await engine.resolve(
            parsed, options: .init(dryRun: dryRun, partial: partial, force: force),
            connect: { try engine.connectedClient(logger: LogSetup.logger) })
        ResolutionPrinter.print(outcome, dryRun: dryRun)
        if outcome.rejected > 0 { throw CommandEnd.needsAttention }
    }
}

/// The summary `resolve` and `ids` print: rejected rows on stderr as `FILE:LINE: error: …`.
enum ResolutionPrinter {
    static func print(_ outcome: ResolutionOutcome, dryRun: Bool) {
        for line in outcome.diagnostics { Terminal.standardError(line) }
        let parts = [ResolutionResult.applied, .wouldApply, .rejected, .notApplied, .ignored].compactMap {
            result -> String? in
            guard let count = outcome.counts[result], count > 0 else { return nil }
            return "\(count) \(result.rawValue)"
        }
        Terminal.standardOutput("\(outcome.file): \(parts.isEmpty ? "no rows" : parts.joined(separator: ", "))")
        for row in outcome.rows where row.result == .applied || row.result == .wouldApply {
            Terminal.standardOutput("  line \(row.line): \(row.entity) \(row.portproID) \(row.action): \(row.message)")
        }
        if outcome.rowsNotKept > 0 {
            Terminal.standardOutput("  … and \(outcome.rowsNotKept) more row(s): every row is in the report")
        }
        if outcome.rejected > 0 && outcome.applied == 0 && !dryRun {
            Terminal.standardOutput("  nothing was changed: fix the rejected rows, or apply the others with --partial")
        }
        if let report = outcome.report { Terminal.standardOutput("  report: \(report.path)") }
    }
}
