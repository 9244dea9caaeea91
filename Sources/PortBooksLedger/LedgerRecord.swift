import Foundation
import GRDB
import PortBooksCore

/// Where a record stands with QuickBooks.
public enum RecordState: String, Hashable, Sendable, CaseIterable, Codable {
    /// Staged, waiting to be pushed (new, changed, or asked to retry).
    case pending
    /// In QuickBooks with its current content.
    case synced
    /// Could not sync; in problems.csv.
    case problem
    /// Waits for another record (its customer, or the invoice a payment applies to).
    case blocked
    /// Taken off the problem list without syncing (`clear`); never pushed again.
    case cleared
    /// An invoice paid outside QuickBooks' sync (`mark-paid`): its later payments and edits are not pushed.
    case paidOutside = "paid_outside"
}

/// One PortPro record as the ledger holds it: its staged content and its QuickBooks link.
public struct LedgerRecord: Hashable, Sendable {
    public var id: Int64
    public var kind: RecordKind
    public var portproID: String
    /// Invoice / credit memo number, payment reference, or customer name.
    public var number: String?
    public var customerName: String?
    public var customerPortproID: String?
    /// The total, two decimals.
    public var amount: String?
    /// Canonical JSON of the model record.
    public var content: Data
    public var contentHash: String
    public var qbID: String?
    public var syncToken: String?
    /// The content hash last pushed successfully.
    public var syncedHash: String?
    public var state: RecordState
    /// Bumped when a person asks for a new QuickBooks object (`remove-qb-id`): a new requestid.
    public var generation: Int
    public var problemCode: String?
    public var problemMessage: String?
    public var suggestion: String?
    public var blockedBy: String?
    public var attempts: Int
    public var firstProblemAt: String?
    public var sourceFile: String?
    public var createdAt: String
    public var updatedAt: String

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

    init(row: Row) throws {
        id = row[0]
        let kindText: String = row[1]
        guard let kind = RecordKind(rawValue: kindText) else { throw LedgerError.corrupt("unknown kind \(kindText)") }
        self.kind = kind
        portproID = row[2]
        number = row[3]
        customerName = row[4]
        customerPortproID = row[5]
        amount = row[6]
        content = row[7]
        contentHash = row[8]
        qbID = row[9]
        syncToken = row[10]
        syncedHash = row[11]
        let stateText: String = row[12]
        guard let state = RecordState(rawValue: stateText) else {
            throw LedgerError.corrupt("unknown state \(stateText)")
        }
        self.state = state
        generation = row[13]
        problemCode = row[14]
        problemMessage = row[15]
        suggestion = row[16]
        blockedBy = row[17]
        attempts = row[18]
        firstProblemAt = row[19]
        sourceFile = row[20]
        createdAt = row[21]
        updatedAt = row[22]
    }

    /// The staged PortPro record.
    public func decoded() throws -> ExportRecord {
        if let record = CanonicalContent.staged.record(hash: contentHash), record.kind == kind { return record }
        return try CanonicalContent.decode(kind: kind, content)
    }
}

/// The canonical JSON of a record: sorted keys, exact decimals, days as `YYYY-MM-DD`. Its
/// SHA-256 is the content hash that decides whether a record changed.
public enum CanonicalContent {
    /// Records this process staged, by content hash: the push that follows maps them without
    /// decoding their JSON again (JSONDecoder was an eighth of a push's CPU). The content hash
    /// is the SHA-256 of exactly the bytes `decode` would read, and `decode(encode(r)) == r`
    /// (tested), so a hit is the record decoding would give.
    static let staged = StagedRecords(capacity: 10_000)

    public static func encode(_ record: ExportRecord) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch record {
        case .customer(let value): return try encoder.encode(value)
        case .invoice(let value): return try encoder.encode(value)
        case .payment(let value): return try encoder.encode(value)
        case .creditMemo(let value): return try encoder.encode(value)
        }
    }

    public static func decode(kind: RecordKind, _ data: Data) throws -> ExportRecord {
        let decoder = JSONDecoder()
        switch kind {
        case .customer: return .customer(try decoder.decode(Customer.self, from: data))
        case .invoice: return .invoice(try decoder.decode(Invoice.self, from: data))
        case .payment: return .payment(try decoder.decode(Payment.self, from: data))
        case .creditMemo: return .creditMemo(try decoder.decode(CreditMemo.self, from: data))
        }
    }

    /// The columns a person reads in reports: number, customer, amount.
    static func summary(_ record: ExportRecord) -> (
        number: String?, customer: String?, customerID: String?, amount: String?
    ) {
        switch record {
        case .customer(let value):
            return (value.companyName, value.companyName, value.id, nil)
        case .invoice(let value):
            return (value.referenceNumber, value.caller.companyName, value.caller.id, Money.format(value.totalAmount))
        case .payment(let value):
            return (value.referenceNo, value.caller.companyName, value.caller.id, Money.format(value.amount))
        case .creditMemo(let value):
            return (value.creditMemoNumber, value.caller.companyName, value.caller.id, Money.format(value.totalAmount))
        }
    }
}

/// The ledger's one error type: every SQLite failure leaves the ledger as one of these, with
/// the ledger's path and SQLite's own words.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// Not a ledger, damaged, or cannot be created (a missing folder, no permission).
    case cannotOpen(path: String, reason: String)
    /// Migrated by a newer PortBooks: this one does not know its schema.
    case newerSchema(path: String)
    /// A read or write failed (disk full, locked for longer than the busy timeout, …); a
    /// failed write changed nothing.
    case failed(path: String, reason: String)
    case corrupt(String)
    case noSuchRecord(Int64)
    /// A change the ledger refuses (``LedgerChange``); with `apply`, nothing of the list changed.
    case invalidChange(id: Int64, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "the ledger \(path) cannot be opened: \(reason)"
        case .newerSchema(let path):
            "the ledger \(path) was updated by a newer PortBooks; use that version (this one does not know its format)"
        case .failed(let path, let reason): "the ledger \(path) could not be read or written: \(reason)"
        case .corrupt(let detail): "the ledger holds something unexpected: \(detail)"
        case .noSuchRecord(let id): "the ledger has no record #\(id)"
        case .invalidChange(let id, let reason): "record #\(id) cannot take this change: \(reason)"
        }
    }
}

/// A bounded memo of content hash → record, shared by staging and the push of one process.
/// When full it takes no more, so the push of a file larger than `capacity` still finds the
/// first `capacity` records (it reads them in the order they were staged; emptying the memo
/// when full left only the last few thousand). Staging another file starts it again empty if
/// it is full, so a long `sync --watch` holds at most `capacity` records.
final class StagedRecords: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [String: ExportRecord] = [:]
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func insert(_ record: ExportRecord, hash: String) {
        lock.lock()
        defer { lock.unlock() }
        if records.count < capacity { records[hash] = record }
    }

    /// A new file is being staged: empties the memo if it is full.
    func startFile() {
        lock.lock()
        defer { lock.unlock() }
        if records.count >= capacity { records.removeAll(keepingCapacity: true) }
    }

    func record(hash: String) -> ExportRecord? {
        lock.lock()
        defer { lock.unlock() }
        return records[hash]
    }
}
