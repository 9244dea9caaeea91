import CLibXML2
import Foundation
import PortBooksCore

/// Reads an XML export file through libxml2's streaming reader (`xmlTextReader`), validating
/// it against the drop-file XSD as it goes, and hands on one record at a time.
///
/// Untrusted input is refused before libxml2 can act on it: a DOCTYPE (the only place
/// entities, parameter entities and external references can be declared) is an error found
/// by a pre-scan of the prolog; the parser never loads DTDs, never substitutes entities,
/// never reaches the network, and the external-entity loader refuses every file and URL.
public struct XMLExportReader: ExportReader {
    /// The format's namespace (docs/FORMAT.md).
    public static let namespace = "urn:portbooks:portpro-export:1"

    public let path: String
    public let displayName: String
    public let schema: XMLSchema?

    /// - Parameter schema: the compiled drop-file schema; `nil` reads without XSD validation
    ///   (the record decoder still checks every record).
    public init(path: String, displayName: String? = nil, schema: XMLSchema?) {
        self.path = path
        self.displayName = displayName ?? path
        self.schema = schema
    }

    public func read(_ body: (ExportRecord) throws -> Void) throws -> ExportReadResult {
        LibXML2.ensureInitialised()
        var result = ExportReadResult(file: displayName)
        if let refusal = XMLProlog.check(path: path, file: displayName) {
            result.diagnostics.append(refusal)
            return result
        }
        guard let input = XMLInputGuard(path: path),
            let reader = input.makeReader(url: path, options: LibXML2.safeOptions)
        else {
            result.diagnostics.append(
                Diagnostic(
                    file: displayName, line: 0, column: 0, code: .unreadable,
                    message: "cannot open the file (missing, or no permission to read it)"))
            return result
        }
        let sink = XMLIssueSink()
        var validation: xmlSchemaValidCtxtPtr?
        if let schema {
            validation = xmlSchemaNewValidCtxt(schema.pointer)
            if let validation {
                xmlTextReaderSchemaValidateCtxt(reader, validation, 0)
                // After plugging in: the reader redirects the context's errors to its own channels.
                portbooks_xml_set_schema_structured_errors(validation, XMLIssueSink.callback, sink.pointer)
            }
        }
        portbooks_xml_set_thread_structured_errors(XMLIssueSink.callback, sink.pointer)
        defer { portbooks_xml_set_thread_structured_errors(nil, nil) }
        portbooks_xml_silence_generic_errors(1)
        defer { portbooks_xml_silence_generic_errors(0) }
        defer {
            // The reader uses the validation context until it is freed: reader first.
            xmlFreeTextReader(reader)
            if let validation { xmlSchemaFreeValidCtxt(validation) }
        }
        var walker = XMLRecordWalker(reader: reader, sink: sink, file: displayName, input: input)
        try withExtendedLifetime((schema, input)) {
            try walker.walk(result: &result, body: body)
        }
        return result
    }
}

/// The walk over reader nodes: root checks, array wrappers, one record tree at a time.
struct XMLRecordWalker {
    let reader: xmlTextReaderPtr
    let sink: XMLIssueSink
    let file: String
    /// The byte-level limits on the file (an element's text, a piece of markup).
    let input: XMLInputGuard?

    /// Element names and namespaces come from the parser's dictionary: the same pointer for
    /// the same name, so each is turned into a Swift string once per file.
    private var names = InternedNames()
    /// The line where the last record read ended (0 before the first).
    private var lastRecordEndLine = 0

    private struct Builder {
        var name: String
        var position: SourcePosition
        var fields: [SourceNode.Field] = []
        var text = ""

        func node() -> SourceNode {
            fields.isEmpty ? SourceNode(.text(text), at: position) : SourceNode(.object(fields), at: position)
        }
    }

    init(reader: xmlTextReaderPtr, sink: XMLIssueSink, file: String, input: XMLInputGuard? = nil) {
        self.reader = reader
        self.sink = sink
        self.file = file
        self.input = input
    }

