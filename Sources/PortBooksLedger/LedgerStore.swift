import Foundation
import GRDB
import PortBooksCore

/// The ledger: PortBooks' state in SQLite (`state/portbooks.sqlite`, WAL), owned by this one
/// type. Callers never build SQL; every write method is named for what it means and runs in
/// one transaction, with an audit row, so a record's state and its QuickBooks ID always
/// change together.
///
/// Thread-safety: `Sendable`; GRDB serialises writes and lets reads run beside them.
public final class LedgerStore: Sendable {
    let writer: any DatabaseWriter
    public let path: String

    init(writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        self.path = path
        try Self.prepare(writer, path: path, isNew: false)
    }

    /// Checks that an existing database is a PortBooks ledger (``LedgerFile``), refuses one a
    /// newer PortBooks migrated, then migrates and stamps PortBooks' application id.
    static func prepare(_ writer: any DatabaseWriter, path: String, isNew: Bool) throws {
        let migrator = Self.migrator
        if !isNew, let problem = try writer.read({ db in try LedgerFile.schemaProblem(db, path: path) }) {
            throw problem
        }
        if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
            throw LedgerError.newerSchema(path: path)
        }
        try migrator.migrate(writer)
        try writer.write { db in
            if try Int32.fetchOne(db, sql: "PRAGMA application_id") != LedgerFile.applicationID {
                try db.execute(sql: "PRAGMA application_id = \(LedgerFile.applicationID)")
            }
        }
    }

    /// Opens the ledger file and brings its schema up to date; makes a new one (mode 0600)
    /// when there is no file.
    ///
    /// A file that is there but is not a usable ledger — empty, damaged, another
    /// application's — is ``LedgerError/notALedger(path:problem:)`` (exit 1, with how to
    /// recover), never taken for a new ledger (``LedgerFile``). Also throws
    /// ``LedgerError/cannotOpen(path:reason:)`` when it cannot be opened or created, and
    /// ``LedgerError/newerSchema(path:)`` for a ledger a newer PortBooks has migrated.
    public static func open(path: String) throws -> LedgerStore {
        if let problem = LedgerFile.problem(at: path) { throw problem }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        if access(path, F_OK) != 0 {
            try LedgerFile.create(at: path, configuration: configuration) { pool in
                try prepare(pool, path: path, isNew: true)
            }
        }
        LedgerFile.restrictPermissions(path)
        do {
            return try LedgerStore(writer: try DatabasePool(path: path, configuration: configuration), path: path)
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
                throw LedgerError.notALedger(path: path, problem: "is damaged (SQLite: \(error.message ?? "\(error)"))")
            }
            throw LedgerError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
    }

    /// Reads in one snapshot; a database failure becomes ``LedgerError/failed(path:reason:)``.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// Writes in one transaction; a database failure becomes ``LedgerError/failed(path:reason:)``.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// A database failure as the ledger reports it: damage found in the middle of a run says
    /// how to recover, as a damaged file found at opening does.
    func failure(_ error: DatabaseError) -> LedgerError {
        let words = error.message ?? "\(error)"
        if error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            return .notALedger(path: path, problem: "is damaged (SQLite: \(words))")
        }
        return .failed(path: path, reason: words)
    }

    /// A fresh ledger in memory (tests).
    public static func inMemory() throws -> LedgerStore {
        let queue = try DatabaseQueue()
        try prepare(queue, path: ":memory:", isNew: true)
        return try LedgerStore(writer: queue, path: ":memory:")
    }

    // MARK: Schema

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE records (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL CHECK (kind IN ('customer', 'invoice', 'payment', 'credit_memo')),
                        portpro_id TEXT NOT NULL,
                        number TEXT,
                        customer_name TEXT,
                        customer_portpro_id TEXT,
                        amount TEXT,
                        content BLOB NOT NULL,
                        content_hash TEXT NOT NULL,
                        qb_id TEXT,
                        sync_token TEXT,
                        synced_hash TEXT,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'synced', 'problem', 'blocked', 'cleared', 'paid_outside')),
                        generation INTEGER NOT NULL DEFAULT 0,
                        problem_code TEXT,
                        problem_message TEXT,
                        suggestion TEXT,
                        blocked_by TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        first_problem_at TEXT,
                        source_file TEXT,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (kind, portpro_id),
                        CHECK (state != 'synced' OR qb_id IS NOT NULL)
                    );
                    CREATE INDEX records_by_state ON records (kind, state);
                    CREATE INDEX records_by_number ON records (kind, number);
                    """)
        }
        migrator.registerMigration("v1-files-runs-audit-meta") { db in
            try db.execute(
                sql: """
                    CREATE TABLE files (
                        content_hash TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        format TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('staged', 'rejected')),
                        record_count INTEGER NOT NULL DEFAULT 0,
                        message TEXT,
                        seen_at TEXT NOT NULL,
                        run_id TEXT
                    );
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY,
                        command TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        status TEXT,
                        summary TEXT
                    );
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        run_id TEXT,
                        kind TEXT,
                        portpro_id TEXT,
                        action TEXT NOT NULL,
                        detail TEXT,
                        note TEXT,
                        source TEXT
                    );
                    CREATE INDEX audit_by_record ON audit (kind, portpro_id);
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
                    """)
        }
        migrator.registerMigration("v2-synced-content") { db in
            // The content last pushed, so a plan can say what an update changes (and an undo
            // what to put back).
            try db.execute(sql: "ALTER TABLE records ADD COLUMN synced_content BLOB")
            try db.execute(sql: "UPDATE records SET synced_content = content WHERE synced_hash = content_hash")
        }
        registerUndoMigrations(&migrator)
        migrator.registerMigration("payment-batches") { db in
            // Every create the push sends (a /batch of up to 30, or a single request), written
            // before it goes: its requestid, the exact bytes, and its members with the content
            // each was sent with. A run that dies before recording the answers sends exactly
            // this again (``LedgerStore/pendingSends()``), and QuickBooks replays it.
            try db.execute(
                sql: """
                    CREATE TABLE sends (
                        request_id TEXT PRIMARY KEY,
                        route TEXT NOT NULL CHECK (route IN ('batch', 'single')),
                        entity TEXT NOT NULL,
                        body BLOB NOT NULL,
                        members TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// The ledger's timestamp for this moment, as `updated_at` holds them (comparable as text).
    public static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    // MARK: Staging

    /// How staging one file changed the ledger.
    public struct StagingOutcome: Hashable, Sendable {
        public var inserted = 0
        public var changed = 0
        public var unchanged = 0
        /// Cleared or paid-outside records whose content changed: stored, not pushed again.
        public var ignored = 0
        /// Records whose export breaks a rule: kept as problems without content (``LedgerRecord/invalidRecordCode``).
        public var invalid = 0
    }

    /// Staging one file: `stage` each record; the whole file commits or none of it does.
    public final class StagingSession {
        let db: Database
        let runID: String
        let now: String
        public private(set) var outcome = StagingOutcome()

        init(db: Database, runID: String, now: String) {
            self.db = db
            self.runID = runID
            self.now = now
        }

        /// The record of `kind` and `portproID` as staged so far (this file's earlier records
        /// included), or `nil`: what an invoice read in parts is combined with.
        public func stagedRecord(kind: RecordKind, portproID: String) throws -> ExportRecord? {
            let content = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT content FROM records WHERE kind = ? AND portpro_id = ?"),
                arguments: [kind.rawValue, portproID])
            // A record kept without content (invalid-record) has nothing to combine with.
            guard let content, !content.isEmpty else { return nil }
            return try CanonicalContent.decode(kind: kind, content)
        }

        /// Stages a record whose export breaks a rule of its own (``LedgerRecord/invalidRecordCode``):
        /// it becomes a problem row with the reader's words, holding no content — nothing can be
        /// mapped or pushed from it — until an export with good content replaces it (``stage(_:sourceFile:)``
        /// then makes it pending, a sparse update when it was synced before). Its QuickBooks link,
        /// synced hash and synced content are kept. A record cleared or marked paid outside
        /// QuickBooks is left as it is (it is never pushed again anyway); the attempt is audited.
        public func stageInvalid(
            kind: RecordKind, portproID: String, number: String?, message: String, suggestion: String,
            sourceFile: String
        ) throws {
            let hash = "invalid:" + SHA256Digest.hexDigest(bytes: Data(message.utf8))
            let existing = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, state FROM records WHERE kind = ? AND portpro_id = ?"),
                arguments: [kind.rawValue, portproID])
            outcome.invalid += 1
            func audit(_ action: String) throws {
                try db.execute(
                    sql:
                        "INSERT INTO audit (at, run_id, kind, portpro_id, action, detail, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [now, runID, kind.rawValue, portproID, action, message, sourceFile])
            }
            guard let existing else {
                try db.execute(
                    sql: """
                        INSERT INTO records (kind, portpro_id, number, content, content_hash, state, problem_code,
                            problem_message, suggestion, first_problem_at, source_file, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, 'problem', ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        kind.rawValue, portproID, number, Data(), hash, LedgerRecord.invalidRecordCode, message,
                        suggestion, now, sourceFile, now, now,
                    ])
                try audit("invalid-record")
                return
            }
            let state: String = existing["state"]
            if state == RecordState.cleared.rawValue || state == RecordState.paidOutside.rawValue {
                try audit("invalid-record-kept")
                return
            }
            try db.execute(
                sql: """
                    UPDATE records SET number = COALESCE(?, number), content = ?, content_hash = ?, state = 'problem',
                        problem_code = ?, problem_message = ?, suggestion = ?, blocked_by = NULL,
                        first_problem_at = COALESCE(first_problem_at, ?), source_file = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    number, Data(), hash, LedgerRecord.invalidRecordCode, message, suggestion, now, sourceFile, now,
                    existing["id"] as Int64,
                ])
            try audit("invalid-record")
        }

        /// Stages one record: new → pending; same content → nothing; changed content → pending
        /// (a sparse update when it was synced; a fresh try, its old problem forgotten, when it
        /// was a problem or blocked), except for records cleared or paid outside QuickBooks,
        /// whose new content is kept but never pushed. Attempts and the first problem time stay
        /// as history; the QuickBooks link, SyncToken and synced hash are kept.
        @discardableResult
        public func stage(_ record: ExportRecord, sourceFile: String) throws -> String {
            let content = try CanonicalContent.encode(record)
            let hash = SHA256Digest.hexDigest(bytes: content)
            let summary = CanonicalContent.summary(record)
            for (field, text) in [
                ("number", summary.number), ("customer name", summary.customer), ("customer id", summary.customerID),
            ] where text?.utf8.contains(0) == true {
                throw LedgerError.unstorableText(kind: record.kind.rawValue, portproID: record.portproID, field: field)
            }
            let existing = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT id, content_hash, state FROM records WHERE kind = ? AND portpro_id = ?"),
                arguments: [record.kind.rawValue, record.portproID])
            guard let existing else {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO records (kind, portpro_id, number, customer_name, customer_portpro_id, amount,
                            content, content_hash, state, source_file, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
                        """
                ).execute(arguments: [
                    record.kind.rawValue, record.portproID, summary.number, summary.customer, summary.customerID,
                    summary.amount, content, hash, sourceFile, now, now,
                ])
                outcome.inserted += 1
                return hash
            }
            let id: Int64 = existing["id"]
            let oldHash: String = existing["content_hash"]
            let state: String = existing["state"]
            if oldHash == hash {
                outcome.unchanged += 1
                return hash
            }
            let keepsState = state == RecordState.cleared.rawValue || state == RecordState.paidOutside.rawValue
            try db.cachedStatement(
                sql: """
                    UPDATE records SET number = ?, customer_name = ?, customer_portpro_id = ?, amount = ?, content = ?,
                        content_hash = ?, source_file = ?, updated_at = ?,
                        state = CASE WHEN state IN ('cleared', 'paid_outside') THEN state ELSE 'pending' END,
                        problem_code = NULL, problem_message = NULL, suggestion = NULL, blocked_by = NULL
                    WHERE id = ?
                    """
            ).execute(arguments: [
                summary.number, summary.customer, summary.customerID, summary.amount, content, hash, sourceFile, now,
                id,
            ])
            try db.execute(
                sql:
                    "INSERT INTO audit (at, run_id, kind, portpro_id, action, detail, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    now, runID, record.kind.rawValue, record.portproID,
                    keepsState ? "content-changed-kept" : "content-changed",
                    keepsState ? "stored; not pushed (\(state))" : "was \(state); now pending", sourceFile,
                ])
            if keepsState { outcome.ignored += 1 } else { outcome.changed += 1 }
            return hash
        }
    }

    /// Stages one file in one transaction: `body` streams records into the session and
    /// returns `true` to commit, `false` (an invalid file) to roll everything back.
    @discardableResult
    public func stageFile(
        hash: String, name: String, size: Int, format: String, runID: String,
        _ body: (StagingSession) throws -> Bool
    ) throws -> StagingOutcome? {
        var result: StagingOutcome?
        do {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction {
                    let now = Self.now()
                    let session = StagingSession(db: db, runID: runID, now: now)
                    guard try body(session) else { return .rollback }
                    let outcome = session.outcome
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO files (content_hash, name, size, format, status, record_count, seen_at, run_id)
                            VALUES (?, ?, ?, ?, 'staged', ?, ?, ?)
                            """,
                        arguments: [
                            hash, name, size, format,
                            outcome.inserted + outcome.changed + outcome.unchanged + outcome.ignored
                                + outcome.invalid,
                            now, runID,
                        ])
                    result = outcome
                    return .commit
                }
            }
        } catch let error as DatabaseError {
            // The body's own errors (a reader's) pass through unchanged.
            throw failure(error)
        }
        return result
    }

    /// Whether a file with this exact content was staged before.
    public func fileAlreadyStaged(hash: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM files WHERE content_hash = ? AND status = 'staged'", arguments: [hash]) ?? false
        }
    }

    /// Notes a file refused whole (it may be dropped again once fixed).
    public func recordRejectedFile(hash: String, name: String, message: String, runID: String) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO files (content_hash, name, size, format, status, message, seen_at, run_id)
                    VALUES (?, ?, 0, '', 'rejected', ?, ?, ?)
                    """,
                arguments: [hash, name, message, Self.now(), runID])
        }
    }

    // MARK: Reading

    /// Records of `kind` in `states` by id; only those after the id `after` when given (a push
    /// reads its records a chunk at a time), at most `limit`.
    public func records(kind: RecordKind, states: [RecordState], after: Int64? = nil, limit: Int? = nil) throws
        -> [LedgerRecord]
    {
        try read { db in
            let filter = Self.kindAndStates(kind, states)
            var arguments = filter.arguments
            var sql = "SELECT \(LedgerRecord.columns) FROM records WHERE \(filter.sql)"
            if let after {
                sql += " AND id > ?"
                arguments += [after]
            }
            sql += " ORDER BY id"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
                .map(LedgerRecord.init)
        }
    }

    /// `kind = ? AND state IN (?, …)` and its arguments, for the reads by kind and state.
    private static func kindAndStates(_ kind: RecordKind, _ states: [RecordState]) -> (
        sql: String, arguments: StatementArguments
    ) {
        let marks = states.map { _ in "?" }.joined(separator: ", ")
        return ("kind = ? AND state IN (\(marks))", StatementArguments([kind.rawValue] + states.map(\.rawValue)))
    }

    /// How many records of `kind` are in `states`.
    public func count(kind: RecordKind, states: [RecordState]) throws -> Int {
        try read { db in
            let filter = Self.kindAndStates(kind, states)
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM records WHERE \(filter.sql)",
                arguments: filter.arguments)
                ?? 0
        }
    }

    /// The customers that records of `kind` in `states` name: each customer's PortPro id with
    /// the id of the first record naming it; and the records that name none. Read from the
    /// ledger's columns, without loading every record.
    public func customerReferences(kind: RecordKind, states: [RecordState]) throws -> (
        named: [(customerID: String, recordID: Int64)], unnamed: [LedgerRecord]
    ) {
        try read { db in
            let filter = Self.kindAndStates(kind, states)
            let arguments = filter.arguments
            let named = try Row.fetchAll(
                db,
                sql: """
                    SELECT customer_portpro_id, MIN(id) AS first FROM records
                    WHERE \(filter.sql) AND customer_portpro_id IS NOT NULL
                    GROUP BY customer_portpro_id ORDER BY first
                    """, arguments: arguments
            ).map { row -> (customerID: String, recordID: Int64) in (row["customer_portpro_id"], row["first"]) }
            let unnamed = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(LedgerRecord.columns) FROM records
                    WHERE \(filter.sql) AND customer_portpro_id IS NULL ORDER BY id
                    """, arguments: arguments
            ).map(LedgerRecord.init)
            return (named, unnamed)
        }
    }

    public func record(kind: RecordKind, portproID: String) throws -> LedgerRecord? {
        try read { db in try Self.record(kind: kind, portproID: portproID, db: db) }
    }

    /// The record of `kind` linked to QuickBooks Id `qbID`, if any. Not indexed: for the rare
    /// message that names a QuickBooks object by its Id (a rejection), never per record.
    public func record(kind: RecordKind, qbID: String) throws -> LedgerRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(LedgerRecord.columns) FROM records WHERE kind = ? AND qb_id = ? LIMIT 1",
                arguments: [kind.rawValue, qbID]
            ).map(LedgerRecord.init)
        }
    }

    public func record(id: Int64) throws -> LedgerRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(LedgerRecord.columns) FROM records WHERE id = ?", arguments: [id]).map(
                LedgerRecord.init)
        }
    }

    public func records(kind: RecordKind, number: String) throws -> [LedgerRecord] {
        try read { db in try Self.records(kind: kind, number: number, db: db) }
    }

    public func records(kind: RecordKind, portproIDs: [String]) throws -> [LedgerRecord] {
        guard !portproIDs.isEmpty else { return [] }
        return try read { db in try Self.records(kind: kind, portproIDs: portproIDs, db: db) }
    }

    /// Up to `limit` records of `kind` in `states` changed at or after `since` (a ``now()``
    /// timestamp) with a ledger id above `afterID`, in ledger order: what one run recorded, a
    /// page at a time.
    public func records(
        kind: RecordKind, states: [RecordState], updatedSince since: String, afterID: Int64, limit: Int
    ) throws -> [LedgerRecord] {
        try read { db in
            let filter = Self.kindAndStates(kind, states)
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT \(LedgerRecord.columns) FROM records WHERE \(filter.sql) AND updated_at >= ? AND id > ? "
                    + "ORDER BY id LIMIT ?",
                arguments: filter.arguments + [since, afterID, limit]
            ).map(LedgerRecord.init)
        }
    }

    /// The records of `kind` in `states` that are linked to a QuickBooks object, in ledger order
    /// (few: a linked record is pending again only when PortPro changed it).
    public func linkedRecords(kind: RecordKind, states: [RecordState]) throws -> [LedgerRecord] {
        try read { db in
            let filter = Self.kindAndStates(kind, states)
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT \(LedgerRecord.columns) FROM records WHERE \(filter.sql) AND qb_id IS NOT NULL ORDER BY id",
                arguments: filter.arguments
            ).map(LedgerRecord.init)
        }
    }

    /// The records with these ledger ids, in ledger order.
    public func records(ids: [Int64]) throws -> [LedgerRecord] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            var found: [LedgerRecord] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                found += try Row.fetchAll(
                    db, sql: "SELECT \(LedgerRecord.columns) FROM records WHERE id IN (\(marks))",
                    arguments: StatementArguments(chunk)
                ).map(LedgerRecord.init)
            }
            return found.sorted { $0.id < $1.id }
        }
    }

    /// Records of `kind` with any of `numbers`, in ledger order.
    public func records(kind: RecordKind, numbers: [String]) throws -> [LedgerRecord] {
        guard !numbers.isEmpty else { return [] }
        return try read { db in
            var found: [LedgerRecord] = []
            for start in stride(from: 0, to: numbers.count, by: 500) {
                let chunk = Array(numbers[start..<min(start + 500, numbers.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                found += try Row.fetchAll(
                    db.cachedStatement(
                        sql: "SELECT \(LedgerRecord.columns) FROM records WHERE kind = ? AND number IN (\(marks))"),
                    arguments: StatementArguments([kind.rawValue] + chunk)
                ).map(LedgerRecord.init)
            }
            return found.sorted { $0.id < $1.id }
        }
    }

    /// The content each record had when it was last synced, for those of `ids` that have one.
    public func syncedContents(ids: [Int64]) throws -> [Int64: Data] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var found: [Int64: Data] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                for row in try Row.fetchAll(
                    db,
                    sql: "SELECT id, synced_content FROM records WHERE id IN (\(marks)) AND synced_content IS NOT NULL",
                    arguments: StatementArguments(chunk))
                {
                    found[row[0]] = row[1]
                }
            }
            return found
        }
    }

    /// Records in `problem` or `blocked`: the rows of problems.csv.
    public func problemRecords() throws -> [LedgerRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(LedgerRecord.columns) FROM records WHERE state IN ('problem', 'blocked')
                    ORDER BY CASE kind WHEN 'customer' THEN 0 WHEN 'invoice' THEN 1 WHEN 'credit_memo' THEN 2 ELSE 3 END, id
                    """
            ).map(LedgerRecord.init)
        }
    }

    /// Every record (optionally of one kind, optionally only those without a QuickBooks ID).
    public func allRecords(kind: RecordKind?, onlyWithoutQBID: Bool) throws -> [LedgerRecord] {
        try read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let kind {
                conditions.append("kind = ?")
                arguments.append(kind.rawValue)
            }
            if onlyWithoutQBID { conditions.append("qb_id IS NULL") }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT \(LedgerRecord.columns) FROM records \(filter) ORDER BY kind, id",
                arguments: StatementArguments(arguments)
            ).map(LedgerRecord.init)
        }
    }

    /// Records per kind and state.
    public func counts() throws -> [RecordKind: [RecordState: Int]] {
        try read { db in
            var counts: [RecordKind: [RecordState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, state, COUNT(*) AS n FROM records GROUP BY kind, state")
            {
                guard let kind = RecordKind(rawValue: row["kind"]), let state = RecordState(rawValue: row["state"])
                else { continue }
                counts[kind, default: [:]][state] = row["n"]
            }
            return counts
        }
    }
}
