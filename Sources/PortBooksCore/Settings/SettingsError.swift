/// Everything wrong with a `portbooks.toml`, each issue at its line: the file is refused whole.
///
/// Printed one issue per line as `file:line:col: error: message`, the shape editors jump to.
public struct SettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem in the settings file.
    public struct Issue: Hashable, Sendable, CustomStringConvertible {
        public var file: String
        /// 1-based; 0 when the problem has no line (a missing file, a default value).
        public var line: Int
        /// 1-based; 0 when unknown.
        public var column: Int
        /// The dotted key, e.g. `templates.line_description` or `items.map."BASE PRICE"`.
        public var key: String
        public var message: String

        public init(file: String, line: Int, column: Int, key: String, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.key = key
            self.message = message
        }

        public var description: String {
            "\(FileLocation.text(file: file, line: line, column: column)): error: \(message)"
        }
    }

    public var issues: [Issue]

    public init(issues: [Issue]) {
        self.issues = issues
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
