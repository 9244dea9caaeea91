import Foundation
import GRDB
import PortBooksCore

extension LedgerRecord {
    /// The columns `init(row:)` reads, in its order: every query that builds records selects
    /// exactly these (reading by position is several times cheaper than by name, and a push
    /// reads thousands of records).
    static let columns = [
        "id",
        "kind",
        "portpro_id",
        "number",
        "customer_name",
        "customer_portpro_id",
        "amount",
        "content",
        "content_hash",
        "qb_id",
        "sync_token",
        "synced_hash",
        "state",
        "generation",
        "problem_code",
        "problem_message",
        "suggestion",
        "blocked_by",
        "attempts",
        "first_problem_at",
        "source_file",
        "created_at",
        "updated_at",
    ].joined(separator: ", ")

    /// A record from a row of exactly ``columns``, read by position (the positions are the
    /// list's, above).
    init(row: Row) throws {
        let kindText: String = row[1]
        guard let kind = RecordKind(rawValue: kindText) else { throw LedgerError.corrupt("unknown kind \(kindText)") }
        let stateText: String = row[12]
        guard let state = RecordState(rawValue: stateText) else {
            throw LedgerError.corrupt("unknown state \(stateText)")
        }
        self.init(
            id: row[0], kind: kind, portproID: row[2], number: row[3], customerName: row[4],
            customerPortproID: row[5], amount: row[6], content: row[7], contentHash: row[8], qbID: row[9],
            syncToken: row[10], syncedHash: row[11], state: state, generation: row[13], problemCode: row[14],
            problemMessage: row[15], suggestion: row[16], blockedBy: row[17], attempts: row[18],
            firstProblemAt: row[19], sourceFile: row[20], createdAt: row[21], updatedAt: row[22])
    }
}
