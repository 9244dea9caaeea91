import Foundation
import PortBooksCore

/// Checks an XML file's first bytes before libxml2 sees it: the encoding (UTF-8 only, BOM
/// allowed), that it is XML at all, and that no DOCTYPE precedes the root element.
///
/// A DOCTYPE is where entities, parameter entities and external references live; refusing it
/// here means no DTD is ever parsed, whatever libxml2's own defences.
enum XMLProlog {
    /// How far to look for the root element; a prolog longer than this is refused.
    static let scanLimit = 1 << 16

    static func check(path: String, file: String) -> Diagnostic? {
        let handle: FileHandle
        do {
            handle = try ReadableFile.handle(path)
        } catch {
            return Diagnostic.unreadable(file: file, error)
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: scanLimit)) ?? Data())
        func at(_ code: DiagnosticCode, _ message: String, line: Int = 1, column: Int = 1) -> Diagnostic {
            Diagnostic(file: file, line: line, column: column, code: code, message: message)
        }
        if head.isEmpty || head.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return at(.emptyFile, "the file is empty: there is no export in it")
        }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || head.prefix(4).contains(0x00) {
            return at(.encoding, "the file is UTF-16 or UTF-32; PortBooks reads UTF-8 only (save it as UTF-8)")
        }
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let firstNonSpace = bytes.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
            firstNonSpace == UInt8(ascii: "<")
        else {
            if bytes.first(where: { $0 > 0x20 }) == UInt8(ascii: "{") {
                return at(.notAnExport, "this looks like JSON, not XML; give the file a .json name")
            }
            return at(
                .notAnExport, "this is not XML (it does not start with <); a PortPro XML export starts with <?xml")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
            let declaration = text[..<end.lowerBound]
            if let range = declaration.range(of: "encoding") {
                let rest = declaration[range.upperBound...].drop(while: { $0 == " " || $0 == "=" })
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    let value = rest.dropFirst().prefix(while: { $0 != quote })
                    let normalised = value.uppercased()
                    if normalised != "UTF-8" && normalised != "UTF8" {
                        return at(
                            .encoding,
                            "the file declares encoding \"\(value)\"; PortBooks reads UTF-8 only (save it as UTF-8)")
                    }
                }
            }
        }
        // Walk the prolog: declarations, comments and processing instructions, up to the root.
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "<") {
            let rest = text[open...]
            if rest.hasPrefix("<?") {
                guard let close = rest.range(of: "?>") else { return nil }
                index = close.upperBound
            } else if rest.hasPrefix("<!--") {
                guard let close = rest.range(of: "-->") else { return nil }
                index = close.upperBound
            } else if rest.hasPrefix("<!") {
                let (line, column) = lineAndColumn(of: open, in: text)
                return at(
                    .hostileXML,
                    "a DOCTYPE declaration is not accepted in drop files (entities and external references can read files or exhaust memory)",
                    line: line, column: column)
            } else {
                return nil
            }
        }
        return nil
    }

    private static func lineAndColumn(of index: String.Index, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for character in text[..<index] {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
