import ArgumentParser
import Foundation
import PortBooksCore

/// `portbooks schedule --systemd|--cron [--install]`: the scheduled job for this folder, set up
/// in one step — a systemd service and timer, or a cron line that logs to `logs/`.
struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print (or --install) a systemd timer and service, or a cron line, that syncs this folder.",
        discussion: """
            The job runs `portbooks sync` for the folder every --every minutes. Exit 3 (records need \
            attention) and 75 (try later) are not failures of the job. With --systemd the output goes to \
            the journal (`journalctl -u NAME`); with --cron to logs/sync.log (rotate it: docs/OPERATIONS.md), \
            so cron mails nothing — use [notify] to be told about runs.

            --install writes the unit files (root: /etc/systemd/system, with User= the folder's owner; \
            otherwise ~/.config/systemd/user) and says which systemctl commands enable them, or adds \
            the cron line to your crontab (once).

            Examples:
              portbooks schedule --systemd --config /srv/portbooks/portbooks.toml
              sudo portbooks schedule --systemd --install --config /srv/portbooks/portbooks.toml
              portbooks schedule --cron --every 10 --install
            """
    )

    @OptionGroup var config: ConfigOptions

    @Flag(help: "A systemd service and timer.")
    var systemd = false

    @Flag(help: "A crontab line (with its output logged to logs/sync.log).")
    var cron = false

    @Option(help: "Minutes between runs (1 to 59).")
    var every = 5

    @Flag(help: "Write the units (or add the cron line) instead of printing them.")
    var install = false

    @Option(help: "With --systemd --install: the folder to write the units to (default: the system's or the user's).")
    var unitDirectory: String?

    func validate() throws {
        guard systemd != cron else { throw ValidationError("Choose one of --systemd and --cron.") }
        guard (1...59).contains(every) else { throw ValidationError("--every takes 1 to 59 minutes.") }
        if unitDirectory != nil && !(systemd && install) {
            throw ValidationError("--unit-directory goes with --systemd --install.")
        }
    }

    func run() throws {
        let settings = try config.loadSettings()
        let folder = URL(fileURLWithPath: settings.directory).standardizedFileURL.path
        let configPath = URL(fileURLWithPath: settings.file).standardizedFileURL.path
        let job = ScheduledJob(
            folder: folder, config: configPath, executable: Self.executablePath(), minutes: every)
        if systemd {
            try systemdUnits(job)
        } else {
            try cronLine(job)
        }
    }

    private func systemdUnits(_ job: ScheduledJob) throws {
        let asRoot = getuid() == 0
        let user = asRoot ? ScheduledJob.owner(of: job.folder) : nil
        let service = job.systemdService(user: user)
        let timer = job.systemdTimer()
        guard install else {
            Terminal.standardOutput("# \(job.unitName).service")
            for line in service.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                Terminal.standardOutput(String(line))
            }
            Terminal.standardOutput("# \(job.unitName).timer")
            for line in timer.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                Terminal.standardOutput(String(line))
            }
            return
        }
        let directory =
            unitDirectory
            ?? (asRoot
                ? "/etc/systemd/system"
                : FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/systemd/user").path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let base = URL(fileURLWithPath: directory)
            try Data(service.utf8).write(to: base.appendingPathComponent("\(job.unitName).service"), options: .atomic)
            try Data(timer.utf8).write(to: base.appendingPathComponent("\(job.unitName).timer"), options: .atomic)
        } catch {
            throw CommandEnd.couldNotRun("cannot write the units into \(directory): \(ExitStatus.words(for: error))")
        }
        let scope = asRoot || unitDirectory != nil ? "" : " --user"
        Terminal.standardOutput("wrote \(directory)/\(job.unitName).service and \(job.unitName).timer")
        Terminal.standardOutput(
            "next: systemctl\(scope) daemon-reload && systemctl\(scope) enable --now \(job.unitName).timer")
        if !asRoot && unitDirectory == nil {
            Terminal.standardOutput(
                "      (a user timer runs only while you are logged in, unless `loginctl enable-linger \(NSUserName())`)"
            )
        }
        Terminal.standardOutput("logs: journalctl\(scope) -u \(job.unitName).service")
    }

    private func cronLine(_ job: ScheduledJob) throws {
        let line = job.cronLine()
        guard install else {
            Terminal.standardOutput(line)
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: job.folder + "/logs", withIntermediateDirectories: true)
        } catch {
            throw CommandEnd.couldNotRun("cannot create \(job.folder)/logs: \(ExitStatus.words(for: error))")
        }
        let current = (try? Self.crontab(["-l"], input: nil)) ?? ""
        if current.split(separator: "\n").contains(where: { $0 == line }) {
            Terminal.standardOutput("your crontab already has the line:")
            Terminal.standardOutput(line)
            return
        }
        let updated = (current.isEmpty || current.hasSuffix("\n") ? current : current + "\n") + line + "\n"
        do {
            _ = try Self.crontab(["-"], input: updated)
        } catch {
            throw CommandEnd.couldNotRun("crontab refused the line: \(error)")
        }
        Terminal.standardOutput("added to your crontab:")
        Terminal.standardOutput(line)
    }

    /// Runs `crontab arguments…`, feeding `input`; returns its stdout.
    private static func crontab(_ arguments: [String], input: String?) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/crontab")
        process.arguments = arguments
        let out = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandEnd.couldNotRun("crontab exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// This program's absolute path (`/proc/self/exe`), so the job runs the same binary.
    static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
