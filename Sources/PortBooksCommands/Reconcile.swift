import ArgumentParser
import Foundation
import PortBooksSync

/// `portbooks reconcile`: notice what people changed directly in QuickBooks.
struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read QuickBooks' changes since the last check and list what needs attention.",
        discussion: """
            Invoices paid directly in QuickBooks (suggestion: mark-paid), transactions voided or deleted \
            there (suggestion: remove-qb-id) become rows of reports/problems.csv; customers renamed there \
            are noted. Reads QuickBooks' change data capture (at most 30 days back). Set \
            `[sync] reconcile_first = true` to do this at the start of every sync. \
            Exit 0: nothing new; 3: something needs attention; 1: could not run; 75: try later.

            Examples:
              portbooks reconcile
              portbooks reconcile --json | jq '.findings[] | select(.problem)'
            """
    )

    @OptionGroup var config: ConfigOptions

    @Flag(help: "Print the outcome as one JSON object: since, objects, requests, findings, report, problemsFile.")
    var json = false

    func run() async throws {
        let settings = try config.loadSettings()
        let engine = try SyncEngine(settings: settings, logger: LogSetup.logger)
        let result = try await engine.reconcile(connect: {
            try engine.connectedClient(logger: LogSetup.logger)
        })
        let outcome = result.outcome
        if let warning = outcome.gapWarning { Terminal.standardError("warning: \(warning)") }
        if json {
            let findings = outcome.findings.map { finding -> [String: Any] in
                [
                    "entity": finding.kind.rawValue, "portpro_id": finding.portproID, "number": finding.number,
                    "qb_id": finding.qbID, "code": finding.code, "message": finding.message,
                    "suggestion": finding.suggestion, "problem": finding.isProblem,
                ]
            }
            let object: [String: Any] = [
                "since": outcome.since, "objects": outcome.objects, "requests": outcome.requests, "findings": findings,
                "report": result.report.path, "problemsFile": engine.folders.problemsFile.path,
                "gapWarning": outcome.gapWarning ?? NSNull(),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            Terminal.standardOutputJSON(String(decoding: data, as: UTF8.self))
            if outcome.findings.contains(where: \.isProblem) { throw CommandEnd.needsAttention }
            return
        }
        Terminal.standardOutput(
            "Changes in QuickBooks since \(outcome.since): \(outcome.objects) object(s) in \(outcome.requests) request(s)"
        )
        for finding in outcome.findings {
            Terminal.standardOutput(
                "  \(finding.kind.rawValue) \(finding.number) (QuickBooks \(finding.qbID)): \(finding.code)")
            Terminal.standardOutput("    \(finding.message)")
            Terminal.standardOutput("    → \(finding.suggestion)")
        }
        if outcome.findings.isEmpty { Terminal.standardOutput("  nothing needs attention") }
        Terminal.standardOutput("  report:   \(result.report.path)")
        Terminal.standardOutput("  problems: \(engine.folders.problemsFile.path)")
        if outcome.findings.contains(where: \.isProblem) { throw CommandEnd.needsAttention }
    }
}
