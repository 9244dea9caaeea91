import Foundation
import GRDB
import PortBooksCore

/// One change to a record, as a resolution file or the `ids` commands ask for it; a list of
/// them is applied in one transaction (``LedgerStore/apply(_:runID:)``).
public enum LedgerChange: Hashable, Sendable {
    case synced(id: Int64, qbID: String, syncToken: String?, contentHash: String)
    case problem(id: Int64, code: String, message: String, suggestion: String)
    /// Waiting on another record; `code` says which wait (`customer-not-synced`,
    /// `invoice-not-synced`, `invoice-not-received`, …: README "Problem codes").
    case blocked(id: Int64, by: String, code: String, message: String, suggestion: String)
    case cleared(id: Int64, note: String, source: String)
    case paidOutside(id: Int64, note: String, source: String)
    case retry(id: Int64, note: String, source: String)
    case removeQBID(id: Int64, note: String, source: String)
    case setQBID(id: Int64, qbID: String, syncToken: String?, note: String, source: String)
    case syncToken(id: Int64, syncToken: String)
}

extension LedgerStore {
    // MARK: Outcomes of a push

    /// In QuickBooks with this content: state and QuickBooks ID change in one transaction.
    public func markSynced(id: Int64, qbID: String, syncToken: String?, contentHash: String, runID: String) throws {
        try apply([.synced(id: id, qbID: qbID, syncToken: syncToken, contentHash: contentHash)], runID: runID)
    }

    public func recordProblem(id: Int64, code: String, message: String, suggestion: String, runID: String) throws {
        try apply([.problem(id: id, code: code, message: message, suggestion: suggestion)], runID: runID)
    }

    /// Waiting on another record (`dependency`, e.g. `customer:<portpro id>`); attempts are
    /// counted once per wait, not once per run.
    public func markBlocked(
        id: Int64, by dependency: String, code: String = "blocked", message: String, suggestion: String, runID: String
    ) throws {
        try apply(
            [.blocked(id: id, by: dependency, code: code, message: message, suggestion: suggestion)], runID: runID)
    }

    public func markCleared(id: Int64, note: String, source: String, runID: String) throws {
        try apply([.cleared(id: id, note: note, source: source)], runID: runID)
    }

    public func markPaidOutside(id: Int64, note: String, source: String, runID: String) throws {
        try apply([.paidOutside(id: id, note: note, source: source)], runID: runID)
    }

    public func markForRetry(id: Int64, note: String, source: String, runID: String) throws {
        try apply([.retry(id: id, note: note, source: source)], runID: runID)
    }

    public func removeQBID(id: Int64, note: String, source: String, runID: String) throws {
        try apply([.removeQBID(id: id, note: note, source: source)], runID: runID)
    }

    public func setQBID(id: Int64, qbID: String, syncToken: String?, note: String, source: String, runID: String) throws
    {
        try apply([.setQBID(id: id, qbID: qbID, syncToken: syncToken, note: note, source: source)], runID: runID)
    }

    public func updateSyncToken(id: Int64, syncToken: String) throws {
        try apply([.syncToken(id: id, syncToken: syncToken)], runID: "")
    }

    /// Applies every change, each with an audit row, in ONE transaction: all or nothing.
    public func apply(_ changes: [LedgerChange], runID: String) throws {
        try write { db in
            let now = Self.now()
            for change in changes { try Self.apply(change, db: db, now: now, runID: runID) }
        }
    }

