import Foundation
import PortBooksCore

/// The fields of one object being decoded, with typed accessors that report what is wrong
/// at the value's own position (or the object's, for a missing field).
struct ObjectScope {
    let context: DecodeContext
    let node: SourceNode
    let fieldPath: FieldPath
    /// Records have at most a few dozen fields: a linear search beats hashing every name.
    private let fields: [SourceNode.Field]

    init(context: DecodeContext, node: SourceNode, path: FieldPath, fields: [SourceNode.Field]) {
        self.context = context
        self.node = node
        self.fieldPath = path
        self.fields = fields
    }

    /// The object's path in the document (`invoices[3].chargeSets[0]`), built only for messages.
    var path: String { fieldPath.description }

    private func field(_ name: String) -> SourceNode? {
        for field in fields where field.name == name { return field.node }
        return nil
    }

    private func missing(_ name: String) {
        context.report(.missingField, "\(path): required field \"\(name)\" is missing", at: node.position)
    }

    /// The node of a present, non-null field.
    func optionalNode(_ name: String) -> SourceNode? {
        guard let value = field(name) else { return nil }
        if case .null = value.value { return nil }
        return value
    }

    func requiredNode(_ name: String) -> SourceNode? {
        guard let value = optionalNode(name) else {
            missing(name)
            return nil
        }
        return value
    }

    /// The raw text of a scalar field (a JSON string, or an XML element's text).
    ///
    /// JSON numbers are accepted only where `allowNumber` is set (amounts, counts).
    private func scalar(_ name: String, required: Bool, allowNumber: Bool = false, allowBool: Bool = false)
        -> (String, SourcePosition)?
    {
        guard let value = required ? requiredNode(name) : optionalNode(name) else { return nil }
        switch value.value {
        case .text(let text):
            // One whitespace policy for both formats (docs/FORMAT.md "Whitespace"): spaces, tabs
            // and line breaks around a value are not part of it, so "Northwind Traders " in JSON
            // and in XML are the same name, and a value of only whitespace is a missing one.
            let trimmed = text.trimmingASCIIWhitespace()
            if trimmed.isEmpty {
                if required { missing(name) }
                return nil
            }
            return (trimmed, value.position)
        case .number(let literal) where allowNumber:
            return (literal, value.position)
        case .bool(let flag) where allowBool:
            return (flag ? "true" : "false", value.position)
        default:
            let expected = allowNumber ? "a number or a string" : "a string"
            context.report(
                .wrongType, "\(path).\(name) must be \(expected), found \(value.typeName)", at: value.position)
            return nil
        }
    }

    /// A text field. Control characters are refused with the value's position (README
    /// "Hostile input"): none in a one-line field (a number, a name, a code), and only tab and
    /// line breaks in free text (`multiline`) — see ``TextCharacters``.
    func text(_ name: String, required: Bool = false, maxLength: Int? = nil, multiline: Bool = false) -> String? {
        guard let (text, position) = scalar(name, required: required) else { return nil }
        if let refused = TextCharacters.firstRefused(in: text, multiline: multiline) {
            context.report(
                .controlCharacter, TextCharacters.message(field: "\(path).\(name)", refused: refused),
                at: position)
            return nil
        }
        if let maxLength, text.count > maxLength {
            context.report(
                .invalidValue, "\(path).\(name) is \(text.count) characters long; at most \(maxLength) are allowed",
                at: position)
            return nil
        }
        return text
    }

    /// A required PortPro id.
    func id(_ name: String) -> String? {
        guard let (text, position) = scalar(name, required: true) else { return nil }
        return Self.checkID(text, name: name, position: position, scope: self)
    }

    func optionalID(_ name: String) -> String? {
        guard let (text, position) = scalar(name, required: false) else { return nil }
        return Self.checkID(text, name: name, position: position, scope: self)
    }

    private static func checkID(_ text: String, name: String, position: SourcePosition, scope: ObjectScope)
        -> String?
    {
        let allowed = text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
                UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
        guard allowed, text.utf8.count <= 64 else {
            scope.context.report(
                .invalidValue,
                "\(scope.path).\(name) \"\(text)\" is not a valid id (1–64 letters, digits, _ . : -)", at: position)
            return nil
        }
        return text
    }

    func amount(_ name: String, required: Bool = false) -> Decimal? {
        guard let (text, position) = scalar(name, required: required, allowNumber: true) else { return nil }
        guard let value = Money.parse(text) else {
            context.report(
                .invalidValue,
                "\(path).\(name) \"\(text)\" is not an amount (digits with an optional minus and up to 6 decimals)",
                at: position)
            return nil
        }
        return value
    }

