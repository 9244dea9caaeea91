import Foundation
import PortBooksJSON
import PortBooksQuickBooks

/// Virtual time: `sleep(until:)` jumps the clock forward instead of waiting, so hours of pacing
/// run in milliseconds and nothing depends on the machine's speed.
final class FakeClock: PacingClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current = Duration.zero
    private var sleeps: [Duration] = []
    /// Its zero on `ContinuousClock`, so instants a transport would stamp can be placed on it.
    let origin = ContinuousClock.now

    func time(of instant: ContinuousClock.Instant) -> Duration? { origin.duration(to: instant) }

    func advance(to time: Duration) {
        lock.withLock { current = max(current, time) }
    }

    func now() -> Duration {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func sleep(until deadline: Duration) async throws {
        lock.withLock {
            if deadline > current {
                sleeps.append(deadline - current)
                current = deadline
            }
        }
        await Task.yield()
    }

    var recordedSleeps: [Duration] {
        lock.lock()
        defer { lock.unlock() }
        return sleeps
    }
}

/// Time that moves only when a test calls `advance(to:)`; sleepers wait until then. A
/// cancelled sleeper wakes with `CancellationError`, so a test's time limit can end a test
/// whose clock was never moved far enough.
final class ManualClock: PacingClock, @unchecked Sendable {
    private struct Sleeper {
        var id: UUID
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current = Duration.zero
    private var sleepers: [Sleeper] = []
    /// Sleepers cancelled before they were queued.
    private var cancelled: Set<UUID> = []

    func now() -> Duration { lock.withLock { current } }

    /// Tasks asleep until a time the clock has not reached.
    var sleeperCount: Int { lock.withLock { sleepers.count } }

    func sleep(until deadline: Duration) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Now { case wake, cancel, wait }
                let now: Now = lock.withLock {
                    if cancelled.remove(id) != nil { return .cancel }
                    if deadline <= current { return .wake }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .wait
                }
                switch now {
                case .wake: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = lock.withLock {
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else {
                    cancelled.insert(id)
                    return nil
                }
                return sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    func advance(to time: Duration) {
        let due = lock.withLock {
            current = max(current, time)
            let due = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

/// Tokens that never change, for client tests that are not about OAuth.
struct StaticTokens: AccessTokenProvider {
    func accessToken() async throws -> SecretToken { SecretToken("access-static") }
    func tokenRejected(_ rejected: SecretToken) async throws -> SecretToken { SecretToken("access-static") }
}

/// A fresh empty temporary directory.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "portbooks-qbo-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A mutable value shared with `@Sendable` closures in tests.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value {
        get {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
        set {
            lock.lock()
            stored = newValue
            lock.unlock()
        }
    }
}