    static func apply(_ change: LedgerChange, db: Database, now: String, runID: String) throws {
        func update(_ id: Int64, _ assignments: String, _ arguments: [(any DatabaseValueConvertible)?]) throws {
            // Cached: a push applies thousands of changes, from a handful of distinct statements.
            try db.cachedStatement(sql: "UPDATE records SET \(assignments), updated_at = ? WHERE id = ?")
                .execute(arguments: StatementArguments(arguments + [now, id]))
            guard db.changesCount == 1 else { throw LedgerError.noSuchRecord(id) }
        }
        func audit(_ id: Int64, _ action: String, _ detail: String?, note: String? = nil, source: String? = nil) throws
        {
            try db.cachedStatement(
                sql: """
                    INSERT INTO audit (at, run_id, kind, portpro_id, action, detail, note, source)
                    SELECT ?, ?, kind, portpro_id, ?, ?, ?, ? FROM records WHERE id = ?
                    """
            ).execute(arguments: [now, runID, action, detail, note, source, id])
        }
        let clearProblem = "problem_code = NULL, problem_message = NULL, suggestion = NULL, blocked_by = NULL"
        try validate(change, db: db)
        switch change {
        case .synced(let id, let qbID, let syncToken, let hash):
            try update(
                id,
                "state = 'synced', qb_id = ?, sync_token = ?, synced_hash = ?, synced_content = CASE WHEN content_hash = ? THEN content ELSE synced_content END, \(clearProblem)",
                [qbID, syncToken, hash, hash])
            try audit(id, "synced", "QuickBooks \(qbID)")
        case .problem(let id, let code, let message, let suggestion):
            try update(
                id,
                "state = 'problem', problem_code = ?, problem_message = ?, suggestion = ?, blocked_by = NULL, attempts = attempts + 1, first_problem_at = COALESCE(first_problem_at, ?)",
                [code, message, suggestion, now])
            try audit(id, "problem", "\(code): \(message)")
        case .blocked(let id, let dependency, let code, let message, let suggestion):
            try update(
                id,
                "attempts = CASE WHEN state = 'blocked' AND blocked_by = ? THEN attempts ELSE attempts + 1 END, state = 'blocked', blocked_by = ?, problem_code = ?, problem_message = ?, suggestion = ?, first_problem_at = COALESCE(first_problem_at, ?)",
                [dependency, dependency, code, message, suggestion, now])
            try audit(id, "blocked", message)
        case .cleared(let id, let note, let source):
            try update(id, "state = 'cleared', \(clearProblem)", [])
            try audit(id, "clear", nil, note: note, source: source)
        case .paidOutside(let id, let note, let source):
            try update(id, "state = 'paid_outside', \(clearProblem)", [])
            try audit(id, "mark-paid", nil, note: note, source: source)
        case .retry(let id, let note, let source):
            try update(id, "state = 'pending', \(clearProblem)", [])
            try audit(id, "retry", nil, note: note, source: source)
        case .removeQBID(let id, let note, let source):
            let old = try String.fetchOne(db, sql: "SELECT qb_id FROM records WHERE id = ?", arguments: [id])
            try update(
                id,
                "state = 'pending', qb_id = NULL, sync_token = NULL, synced_hash = NULL, synced_content = NULL, generation = generation + 1, \(clearProblem)",
                [])
            try audit(id, "remove-qb-id", "was QuickBooks \(old ?? "none")", note: note, source: source)
        case .setQBID(let id, let qbID, let syncToken, let note, let source):
            try update(
                id,
                "state = 'synced', qb_id = ?, sync_token = ?, synced_hash = content_hash, synced_content = content, \(clearProblem)",
                [qbID, syncToken])
            try audit(id, "set-qb-id", "QuickBooks \(qbID)", note: note, source: source)
        case .syncToken(let id, let token):
            try update(id, "sync_token = ?", [token])
        }
    }

    /// Refuses a change the ledger must never hold: a link to an empty QuickBooks ID, or a
    /// record other than an invoice marked paid outside QuickBooks.
    private static func validate(_ change: LedgerChange, db: Database) throws {
        switch change {
        case .synced(let id, let qbID, _, _), .setQBID(let id, let qbID, _, _, _):
            guard !qbID.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw LedgerError.invalidChange(id: id, reason: "an empty QuickBooks ID")
            }
        case .paidOutside(let id, _, _):
            let kind = try String.fetchOne(db, sql: "SELECT kind FROM records WHERE id = ?", arguments: [id])
            guard let kind else { throw LedgerError.noSuchRecord(id) }
            guard kind == RecordKind.invoice.rawValue else {
                throw LedgerError.invalidChange(id: id, reason: "only an invoice can be paid outside QuickBooks")
            }
        default:
            break
        }
    }

    // MARK: Runs, audit, meta

    /// Starts a run; returns its id (`20261127T010203Z-1a2b`).
    public func beginRun(command: String) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let id = formatter.string(from: Date()) + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
        try write { db in
            try db.execute(
                sql: "INSERT INTO runs (id, command, started_at) VALUES (?, ?, ?)",
                arguments: [id, command, Self.now()])
        }
        return id
    }

    public func finishRun(id: String, status: String, summaryJSON: String) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                arguments: [Self.now(), status, summaryJSON, id])
        }
    }

    /// A run as `status` lists it.
    public struct Run: Hashable, Sendable {
        public var id: String
        public var command: String
        public var startedAt: String
        public var finishedAt: String?
        public var status: String?
    }

    public func lastRuns(limit: Int) throws -> [Run] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", arguments: [limit]
            )
            .map {
                Run(
                    id: $0["id"], command: $0["command"], startedAt: $0["started_at"], finishedAt: $0["finished_at"],
                    status: $0["status"])
            }
        }
    }

    /// One line of the audit log.
    public struct AuditEntry: Hashable, Sendable {
        public var at: String
        public var runID: String?
        public var action: String
        public var detail: String?
        public var note: String?
        public var source: String?
    }

    public func auditEntries(kind: RecordKind, portproID: String) throws -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit WHERE kind = ? AND portpro_id = ? ORDER BY id",
                arguments: [kind.rawValue, portproID]
            ).map {
                AuditEntry(
                    at: $0["at"], runID: $0["run_id"], action: $0["action"], detail: $0["detail"], note: $0["note"],
                    source: $0["source"])
            }
        }
    }

    public func value(forMeta key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets (or, with `nil`, removes) a meta value.
    public func setMeta(_ key: String, _ value: String?) throws {
        try write { db in
            if let value {
                try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
            }
        }
    }
}
