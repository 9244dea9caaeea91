import PortBooksCore

/// A position in a source file: 1-based line and column (in characters).
public struct SourcePosition: Hashable, Sendable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One record's syntax tree, with a position on every value, built by a format reader and
/// turned into the model by ``RecordDecoder``.
///
/// JSON readers build objects, arrays and typed scalars; the XML reader builds objects for
/// elements with child elements and `.text` for the others, so that one decoder serves both.
public struct SourceNode: Hashable, Sendable {
    public indirect enum Value: Hashable, Sendable {
        case object([Field])
        case array([SourceNode])
        /// A JSON string, or the text of an XML element.
        case text(String)
        /// A JSON number, as written.
        case number(String)
        case bool(Bool)
        case null
    }

    public struct Field: Hashable, Sendable {
        public var name: String
        public var node: SourceNode

        public init(name: String, node: SourceNode) {
            self.name = name
            self.node = node
        }
    }

    public var value: Value
    public var position: SourcePosition

    public init(_ value: Value, at position: SourcePosition) {
        self.value = value
        self.position = position
    }

    /// The JSON type name used in messages.
    var typeName: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .text: "a string"
        case .number: "a number"
        case .bool: "true/false"
        case .null: "null"
        }
    }
}

/// Where a record came from, and which syntax built its tree.
public enum SourceSyntax: Sendable {
    case json
    case xml
}