    /// An informational number (a charge's `amount`, `unit`, `chargePerUnit`, `freeUnits`):
    /// what PortPro's JavaScript writes, float artifacts included (`147.07500000000002`,
    /// `0.3333333333333333`, `1.5e2`), kept to 6 decimals (rounded half away from zero). The
    /// product never bills from these fields (`finalAmount` is the billed amount), so a value
    /// that is no number at all is dropped with a warning rather than blocking the record.
    func informationalNumber(_ name: String) -> Decimal? {
        guard let (text, position) = scalar(name, required: false, allowNumber: true) else { return nil }
        if let value = Money.parse(text) { return value }
        if Self.isNumberLiteral(text), let value = Decimal(string: text, locale: Self.posix),
            abs(value) < Self.informationalLimit
        {
            return Money.rounded(value, scale: 6)
        }
        context.warn(
            "\(path).\(name) \"\(text)\" is not a number; the value is left out (the field is informational)",
            at: position)
        return nil
    }

    private static let posix = Locale(identifier: "en_US_POSIX")
    private static let informationalLimit = Decimal(string: "10000000000000", locale: posix) ?? 0

    /// `-?digits(.digits)?([eE][+-]?digits)?`: JSON's number grammar, also accepted in strings.
    static func isNumberLiteral(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func digits() -> Bool {
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index > start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits(), bytes.count - index == 0 else { return false }
        }
        return index == bytes.count
    }

    func count(_ name: String) -> Int? {
        guard let (text, position) = scalar(name, required: false, allowNumber: true) else { return nil }
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let value = Int(text)
        else {
            context.report(.invalidValue, "\(path).\(name) \"\(text)\" is not a whole number of days", at: position)
            return nil
        }
        return value
    }

    func day(_ name: String, required: Bool = false) -> LocalDate? {
        guard let (text, position) = scalar(name, required: required) else { return nil }
        guard Self.isDayOrTimestamp(text, requireTime: false), let day = LocalDate(parsing: text) else {
            context.report(
                .invalidValue, "\(path).\(name) \"\(text)\" is not a date (YYYY-MM-DD, optionally with a time)",
                at: position)
            return nil
        }
        return day
    }

    /// An informational timestamp (`createdAt`, `updatedAt`): kept as written when it reads as
    /// one (a zone written `+0000` or `+00` included); otherwise dropped with a warning.
    func timestamp(_ name: String) -> String? {
        guard let (text, position) = scalar(name, required: false) else { return nil }
        guard Self.isDayOrTimestamp(text, requireTime: true), LocalDate(parsing: text) != nil else {
            context.warn(
                "\(path).\(name) \"\(text)\" is not a timestamp (YYYY-MM-DDThh:mm:ssZ); the value is left out "
                    + "(the field is informational)", at: position)
            return nil
        }
        return text
    }

    /// An informational day (a load's `pickupDate`, `deliveryDate`): like ``day(_:required:)``,
    /// but a value that is no date is dropped with a warning.
    func informationalDay(_ name: String) -> LocalDate? {
        guard let (text, position) = scalar(name, required: false) else { return nil }
        guard Self.isDayOrTimestamp(text, requireTime: false), let day = LocalDate(parsing: text) else {
            context.warn(
                "\(path).\(name) \"\(text)\" is not a date; the value is left out (the field is informational)",
                at: position)
            return nil
        }
        return day
    }

