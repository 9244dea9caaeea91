import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksSync

/// How a command ended, when not plainly: commands throw these (or the libraries' own errors),
/// and ``ExitStatus`` turns them into the documented exit code.
enum CommandEnd: Error {
    /// Done, but something needs attention (records in problems.csv, an invalid file, rows
    /// rejected): exit 3. What needs attention was already printed.
    case needsAttention
    /// The command could not do its work, for this reason (printed as `error: …`): exit 1.
    case couldNotRun(String)
    /// QuickBooks stopped a run whose summary was already printed: 75 when it may work later
    /// (unreachable, throttled past the budget), 1 otherwise (reconnect needed, fatal).
    case stopped(QuickBooksFault)
}

/// The one place where an ending becomes an exit code (shared/DESIGN.md "Exit codes"):
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | done; nothing needs attention |
/// | 3 | done, but some records (or files, or rows) need attention |
/// | 1 | could not run (bad config, unreadable ledger, not connected) |
/// | 64 | usage error (ArgumentParser's `ValidationError`) |
/// | 75 | try later: another run holds the lock, or QuickBooks is unreachable or throttled |
///
/// Each error's words are printed here once, as `error: …` on stderr.
enum ExitStatus {
    static let problems: Int32 = 3
    static let couldNotRun: Int32 = 1
    static let tryLater: Int32 = 75

    /// The error to end the process with: an `ExitCode` for PortBooks' endings (after printing
    /// their words); ArgumentParser's own errors (usage, help, version) unchanged.
    static func ending(for error: any Error) -> any Error {
        switch error {
        case let end as CommandEnd:
            switch end {
            case .needsAttention: return ExitCode(problems)
            case .couldNotRun(let message):
                Terminal.standardError("error: \(message)")
                return ExitCode(couldNotRun)
            case .stopped(let fault): return ExitCode(fault.category == .transient ? tryLater : couldNotRun)
            }
        case let settings as SettingsError:
            for issue in settings.issues { Terminal.standardError(issue.description) }
            return ExitCode(couldNotRun)
        case let lock as RunLockError:
            Terminal.standardError("error: \(lock)")
            if case .held = lock { return ExitCode(tryLater) }
            return ExitCode(couldNotRun)
        case let fault as QuickBooksFault:
            Terminal.standardError("error: \(fault)")
            return ExitCode(fault.category == .transient ? tryLater : couldNotRun)
        case LedgerError.busy:
            Terminal.standardError("error: \(error)")
            return ExitCode(tryLater)
        case is LedgerError, is ResolutionError, is CSVError, is DigestError, is RealmMismatch:
            Terminal.standardError("error: \(error)")
            return ExitCode(couldNotRun)
        case is ExitCode, is ValidationError, is CleanExit:
            return error
        // ArgumentParser's own endings thrown from `run()` (a `help` or `--help` reaches run as
        // its HelpCommand, which throws its internal CommandError): ArgumentParser prints them.
        case _ where String(reflecting: type(of: error)).hasPrefix("ArgumentParser."):
            return error
        default:
            Terminal.standardError("error: \(Self.words(for: error))")
            return ExitCode(couldNotRun)
        }
    }

    /// The exit status a sync or import run ends with (what ``check(_:)`` throws, as a number).
    static func code(for summary: SyncEngine.Summary) -> Int32 {
        if let fault = summary.stoppedBy { return fault.category == .transient ? tryLater : couldNotRun }
        return summary.problemCount > 0 || summary.rejectedFiles > 0 ? problems : 0
    }

    /// How a sync or import run ends, from its summary (already printed).
    static func check(_ summary: SyncEngine.Summary) throws {
        if let fault = summary.stoppedBy { throw CommandEnd.stopped(fault) }
        // Records left out of a staged file for want of an _id need attention too (#22).
        if summary.problemCount > 0 || summary.rejectedFiles > 0 || summary.results.recordsLeftOut > 0 {
            throw CommandEnd.needsAttention
        }
    }

    /// An error in words: PortBooks' own errors say what happened; Foundation's file errors
    /// become `path: reason`, without their domain and code numbers.
    static func words(for error: any Error) -> String {
        FileErrorWords.describe(error)
    }
}
