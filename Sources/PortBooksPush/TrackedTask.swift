import Foundation

/// A task whose end can be seen without awaiting it: the push records what is back between
/// chunks and waits only when too much is on the wire.
public struct TrackedTask<Success: Sendable>: Sendable {
    public let task: Task<Success, any Error>
    private let flag = DoneFlag()

    public init(_ operation: @escaping @Sendable () async throws -> Success) {
        let flag = flag
        task = Task {
            defer { flag.set() }
            return try await operation()
        }
    }

    public var isDone: Bool { flag.isSet }
    public var value: Success { get async throws { try await task.value } }
    public func cancel() { task.cancel() }
}

private final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func set() {
        lock.lock()
        defer { lock.unlock() }
        done = true
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }
}
