import ArgumentParser
import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksSync

/// `portbooks sync`: the drop folder, once (cron) or polling (`--watch`).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Process the drop folder: stage new files, push to QuickBooks, write the reports.",
        discussion: """
            Safe to run from cron every few minutes: a file is taken only when complete and only \
            once per content, a second concurrent run exits 75, and a crashed run resumes without \
            sending anything twice. Exit 0: nothing needs attention; 3: see reports/problems.csv.

            Examples:
              portbooks sync --dry-run
              portbooks sync --config /srv/portbooks/portbooks.toml --json
              portbooks schedule --systemd --install   (every 5 minutes)
            """
    )

    @OptionGroup var config: ConfigOptions

    @Flag(help: "Keep polling the inbox until SIGINT or SIGTERM (finishes the batch in flight).")
    var watch = false

    @Option(help: "Seconds between polls with --watch.")
    var interval = 30

    @Flag(
        help: """
            Show what the run would do (reports/dry-run/<time>/plan.csv) and change nothing: no file moved, \
            nothing in the ledger, no QuickBooks write. Exits as the run would.
            """)
    var dryRun = false

    @Option(help: "Seconds a drop file must be unchanged before it is taken.")
    var settle = 2.0

    @Option(
        help: """
            Seconds a drop file that ends early (cut off) stays in inbox/ after its last change before it \
            is refused: its writer may only have paused.
            """)
    var grace = 300.0

    @Flag(help: "Print the summary (or the dry run's plan) as one JSON object per run on stdout.")
    var json = false

    func run() async throws {
        let settings = try config.loadSettings()
        // --watch stops after the batch in flight; a single run ends at once, saying how to resume.
        let stop = watch ? StopSignal() : nil
        let interrupt = watch ? nil : InterruptNotice()
        defer { withExtendedLifetime(interrupt) {} }
        var last: SyncEngine.Summary?
        repeat {
            last = try await RunOnce.run(
                settings: settings, files: nil, dryRun: dryRun, command: "sync", settle: settle, grace: grace,
                json: json)
            if watch {
                for _ in 0..<max(1, interval) where stop?.requested != true {
                    try await Task.sleep(for: .seconds(1))
                }
            }
        } while watch && stop?.requested != true
        if let last { try ExitStatus.check(last) }
    }
}

/// `portbooks import FILE…`: the same engine over named files, for migrations.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the sync engine over named export files (one-shot migrations); resumable.",
        discussion: """
            Files are staged whole or not at all and left where they are. Progress goes to stderr. \
            Interrupted (Ctrl-C, a crash, a reboot)? Run the same command again: what was sent is not \
            sent again, and files already staged are not read again.

            Examples:
              portbooks import --dry-run exports/2019-*.json
              portbooks import exports/2019-*.json exports/2020-*.json
            """
    )

    @OptionGroup var config: ConfigOptions

    @Argument(help: "The export files to import.")
    var files: [String]

    @Flag(
        help: """
            Show what the import would do (reports/dry-run/<time>/plan.csv) and change nothing: nothing \
            in the ledger, no QuickBooks write. Exits as the import would.
            """)
    var dryRun = false

    @Flag(help: "Print the summary (or the dry run's plan) as one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one file to import.") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("No such file: \(escaping: file)")
        }
    }

    func run() async throws {
        let settings = try config.loadSettings()
        let interrupt = InterruptNotice()
        defer { withExtendedLifetime(interrupt) {} }
        let summary = try await RunOnce.run(
            settings: settings, files: files, dryRun: dryRun, command: "import", settle: 0, json: json)
        try ExitStatus.check(summary)
    }
}

/// The shared body of `sync` and `import`: run and print the summary.
enum RunOnce {
    /// `[notify] command`, after a real run that did something (PortBooksSync/Notify); its
    /// failure is a warning, never the run's exit status.
    static func notify(_ summary: SyncEngine.Summary, settings: Settings) {
        let command = settings.notify.command
        guard !command.isEmpty, !summary.dryRun, !summary.idle else { return }
        let run = RunNotifier.Run(
            runID: summary.runID, exitStatus: ExitStatus.code(for: summary),
            summary: summary.reportFolder.appendingPathComponent("summary.json"),
            report: summary.reportFolder.appendingPathComponent("report.html"), problems: summary.problemCount)
        if let failure = RunNotifier.notify(command: command, run: run, directory: settings.directory) {
            Terminal.standardError("warning: \(failure); the run itself is not affected")
        }
    }

    static func run(
        settings: Settings, files: [String]?, dryRun: Bool, command: String, settle: Double, grace: Double = 300,
        json: Bool = false
    ) async throws -> SyncEngine.Summary {
        var options = SyncEngine.Options(files: files, command: command)
        options.settleTime = settle
        options.graceTime = grace
        let engine: SyncEngine
        var copy: LedgerCopy?
        if dryRun {
            (engine, copy) = try SyncEngine.rehearsal(settings: settings, logger: LogSetup.logger)
        } else {
            engine = try SyncEngine(settings: settings, logger: LogSetup.logger)
        }
        defer { copy?.remove() }
        let summary = try await engine.run(options, progress: TerminalProgress()) {
            try engine.connectedClient(logger: LogSetup.logger)
        }
        if json {
            SummaryPrinter.printJSON(summary, folders: engine.folders)
        } else {
            SummaryPrinter.print(summary, folders: engine.folders)
        }
        notify(summary, settings: settings)
        return summary
    }
}
