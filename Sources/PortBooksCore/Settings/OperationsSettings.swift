/// `[notify]`: a command of the user's run after each run (mail, Slack, Teams: one line of shell).
public struct NotifySettings: Hashable, Sendable {
    /// Run with `/bin/sh -c` in the settings file's folder; empty: nothing is run.
    public var command = ""

    public init() {}
}

/// `[reports]`: how many run folders `reports/runs/` keeps. A run folder is removed at the end of
/// a run once it is beyond the newest `keepRuns` or older than `keepDays` days, whichever comes
/// first; runs that did nothing leave no folder at all.
public struct ReportSettings: Hashable, Sendable {
    public var keepRuns = 500
    public var keepDays = 90

    public init() {}
}
