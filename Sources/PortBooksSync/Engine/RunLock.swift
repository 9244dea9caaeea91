import Foundation

/// One run at a time per ledger: an exclusive `flock` on `state/portbooks.lock`, held for the
/// life of the object. A second run gets ``RunLockError/held`` (exit 75) instead of waiting.
///
/// The lock is the kernel's: it is released when the process ends, however it ends, so a
/// crashed run never leaves a stale lock behind.
public final class RunLock {
    private let descriptor: Int32
    public let path: String

    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw RunLockError.cannotOpen(path: path, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw RunLockError.held(path: path)
        }
        self.descriptor = descriptor
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

public enum RunLockError: Error, CustomStringConvertible {
    case held(path: String)
    case cannotOpen(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .held(let path):
            "another PortBooks run holds the lock \(path); try again when it has finished"
        case .cannotOpen(let path, let code):
            "cannot open the lock file \(path): \(String(cString: strerror(code)))"
        }
    }
}
