import Foundation

/// `[notify] command`: after each run, the user's command tells someone (a mail, a chat
/// message). It runs with `/bin/sh -c` in the settings file's folder, with the run in its
/// environment:
///
/// | variable | value |
/// | --- | --- |
/// | `PORTBOOKS_EXIT_STATUS` | the run's exit status (0, 3, 1, 75) |
/// | `PORTBOOKS_SUMMARY` | the run's `summary.json` |
/// | `PORTBOOKS_REPORT` | the run's `report.html` |
/// | `PORTBOOKS_RUN_ID` | the run's id |
/// | `PORTBOOKS_PROBLEMS` | records in problems.csv after the run |
///
/// Its failure (exit status, a signal, no shell, longer than ``timeout``) never fails the run:
/// it comes back as a sentence for a warning.
public enum RunNotifier {
    /// Seconds the command may take before it is stopped.
    public static let timeout: TimeInterval = 120

    /// What the command gets to know about the run.
    public struct Run: Sendable {
        public var runID: String
        public var exitStatus: Int32
        public var summary: URL
        public var report: URL
        public var problems: Int

        public init(runID: String, exitStatus: Int32, summary: URL, report: URL, problems: Int) {
            self.runID = runID
            self.exitStatus = exitStatus
            self.summary = summary
            self.report = report
            self.problems = problems
        }
    }

    /// Runs `command` for `run`; returns `nil` when it succeeded, otherwise why not, as a sentence.
    public static func notify(command: String, run: Run, directory: String) -> String? {
        var environment = ProcessInfo.processInfo.environment
        environment["PORTBOOKS_EXIT_STATUS"] = String(run.exitStatus)
        environment["PORTBOOKS_SUMMARY"] = run.summary.path
        environment["PORTBOOKS_REPORT"] = run.report.path
        environment["PORTBOOKS_RUN_ID"] = run.runID
        environment["PORTBOOKS_PROBLEMS"] = String(run.problems)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        // Its output is the user's: it goes where ours goes (a cron log), on stderr.
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return "the [notify] command could not be started (/bin/sh: \(error.localizedDescription))"
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            finished.wait()
            return "the [notify] command took longer than \(Int(timeout)) s and was stopped"
        }
        if process.terminationReason == .uncaughtSignal {
            return "the [notify] command was killed by signal \(process.terminationStatus)"
        }
        guard process.terminationStatus == 0 else {
            return "the [notify] command exited with status \(process.terminationStatus)"
        }
        return nil
    }
}
