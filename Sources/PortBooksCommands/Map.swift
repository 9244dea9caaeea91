import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksMap
import PortBooksRead
import PortBooksStage
import PortBooksSync

/// `portbooks map FILE… [--json]`: what would be sent to QuickBooks, per record.
struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what would be sent to QuickBooks for each record; no network, no ledger.",
        discussion: """
            Reads the drop files, maps every record through portbooks.toml (items, templates, custom \
            fields, limits) and prints the QuickBooks payload of each record, or its problems. \
            A record that breaks a rule of the export format is listed as invalid, with its \
            file:line:col, and the file's other records are mapped (as `sync` stages them); a file \
            that cannot be read as a whole is reported as by `validate` and not mapped. Exits 0 \
            when nothing needs attention, 3 when a record has problems or is invalid or a file \
            cannot be read, 1 on a settings error.

            Examples:
              portbooks map inbox/invoices-2026-11-a.json
              portbooks map --json export.xml | jq '.records[0].payload'
            """
    )

    @Argument(help: "The JSON or XML export files to map.")
    var files: [String]

    @Flag(help: "Print one JSON document (records with payloads or problems, and a summary) on stdout.")
    var json = false

    @OptionGroup var config: ConfigOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one file to map.") }
    }

    func run() throws {
        let settings = try config.loadSettings()
        let mapper = RecordMapper(settings: settings)
        let readers = DropFileReaders()
        var report = MappingReport()
        var records = RecordsToMap()
        var invalid: [(record: InvalidRecord, file: String)] = []
        for file in files {
            var read: [ReadRecord] = []
            let result = try readers.reader(for: file).readRecords { read.append($0) }
            guard result.isReadable else {
                for diagnostic in result.diagnostics.kept { Terminal.standardError(diagnostic.description) }
                if result.diagnostics.omitted > 0 {
                    Terminal.standardError("\(file): … and \(result.diagnostics.omitted) more problems not shown")
                }
                Terminal.standardError("\(file): INVALID — not mapped")
                report.summary.invalidFiles += 1
                continue
            }
            for record in read { records.add(record, file: file) }
            invalid += result.invalidRecords.map { ($0, file) }
        }
        for entry in records.entries {
            report.add(entry.record, file: entry.files.joined(separator: ", "), mapper: mapper)
        }
        // Records judged one by one, as `sync` stages them: each that breaks a rule is listed.
        for (record, file) in invalid {
            var errors = record.errors.map(\.description)
            if record.errorCount > record.errors.count {
                errors.append("… and \(record.errorCount - record.errors.count) more problem(s) in this record")
            }
            report.addInvalid(
                kind: record.kind, portproID: record.portproID, number: record.number ?? record.pathText, file: file,
                errors: errors, fix: Stager.invalidRecordSuggestion)
        }
        if json {
            Terminal.standardOutputJSON(try report.jsonText())
        } else {
            try printText(report)
        }
        let summary = report.summary
        if summary.problems > 0 || summary.invalidRecords > 0 || summary.invalidFiles > 0 {
            throw CommandEnd.needsAttention
        }
    }

    /// PortPro's own paid and remaining amounts, when the file gave them (PortPro API responses).
    private func printPortProBalance(_ entry: MappingReport.Entry) {
        guard entry.portproPaidAmount != nil || entry.portproRemainAmount != nil else { return }
        let paid = entry.portproPaidAmount.map { Money.format($0) } ?? "?"
        let remaining = entry.portproRemainAmount.map { Money.format($0) } ?? "?"
        Terminal.standardOutput("    PortPro: paid \(paid), remaining \(remaining)")
    }

    private func printText(_ report: MappingReport) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for entry in report.records {
            let amount = entry.amount.map { " " + Money.format($0) } ?? ""
            let what = entry.entity.replacingOccurrences(of: "_", with: " ")
            switch entry.status {
            case "ok":
                Terminal.standardOutput(
                    "\(what) \(entry.number) (\(entry.customer))\(amount): ok → \(entry.quickbooksEntity ?? "")")
                printPortProBalance(entry)
                if let payload = entry.payload {
                    let text = String(decoding: try encoder.encode(payload), as: UTF8.self)
                    for line in text.split(separator: "\n") { Terminal.standardOutput("    " + line) }
                }
            case "problem":
                let count = entry.problems?.count ?? 0
                Terminal.standardOutput(
                    "\(what) \(entry.number) (\(entry.customer))\(amount): \(count) problem\(count == 1 ? "" : "s")")
                printPortProBalance(entry)
                for problem in entry.problems ?? [] {
                    Terminal.standardOutput("    [\(problem.code.rawValue)] \(problem.field): \(problem.message)")
                    Terminal.standardOutput("        fix: \(problem.suggestion)")
                }
            case "invalid":
                let id = entry.portproID.isEmpty ? "no usable _id" : entry.portproID
                Terminal.standardOutput("\(what) \(entry.number) (\(id)): invalid, not mapped")
                for error in entry.errors ?? [] { Terminal.standardOutput("    " + error) }
                if let fix = entry.fix { Terminal.standardOutput("        fix: \(fix)") }
            default:
                Terminal.standardOutput(
                    "\(what) \(entry.number) (\(entry.customer))\(amount): not synced ([sync] is off for it)")
            }
        }
        let summary = report.summary
        var line = "\(summary.records) records: \(summary.ok) ok, \(summary.problems) with problems"
        if summary.notSynced > 0 { line += ", \(summary.notSynced) not synced" }
        if summary.invalidRecords > 0 { line += ", \(summary.invalidRecords) invalid (not mapped)" }
        if summary.invalidFiles > 0 { line += "; \(summary.invalidFiles) invalid file(s)" }
        Terminal.standardOutput(line)
    }
}
