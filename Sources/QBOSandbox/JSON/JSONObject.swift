import Foundation
import PortBooksJSON

/// A JSON object of the shared ``JSONValue`` (PortBooksJSON): the sandbox's entities are these.
/// Written with their keys sorted, as the client writes its payloads.
typealias JSONObject = [String: JSONValue]

extension Dictionary where Key == String, Value == JSONValue {
    /// An object of these members; a later repeat of a key wins.
    init(_ pairs: [(String, JSONValue)]) {
        self.init(pairs, uniquingKeysWith: { _, last in last })
    }

    /// The members, by key.
    var pairs: [(String, JSONValue)] {
        keys.sorted().compactMap { key in self[key].map { (key, $0) } }
    }

    /// The key that matches `name` ignoring case (query paths are case-insensitive).
    func key(matching name: String) -> String? {
        if self[name] != nil { return name }
        let lower = name.lowercased()
        return keys.sorted().first { $0.lowercased() == lower }
    }
}

extension JSONValue {
    /// The number; a numeric string (`"12.50"`) counts too, as QuickBooks accepts both.
    var looseDecimal: Decimal? {
        switch self {
        case .number(let number): number
        case .string(let text): Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }

    /// The boolean; `"true"` and `"false"` strings count too.
    var looseBool: Bool? {
        switch self {
        case .bool(let flag): flag
        case .string(let text) where text.lowercased() == "true": true
        case .string(let text) where text.lowercased() == "false": false
        default: nil
        }
    }
}
