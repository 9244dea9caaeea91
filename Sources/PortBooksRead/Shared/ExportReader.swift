import PortBooksCore

/// What reading one export file found: its records' counts and every problem.
public struct ExportReadResult: Sendable {
    public var file: String
    public var formatVersion: String?
    /// What the file turned out to be; `nil` until the reader has seen enough of it.
    public var shape: DropFileShape?
    public var counts: [RecordKind: Int] = [:]
    /// Every problem, the file's and its records' (the first of them kept, the rest counted).
    public var diagnostics: DiagnosticCollector
    /// The records that break a rule of their own (docs/FORMAT.md), in file order: each is a
    /// problem of that record, not of the file. Their errors are in ``diagnostics`` too.
    public var invalidRecords: [InvalidRecord] = []
    /// How many of ``diagnostics``' errors belong to ``invalidRecords``.
    public var recordErrorCount = 0

    public init(file: String, diagnostics: DiagnosticCollector = DiagnosticCollector()) {
        self.file = file
        self.diagnostics = diagnostics
    }

    /// No problem at all: every record is good.
    public var isValid: Bool { !diagnostics.hasErrors }

    /// The file can be read as a whole (encoding, syntax, shape, version): its good records
    /// can be staged, and each of ``invalidRecords`` is a problem of its own.
    public var isReadable: Bool { diagnostics.errorCount == recordErrorCount }

    /// Notes that the record of `kind` at `position` (its `_id` when usable) breaks a rule:
    /// `found` are its errors. A second note for the same record (the XML schema speaking after
    /// the decoder accepted it) adds to the first.
    mutating func noteInvalid(
        kind: RecordKind, index: Int, portproID: String?, number: String?, position: SourcePosition,
        errors found: [Diagnostic]
    ) {
        let errors = found.filter { $0.severity == .error }
        guard !errors.isEmpty else { return }
        recordErrorCount += errors.count
        if let last = invalidRecords.indices.last, invalidRecords[last].kind == kind,
            invalidRecords[last].index == index
        {
            invalidRecords[last].errors += errors.prefix(InvalidRecord.keptErrors - invalidRecords[last].errors.count)
            invalidRecords[last].errorCount += errors.count
            return
        }
        invalidRecords.append(
            InvalidRecord(
                kind: kind, index: index, portproID: portproID, number: number, position: position,
                errors: Array(errors.prefix(InvalidRecord.keptErrors)), errorCount: errors.count))
    }

    /// Records read, all kinds together.
    public var recordCount: Int { counts.values.reduce(0, +) }
}

/// A record of a readable file that breaks a rule of its own: a relied-on field that is missing
/// or unusable (an amount that is not a number, a day that is not a day, a missing required
/// member, an XML schema violation inside it). The file's other records go on; this one becomes
/// a problem row (``PortBooksCore/LedgerRecord/invalidRecordCode``) when its `_id` is usable,
/// and is listed in the file's `.error.txt` and the run's warnings when it is not.
public struct InvalidRecord: Sendable, Hashable {
    /// The errors kept per record (the rest are counted).
    public static let keptErrors = 5

    public var kind: RecordKind
    /// Its place among the file's records of its kind (0-based).
    public var index: Int
    /// Its `_id`, when the record has one that is a valid id; `nil`: it cannot be a ledger row.
    public var portproID: String?
    /// Its number (invoice or credit memo number, payment reference, company name) when readable.
    public var number: String?
    /// Where the record starts.
    public var position: SourcePosition
    public var errors: [Diagnostic]
    public var errorCount: Int

    /// `invoices[2]` (its place in the file), for messages about a record with no usable id.
    public var pathText: String { "\(kind.arrayName)[\(index)]" }

    /// The record's problem in one line: its first error (with `file:line:col` and code), and
    /// how many more there are.
    public var message: String {
        let first = errors.first?.description ?? "\(pathText) breaks a rule of the export format"
        return errorCount > 1 ? "\(first) (and \(errorCount - 1) more problem(s) in this record)" : first
    }
}

/// The kinds of document a drop file can hold, recognised by their shape.
public enum DropFileShape: String, Sendable, CaseIterable {
    /// PortBooks' export format (`formatVersion`, docs/FORMAT.md).
    case export
    /// A page of `GET /v1/invoices`: `{"count":N,"data":[envelope…]}`.
    case invoiceListPage = "invoice-list-page"
    /// `GET /v1/invoices/{referenceNumber}`: `{"data":{envelope},"error":null}`.
    case invoiceResponse = "invoice-response"
    /// A page of `GET /v1/customer`: `{"count":N,"data":[customer…]}`.
    case customerListPage = "customer-list-page"
    /// `GET /v1/customer/{id}`: `{"data":{customer}}`.
    case customerResponse = "customer-response"

