import Testing

/// The end-to-end suites of what operators and accountants see (#18): doctor, the run report in
/// a browser, progress and Ctrl-C, notify and retention, setup, machine-readable output. Each of
/// their tests blocks a thread while a child process runs; one at a time (`.serialized` reaches
/// the nested suites), so on a 2-core machine they never starve the async unit tests of the
/// cooperative pool past their time limits.
@Suite("operator-facing end to end (#18)", .serialized) enum OperatorEndToEnd {}
