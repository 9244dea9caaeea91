import Foundation
import PortBooksCore

/// A private copy of the ledger, for a dry run: the run stages, plans and records into it
/// exactly as a real run does into the ledger, which it never touches — its files are only
/// read (not opened as a database: even a read-only SQLite connection marks the WAL), and a
/// project without a ledger yet gets an empty copy. The copy lives in a folder of its own under
/// the system's temporary directory (mode 0700: it holds customer data) and is removed by
/// ``remove()``.
public struct LedgerCopy: Sendable {
    public let ledger: LedgerStore
    private let folder: URL

    /// Copies the ledger at `path` — its database file and write-ahead log, byte for byte,
    /// while holding the run lock at `lockPath` (when there is one), so that no run writes them
    /// meanwhile. Opening the copy replays its log, as SQLite does after a crash.
    ///
    /// Throws ``LedgerError/busy(path:)`` when a run holds the lock.
    public init(path: String, lockPath: String) throws {
        // An empty, damaged or foreign file is refused as the real run refuses it, by its own path.
        if let problem = LedgerFile.problem(at: path) { throw problem }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "portbooks-dry-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let copy = folder.appendingPathComponent("portbooks.sqlite").path
        do {
            if FileManager.default.fileExists(atPath: path) {
                let lock = open(lockPath, O_RDWR | O_CLOEXEC)
                defer { if lock >= 0 { close(lock) } }
                if lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) != 0 { throw LedgerError.busy(path: lockPath) }
                for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
                    try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
                }
            }
            ledger = try LedgerStore.open(path: copy)
        } catch LedgerError.notALedger(_, let problem) {
            try? FileManager.default.removeItem(at: folder)
            throw LedgerError.notALedger(path: path, problem: problem)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            if error is LedgerError { throw error }
            throw LedgerError.cannotOpen(
                path: path, reason: "a copy for the dry run could not be made: \(FileErrorWords.describe(error))")
        }
    }

    /// Deletes the copy.
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