    /// How `validate` names it.
    public var description: String {
        switch self {
        case .export: "a PortPro export"
        case .invoiceListPage: "a PortPro API invoice list page"
        case .invoiceResponse: "a PortPro API single-invoice response"
        case .customerListPage: "a PortPro API customer list page"
        case .customerResponse: "a PortPro API single-customer response"
        }
    }
}

/// One record as a reader found it, and whether it is all of its PortPro record.
public struct ReadRecord: Sendable {
    /// How much of its PortPro record a read record holds.
    public enum Extent: Sendable, Hashable {
        /// The whole record: it replaces what is known of it.
        case whole
        /// An invoice holding the charge sets one envelope of a PortPro invoice list page carried
        /// for its number: combine it with what is known of the invoice
        /// (``PortBooksCore/Invoice/combining(_:)``) instead of replacing it.
        case part
    }

    public var record: ExportRecord
    public var extent: Extent

    public init(_ record: ExportRecord, extent: Extent = .whole) {
        self.record = record
        self.extent = extent
    }
}

/// A streaming reader of one drop file.
///
/// `read` calls `body` once per valid record, in file order, without holding the file in
/// memory. Records are judged one by one: a record that breaks a rule of its own is not handed
/// on but listed in the result's ``ExportReadResult/invalidRecords``, and the file stays
/// readable. Callers that store records (staging) must discard everything they got from a file
/// whose result is not ``ExportReadResult/isReadable``. (An XML record the schema refuses after
/// the decoder accepted it is handed on and then listed: such a caller replaces it.)
///
/// A PortPro invoice list page hands on one invoice per envelope and invoice number, so an
/// invoice whose charge sets span envelopes comes in several parts with one `_id`;
/// `readRecords` says which records are parts. Callers that keep invoices (the stage,
/// `map`) read with `readRecords` and combine the parts.
public protocol ExportReader {
    func read(_ body: (ExportRecord) throws -> Void) throws -> ExportReadResult
    /// Like `read`, with each record's ``ReadRecord/Extent``.
    func readRecords(_ body: (ReadRecord) throws -> Void) throws -> ExportReadResult
}

extension ExportReader {
    /// Every record whole: the reading of formats that never split a record.
    public func readRecords(_ body: (ReadRecord) throws -> Void) throws -> ExportReadResult {
        try read { try body(ReadRecord($0)) }
    }
}

/// Decodes record trees, drops duplicates, counts; shared by the JSON and XML readers.
public struct RecordAssembler {
    private let decoder: RecordDecoder
    private var seenIDs: [RecordKind: Set<Int>] = [:]
    private var indexes: [RecordKind: Int] = [:]

    public init(file: String, syntax: SourceSyntax) {
        decoder = RecordDecoder(file: file, syntax: syntax)
    }

    /// The place among its kind of the record `accept` saw last.
    func lastIndex(of kind: RecordKind) -> Int { indexes[kind, default: 1] - 1 }

    /// Decodes one record tree and hands it to `body` when it is valid and its id is new.
    public mutating func accept(
        _ node: SourceNode, kind: RecordKind, result: inout ExportReadResult, body: (ExportRecord) throws -> Void
    ) rethrows {
        let index = indexes[kind, default: 0]
        indexes[kind] = index + 1
        var found = DiagnosticCollector(limit: Int.max)
        let decoded = decoder.decode(node, as: kind, index: index, into: &found)
        for diagnostic in found.kept { result.diagnostics.append(diagnostic) }
        guard let record = decoded else {
            // The record's own problem: the file goes on (docs/FORMAT.md, "Records are judged one by one").
            let probe = decoder.probe(node, as: kind)
            result.noteInvalid(
                kind: kind, index: index, portproID: probe.id, number: probe.number, position: node.position,
                errors: found.kept)
            return
        }
        let id = record.portproID
        // Hash values keep the seen-set small for millions of records; within one process
        // they are stable, and a 64-bit collision among a file's ids is not a practical risk.
        if !seenIDs[kind, default: []].insert(id.hashValue).inserted {
            var position = node.position
            if case .object(let fields) = node.value, let idField = fields.first(where: { $0.name == "_id" }) {
                position = idField.node.position
            }
            result.diagnostics.append(
                Diagnostic(
                    file: decoder.file, line: position.line, column: position.column, code: .duplicateID,
                    message:
                        "\(kind.arrayName)[\(index)]: _id \"\(id)\" is used by an earlier \(kind.rawValue) in this file"
                ))
            return
        }
        result.counts[kind, default: 0] += 1
        try body(record)
    }
}
