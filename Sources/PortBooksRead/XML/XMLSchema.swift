import CLibXML2
import Foundation
import PortBooksCore

/// A compiled XML Schema (`xmlSchemaPtr`), read-only once built and so shareable between readers.
///
/// Wraps `xmlSchemaNewMemParserCtxt` / `xmlSchemaParse` (libxml2 xmlschemas.h).
public final class XMLSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr

    /// The drop-file schema, `schemas/portpro-export.xsd`, compiled into the tool — without
    /// its `xs:unique` constraints.
    ///
    /// Those constraints are for standard validators (`xmllint --schema`). libxml2 keeps an
    /// identity-constraint table that grows with the document (a 1 GB export peaked at 220 MB),
    /// while the reader's own duplicate check (``RecordAssembler``) keeps 8 bytes per id and
    /// reports the same problem with the record's path.
    public static func portproExport() throws -> XMLSchema {
        try XMLSchema(text: withoutIdentityConstraints(EmbeddedSchema.portproExportXSD), name: "portpro-export.xsd")
    }

    /// The schema text without `<xs:unique>…</xs:unique>` (and `xs:key`) blocks.
    static func withoutIdentityConstraints(_ text: String) -> String {
        var result = text
        for element in ["xs:unique", "xs:key"] {
            while let start = result.range(of: "<\(element) "),
                let end = result.range(of: "</\(element)>", range: start.upperBound..<result.endIndex)
            {
                result.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        return result
    }

    /// Compiles a schema from its text; errors name the schema's lines.
    public init(text: String, name: String) throws {
        LibXML2.ensureInitialised()
        let sink = XMLIssueSink()
        let bytes = Array(text.utf8)
        let parsed: xmlSchemaPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                guard let context = xmlSchemaNewMemParserCtxt(base, Int32(buffer.count)) else { return nil }
                defer { xmlSchemaFreeParserCtxt(context) }
                portbooks_xml_set_parser_structured_errors(context, XMLIssueSink.callback, sink.pointer)
                return xmlSchemaParse(context)
            }
        }
        guard let parsed else {
            let detail = sink.issues.first.map { "line \($0.line): \($0.message)" } ?? "unknown error"
            throw XMLSchemaError.invalidSchema(name: name, detail: detail)
        }
        pointer = parsed
    }

    deinit {
        xmlSchemaFree(pointer)
    }
}

/// A schema that does not compile: a programming or packaging error, reported with its line.
public enum XMLSchemaError: Error, CustomStringConvertible {
    case invalidSchema(name: String, detail: String)

    public var description: String {
        switch self {
        case .invalidSchema(let name, let detail): "the XML schema \(name) does not compile: \(detail)"
        }
    }
}
