import CLibXML2
import PortBooksCore

/// libxml2's process-wide set-up, done once before any parse: the parser initialised and
/// an external-entity loader installed that refuses every file and URL.
///
/// See `xmlInitParser` and `xmlSetExternalEntityLoader` (libxml2 parser.h).
enum LibXML2 {
    private static let initialised: Bool = {
        xmlInitParser()
        portbooks_xml_install_refusing_entity_loader()
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }

    /// Parser options for untrusted files (shared/PITFALLS.md 2): no network, no entity
    /// substitution, no DTD loading, nothing printed behind our back.
    ///
    /// Not `XML_PARSE_NOCDATA`: with an XSD validation context plugged into the reader
    /// (`xmlTextReaderSchemaValidateCtxt`), libxml2 2.9.14 then drops CDATA content from the
    /// nodes it hands out (`Smith <![CDATA[&]]> Sons` came out as "Smith  Sons", a value that
    /// is only CDATA as missing) while the validator still sees it. CDATA sections arrive as
    /// their own nodes instead, and ``XMLRecordWalker`` joins them with the text around them.
    static var safeOptions: Int32 {
        Int32(XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue)
    }
}

/// One libxml2 error as PortBooks reports it.
struct XMLIssue {
    var domain: Int32
    var code: Int32
    var line: Int
    var column: Int
    var message: String
}

/// Receives libxml2's structured errors through an `Unmanaged` pointer (callbacks capture nothing).
final class XMLIssueSink {
    var issues: [XMLIssue] = []

    static let callback: portbooks_xml_structured_error = { userData, error in
        guard let userData, let error else { return }
        let sink = Unmanaged<XMLIssueSink>.fromOpaque(userData).takeUnretainedValue()
        let raw = error.pointee
        var message = raw.message.map { String(cString: $0) } ?? "unknown XML error"
        while message.last?.isNewline == true || message.last == " " { message.removeLast() }
        sink.issues.append(
            XMLIssue(
                domain: raw.domain, code: raw.code, line: Int(raw.line), column: Int(raw.int2), message: message))
    }

    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
