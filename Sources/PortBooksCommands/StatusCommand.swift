import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports
import PortBooksSync

/// `portbooks status`: ledger counts per entity and state, and the last runs.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show ledger counts per entity and state, and the last runs.",
        discussion: """
            Examples:
              portbooks status
              portbooks status --json | jq '.counts.invoice'
            """)

    @OptionGroup var config: ConfigOptions

    @Flag(help: "Print JSON for machines.")
    var json = false

    func run() throws {
        let settings = try config.loadSettings()
        let folders = ProjectFolders(settings: settings)
        guard FileManager.default.fileExists(atPath: folders.ledgerPath) else {
            throw CommandEnd.couldNotRun("no ledger at \(folders.ledgerPath): nothing has been synced yet")
        }
        let ledger = try LedgerStore.open(path: folders.ledgerPath)
        let counts = try ledger.counts()
        let runs = try ledger.lastRuns(limit: 5)
        let reconnect = try ledger.value(forMeta: "reconnect_needed") == "true"
        let undone = try ledger.undoneRuns()
        // `undone by <undo-run>` (or `partly undone …` while some of its writes are left).
        func undoNote(_ run: LedgerStore.Run) -> String? {
            guard let entry = undone[run.id] else { return nil }
            return (entry.complete ? "undone by " : "partly undone by ") + entry.undoRuns.joined(separator: ", ")
        }
        if json {
            var object: [String: Any] = [:]
            object["counts"] = Dictionary(
                uniqueKeysWithValues: counts.map { kind, states in
                    (kind.rawValue, Dictionary(uniqueKeysWithValues: states.map { ($0.key.rawValue, $0.value) }))
                })
            object["reconnectNeeded"] = reconnect
            let running = Self.runInProgress(folders)
            object["runs"] = runs.enumerated().map { index, run -> [String: Any] in
                var entry: [String: Any] = [
                    "id": run.id, "command": run.command,
                    "status": Self.describe(run, newest: index == 0, running: running),
                ]
                if let note = undoNote(run) { entry["undo"] = note }
                return entry
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            Terminal.standardOutputJSON(String(decoding: data, as: UTF8.self))
            return
        }
        if reconnect { Terminal.standardOutput("QuickBooks needs reconnecting: run `portbooks connect`.") }
        Terminal.standardOutput(
            "entity        "
                + RecordState.allCases.map { $0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined())
        for kind in RecordKind.allCases.sorted() {
            let states = counts[kind] ?? [:]
            let cells = RecordState.allCases.map {
                String(states[$0] ?? 0).padding(toLength: 13, withPad: " ", startingAt: 0)
            }
            Terminal.standardOutput(kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + cells.joined())
        }
        if !runs.isEmpty {
            Terminal.standardOutput("")
            Terminal.standardOutput("last runs:")
            let running = Self.runInProgress(folders)
            for (index, run) in runs.enumerated() {
                let note = undoNote(run).map { "  (\($0))" } ?? ""
                Terminal.standardOutput(
                    "  \(run.id)  \(run.command)  \(Self.describe(run, newest: index == 0, running: running))\(note)")
            }
        }
    }
}

extension StatusCommand {
    /// A run's status as `status` shows it. A run without one never finished: it is the run in
    /// progress when it is the newest and a process holds the lock; otherwise it was interrupted
    /// (Ctrl-C, a kill, a reboot) — the next run resumes its work.
    static func describe(_ run: LedgerStore.Run, newest: Bool, running: Bool) -> String {
        if let status = run.status { return status }
        return newest && running ? "running now" : "interrupted (the next run resumes it)"
    }

    /// Whether a run holds the project's lock now.
    static func runInProgress(_ folders: ProjectFolders) -> Bool {
        guard FileManager.default.fileExists(atPath: folders.lockPath) else { return false }
        do {
            let lock = try RunLock(path: folders.lockPath)
            withExtendedLifetime(lock) {}
            return false
        } catch {
            return true
        }
    }
}

/// `portbooks problems`: write the current problem list.
struct ProblemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "problems",
        abstract: "Write the current problem list (problems.csv) for a spreadsheet.",
        discussion: """
            Fill the action column, save into resolutions/ (or run `portbooks resolve FILE.csv`). \
            Exit 0: nothing needs attention; 3: records are listed.

            Examples:
              portbooks problems --out ~/Desktop/problems-today.csv
              portbooks problems --json | jq -r '.[] | select(.problem_code == "unmapped-charge-code") | .number'
            """)

    @OptionGroup var config: ConfigOptions

    @Option(help: "Where to write it (default: reports/problems.csv). Its folder must exist.")
    var out: String?

    @Flag(help: "Print the rows as a JSON array of objects (the CSV's columns) on stdout.")
    var json = false

    func validate() throws {
        guard let out else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError(
                "--out \(escaping: out) is a folder; name a file in it, e.g. \(escaping: out)/problems.csv.")
        }
        let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--out: the folder \(escaping: parent) does not exist; create it first.")
        }
    }

    func run() throws {
        let settings = try config.loadSettings()
        let folders = ProjectFolders(settings: settings)
        guard FileManager.default.fileExists(atPath: folders.ledgerPath) else {
            throw CommandEnd.couldNotRun("no ledger at \(folders.ledgerPath): nothing has been synced yet")
        }
        let ledger = try LedgerStore.open(path: folders.ledgerPath)
        let target = out.map { URL(fileURLWithPath: $0) } ?? folders.problemsFile
        do {
            try ProblemsFile.write(ledger: ledger, to: target)
        } catch {
            throw CommandEnd.couldNotRun("cannot write \(target.path): \(ExitStatus.words(for: error))")
        }
        let records = try ledger.problemRecords()
        if json {
            let objects = records.map { record -> [String: Any] in
                [
                    "entity": record.kind.rawValue, "portpro_id": record.portproID, "number": record.number ?? "",
                    "customer": record.customerName ?? "", "amount": record.amount ?? "", "qb_id": record.qbID ?? "",
                    "problem_code": record.state == .blocked ? "blocked" : (record.problemCode ?? ""),
                    "problem": record.problemMessage ?? "", "since": record.firstProblemAt ?? "",
                    "attempts": record.attempts, "suggestion": record.suggestion ?? "",
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            Terminal.standardOutputJSON(String(decoding: data, as: UTF8.self))
        } else {
            Terminal.standardOutput("\(records.count) record(s) need attention: \(target.path)")
        }
        if !records.isEmpty { throw CommandEnd.needsAttention }
    }
}
