import Foundation
import PortBooksCore
import PortBooksXML

/// Picks the reader for a drop file: by extension, else by its first byte.
///
/// Compiles the XSD once, on the first XML file, and shares it between files.
final class DropFileReaders {
    private var schema: XMLSchema?

    init() {}

    func reader(for path: String) throws -> any ExportReader {
        let format = ExportFormat(path: path) ?? Self.sniff(path) ?? .json
        switch format {
        case .json:
            return JSONExportReader(path: path, displayName: path)
        case .xml:
            let compiled = try schema ?? XMLSchema.portproExport()
            schema = compiled
            return XMLExportReader(path: path, displayName: path, schema: compiled)
        }
    }

    /// `{` or `[` first means JSON, `<` means XML; anything else is left to the JSON reader to refuse.
    static func sniff(_ path: String) -> ExportFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
        let first = head.drop(while: { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 <= 0x20 }).first
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        default: return nil
        }
    }
}

/// Writing to the terminal's streams.
enum Terminal {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
