import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksRead
import PortBooksSync

/// `portbooks validate FILE…`: parse and schema-validate drop files; no ledger, no network.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check drop files against the PortPro export format; no ledger, no network.",
        discussion: """
            Prints file:line:col: error: … for the first problems of each file (then a count), and a \
            line per file on stdout. A file whose only problems are in records of its own is still \
            staged by a sync (its other records go on; each broken record is a problem row, or is \
            listed in the file's .error.txt when it has no usable _id): its line says so. Exits 0 \
            when every file is valid, 3 when any is not. --json: one object per file, its \
            diagnostics as objects (file, line, column, severity, code, message).

            Examples:
              portbooks validate inbox/*.json
              portbooks validate --json export.xml | jq '.[].diagnostics[] | "\\(.line):\\(.column) \\(.code)"'
            """
    )

    @Argument(help: "The JSON or XML export files to check.")
    var files: [String]

    @Option(help: "How many problems to print per file before only counting the rest.")
    var maxErrors = 10

    @Flag(help: "Print the result as JSON on stdout (one object per file).")
    var json = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one file to validate.") }
        guard maxErrors > 0 else { throw ValidationError("--max-errors must be at least 1.") }
    }

    func run() throws {
        let readers = DropFileReaders()
        var allValid = true
        var reports: [[String: Any]] = []
        for file in files {
            let started = Date()
            let result = try readers.reader(for: file).read { _ in }
            let seconds = Date().timeIntervalSince(started)
            allValid = allValid && result.isValid
            for diagnostic in result.diagnostics.kept {
                Terminal.standardError(diagnostic.description)
            }
            if result.diagnostics.omitted > 0 {
                Terminal.standardError("\(file): … and \(result.diagnostics.omitted) more problems not shown")
            }
            if json {
                reports.append([
                    "file": file, "valid": result.isValid, "errors": result.diagnostics.errorCount,
                    // A readable file is staged: its good records go on, each invalid one is its own problem.
                    "readable": result.isReadable, "invalidRecords": result.invalidRecords.count,
                    "invalidRecordsWithoutID": result.invalidRecords.filter { $0.portproID == nil }.count,
                    "shape": result.shape?.rawValue ?? NSNull(),
                    "records": Dictionary(uniqueKeysWithValues: result.counts.map { ($0.key.rawValue, $0.value) }),
                    "diagnostics": result.diagnostics.kept.map { diagnostic -> [String: Any] in
                        [
                            "file": diagnostic.file, "line": diagnostic.line, "column": diagnostic.column,
                            "severity": diagnostic.severity.rawValue, "code": diagnostic.code.rawValue,
                            "message": diagnostic.message,
                        ]
                    },
                ])
            } else if result.isValid {
                let from = result.shape.flatMap { $0 == .export ? nil : ", from \($0.description)" } ?? ""
                Terminal.standardOutput(
                    "\(file): valid — \(Self.describe(result.counts))\(from) (\(String(format: "%.2f", seconds)) s)")
            } else if result.isReadable {
                Terminal.standardOutput(Self.describeRecordProblems(result, file: file))
            } else {
                Terminal.standardOutput("\(file): INVALID — \(result.diagnostics.errorCount) problem(s)")
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: reports, options: [.prettyPrinted, .sortedKeys])
            Terminal.standardOutputJSON(String(decoding: data, as: UTF8.self))
        }
        if !allValid { throw CommandEnd.needsAttention }
    }

    /// The line for a readable file some of whose records break a rule: which would be staged,
    /// which would be problem rows, which would be left out for want of an `_id`.
    static func describeRecordProblems(_ result: ExportReadResult, file: String) -> String {
        let withoutID = result.invalidRecords.filter { $0.portproID == nil }.count
        let rows = result.invalidRecords.count - withoutID
        var parts: [String] = []
        if rows > 0 {
            parts.append("\(rows) would be problem rows (invalid-record) until a corrected export replaces them")
        }
        if withoutID > 0 {
            parts.append("\(withoutID) without a usable _id would be left out and listed in the file's .error.txt")
        }
        return "\(file): INVALID RECORDS — \(result.invalidRecords.count) record(s) break a rule: "
            + parts.joined(separator: "; ") + ". The rest of the file would be staged: "
            + "\(describe(result.counts))"
    }

    static func describe(_ counts: [RecordKind: Int]) -> String {
        let parts = RecordKind.allCases.sorted().compactMap { kind -> String? in
            guard let count = counts[kind], count > 0 else { return nil }
            let noun = kind == .creditMemo ? "credit memo" : kind.rawValue
            return "\(count) \(noun)\(count == 1 ? "" : "s")"
        }
        return parts.isEmpty ? "no records" : parts.joined(separator: ", ")
    }
}
