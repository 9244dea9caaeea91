import Foundation
import PortBooksCore

/// Reads a JSON drop file as a stream: the document is scanned once, each record is built as a
/// small tree, decoded and handed on, then dropped.
///
/// Two shapes are recognised by their top-level fields, wherever they stand in the object:
/// PortBooks' export document (`formatVersion` and the four record arrays, docs/FORMAT.md)
/// and a PortPro API response (`data`, a list page's array or a single response's object,
/// docs/FORMAT.md "PortPro API responses", decoded by ``PortProResponseDecoder``). Both go
/// through the same byte-level parser, limits and diagnostics.
///
/// Memory stays flat for any file size (one read buffer, one record tree at a time, and a
/// hash per id for the duplicate check). Syntax errors stop the read at their position;
/// record problems are collected and reading goes on.
public struct JSONExportReader: ExportReader {
    public let path: String
    /// The name used in diagnostics (the path as the user gave it).
    public let displayName: String

    /// Deepest nesting accepted (``ReaderLimits``); PortPro records are 4 levels deep.
    static let maximumDepth = ReaderLimits.maximumDepth
    /// Largest number of values in one record: far beyond any real invoice, far below memory trouble.
    static let maximumNodesPerRecord = ReaderLimits.maximumNodesPerRecord

    public init(path: String, displayName: String? = nil) {
        self.path = path
        self.displayName = displayName ?? path
    }

    /// Every record, whole or not: a PortPro invoice list page gives one invoice per envelope
    /// and number (see ``ExportReader``).
    public func read(_ body: (ExportRecord) throws -> Void) throws -> ExportReadResult {
        try readRecords { try body($0.record) }
    }

    public func readRecords(_ body: (ReadRecord) throws -> Void) throws -> ExportReadResult {
        var result = ExportReadResult(file: displayName)
        let handle: FileHandle
        do {
            handle = try ReadableFile.handle(path)
        } catch {
            result.diagnostics.append(Diagnostic.unreadable(file: displayName, error))
            return result
        }
        defer { try? handle.close() }
        let parser = JSONStreamParser(stream: ByteStream(handle: handle), file: displayName)
        var assembler = RecordAssembler(file: displayName, syntax: .json)
        var responses = PortProResponseDecoder(file: displayName)
        do {
            try parser.parseDocument(result: &result) { node, item, result in
                switch item {
                case .exportRecord(let kind):
                    try assembler.accept(node, kind: kind, result: &result) { try body(ReadRecord($0)) }
                case .responseData(let index):
                    try responses.accept(node, index: index, result: &result, body: body)
                }
            }
        } catch let stop as JSONStop {
            result.diagnostics.append(stop.diagnostic)
        }
        return result
    }
}

/// A problem that ends the read (syntax, truncation, encoding).
struct JSONStop: Error {
    let diagnostic: Diagnostic
}

/// The scanner and parser behind ``JSONExportReader``: the document level here, values in
/// `JSONStreamParser+Values.swift`.
final class JSONStreamParser {
    /// What the parser hands on, one record tree at a time.
    enum DocumentItem {
        /// A record of one of an export document's four arrays.
        case exportRecord(RecordKind)
        /// An item of a PortPro API response's `data`: the `index`th of a list page's array,
        /// or (`nil`) a single response's `data` object.
        case responseData(index: Int?)
    }

    let stream: ByteStream
    let file: String
    var scratch: [UInt8] = []
    var nodeBudget = JSONExportReader.maximumNodesPerRecord
    /// Bytes of strings the current record may still hold (``ReaderLimits/maximumRecordTextBytes``).
    var textBudget = ReaderLimits.maximumRecordTextBytes
    /// The member names of the object open at each depth (index = depth), for duplicates.
    var memberNames: [MemberNames] = []

    init(stream: ByteStream, file: String) {
        self.stream = stream
        self.file = file
        scratch.reserveCapacity(256)
    }

    func stop(_ code: DiagnosticCode, _ message: String, at position: SourcePosition? = nil) -> JSONStop {
        let where_ = position ?? stream.position
        return JSONStop(
            diagnostic: Diagnostic(file: file, line: where_.line, column: where_.column, code: code, message: message))
    }

    func truncated(expecting what: String) -> JSONStop {
        stop(
            .truncated, "the file ends in the middle of the document (expected \(what)); was it cut off while copying?")
    }

    private func diagnose(
        _ code: DiagnosticCode, _ message: String, at position: SourcePosition, in result: inout ExportReadResult
    ) {
        result.diagnostics.append(
            Diagnostic(file: file, line: position.line, column: position.column, code: code, message: message))
    }

