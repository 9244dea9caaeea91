import Foundation
import GRDB
import PortBooksCore

/// The undo journal (`run_writes`): one row per QuickBooks write a run made for a record, kept
/// in the same transaction as the write's outcome, with what the record held before — the
/// content last synced, its link and state — so `portbooks undo RUN_ID` knows exactly what the
/// run created, updated or voided, and what an updated object held before.
extension LedgerStore {
    /// The migrations of the undo journal (named `undo-…`: other features add their own).
    static func registerUndoMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("undo-v1-run-writes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE run_writes (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run_id TEXT NOT NULL,
                        record_id INTEGER NOT NULL REFERENCES records (id),
                        kind TEXT NOT NULL,
                        portpro_id TEXT NOT NULL,
                        operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'void')),
                        qb_id TEXT NOT NULL,
                        sync_token TEXT,
                        fingerprint TEXT,
                        previous_state TEXT,
                        previous_qb_id TEXT,
                        previous_sync_token TEXT,
                        previous_synced_content BLOB,
                        previous_synced_hash TEXT,
                        at TEXT NOT NULL,
                        undo_run_id TEXT,
                        undo_intent TEXT,
                        undone_at TEXT,
                        undo_result TEXT
                    );
                    CREATE INDEX run_writes_by_run ON run_writes (run_id, id);
                    CREATE INDEX run_writes_by_object ON run_writes (kind, qb_id);
                    """)
        }
    }

    /// One write to journal: the record, what was done, and the link QuickBooks answered.
    public struct JournalEntry: Hashable, Sendable {
        public var recordID: Int64
        public var operation: RunWrite.Operation
        public var qbID: String
        public var syncToken: String?
        /// What a person could change in the object the write left (``RunWrite/fingerprint``).
        public var fingerprint: String

        public init(
            recordID: Int64, operation: RunWrite.Operation, qbID: String, syncToken: String?, fingerprint: String
        ) {
            self.recordID = recordID
            self.operation = operation
            self.qbID = qbID
            self.syncToken = syncToken
            self.fingerprint = fingerprint
        }
    }

    /// Applies `changes` (``apply(_:runID:)``) and journals `writes` in ONE transaction; each
    /// journal row takes the record's state, link and synced content as they were before.
    public func apply(_ changes: [LedgerChange], journal writes: [JournalEntry], runID: String) throws {
        guard !writes.isEmpty else { return try apply(changes, runID: runID) }
        try write { db in
            let now = Self.now()
            for entry in writes {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO run_writes (run_id, record_id, kind, portpro_id, operation, qb_id, sync_token,
                            fingerprint, previous_state, previous_qb_id, previous_sync_token, previous_synced_content,
                            previous_synced_hash, at)
                        SELECT ?, id, kind, portpro_id, ?, ?, ?, ?, state, qb_id, sync_token, synced_content, synced_hash, ?
                        FROM records WHERE id = ?
                        """
                ).execute(arguments: [
                    runID, entry.operation.rawValue, entry.qbID, entry.syncToken, entry.fingerprint, now,
                    entry.recordID,
                ])
            }
            for change in changes { try Self.apply(change, db: db, now: now, runID: runID) }
        }
    }

    /// The writes a run made, in the order it made them.
    public func runWrites(runID: String) throws -> [RunWrite] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_writes WHERE run_id = ? ORDER BY id", arguments: [runID])
                .compactMap(Self.runWrite)
        }
    }

    /// The not-yet-undone creates of `kind` that made the QuickBooks objects `qbIDs` (any run):
    /// what an undo finds applied to a document it deletes.
    public func openCreates(kind: RecordKind, qbIDs: [String]) throws -> [RunWrite] {
        guard !qbIDs.isEmpty else { return [] }
        return try read { db in
            var found: [RunWrite] = []
            for start in stride(from: 0, to: qbIDs.count, by: 500) {
                let chunk = Array(qbIDs[start..<min(start + 500, qbIDs.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                found += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM run_writes WHERE kind = ? AND operation = 'create' AND undone_at IS NULL
                        AND qb_id IN (\(marks)) ORDER BY id
                        """,
                    arguments: StatementArguments([kind.rawValue] + chunk)
                ).compactMap(Self.runWrite)
            }
            return found
        }
    }

    /// The last journalled write of each of these objects (any run): what PortBooks last left
    /// in QuickBooks, to compare the object with now.
    public func lastWrites(kind: RecordKind, qbIDs: [String]) throws -> [String: RunWrite] {
        guard !qbIDs.isEmpty else { return [:] }
        return try read { db in
            var found: [String: RunWrite] = [:]
            for start in stride(from: 0, to: qbIDs.count, by: 500) {
                let chunk = Array(qbIDs[start..<min(start + 500, qbIDs.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                for row in try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM run_writes WHERE kind = ? AND qb_id IN (\(marks)) ORDER BY id",
                    arguments: StatementArguments([kind.rawValue] + chunk))
                {
                    if let write = Self.runWrite(row) { found[write.qbID] = write }
                }
            }
            return found
        }
    }

    /// A run as the ledger lists it, or `nil`.
    public func run(id: String) throws -> Run? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map {
                Run(
                    id: $0["id"], command: $0["command"], startedAt: $0["started_at"], finishedAt: $0["finished_at"],
                    status: $0["status"])
            }
        }
    }

    /// For each run with journalled writes: the undo runs that reversed some of them, and
    /// whether every write is reversed.
    public func undoneRuns() throws -> [String: (undoRuns: [String], complete: Bool)] {
        try read { db in
            var found: [String: (undoRuns: [String], complete: Bool)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, GROUP_CONCAT(DISTINCT undo_run_id) AS undos,
                        SUM(CASE WHEN undone_at IS NULL THEN 1 ELSE 0 END) AS open
                    FROM run_writes GROUP BY run_id HAVING undos IS NOT NULL
                    """)
            {
                let undos: String = row["undos"]
                let open: Int = row["open"]
                found[row["run_id"]] = (undos.split(separator: ",").map(String.init).sorted(), open == 0)
            }
            return found
        }
    }

    /// Notes, before the reversing writes are sent, which undo reverses each journal row and
    /// how (`delete`, `void`, `deactivate`, `restore`): a re-run after a crash re-sends the same
    /// write with the same requestid, which QuickBooks replays instead of writing twice.
    public func markUndoIntents(_ intents: [Int64: String], undoRunID: String) throws {
        guard !intents.isEmpty else { return }
        try write { db in
            for (id, intent) in intents {
                try db.cachedStatement(sql: "UPDATE run_writes SET undo_run_id = ?, undo_intent = ? WHERE id = ?")
                    .execute(arguments: [undoRunID, intent, id])
            }
        }
    }

    /// What an undo did to one journalled write, and so to its record.
    public struct UndoRecord: Hashable, Sendable {
        public enum Effect: Hashable, Sendable {
            /// The object is gone from QuickBooks (deleted, or voided where it could not be):
            /// the record is unlinked, with a new generation (a new requestid when re-created).
            case unlinked
            /// A customer made inactive (QuickBooks deletes no names): the link is kept, the
            /// next sync sends it again (and makes it active).
            case deactivated(syncToken: String?)
            /// An updated object put back to the content it had before: that content is again
            /// the synced one.
            case restored(syncToken: String?)
        }

        public var write: RunWrite
        public var effect: Effect
        /// `deleted`, `voided`, `deactivated`, `restored`, `gone` (already not in QuickBooks).
        public var result: String
        public var detail: String

        public init(write: RunWrite, effect: Effect, result: String, detail: String) {
            self.write = write
            self.effect = effect
            self.result = result
            self.detail = detail
        }
    }

    /// Records what an undo did, in ONE transaction: each record goes back to pending (so the
    /// next sync pushes it again) or, with `clear`, to cleared; its journal row is closed; the
    /// audit log gets an `undo` row naming the undone run.
    public func recordUndo(_ undone: [UndoRecord], clear: Bool, undoRunID: String) throws {
        guard !undone.isEmpty else { return }
        try write { db in
            let now = Self.now()
            let state = clear ? "cleared" : "pending"
            let settle =
                "state = '\(state)', generation = generation + 1, problem_code = NULL, "
                + "problem_message = NULL, suggestion = NULL, blocked_by = NULL, updated_at = ?"
            for entry in undone {
                let id = entry.write.recordID
                switch entry.effect {
                case .unlinked:
                    try db.execute(
                        sql: "UPDATE records SET \(settle), qb_id = NULL, sync_token = NULL, synced_hash = NULL, "
                            + "synced_content = NULL WHERE id = ?",
                        arguments: [now, id])
                case .deactivated(let token):
                    try db.execute(
                        sql: "UPDATE records SET \(settle), sync_token = COALESCE(?, sync_token), synced_hash = NULL "
                            + "WHERE id = ?",
                        arguments: [now, token, id])
                case .restored(let token):
                    try db.execute(
                        sql: "UPDATE records SET \(settle), sync_token = COALESCE(?, sync_token), synced_content = ?, "
                            + "synced_hash = ? WHERE id = ?",
                        arguments: [
                            now, token, entry.write.previousSyncedContent, entry.write.previousSyncedHash, id,
                        ])
                }
                guard db.changesCount == 1 else { throw LedgerError.noSuchRecord(id) }
                try db.execute(
                    sql: """
                        UPDATE run_writes SET undo_run_id = ?, undone_at = ?, undo_result = ?
                        WHERE id = ? AND undone_at IS NULL
                        """,
                    arguments: [undoRunID, now, entry.result, entry.write.id])
                try db.execute(
                    sql: """
                        INSERT INTO audit (at, run_id, kind, portpro_id, action, detail, note, source)
                        VALUES (?, ?, ?, ?, 'undo', ?, ?, ?)
                        """,
                    arguments: [
                        now, undoRunID, entry.write.kind.rawValue, entry.write.portproID, entry.detail,
                        clear ? "cleared" : "pending again", "undo \(entry.write.runID)",
                    ])
            }
        }
    }

    private static func runWrite(_ row: Row) -> RunWrite? {
        guard let kind = RecordKind(rawValue: row["kind"]),
            let operation = RunWrite.Operation(rawValue: row["operation"])
        else { return nil }
        let previousState: String? = row["previous_state"]
        return RunWrite(
            id: row["id"], runID: row["run_id"], recordID: row["record_id"], kind: kind, portproID: row["portpro_id"],
            operation: operation, qbID: row["qb_id"], syncToken: row["sync_token"], fingerprint: row["fingerprint"],
            previousState: previousState.flatMap(RecordState.init(rawValue:)), previousQBID: row["previous_qb_id"],
            previousSyncToken: row["previous_sync_token"], previousSyncedContent: row["previous_synced_content"],
            previousSyncedHash: row["previous_synced_hash"], undoRunID: row["undo_run_id"],
            undoIntent: row["undo_intent"], undoneAt: row["undone_at"], undoResult: row["undo_result"])
    }
}