    mutating func walk(result: inout ExportReadResult, body: (ExportRecord) throws -> Void) throws {
        var assembler = RecordAssembler(file: file, syntax: .xml)
        var currentKind: RecordKind?
        var stack: [Builder] = []
        var sawRoot = false
        var rootClosed = false
        var pending: PendingRecord?
        var status: Int32 = 1
        var alreadyPositioned = false
        var budget = RecordBudget()
        while true {
            if alreadyPositioned {
                alreadyPositioned = false
            } else {
                status = xmlTextReaderRead(reader)
            }
            if status != 1 { break }
            let type = xmlTextReaderNodeType(reader)
            let depth = Int(xmlTextReaderDepth(reader))
            switch type {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = names.string(xmlTextReaderConstLocalName(reader))
                let namespace = names.string(xmlTextReaderConstNamespaceUri(reader))
                let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                let position = currentPosition()
                // A record that shares a line with the root or a wrapper cannot own that line's schema messages.
                if depth <= 1 { lastRecordEndLine = max(lastRecordEndLine, position.line) }
                if depth == 0 {
                    sawRoot = true
                    guard name == "portproExport", namespace == XMLExportReader.namespace else {
                        let shown = namespace.isEmpty ? name : "\(name) in namespace \(namespace)"
                        report(
                            &result, .notAnExport,
                            "the root element is <\(shown)>; a PortPro export is <portproExport xmlns=\"\(XMLExportReader.namespace)\">",
                            at: position)
                        return
                    }
                    result.shape = .export
                    checkRootAttributes(&result, at: position)
                    continue
                }
                if namespace != XMLExportReader.namespace {
                    // Foreign-namespace extensions (docs/FORMAT.md) are allowed and ignored.
                    if !isEmpty {
                        // xmlTextReaderNext leaves the reader on the node after the subtree.
                        status = xmlTextReaderNext(reader)
                        alreadyPositioned = true
                    }
                    continue
                }
                if depth == 1 {
                    currentKind = RecordKind(arrayName: name)
                    continue
                }
                if depth == 2 {
                    stack.removeAll(keepingCapacity: true)
                    resolve(&pending, before: position.line, into: &result)
                    budget = RecordBudget()
                }
                guard depth >= 2, currentKind != nil else { continue }
                if let exceeded = budget.addElement(depth: depth) {
                    report(&result, .limitExceeded, exceeded, at: position)
                    return
                }
                let builder = Builder(name: name, position: position)
                if isEmpty {
                    if depth == 2 {
                        pending = try finishRecord(
                            builder.node(), kind: currentKind, assembler: &assembler, result: &result, body: body)
                    } else if !stack.isEmpty {
                        stack[stack.count - 1].fields.append(SourceNode.Field(name: name, node: builder.node()))
                    }
                } else {
                    stack.append(builder)
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                if depth == 0 { rootClosed = true }
                if depth <= 1, let record = pending, record.endLine >= currentPosition().line {
                    pending?.ownsItsLines = false
                }
                guard depth >= 2, !stack.isEmpty, currentKind != nil else {
                    if depth == 1 { currentKind = nil }
                    continue
                }
                let finished = stack.removeLast()
                if stack.isEmpty {
                    pending = try finishRecord(
                        finished.node(), kind: currentKind, assembler: &assembler, result: &result, body: body)
                } else {
                    stack[stack.count - 1].fields.append(SourceNode.Field(name: finished.name, node: finished.node()))
                }
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                // CDATA is ordinary text, joined with the text around it: `Smith <![CDATA[&]]> Sons`
                // is "Smith & Sons". (libxml2 2.9's XML_PARSE_NOCDATA loses CDATA when an XSD is
                // plugged into the reader, so CDATA nodes come here as they are.) Whitespace
                // between two CDATA sections belongs to the value; whitespace in an element that
                // already has child elements is indentation, and skipped.
                let isWhitespace = type == Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue)
                if !stack.isEmpty, !isWhitespace || stack[stack.count - 1].fields.isEmpty {
                    let text = string(xmlTextReaderConstValue(reader))
                    let length = stack[stack.count - 1].text.utf8.count + text.utf8.count
                    if let exceeded = budget.addText(text.utf8.count, elementLength: length) {
                        report(&result, .limitExceeded, exceeded, at: currentPosition())
                        return
                    }
                    stack[stack.count - 1].text += text
                }
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue),
                Int32(XML_READER_TYPE_ENTITY.rawValue):
                report(
                    &result, .hostileXML,
                    "DTDs and entity references are not accepted in drop files (they can read files or exhaust memory)",
                    at: currentPosition())
                return
            default:
                continue
            }
        }
        if let stopped = input?.stopped {
            // The read was stopped on purpose: what libxml2 said about the cut (an I/O error, a
            // premature end) is noise; schema messages about earlier lines still count.
            sink.issues.removeAll { $0.domain != Int32(XML_FROM_SCHEMASV.rawValue) || $0.line >= stopped.position.line }
            resolve(&pending, before: Int.max, into: &result)
            report(&result, stopped.code, stopped.message, at: stopped.position)
            return
        }
        if status == -1 && sink.issues.isEmpty && !result.diagnostics.hasErrors {
            // A fatal parse error that did not reach the handler: take libxml2's last error.
            if let last = xmlGetLastError() {
                XMLIssueSink.callback(sink.pointer, last)
            } else {
                report(&result, .syntax, "the XML is not well-formed", at: currentPosition())
            }
        }
        if status == -1, !rootClosed, let last = sink.issues.max(by: { $0.line < $1.line }),
            input?.endsInsideMarkup == true
        {
            // A file cut off inside a tag or a value (a writer that paused, a copy that stopped)
            // makes libxml2 say "expected '>'" or, with the XSD, "Element 'referenc' is not
            // expected" on its last line: that is a truncated file, and says so, so that the
            // drop folder can wait for the rest of it (DropFolder "grace").
            sink.issues.removeAll { $0.line >= last.line }
            sink.issues.append(
                XMLIssue(
                    domain: 0, code: Int32(XML_ERR_TAG_NOT_FINISHED.rawValue), line: last.line,
                    column: last.column, message: "the file ends inside a tag or a value"))
        } else if status == -1, !rootClosed,
            let index = sink.issues.firstIndex(where: {
                $0.code == Int32(XML_ERR_DOCUMENT_END.rawValue) || $0.code == Int32(XML_ERR_TAG_NOT_FINISHED.rawValue)
            })
        {
            // libxml2's push parser words an unexpected end of file as "Extra content at the end".
            sink.issues[index].code = Int32(XML_ERR_TAG_NOT_FINISHED.rawValue)
            sink.issues[index].message = "elements are still open where the file ends"
        }
        // Problems libxml2 reported for the last record and outside any record (root, wrappers,
        // syntax, the end of the file).
        resolve(&pending, before: Int.max, into: &result)
        if status == 0 && !sawRoot && !result.diagnostics.hasErrors {
            report(
                &result, .emptyFile, "the file holds no XML element: there is no export in it",
                at: .init(line: 1, column: 1))
        }
    }

    /// What the record being built has used of ``ReaderLimits``: the nesting, the record's
    /// values and text. (An element's text is bounded earlier, as bytes arrive, by
    /// ``XMLInputGuard``.)
    struct RecordBudget {
        var nodes = 0
        var textBytes = 0

        /// Counts an element at `depth` (the root is 0); the message when it breaks a limit.
        mutating func addElement(depth: Int) -> String? {
            nodes += 1
            // The root element is the export object: level 1, as in JSON.
            if depth + 1 > ReaderLimits.maximumDepth { return ReaderLimits.tooDeepMessage }
            if nodes > ReaderLimits.maximumNodesPerRecord { return ReaderLimits.tooManyValuesMessage }
            return nil
        }

        /// Counts `bytes` more text in an element that then holds `elementLength` bytes.
        mutating func addText(_ bytes: Int, elementLength: Int) -> String? {
            textBytes += bytes
            if elementLength > ReaderLimits.maximumValueBytes { return ReaderLimits.valueTooLongMessage }
            if textBytes > ReaderLimits.maximumRecordTextBytes { return ReaderLimits.recordTooLargeMessage }
            return nil
        }
    }

    /// A record whose decoding is done, waiting for libxml2's schema messages about its lines.
    ///
    /// The parser validates ahead of the nodes the reader hands out, so its messages cannot be
    /// matched to records by arrival; they are matched by line, once the next record starts.
    struct PendingRecord {
        var line: Int
        /// The line of its end tag: schema messages on lines `line...endLine` are about it.
        var endLine: Int
        var decoderFound: Bool
        /// Whether the record has its lines to itself at its start (the previous record ended on
        /// an earlier line): only then can a schema message be tied to it by line. (Minified XML
        /// puts records on one line: a schema message there stays the file's.)
        var ownsItsLines: Bool
        var kind: RecordKind
        var index: Int
        /// The record's tree while the schema may still speak about it (the decoder accepted it):
        /// its `_id` and number are looked for only if it does.
        var node: SourceNode?
    }

    private mutating func finishRecord(
        _ node: SourceNode, kind: RecordKind?, assembler: inout RecordAssembler, result: inout ExportReadResult,
        body: (ExportRecord) throws -> Void
    ) throws -> PendingRecord? {
        guard let kind else { return nil }
        let errorsBefore = result.diagnostics.errorCount
        try assembler.accept(node, kind: kind, result: &result, body: body)
        let found = result.diagnostics.errorCount > errorsBefore
        let endLine = max(currentPosition().line, node.position.line)
        defer { lastRecordEndLine = endLine }
        return PendingRecord(
            line: node.position.line, endLine: endLine, decoderFound: found,
            ownsItsLines: node.position.line > lastRecordEndLine, kind: kind, index: assembler.lastIndex(of: kind),
            node: found ? nil : node)
    }

    /// Reports libxml2's messages on lines before `line`; those on the pending record's own
    /// lines are dropped when the record decoder already explained that record (with its
    /// field path), since they would only repeat it.
    private func resolve(_ pending: inout PendingRecord?, before line: Int, into result: inout ExportReadResult) {
        var kept: [XMLIssue] = []
        var aboutThePending: [Diagnostic] = []
        for issue in sink.issues {
            if issue.line >= line {
                kept.append(issue)
            } else if let record = pending, record.decoderFound, issue.line >= record.line {
                continue
            } else if let record = pending, record.ownsItsLines, issue.domain == Int32(XML_FROM_SCHEMASV.rawValue),
                issue.line >= record.line, issue.line <= record.endLine
            {
                // The schema refuses a record the decoder accepted: that record's problem, not the file's.
                let found = diagnostic(for: issue)
                result.diagnostics.append(found)
                aboutThePending.append(found)
            } else {
                result.diagnostics.append(diagnostic(for: issue))
            }
        }
        if let record = pending, !aboutThePending.isEmpty {
            let probe =
                record.node.map { RecordDecoder(file: file, syntax: .xml).probe($0, as: record.kind) }
                ?? (id: nil, number: nil)
            result.noteInvalid(
                kind: record.kind, index: record.index, portproID: probe.id, number: probe.number,
                position: SourcePosition(line: record.line, column: 1), errors: aboutThePending)
        }
        sink.issues = kept
        pending = nil
    }

    private func diagnostic(for issue: XMLIssue) -> Diagnostic {
        let message = issue.message.replacingOccurrences(of: "{\(XMLExportReader.namespace)}", with: "")
        let code: DiagnosticCode
        if issue.domain == Int32(XML_FROM_SCHEMASV.rawValue) {
            if message.contains("Duplicate key-sequence") {
                code = .duplicateID
            } else if message.contains("Missing child element") || message.contains("is required but missing") {
                code = .missingField
            } else if message.contains("is not an element of the set") {
                code = .unknownValue
            } else {
                code = .schema
            }
        } else if issue.code == Int32(XML_ERR_DOCUMENT_EMPTY.rawValue) {
            code = .emptyFile
        } else if issue.code == Int32(XML_ERR_TAG_NOT_FINISHED.rawValue)
            || issue.code == Int32(XML_ERR_LTSLASH_REQUIRED.rawValue) || message.contains("Premature end")
            || message.contains("EndTag: '</' not found")
        {
            code = .truncated
        } else if issue.code == Int32(XML_ERR_INVALID_CHAR.rawValue) || message.contains("not proper UTF-8")
            || message.contains("encoding")
        {
            code = .encoding
        } else if message.contains("huge text node") || message.contains("too big") || message.contains("too long")
            || message.contains("Excessive depth")
        {
            // libxml2's own caps (10 MB text, 256 levels), should a file get past ours.
            code = .limitExceeded
        } else if issue.code == Int32(XML_ERR_ENTITY_LOOP.rawValue)
            || issue.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue)
            || issue.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) || message.contains("ntity")
        {
            code = .hostileXML
        } else {
            code = .syntax
        }
        var text = message
        if code == .truncated {
            text += " (the file ends in the middle of the document; was it cut off while copying?)"
        }
        return Diagnostic(file: file, line: issue.line, column: max(issue.column, 1), code: code, message: text)
    }

    private func checkRootAttributes(_ result: inout ExportReadResult, at position: SourcePosition) {
        let version = attribute("formatVersion")
        if let version {
            if !(version.hasPrefix("1.") && version.count > 2 && version.dropFirst(2).allSatisfy(\.isNumber)) {
                report(
                    &result, .unsupportedVersion,
                    "formatVersion \"\(version)\" is not supported; this PortBooks reads 1.x", at: position)
            }
            result.formatVersion = version
        }
        // A missing formatVersion is reported by the schema when one is in use.
    }

    private func attribute(_ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { portbooks_xml_free(value) }
        return String(cString: value)
    }

    private func currentPosition() -> SourcePosition {
        let line = Int(xmlTextReaderGetParserLineNumber(reader))
        let column = Int(xmlTextReaderGetParserColumnNumber(reader))
        if let node = xmlTextReaderCurrentNode(reader) {
            let nodeLine = Int(xmlGetLineNo(node))
            if nodeLine > 0 && nodeLine != line { return SourcePosition(line: nodeLine, column: 1) }
        }
        return SourcePosition(line: max(line, 1), column: max(column, 1))
    }

    private func report(
        _ result: inout ExportReadResult, _ code: DiagnosticCode, _ message: String, at position: SourcePosition
    ) {
        result.diagnostics.append(
            Diagnostic(file: file, line: position.line, column: position.column, code: code, message: message))
    }

    private func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}

/// Swift strings for libxml2's interned (dictionary) strings, looked up by address.
struct InternedNames {
    private var byAddress: [UnsafePointer<xmlChar>: String] = [:]

    mutating func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        if let known = byAddress[pointer] { return known }
        let text = String(cString: pointer)
        if byAddress.count < 4096 { byAddress[pointer] = text }
        return text
    }
}
