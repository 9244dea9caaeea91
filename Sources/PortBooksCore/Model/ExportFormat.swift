/// The format of a drop file, from its name or, failing that, its first bytes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case json
    case xml

    /// The format by extension (`.json`, `.xml`, any case).
    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".json") {
            self = .json
        } else if lower.hasSuffix(".xml") {
            self = .xml
        } else {
            return nil
        }
    }
}
