import ArgumentParser

/// `portbooks`: PortPro exports → QuickBooks Online, through files (shared/DESIGN.md).
///
/// Exit codes: 0 done, nothing needs attention; 3 done but some records or files have
/// problems; 1 could not run; 64 usage error; 75 try later.
public struct PortBooksCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "portbooks",
        abstract: "Keep PortPro billing and QuickBooks Online in step, through files.",
        discussion: """
            Exit codes: 0 done; 3 done, but some records need attention; 1 could not run; \
            64 usage error; 75 try later (another run holds the lock, or QuickBooks is unreachable).
            """,
        version: PortBooksVersion.current,
        subcommands: [
            Init.self, Connect.self, Validate.self, Map.self, SyncCommand.self, Import.self, ProblemsCommand.self,
            StatusCommand.self, Generate.self, Resolve.self, Ids.self, Reconcile.self,
        ]
    )

    public init() {}
}

/// The tool's version, printed by `--version`.
public enum PortBooksVersion {
    public static let current = "0.1.0"
}

/// The documented exit codes (shared/DESIGN.md "Exit codes").
public enum PortBooksExit {
    /// Done; nothing needs attention.
    public static let success = ExitCode(0)
    /// Done, but some records (or files) are in problems.
    public static let problems = ExitCode(3)
    /// Could not run: bad config, unreadable ledger, not connected.
    public static let couldNotRun = ExitCode(1)
    /// Usage error.
    public static let usage = ExitCode(64)
    /// Try later: the lock is held, or QuickBooks is unreachable or throttled past the budget.
    public static let tryLater = ExitCode(75)
}
