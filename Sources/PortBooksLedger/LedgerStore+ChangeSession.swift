import Foundation
import GRDB
import PortBooksCore

/// How records are looked up by what a person wrote (a resolution file's row): the ledger
/// itself, or a ``LedgerStore/ChangeSession`` that also sees the changes it has made.
public protocol LedgerRecordLookup {
    func record(kind: RecordKind, portproID: String) throws -> LedgerRecord?
    func records(kind: RecordKind, portproIDs: [String]) throws -> [LedgerRecord]
    func records(kind: RecordKind, number: String) throws -> [LedgerRecord]
}

extension LedgerStore: LedgerRecordLookup {
    /// Reads and changes in ONE transaction, for a change list too long to hold (a resolution
    /// file of a million rows is checked and applied row by row): `body` looks records up and
    /// applies changes through the session; everything commits when it returns and nothing
    /// does when it throws.
    ///
    /// The session is valid only inside `body`, on the calling thread.
    public func inChangeSession<T>(runID: String, _ body: (ChangeSession) throws -> T) throws -> T {
        try write { db in try body(ChangeSession(db: db, runID: runID, now: Self.now())) }
    }

    /// One transaction of ``inChangeSession(runID:_:)``: lookups that see its own changes, and
    /// changes with their audit rows (the same rules as ``apply(_:runID:)``).
    public final class ChangeSession: LedgerRecordLookup {
        let db: Database
        let runID: String
        let now: String

        init(db: Database, runID: String, now: String) {
            self.db = db
            self.runID = runID
            self.now = now
        }

        public func apply(_ change: LedgerChange) throws {
            try LedgerStore.apply(change, db: db, now: now, runID: runID)
        }

        public func record(kind: RecordKind, portproID: String) throws -> LedgerRecord? {
            try LedgerStore.record(kind: kind, portproID: portproID, db: db)
        }

        public func records(kind: RecordKind, portproIDs: [String]) throws -> [LedgerRecord] {
            try LedgerStore.records(kind: kind, portproIDs: portproIDs, db: db)
        }

        public func records(kind: RecordKind, number: String) throws -> [LedgerRecord] {
            try LedgerStore.records(kind: kind, number: number, db: db)
        }
    }

    // MARK: Queries shared by the store and its sessions

    static func record(kind: RecordKind, portproID: String, db: Database) throws -> LedgerRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(LedgerRecord.columns) FROM records WHERE kind = ? AND portpro_id = ?"),
            arguments: [kind.rawValue, portproID]
        ).map(LedgerRecord.init)
    }

    static func records(kind: RecordKind, number: String, db: Database) throws -> [LedgerRecord] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT \(LedgerRecord.columns) FROM records WHERE kind = ? AND number = ? ORDER BY id"),
            arguments: [kind.rawValue, number]
        ).map(LedgerRecord.init)
    }

    static func records(kind: RecordKind, portproIDs: [String], db: Database) throws -> [LedgerRecord] {
        var found: [LedgerRecord] = []
        for start in stride(from: 0, to: portproIDs.count, by: 500) {
            let chunk = Array(portproIDs[start..<min(start + 500, portproIDs.count)])
            let marks = chunk.map { _ in "?" }.joined(separator: ", ")
            found += try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(LedgerRecord.columns) FROM records WHERE kind = ? AND portpro_id IN (\(marks))"),
                arguments: StatementArguments([kind.rawValue] + chunk)
            ).map(LedgerRecord.init)
        }
        return found
    }
}
