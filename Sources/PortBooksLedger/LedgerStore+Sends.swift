import Foundation
import GRDB

/// A create the push sends, as the ledger holds it from before it is sent until its answers
/// are recorded: a `/batch` of up to 30 items, or one single request. Its identity — the
/// requestid, the bytes and the members — is fixed here, so a run that dies with it on the wire
/// (a timeout, a dropped connection, SIGKILL) sends exactly the same request again on the next
/// run, and QuickBooks answers it from its requestid instead of writing twice, whatever the
/// next run's own grouping of the records would have been.
public struct PendingSend: Hashable, Sendable {
    /// How it goes.
    public enum Route: String, Hashable, Sendable {
        /// `POST /batch`: `body` is the `BatchItemRequest` array; each item's `bId` is its
        /// member's ledger id.
        case batch
        /// `POST /<entity>`: `body` is the object.
        case single
    }

    /// One record a send carries, with the content hash it was sent with.
    public struct Member: Hashable, Sendable {
        public var recordID: Int64
        public var contentHash: String

        public init(recordID: Int64, contentHash: String) {
            self.recordID = recordID
            self.contentHash = contentHash
        }
    }

    public var requestID: String
    public var route: Route
    /// The entity of a single request (`Payment`); a batch's items name their own.
    public var entity: String
    /// Exactly the bytes sent.
    public var body: Data
    public var members: [Member]

    public init(requestID: String, route: Route, entity: String, body: Data, members: [Member]) {
        self.requestID = requestID
        self.route = route
        self.entity = entity
        self.body = body
        self.members = members
    }
}

extension LedgerStore {
    // MARK: Sends on the wire

    /// Writes `sends` down before they are sent (one transaction). A send with the same
    /// requestid is the same request: it is kept once.
    public func recordSends(_ sends: [PendingSend]) throws {
        guard !sends.isEmpty else { return }
        let now = Self.now()
        try write { db in
            for send in sends {
                let members = send.members.map { "\($0.recordID):\($0.contentHash)" }.joined(separator: ",")
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO sends (request_id, route, entity, body, members, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [send.requestID, send.route.rawValue, send.entity, send.body, members, now])
            }
        }
    }

    /// The sends written down and not yet forgotten, oldest first: those whose answers a run
    /// did not record (it stopped), or recorded without forgetting them.
    public func pendingSends() throws -> [PendingSend] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sends ORDER BY rowid").map { row in
                let text: String = row["members"]
                let members = text.split(separator: ",").compactMap { part -> PendingSend.Member? in
                    let pieces = part.split(separator: ":", maxSplits: 1)
                    guard pieces.count == 2, let id = Int64(pieces[0]) else { return nil }
                    return PendingSend.Member(recordID: id, contentHash: String(pieces[1]))
                }
                let route: String = row["route"]
                return PendingSend(
                    requestID: row["request_id"], route: PendingSend.Route(rawValue: route) ?? .single,
                    entity: row["entity"], body: row["body"], members: members)
            }
        }
    }

    /// Forgets sends whose answers are recorded (one transaction).
    public func forgetSends(_ requestIDs: [String]) throws {
        guard !requestIDs.isEmpty else { return }
        try write { db in
            for id in requestIDs { try db.execute(sql: "DELETE FROM sends WHERE request_id = ?", arguments: [id]) }
        }
    }
}
