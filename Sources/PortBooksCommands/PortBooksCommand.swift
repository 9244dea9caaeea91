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
            StatusCommand.self, Generate.self, Resolve.self, Ids.self, Reconcile.self, Undo.self, Doctor.self,
            Schedule.self,
        ]
    )

    public init() {}

    /// Parses the command line and runs the command. Usage errors end as ArgumentParser ends
    /// them (exit 64, with the usage); everything a command ends with goes through
    /// ``ExitStatus``, the one place where endings become exit codes.
    public static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                var synchronous = command
                try synchronous.run()
            }
        } catch {
            exit(withError: ExitStatus.ending(for: error))
        }
    }
}

/// The tool's version, printed by `--version`.
public enum PortBooksVersion {
    public static let current = "0.1.0"
}
