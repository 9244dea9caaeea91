import Foundation
import Testing

/// The end-to-end suites of what operators and accountants see (#18): doctor, the run report in
/// a browser, progress and Ctrl-C, notify and retention, setup, machine-readable output. Each of
/// their tests blocks a thread while a child process runs; one at a time (`.serialized` reaches
/// the nested suites), so on a 2-core machine they never starve the async unit tests of the
/// cooperative pool past their time limits.
@Suite("operator-facing end to end (#18)", .serialized) enum OperatorEndToEnd {}

/// Hands a value to another thread when the compiler cannot see that only one thread uses it.
final class ThreadTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Blocking work (a child process and its wait) on a thread of its own, awaited: the test does not
/// hold one of the cooperative pool's threads (two on a 2-core machine) while a process runs.
func offPool<T: Sendable>(_ work: @escaping () throws -> T) async throws -> T {
    let transfer = ThreadTransfer(work)
    return try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try transfer.value() }) }.start()
    }
}
