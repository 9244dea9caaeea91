import Foundation
import PortBooksCore

/// Picks the reader for a drop file: by extension, else by its first byte.
///
/// Compiles the XSD once, on the first XML file, and shares it between files.
///
/// Not thread-safe: one per run.
public final class DropFileReaders {
    private var schema: XMLSchema?

    public init() {}

    /// The reader for `path`; `displayName` is what diagnostics show (default: the path).
    public func reader(for path: String, displayName: String? = nil) throws -> any ExportReader {
        let format = ExportFormat(path: path) ?? Self.sniff(path) ?? .json
        switch format {
        case .json:
            return JSONExportReader(path: path, displayName: displayName ?? path)
        case .xml:
            let compiled = try schema ?? XMLSchema.portproExport()
            schema = compiled
            return XMLExportReader(path: path, displayName: displayName ?? path, schema: compiled)
        }
    }

    /// `{` or `[` first means JSON, `<` means XML; anything else is left to the JSON reader to refuse.
    public static func sniff(_ path: String) -> ExportFormat? {
        guard let handle = try? ReadableFile.handle(path) else { return nil }
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
