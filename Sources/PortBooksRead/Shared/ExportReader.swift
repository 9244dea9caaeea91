import PortBooksCore

/// What reading one export file found: its records' counts and every problem.
public struct ExportReadResult: Sendable {
    public var file: String
    public var formatVersion: String?
    /// What the file turned out to be; `nil` until the reader has seen enough of it.
    public var shape: DropFileShape?
    public var counts: [RecordKind: Int] = [:]
    public var diagnostics: DiagnosticCollector

    public init(file: String, diagnostics: DiagnosticCollector = DiagnosticCollector()) {
        self.file = file
        self.diagnostics = diagnostics
    }

    public var isValid: Bool { !diagnostics.hasErrors }

    /// Records read, all kinds together.
    public var recordCount: Int { counts.values.reduce(0, +) }
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
/// memory. A file is good only if the result has no errors: callers that store records
/// (staging) must discard everything they got from a file whose result is not valid.
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

    /// Decodes one record tree and hands it to `body` when it is valid and its id is new.
    public mutating func accept(
        _ node: SourceNode, kind: RecordKind, result: inout ExportReadResult, body: (ExportRecord) throws -> Void
    ) rethrows {
        let index = indexes[kind, default: 0]
        indexes[kind] = index + 1
        guard let record = decoder.decode(node, as: kind, index: index, into: &result.diagnostics) else { return }
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
