import Foundation

/// Where the sandbox reads the time: the wall clock in production, a hand-moved clock in tests.
///
/// Throttle windows, token expiry, `MetaData` stamps and CDC all read this one clock, so a
/// test can move time forward instead of sleeping.
public protocol SandboxClock: Sendable {
    func now() -> Date
}

/// The real clock.
public struct SystemClock: SandboxClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to. Thread-safe (guarded by a lock).
public final class ManualClock: SandboxClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = start
    }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        lock.lock()
        current = current.addingTimeInterval(seconds)
        lock.unlock()
    }
}
