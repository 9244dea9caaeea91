import PortBooksCore

/// A problem found in an input file, with the place a person can go to fix it.
///
/// Printed as `file:line:col: error: message [code]`, the shape compilers and editors
/// understand. `code` is stable and documented (README "Problem codes").
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    public var file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based, in characters; 0 when unknown.
    public var column: Int
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String

    public init(
        file: String, line: Int, column: Int, severity: Severity = .error, code: DiagnosticCode, message: String
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// The printed form. The file name and the message are untrusted (a file name or a
    /// quoted value may hold a newline or a bidirectional override): both go through
    /// ``DisplayText/escaped(_:)``, so a diagnostic is always one line that says what it says.
    public var description: String {
        "\(FileLocation.text(file: file, line: line, column: column)): \(severity.rawValue): \(escaping: message) "
            + "[\(code.rawValue)]"
    }

    /// The whole-file diagnostic for a file that could not be opened, or that is not a file (a
    /// FIFO, a folder, a device: ``ReadableFile``).
    static func unreadable(file: String, _ refusal: ReadableFile.Refusal) -> Diagnostic {
        let message: String
        switch refusal {
        case .notAFile: message = refusal.reason
        case .cannotOpen(_, let reason): message = "cannot open the file (\(reason))"
        }
        return Diagnostic(file: file, line: 0, column: 0, code: .unreadable, message: message)
    }
}

/// Stable codes of input problems.
public enum DiagnosticCode: String, Hashable, Sendable, CaseIterable {
    /// The file cannot be opened or read.
    case unreadable = "unreadable-file"
    /// Zero bytes, or only whitespace.
    case emptyFile = "empty-file"
    /// Not UTF-8 (UTF-16, Latin-1, …).
    case encoding = "wrong-encoding"
    /// Not a PortPro export (another JSON shape, another XML root, a CSV…).
    case notAnExport = "not-an-export"
    /// The format version is missing or not 1.x.
    case unsupportedVersion = "unsupported-version"
    /// Broken JSON or XML syntax.
    case syntax = "syntax-error"
    /// The file ends in the middle of the document.
    case truncated = "truncated-file"
    /// A DTD, entity or external reference in XML.
    case hostileXML = "forbidden-xml"
    /// A required field is missing or empty.
    case missingField = "missing-field"
    /// A value of the wrong JSON type (a string where an object belongs, …).
    case wrongType = "wrong-type"
    /// A value that breaks its pattern: an amount with letters, a bad day.
    case invalidValue = "invalid-value"
    /// A value outside its list (an unknown status).
    case unknownValue = "unknown-value"
    /// Two records of one kind with the same `_id` in one file.
    case duplicateID = "duplicate-id"
    /// Any other XML Schema violation.
    case schema = "schema-violation"
    /// A value, record or nesting beyond ``ReaderLimits`` (a 1 MiB string, 64 levels deep).
    case limitExceeded = "limit-exceeded"
    /// A JSON object names one member twice (`"reference_number"` twice in one invoice): a
    /// reader that keeps the last one (Python's json, jsonschema) would see another record
    /// than one that keeps the first, so the file is refused.
    case duplicateField = "duplicate-field"
    /// A control character (NUL, ESC, …) in a text field, or a line break or tab in a
    /// one-line field (``TextCharacters``).
    case controlCharacter = "control-character"
    /// A warning: a value of an informational field (docs/FORMAT.md) that is not what the
    /// format describes was left out; the record goes on.
    case informationalValue = "informational-value"
}

/// Collects diagnostics while a run goes on; keeps the first `limit` and counts the rest.
///
/// Not thread-safe: one collector per file being read.
public struct DiagnosticCollector: Sendable {
    public private(set) var kept: [Diagnostic] = []
    public private(set) var errorCount = 0
    public private(set) var warningCount = 0
    public let limit: Int

    public init(limit: Int = 20) {
        self.limit = limit
    }

    public mutating func append(_ diagnostic: Diagnostic) {
        switch diagnostic.severity {
        case .error: errorCount += 1
        case .warning: warningCount += 1
        }
        if kept.count < limit { kept.append(diagnostic) }
    }

    public var hasErrors: Bool { errorCount > 0 }

    /// How many were counted but not kept.
    public var omitted: Int { errorCount + warningCount - kept.count }
}
