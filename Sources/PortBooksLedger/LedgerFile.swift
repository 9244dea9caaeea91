import Foundation
import GRDB

/// The ledger's file on disk: what is checked before SQLite is let near it, how a new one is
/// made, and who may read it.
///
/// SQLite takes an empty file for a new, empty database, so a ledger truncated to 0 bytes (a
/// full disk, a bad restore, `> portbooks.sqlite`) would silently become a new ledger: every
/// record forgotten, its drop files already archived, nothing ever sent again. So:
/// - an existing file must be a ledger: not empty, an SQLite database whose header agrees with
///   its size, not another application's (``applicationID`` in the header), with PortBooks'
///   migrations in it; otherwise ``LedgerError/notALedger(path:problem:)``, with recovery steps;
/// - a new ledger is made whole under a temporary name (mode 0600, migrated) and only then
///   linked into place, so the ledger's path never holds a half-made or empty file;
/// - the ledger holds customer data: mode 0600, like the token file (an older ledger with
///   wider permissions is narrowed when opened).
enum LedgerFile {
    /// SQLite's `PRAGMA application_id` for PortBooks ledgers: "PBKS".
    static let applicationID: Int32 = 0x5042_4B53

    /// Why the file at `path` cannot be opened as a ledger; `nil` when it can, or when there is
    /// no file (a new ledger is made).
    static func problem(at path: String) -> LedgerError? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        func refuse(_ problem: String) -> LedgerError { .notALedger(path: path, problem: problem) }
        guard info.st_mode & S_IFMT == S_IFREG else { return refuse("is not a file") }
        if info.st_size == 0 {
            // A crash right after SQLite made the file can leave the first pages in the log.
            var log = stat()
            if stat(path + "-wal", &log) == 0 && log.st_size > 0 { return nil }
            return refuse("is empty (0 bytes): it was truncated or replaced, and holds none of what was synced")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return refuse("cannot be read (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        guard header.count == 100, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            return refuse("is not an SQLite database: it is damaged, or another kind of file")
        }
        func number(_ offset: Int, _ width: Int) -> UInt32 {
            header[offset..<offset + width].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let pageSize = number(16, 2) == 1 ? 65_536 : Int(number(16, 2))
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else {
            return refuse("is damaged: its header is not valid")
        }
        // The header's page count is valid when its "version valid for" matches the change counter.
        let pages = Int(number(28, 4))
        if pages > 0, number(24, 4) == number(92, 4), pages * pageSize > Int(info.st_size) {
            return refuse(
                "is damaged: it is \(info.st_size) bytes long but its header says \(pages * pageSize) (was it cut off?)"
            )
        }
        let application = Int32(bitPattern: number(68, 4))
        if application != 0 && application != applicationID {
            return refuse("belongs to another application (SQLite application id \(application)), not PortBooks")
        }
        return nil
    }

    /// Why an open database is not a PortBooks ledger, or `nil`: it must hold PortBooks'
    /// migrations (a ledger from before the application id was set is recognised by them).
    static func schemaProblem(_ db: Database, path: String) throws -> LedgerError? {
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if tables.isEmpty {
            return .notALedger(path: path, problem: "is an empty database: it holds none of what was synced")
        }
        var ours = false
        if tables.contains("grdb_migrations") {
            ours = try Bool.fetchOne(db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = 'v1-records'") ?? false
        }
        guard ours else {
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            return .notALedger(
                path: path,
                problem:
                    "is not a PortBooks ledger (it holds the tables \(shown): another application's, or another project's file)"
            )
        }
        return nil
    }

    /// Makes a new, migrated ledger at `path` (mode 0600): under a temporary name in the same
    /// folder, linked into place when complete. If another process made one meanwhile, that one
    /// is kept. `prepare` migrates the new database.
    ///
    /// The new database is written with a rollback journal (a `DatabaseQueue`), so that all of
    /// it is in the one file that is linked; the pool that opens it afterwards switches it to WAL.
    static func create(
        at path: String, configuration: Configuration, prepare: (any DatabaseWriter) throws -> Void
    ) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).new-\(UUID().uuidString)"
        defer {
            for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LedgerError.cannotOpen(path: path, reason: "cannot create it: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        do {
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            try prepare(queue)
            try queue.close()
        } catch let error as DatabaseError {
            throw LedgerError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
        if link(temporary, path) != 0 && errno != EEXIST {
            // A file system without hard links: rename, unless a ledger appeared meanwhile.
            guard access(path, F_OK) != 0, rename(temporary, path) == 0 else {
                throw LedgerError.cannotOpen(
                    path: path, reason: "cannot create it: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Narrows an existing ledger (and its log and shared-memory files) to mode 0600 when group
    /// or others may read it. Best effort: a file owned by someone else is left as it is.
    static func restrictPermissions(_ path: String) {
        for suffix in ["", "-wal", "-shm"] {
            var info = stat()
            guard stat(path + suffix, &info) == 0, info.st_mode & 0o077 != 0 else { continue }
            _ = chmod(path + suffix, 0o600)
        }
    }
}
