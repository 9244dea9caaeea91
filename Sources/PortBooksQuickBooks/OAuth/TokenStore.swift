import Foundation
import PortBooksCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Persists one connection's tokens as JSON in a file readable only by its owner (mode 0600).
///
/// Writes are atomic and durable: a temporary file in the same directory is written, fsynced,
/// renamed over the old file, and the directory is fsynced — so after a crash the file holds
/// either the old or the new tokens, never half of each, and a rotated refresh token that was
/// reported saved is really on disk. `OAuthSession` saves before it uses a new token.
///
/// Thread-safety: each call is independent; concurrent writers are serialised by the atomic
/// rename (the last one wins). Use `withExclusiveLock(_:)` to serialise refreshes across
/// processes.
public struct TokenStore: Sendable {
    /// The token file.
    public let path: String

    /// Creates a store for `path` (the file need not exist yet).
    public init(path: String) {
        self.path = path
    }

    /// The stored tokens, or `nil` if there is no file yet.
    ///
    /// A token file that group or others can read or write is refused (``PrivateFile``): the
    /// fault says to `chmod 600` it. ``save(_:)`` always writes mode 0600.
    public func load() throws -> OAuthTokens? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        if let exposure = PrivateFile.exposure(
            of: path, what: "the token file",
            afterwards: "revoke the connection (`portbooks connect --revoke`) and connect again")
        {
            throw QuickBooksFault.fatal(exposure)
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try Self.decoder.decode(OAuthTokens.self, from: data)
        } catch {
            throw QuickBooksFault.fatal("the token file \(path) is unreadable; run `portbooks connect`")
        }
    }

    /// Replaces the stored tokens atomically and durably (see the type's documentation).
    public func save(_ tokens: OAuthTokens) throws {
        let data: Data
        do {
            data = try Self.encoder.encode(tokens)
        } catch {
            throw QuickBooksFault.fatal("could not encode the tokens")
        }
        let directory =
            (path as NSString).deletingLastPathComponent.isEmpty
            ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        var ok = fchmod(descriptor, 0o600) == 0
        ok =
            ok
            && data.withUnsafeBytes { bytes -> Bool in
                var offset = 0
                while offset < bytes.count {
                    let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += written
                }
                return true
            }
        ok = ok && fsync(descriptor) == 0
        let closed = close(descriptor) == 0
        guard ok, closed else {
            let error = failure("write", temporary)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("rename", path)
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            defer { close(directoryDescriptor) }
            guard fsync(directoryDescriptor) == 0 else { throw failure("fsync", directory) }
        }
    }

    /// Deletes the stored tokens (after a revoke).
    public func remove() throws {
        if unlink(path) != 0 && errno != ENOENT { throw failure("remove", path) }
    }

    /// Takes an exclusive `flock` on `<path>.lock`, so two PortBooks processes never refresh
    /// at once (a race that ends in `invalid_grant`). Blocks until the lock is free; the lock is
    /// held until the returned value is released or deallocated.
    public func lockExclusively() throws -> TokenFileLock {
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("open", path + ".lock") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let error = failure("lock", path + ".lock")
                close(descriptor)
                throw error
            }
        }
        return TokenFileLock(descriptor: descriptor)
    }

    private func failure(_ operation: String, _ file: String) -> QuickBooksFault {
        .fatal("could not \(operation) the token file \(file): \(String(cString: strerror(errno)))")
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// An exclusive lock on a token file; unlocked by `release()` or when deallocated.
public final class TokenFileLock {
    private var descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Unlocks (idempotent).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit {
        release()
    }
}
