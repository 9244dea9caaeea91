import Foundation
import GRDB

/// A private copy of the ledger, for a dry run: the run stages, plans and records into it
/// exactly as a real run does into the ledger, which it never touches — it is read through a
/// read-only connection (not even migrated), and a project without a ledger yet gets an empty
/// copy. The copy lives in a folder of its own under the system's temporary directory (mode
/// 0700: it holds customer data) and is removed by ``remove()``.
public struct LedgerCopy: Sendable {
    public let ledger: LedgerStore
    private let folder: URL

    /// Copies the ledger at `path` (if there is one) with SQLite's online backup: a consistent
    /// snapshot, even while a run writes it.
    public init(path: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "portbooks-dry-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let copy = folder.appendingPathComponent("portbooks.sqlite").path
        if FileManager.default.fileExists(atPath: path) {
            do {
                var configuration = Configuration()
                configuration.readonly = true
                configuration.busyMode = .timeout(10)
                let source = try DatabaseQueue(path: path, configuration: configuration)
                let destination = try DatabaseQueue(path: copy)
                try source.backup(to: destination)
                try destination.close()
                try source.close()
            } catch let error as DatabaseError {
                try? FileManager.default.removeItem(at: folder)
                throw LedgerError.cannotOpen(
                    path: path, reason: "a copy for the dry run: \(error.message ?? "\(error)")")
            }
        }
        do {
            ledger = try LedgerStore.open(path: copy)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Deletes the copy.
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
