import Foundation

/// Encodes an `Encodable` value straight into a `JSONValue`, as `JSONEncoder` followed by
/// `JSONValue.decode` would, without writing and re-reading the text: `Decimal` becomes an
/// exact number, `nil` optionals are left out (`encodeIfPresent`), and a value that encodes
/// nothing becomes `{}`.
public enum JSONValueEncoder {
    /// The JSON value of `value`.
    public static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Node()
        try root.store(value, codingPath: [])
        return root.value
    }

    /// One value under construction; containers add children to it.
    final class Node {
        enum Content {
            case unset
            case leaf(JSONValue)
            case object([String: Node])
            case array([Node])
        }

        var content = Content.unset

        var value: JSONValue {
            switch content {
            case .unset: .object([:])
            case .leaf(let value): value
            case .object(let members): .object(members.mapValues(\.value))
            case .array(let elements): .array(elements.map(\.value))
            }
        }

        func child(forKey key: String) -> Node {
            let node = Node()
            var members: [String: Node] = [:]
            if case .object(let existing) = content { members = existing }
            content = .unset  // drop the reference before mutating, so the dictionary is unique
            members[key] = node
            content = .object(members)
            return node
        }

        func appendChild() -> Node {
            let node = Node()
            var elements: [Node] = []
            if case .array(let existing) = content { elements = existing }
            content = .unset
            elements.append(node)
            content = .array(elements)
            return node
        }

        func makeObject() {
            if case .object = content { return }
            content = .object([:])
        }

        func makeArray() {
            if case .array = content { return }
            content = .array([])
        }

        var arrayCount: Int {
            if case .array(let elements) = content { return elements.count }
            return 0
        }

        func store<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
            switch value {
            case let decimal as Decimal: content = .leaf(.number(decimal))
            case let string as String: content = .leaf(.string(string))
            case let bool as Bool: content = .leaf(.bool(bool))
            case let json as JSONValue: content = .leaf(json)
            case let int as Int: content = .leaf(.number(Decimal(int)))
            case let int as any BinaryInteger: content = .leaf(.number(Decimal(string: "\(int)") ?? 0))
            // Binary floating point as JSONEncoder writes it (its shortest decimal form);
            // PortBooks' own payloads never hold one, money is Decimal.
            case let double as Double: content = .leaf(.number(Decimal(string: "\(double)") ?? 0))
            case let float as Float: content = .leaf(.number(Decimal(string: "\(float)") ?? 0))
            default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
            }
        }
    }

    struct NodeEncoder: Encoder {
        let node: Node
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.makeObject()
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.makeArray()
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(node: node, codingPath: codingPath)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws {
            node.child(forKey: key.stringValue).content = .leaf(.null)
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try node.child(forKey: key.stringValue).store(value, codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = node.child(forKey: key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = node.child(forKey: key.stringValue)
            child.makeArray()
            return Unkeyed(node: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            NodeEncoder(node: node.child(forKey: "super"), codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.arrayCount }

        mutating func encodeNil() throws {
            node.appendChild().content = .leaf(.null)
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try node.appendChild().store(value, codingPath: codingPath)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = node.appendChild()
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = node.appendChild()
            child.makeArray()
            return Unkeyed(node: child, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder {
            NodeEncoder(node: node.appendChild(), codingPath: codingPath)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws {
            node.content = .leaf(.null)
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try node.store(value, codingPath: codingPath)
        }
    }
}