    /// An ISO 4217 code in any case (`usd` is `USD`). QuickBooks' currency comes from it, so a
    /// value that is no code is an error.
    func currency(_ name: String) -> String? {
        guard let (text, position) = scalar(name, required: false) else { return nil }
        let code = text.uppercased()
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            context.report(
                .invalidValue, "\(path).\(name) \"\(text)\" is not an ISO 4217 currency code (e.g. USD)",
                at: position)
            return nil
        }
        return code
    }

    /// A container number, informational: an ISO 6346 number written with lower case, spaces or
    /// a hyphen (`oolu9937483`, `OOLU 993748-3`) is normalised to `OOLU9937483`; anything else
    /// (`TBD`, a number of another scheme) is kept as written.
    func containerNumber(_ name: String) -> String? {
        guard let (text, _) = scalar(name, required: false) else { return nil }
        return Self.normalisedContainerNumber(text)
    }

    static func normalisedContainerNumber(_ text: String) -> String {
        let compact = String(text.uppercased().filter { $0 != " " && $0 != "-" })
        let bytes = Array(compact.utf8)
        let shaped =
            bytes.count == 11 && bytes[0..<3].allSatisfy({ $0 >= 65 && $0 <= 90 })
            && [UInt8(ascii: "U"), UInt8(ascii: "J"), UInt8(ascii: "Z")].contains(bytes[3])
            && bytes[4...].allSatisfy({ $0 >= 48 && $0 <= 57 })
        return shaped ? compact : text
    }

    /// A value from a list (a status the product acts on); a value outside it is an error.
    func choice<Value>(_ name: String, _ spellings: [String: Value]) -> Value? {
        guard let (text, position) = scalar(name, required: false) else { return nil }
        guard let value = spellings[text] else {
            let allowed = spellings.keys.sorted().joined(separator: ", ")
            context.report(
                .unknownValue, "\(path).\(name) \"\(text)\" is not one of: \(allowed)", at: position)
            return nil
        }
        return value
    }

    /// Like ``choice(_:_:)`` for an informational field (`perType`, `type_of_load`): matched
    /// without regard to case (`PerDay` is `perday`), and a value outside the list is dropped
    /// with a warning.
    func informationalChoice<Value>(_ name: String, _ spellings: [String: Value]) -> Value? {
        guard let (text, position) = scalar(name, required: false) else { return nil }
        guard let value = Self.lookUp(text, in: spellings) else {
            let allowed = spellings.keys.sorted().joined(separator: ", ")
            context.warn(
                "\(path).\(name) \"\(text)\" is not one of: \(allowed); the value is left out (the field is "
                    + "informational)", at: position)
            return nil
        }
        return value
    }

    private static func lookUp<Value>(_ text: String, in spellings: [String: Value]) -> Value? {
        if let value = spellings[text] { return value }
        for (spelling, value) in spellings where spelling.caseInsensitiveCompare(text) == .orderedSame {
            return value
        }
        return nil
    }

    /// A payment method: any name, normalised (``PortBooksCore/Payment/Method/normalised(_:)``).
    func paymentMethod(_ name: String) -> Payment.Method? {
        guard let (text, _) = scalar(name, required: false) else { return nil }
        return Payment.Method.normalised(text)
    }

    /// The items of an array field; in XML, the child elements of the wrapper element.
    /// `required`: the field must be there and hold at least one item; `nonEmpty` false lets a
    /// required array be empty (a charge set's `pricing`: an empty one is a problem of the
    /// invoice, found by the mapper, not of the file).
    func array(_ name: String, required: Bool, nonEmpty: Bool = true) -> [SourceNode] {
        guard let value = required ? requiredNode(name) : optionalNode(name) else { return [] }
        let items: [SourceNode]
        switch value.value {
        case .array(let nodes):
            items = nodes
        case .object(let fields) where context.syntax == .xml:
            items = fields.map(\.node)
        case .text(let text) where context.syntax == .xml && text.isASCIIWhitespace:
            items = []
        default:
            context.report(.wrongType, "\(path).\(name) must be an array, found \(value.typeName)", at: value.position)
            return []
        }
        if required && nonEmpty && items.isEmpty {
            context.report(.missingField, "\(path).\(name) must hold at least one item", at: value.position)
        }
        return items
    }

    /// `YYYY-MM-DD`, then (optionally, unless `requireTime`) `Thh:mm[:ss[.f+]][Z|±hh:mm]`.
    static func isDayOrTimestamp(_ text: String, requireTime: Bool) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { $0 >= 48 && $0 <= 57 }
        }
        guard digits(0..<4), bytes.count >= 10, bytes[4] == 45, digits(5..<7), bytes[7] == 45, digits(8..<10)
        else { return false }
        if bytes.count == 10 { return !requireTime }
        guard bytes[10] == UInt8(ascii: "T"), digits(11..<13), bytes.count >= 16, bytes[13] == 58, digits(14..<16)
        else { return false }
        var index = 16
        if index < bytes.count, bytes[index] == 58 {
            guard digits(index + 1..<index + 3) else { return false }
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let start = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                if index == start { return false }
            }
        } else if requireTime {
            return false
        }
        if index == bytes.count { return !requireTime }
        if bytes[index] == UInt8(ascii: "Z") { return index + 1 == bytes.count }
        if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            // ±hh:mm, and the ISO 8601 basic forms ±hhmm and ±hh that JavaScript and Java write.
            switch bytes.count - index {
            case 6: return digits(index + 1..<index + 3) && bytes[index + 3] == 58 && digits(index + 4..<index + 6)
            case 5: return digits(index + 1..<index + 5)
            case 3: return digits(index + 1..<index + 3)
            default: return false
            }
        }
        return false
    }
}

/// The path of a value in a record, kept as links and spelled out only when a message needs it.
final class FieldPath: CustomStringConvertible {
    private let parent: FieldPath?
    private let name: String
    private let index: Int?

    init(_ name: String, index: Int? = nil, parent: FieldPath? = nil) {
        self.parent = parent
        self.name = name
        self.index = index
    }

    func child(_ name: String, index: Int? = nil) -> FieldPath {
        FieldPath(name, index: index, parent: self)
    }

    var description: String {
        var text = parent.map { "\($0.description)." } ?? ""
        text += name
        if let index { text += "[\(index)]" }
        return text
    }
}

extension String {
    /// Whether every byte is an ASCII space, tab, CR or LF (XML's whitespace).
    var isASCIIWhitespace: Bool {
        utf8.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    /// Drops XML whitespace at both ends, byte-wise (no grapheme breaking on the hot path).
    func trimmingASCIIWhitespace() -> String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
        else { return "" }
        guard let last = bytes.lastIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) })
        else { return "" }
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return self }
        return String(self[first...last])
    }
}