    /// A new record starts: its limits are counted afresh.
    private func startRecord() {
        nodeBudget = JSONExportReader.maximumNodesPerRecord
        textBudget = ReaderLimits.maximumRecordTextBytes
    }

    // MARK: Document

    /// What the top level of the document held, to tell its shape once it is read.
    private struct TopLevel {
        var start = SourcePosition(line: 1, column: 1)
        var sawVersion = false
        var exportArray: SourcePosition?
        var data: SourcePosition?
        var dataIsNull = false
        var apiError: (text: String, position: SourcePosition)?
    }

    func parseDocument(
        result: inout ExportReadResult,
        onItem: (SourceNode, DocumentItem, inout ExportReadResult) throws -> Void
    ) throws {
        try checkEncoding()
        skipWhitespaceOrFail: do {
            try skipWhitespace()
            guard let first = try stream.peek() else {
                throw stop(
                    .emptyFile, "the file is empty: there is no export in it", at: SourcePosition(line: 1, column: 1))
            }
            switch first {
            case UInt8(ascii: "{"):
                break skipWhitespaceOrFail
            case UInt8(ascii: "["):
                throw stop(
                    .notAnExport,
                    "this JSON is an array; a PortPro export is an object with \"formatVersion\", "
                        + "a PortPro API response an object with \"data\"")
            case UInt8(ascii: "<"):
                throw stop(.notAnExport, "this looks like XML, not JSON; give the file a .xml name")
            default:
                throw stop(
                    .notAnExport, "this is not JSON (it starts with \(describe(first))); a PortPro export starts with {"
                )
            }
        }
        var top = TopLevel(start: stream.position)
        try parseMembers(depth: 0) { key in
            let valuePosition = stream.position
            if let kind = RecordKind(arrayName: key) {
                top.exportArray = top.exportArray ?? valuePosition
                guard let open = try stream.peek() else { throw truncated(expecting: "an array") }
                guard open == UInt8(ascii: "[") else {
                    diagnose(
                        .wrongType, "\"\(key)\" must be an array of \(kind.rawValue) records", at: valuePosition,
                        in: &result)
                    try skipValue(depth: 1)
                    return
                }
                try parseItems(of: "\(kind.rawValue) record") { _ in
                    try onItem(try parseValue(depth: 2, build: true), .exportRecord(kind), &result)
                }
            } else if key == "formatVersion" {
                top.sawVersion = true
                try parseFormatVersion(result: &result)
            } else if key == "exportedAt" {
                try parseExportedAt(result: &result)
            } else if key == "data" {
                top.data = valuePosition
                top.dataIsNull = try parseResponseData(result: &result, onItem: onItem)
            } else if key == "error" {
                startRecord()
                let node = try parseValue(depth: 1, build: true)
                if let text = Self.errorText(node) { top.apiError = (text, node.position) }
            } else {
                // Unknown top-level fields are tolerated (PortPro adds fields; an API response has
                // `count`, `_object`, `self`, `version`), but still checked for syntax.
                try skipValue(depth: 1)
            }
        }
        try skipWhitespace()
        if let extra = try stream.peek() {
            throw stop(.syntax, "unexpected \(describe(extra)) after the end of the export document")
        }
        resolveShape(top, result: &result)
    }

    /// Decides what the document was, once all of it is read, and says so when it is neither shape.
    private func resolveShape(_ top: TopLevel, result: inout ExportReadResult) {
        if let error = top.apiError {
            diagnose(
                .notAnExport,
                "this is a PortPro API error response (\"error\": \(error.text)), not data: nothing was read; "
                    + "fetch it again (an expired token?) and keep error bodies out of the inbox (curl --fail)",
                at: error.position, in: &result)
        } else if let data = top.data, top.sawVersion || top.exportArray != nil {
            diagnose(
                .notAnExport,
                "the document mixes a PortPro export (\"formatVersion\" or record arrays) with an API response's "
                    + "\"data\"; a drop file is one or the other",
                at: data, in: &result)
        } else if let data = top.data {
            if top.dataIsNull {
                diagnose(
                    .notAnExport, "\"data\" is null: this PortPro API response holds nothing to read", at: data,
                    in: &result)
            }
        } else if !top.sawVersion {
            diagnose(
                .notAnExport,
                "the document has no \"formatVersion\" and no \"data\": it is neither a PortPro export "
                    + "(expected \"formatVersion\": \"1.0\") nor a PortPro API response",
                at: top.start, in: &result)
        } else {
            result.shape = .export
        }
    }

