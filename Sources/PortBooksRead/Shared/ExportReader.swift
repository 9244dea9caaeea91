import PortBooksCore

/// What reading one export file found: its records' counts and every problem.
public struct ExportReadResult: Sendable {
    public var file: String
    public var formatVersion: String?
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

/// A streaming reader of one export file.
///
/// `read` calls `body` once per valid record, in file order, without holding the file in
/// memory. A file is good only if the result has no errors: callers that store records
/// (staging) must discard everything they got from a file whose result is not valid.
public protocol ExportReader {
    func read(_ body: (ExportRecord) throws -> Void) throws -> ExportReadResult
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
