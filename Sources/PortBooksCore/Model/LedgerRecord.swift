import Foundation

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

    /// A record with every column given (the ledger reads them; tests build them).
    public init(
        id: Int64,
        kind: RecordKind,
        portproID: String,
        number: String? = nil,
        customerName: String? = nil,
        customerPortproID: String? = nil,
        amount: String? = nil,
        content: Data,
        contentHash: String,
        qbID: String? = nil,
        syncToken: String? = nil,
        syncedHash: String? = nil,
        state: RecordState,
        generation: Int = 0,
        problemCode: String? = nil,
        problemMessage: String? = nil,
        suggestion: String? = nil,
        blockedBy: String? = nil,
        attempts: Int = 0,
        firstProblemAt: String? = nil,
        sourceFile: String? = nil,
        createdAt: String = "",
        updatedAt: String = ""
    ) {
        self.id = id
        self.kind = kind
        self.portproID = portproID
        self.number = number
        self.customerName = customerName
        self.customerPortproID = customerPortproID
        self.amount = amount
        self.content = content
        self.contentHash = contentHash
        self.qbID = qbID
        self.syncToken = syncToken
        self.syncedHash = syncedHash
        self.state = state
        self.generation = generation
        self.problemCode = problemCode
        self.problemMessage = problemMessage
        self.suggestion = suggestion
        self.blockedBy = blockedBy
        self.attempts = attempts
        self.firstProblemAt = firstProblemAt
        self.sourceFile = sourceFile
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The staged PortPro record: from the run's memo of what it staged when it has it (decoding
    /// canonical JSON was an eighth of a push's CPU), else decoded from the ledger's content.
    public func decoded(memo: StagedMemo? = nil) throws -> ExportRecord {
        if isUnreadable { throw UnreadableRecord(kind: kind, portproID: portproID) }
        if let record = memo?.record(hash: contentHash), record.kind == kind { return record }
        return try CanonicalContent.decode(kind: kind, content)
    }
}

extension LedgerRecord {
    /// The problem code of a record its export holds but whose content breaks a rule of
    /// docs/FORMAT.md (an amount that is not a number, a date that is not a date, a missing
    /// required field): the ledger keeps it as a problem with no content until a corrected
    /// export replaces it.
    public static let invalidRecordCode = "invalid-record"

    /// Whether the ledger holds no readable content for this record (``invalidRecordCode``):
    /// nothing can be mapped or pushed from it until a corrected export replaces it.
    public var isUnreadable: Bool { content.isEmpty }
}

/// Thrown by ``LedgerRecord/decoded(memo:)`` for a record staged without readable content.
public struct UnreadableRecord: Error, CustomStringConvertible {
    public var kind: RecordKind
    public var portproID: String

    public var description: String {
        "the \(kind.rawValue) \(portproID) could not be read from its export; a corrected export replaces it"
    }
}

/// The canonical JSON of a record: sorted keys, exact decimals, days as `YYYY-MM-DD`. Its
/// SHA-256 is the content hash that decides whether a record changed.
public enum CanonicalContent {
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
    public static func summary(_ record: ExportRecord) -> (
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

/// The records one run staged, by content hash: a bounded memo that the stage hands to the
/// plan, so the push maps records it just staged without decoding their JSON again. The
/// content hash is the SHA-256 of exactly the bytes `decode` would read, and
/// `decode(encode(r)) == r` (tested), so a hit is the record decoding would give.
///
/// When full it takes no more, so the push of a file larger than `capacity` still finds the
/// first `capacity` records (it reads them in the order they were staged; emptying the memo
/// when full left only the last few thousand). Staging another file starts it again empty if
/// it is full, so a long `sync --watch` holds at most `capacity` records.
///
/// Thread-safety: a lock guards it; the mapping task reads it while the push records.
public final class StagedMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [String: ExportRecord] = [:]
    private let capacity: Int

    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    public func insert(_ record: ExportRecord, hash: String) {
        lock.lock()
        defer { lock.unlock() }
        if records.count < capacity { records[hash] = record }
    }

    /// A new file is being staged: empties the memo if it is full.
    public func startFile() {
        lock.lock()
        defer { lock.unlock() }
        if records.count >= capacity { records.removeAll(keepingCapacity: true) }
    }

    public func record(hash: String) -> ExportRecord? {
        lock.lock()
        defer { lock.unlock() }
        return records[hash]
    }

    private var invalid: [(kind: RecordKind, portproID: String)] = []

    /// Notes a record staged as unreadable (``LedgerRecord/invalidRecordCode``) in this run.
    public func insertInvalid(kind: RecordKind, portproID: String) {
        lock.lock()
        defer { lock.unlock() }
        invalid.append((kind, portproID))
    }

    /// The records staged as unreadable in this run, in staging order.
    public var invalidRecords: [(kind: RecordKind, portproID: String)] {
        lock.lock()
        defer { lock.unlock() }
        return invalid
    }
}
