import Foundation
import PortBooksCore

/// What `portbooks map --json` prints: per record, the QuickBooks payload or its problems.
///
/// A stable document (keys sorted, amounts as JSON numbers): `fixtures/golden/map-drop-example.json`
/// is one, and the XML and JSON forms of an export give the same records.
public struct MappingReport: Encodable, Sendable {
    /// One record's outcome.
    public struct Entry: Encodable, Sendable, Hashable {
        /// `ok`: would be sent; `problem`: needs attention; `not-synced`: its kind is off in [sync];
        /// `invalid`: the record breaks a rule of the export format and was not mapped.
        public var status: String
        public var file: String
        public var entity: String
        public var portproID: String
        /// Invoice / credit memo number, payment reference (or id), or customer name.
        public var number: String
        public var customer: String
        public var amount: Decimal?
        /// The QuickBooks entity and body, when the record would be sent.
        public var quickbooksEntity: String?
        public var payload: MappedPayload?
        /// What the engine looks up in QuickBooks or the ledger before sending.
        public var references: [PendingReference]?
        public var problems: [MappingProblem]?
        /// An invalid record's errors (`file:line:col: error: … [code]`) and what fixes it.
        public var errors: [String]?
        public var fix: String?
        /// What PortPro says was paid on an invoice (its charge sets' `paidAmount`), when the file
        /// gave it: PortPro API responses do, the export format does not.
        public var portproPaidAmount: Decimal?
        /// What PortPro says is still owed on an invoice (its charge sets' `remainAmount`), when given.
        public var portproRemainAmount: Decimal?

        enum CodingKeys: String, CodingKey {
            case status, file, entity
            case portproID = "portpro_id"
            case number, customer, amount
            case quickbooksEntity = "quickbooks_entity"
            case payload, references, problems, errors, fix
            case portproPaidAmount = "portpro_paid_amount"
            case portproRemainAmount = "portpro_remain_amount"
        }
    }

    /// Counts per status.
    public struct Summary: Encodable, Sendable, Hashable {
        public var records = 0
        public var ok = 0
        public var problems = 0
        public var notSynced = 0
        /// Records that break a rule of the export format (their files' other records are mapped).
        public var invalidRecords = 0
        /// Files that cannot be read as a whole (none of their records is mapped).
        public var invalidFiles = 0

        enum CodingKeys: String, CodingKey {
            case records, ok, problems
            case notSynced = "not_synced"
            case invalidRecords = "invalid_records"
            case invalidFiles = "invalid_files"
        }
    }

    public var records: [Entry] = []
    public var summary = Summary()

    public init() {}

    /// Maps `record` (read from `file`) and adds its entry.
    public mutating func add(_ record: ExportRecord, file: String, mapper: RecordMapper) {
        var entry = Entry(
            status: "ok", file: file, entity: record.kind.rawValue, portproID: record.portproID, number: "",
            customer: "")
        switch record {
        case .customer(let value):
            entry.number = value.companyName
            entry.customer = value.companyName
        case .invoice(let value):
            entry.number = value.referenceNumber
            entry.customer = value.caller.companyName
            entry.amount = value.totalAmount
            entry.portproPaidAmount = value.portproPaidAmount
            entry.portproRemainAmount = value.portproRemainAmount
        case .payment(let value):
            entry.number = value.referenceNo ?? value.id
            entry.customer = value.caller.companyName
            entry.amount = value.amount
        case .creditMemo(let value):
            entry.number = value.creditMemoNumber
            entry.customer = value.caller.companyName
            entry.amount = value.totalAmount
        }
        summary.records += 1
        guard mapper.settings.sync.isEnabled(record.kind) else {
            entry.status = "not-synced"
            summary.notSynced += 1
            records.append(entry)
            return
        }
        let mapped = mapper.map(record)
        if mapped.isClean {
            entry.quickbooksEntity = mapped.payload.entityName
            entry.payload = mapped.payload
            entry.references = mapped.payload.pendingReferences
            summary.ok += 1
        } else {
            entry.status = "problem"
            entry.problems = mapped.problems
            summary.problems += 1
        }
        records.append(entry)
    }

    /// Adds a record of `file` the reader refused (it breaks a rule of the export format): not
    /// mapped, with its errors and `fix`. `number` is its number when readable, else its place
    /// in the file (`invoices[2]`); `portproID` is empty when it had no usable `_id`.
    public mutating func addInvalid(
        kind: RecordKind, portproID: String?, number: String, file: String, errors: [String], fix: String
    ) {
        var entry = Entry(
            status: "invalid", file: file, entity: kind.rawValue, portproID: portproID ?? "", number: number,
            customer: "")
        entry.errors = errors
        entry.fix = fix
        summary.records += 1
        summary.invalidRecords += 1
        records.append(entry)
    }

    /// The report as pretty-printed JSON with sorted keys (stable for golden files).
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