    private func parseFormatVersion(result: inout ExportReadResult) throws {
        let node = try parseValue(depth: 1, build: true)
        guard case .text(let version) = node.value else {
            diagnose(
                .wrongType, "formatVersion must be a string such as \"1.0\", found \(node.typeName)",
                at: node.position, in: &result)
            return
        }
        if !Self.isSupportedVersion(version) {
            diagnose(
                .unsupportedVersion, "formatVersion \"\(version)\" is not supported; this PortBooks reads 1.x",
                at: node.position, in: &result)
        }
        result.formatVersion = version
    }

    private func parseExportedAt(result: inout ExportReadResult) throws {
        let node = try parseValue(depth: 1, build: true)
        if case .text(let text) = node.value, ObjectScope.isDayOrTimestamp(text, requireTime: true) { return }
        diagnose(
            .invalidValue, "exportedAt must be a timestamp such as \"2026-11-20T08:00:00Z\"", at: node.position,
            in: &result)
    }

    /// Reads a PortPro API response's `data`: a list page's array, or a single response's
    /// object; each item is one record tree. Returns whether `data` was `null`.
    private func parseResponseData(
        result: inout ExportReadResult,
        onItem: (SourceNode, DocumentItem, inout ExportReadResult) throws -> Void
    ) throws -> Bool {
        let position = stream.position
        guard let open = try stream.peek() else { throw truncated(expecting: "a value") }
        switch open {
        case UInt8(ascii: "["):
            try parseItems(of: "data item") { index in
                try onItem(try parseValue(depth: 2, build: true), .responseData(index: index), &result)
            }
        case UInt8(ascii: "{"):
            startRecord()
            try onItem(try parseValue(depth: 1, build: true), .responseData(index: nil), &result)
        default:
            let node = try parseValue(depth: 1, build: false)
            if case .null = node.value { return true }
            diagnose(
                .wrongType,
                "\"data\" must be a list page's array or a single response's object, found \(node.typeName)",
                at: position, in: &result)
        }
        return false
    }

    /// The words of a response's `error`, or `nil` when there is none (`null`, `false`, `""`).
    private static func errorText(_ node: SourceNode) -> String? {
        switch node.value {
        case .null, .bool(false): return nil
        case .text(let text): return text.isEmpty ? nil : "\"\(text)\""
        case .object(let fields):
            if let message = fields.first(where: { $0.name == "message" }), case .text(let text) = message.node.value {
                return "\"\(text)\""
            }
            return "an object"
        default: return node.typeName
        }
    }

    static func isSupportedVersion(_ version: String) -> Bool {
        guard version.hasPrefix("1."), version.count > 2 else { return false }
        return version.dropFirst(2).allSatisfy(\.isASCIIDigit)
    }

    /// Consumes an array of records from its `[` to its `]`, calling `item` with each item's
    /// index once the reader stands on it (with the record limits counted afresh); `item`
    /// must consume the item.
    private func parseItems(of record: String, _ item: (Int) throws -> Void) throws {
        _ = try stream.next()
        var index = 0
        while true {
            try skipWhitespace()
            guard let byte = try stream.peek() else { throw truncated(expecting: "a \(record) or ]") }
            if byte == UInt8(ascii: "]") {
                _ = try stream.next()
                return
            }
            if index > 0 {
                guard byte == UInt8(ascii: ",") else {
                    throw stop(.syntax, "expected , or ] between \(record)s, found \(describe(byte))")
                }
                _ = try stream.next()
                try skipWhitespace()
            }
            startRecord()
            try item(index)
            index += 1
        }
    }
}

/// The member names of one JSON object, with where each was written: a short list searched
/// in order (records have a few dozen fields), indexed by a dictionary once it grows, so a
/// hostile object of 200,000 members costs linear time. Emptied and reused for the next
/// object at the same depth, keeping its storage.
struct MemberNames {
    private var names: [String] = []
    private var positions: [SourcePosition] = []
    private var index: [String: Int]?
    /// Past this many names, lookups go through ``index``.
    private static let linearLimit = 24

    mutating func removeAll() {
        names.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        index = nil
    }

    /// Adds `name`; when the object already has it, returns where it was first written.
    mutating func insert(_ name: String, at position: SourcePosition) -> SourcePosition? {
        if index != nil {
            if let earlier = index?[name] { return positions[earlier] }
            index?[name] = names.count
        } else {
            for (offset, known) in names.enumerated() where known == name { return positions[offset] }
            if names.count == Self.linearLimit {
                var built = [String: Int](minimumCapacity: names.count * 2)
                for (offset, known) in names.enumerated() { built[known] = offset }
                built[name] = names.count
                index = built
            }
        }
        names.append(name)
        positions.append(position)
        return nil
    }
}
