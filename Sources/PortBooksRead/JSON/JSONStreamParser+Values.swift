import Foundation
import PortBooksCore
import PortBooksJSON

/// The value-level scanning of ``JSONStreamParser``: values, strings, numbers, escapes and the
/// encoding check, shared by every document shape the JSON reader recognises.
extension JSONStreamParser {

    func parseValue(depth: Int, build: Bool) throws -> SourceNode {
        guard depth <= JSONExportReader.maximumDepth else {
            throw stop(.limitExceeded, ReaderLimits.tooDeepMessage)
        }
        if build {
            nodeBudget -= 1
            if nodeBudget < 0 { throw stop(.limitExceeded, ReaderLimits.tooManyValuesMessage) }
        }
        let position = stream.position
        guard let byte = try stream.peek() else { throw truncated(expecting: "a value") }
        switch byte {
        case UInt8(ascii: "{"):
            var fields: [SourceNode.Field] = []
            try parseMembers(depth: depth) { name in
                let value = try parseValue(depth: depth + 1, build: build)
                if build { fields.append(SourceNode.Field(name: name, node: value)) }
            }
            return SourceNode(.object(fields), at: position)
        case UInt8(ascii: "["):
            _ = try stream.next()
            var items: [SourceNode] = []
            var first = true
            while true {
                try skipWhitespace()
                guard let next = try stream.peek() else { throw truncated(expecting: "a value or ]") }
                if next == UInt8(ascii: "]") {
                    _ = try stream.next()
                    break
                }
                if !first {
                    guard next == UInt8(ascii: ",") else {
                        throw stop(.syntax, "expected , or ] in an array, found \(describe(next))")
                    }
                    _ = try stream.next()
                    try skipWhitespace()
                }
                first = false
                let item = try parseValue(depth: depth + 1, build: build)
                if build { items.append(item) }
            }
            return SourceNode(.array(items), at: position)
        case UInt8(ascii: "\""):
            let text = try parseString()
            if build {
                textBudget -= text.utf8.count
                if textBudget < 0 { throw stop(.limitExceeded, ReaderLimits.recordTooLargeMessage, at: position) }
            }
            return SourceNode(.text(text), at: position)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return SourceNode(.number(try parseNumber()), at: position)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return SourceNode(.bool(true), at: position)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return SourceNode(.bool(false), at: position)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return SourceNode(.null, at: position)
        default:
            throw stop(.syntax, "expected a value, found \(describe(byte))")
        }
    }

    /// Consumes an object from its `{` to its `}`, calling `member` with each field name once
    /// the reader stands on that field's value; `member` must consume the value.
    ///
    /// A name the object already has stops the read (``DiagnosticCode/duplicateField``): RFC
    /// 8259 leaves duplicates' meaning open, Python's json and jsonschema keep the last one,
    /// and PortBooks would read the first, so the same file would mean two different records.
    /// `depth` is the object's nesting level (the document is 0; its values are at 1), whose
    /// name list is reused.
    func parseMembers(depth: Int, _ member: (String) throws -> Void) throws {
        _ = try stream.next()
        while memberNames.count <= depth { memberNames.append(MemberNames()) }
        memberNames[depth].removeAll()
        var first = true
        while true {
            try skipWhitespace()
            guard let byte = try stream.peek() else { throw truncated(expecting: "a field name or }") }
            if byte == UInt8(ascii: "}") {
                _ = try stream.next()
                break
            }
            if !first {
                guard byte == UInt8(ascii: ",") else {
                    throw stop(.syntax, "expected , or } after a field, found \(describe(byte))")
                }
                _ = try stream.next()
                try skipWhitespace()
            }
            first = false
            guard let quote = try stream.peek() else { throw truncated(expecting: "a field name") }
            guard quote == UInt8(ascii: "\"") else {
                throw stop(.syntax, "expected a field name in double quotes, found \(describe(quote))")
            }
            let keyPosition = stream.position
            let key = try parseString()
            if let earlier = memberNames[depth].insert(key, at: keyPosition) {
                throw stop(
                    .duplicateField,
                    "the field \"\(key)\" appears twice in one object (first on line \(earlier.line), column "
                        + "\(earlier.column)); readers disagree on which one counts, so the file is refused. "
                        + "Keep one of them", at: keyPosition)
            }
            try expectColon()
            try skipWhitespace()
            try member(key)
        }
    }

    func skipValue(depth: Int) throws {
        _ = try parseValue(depth: depth, build: false)
    }

    func expectColon() throws {
        try skipWhitespace()
        guard let byte = try stream.next() else { throw truncated(expecting: ":") }
        guard byte == UInt8(ascii: ":") else {
            throw stop(.syntax, "expected : after a field name, found \(describe(byte))")
        }
    }

    func expectLiteral(_ word: String) throws {
        let position = stream.position
        for expected in word.utf8 {
            guard let byte = try stream.next() else { throw truncated(expecting: word) }
            guard byte == expected else {
                throw stop(.syntax, "expected \(word) here (strings need double quotes)", at: position)
            }
        }
    }

    @inline(__always)
    func skipWhitespace() throws {
        while let byte = try stream.peek() {
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            _ = try stream.next()
        }
    }

    func parseNumber() throws -> String {
        let position = stream.position
        scratch.removeAll(keepingCapacity: true)
        while let byte = try stream.peek() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard scratch.count < ReaderLimits.maximumValueBytes else {
                    throw stop(.limitExceeded, ReaderLimits.valueTooLongMessage, at: position)
                }
                scratch.append(byte)
                _ = try stream.next()
            default:
                return try checkedNumber(at: position)
            }
        }
        return try checkedNumber(at: position)
    }

    /// Checks the JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    func checkedNumber(at position: SourcePosition) throws -> String {
        var index = 0
        let bytes = scratch
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        var valid = integerDigits > 0 && !(integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0"))
        if valid, index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            valid = digits() > 0
        }
        if valid, index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            valid = digits() > 0
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard valid, index == bytes.count else {
            throw stop(.syntax, "\"\(text)\" is not a valid JSON number", at: position)
        }
        return text
    }

    func parseString() throws -> String {
        let start = stream.position
        _ = try stream.next()
        scratch.removeAll(keepingCapacity: true)
        var ascii = true
        while true {
            guard let byte = try stream.next() else { throw truncated(expecting: "the end of a string") }
            switch byte {
            case UInt8(ascii: "\""):
                // Most strings are ASCII: no validation needed, and no generic-metadata lookup.
                if ascii { return String(decoding: scratch, as: UTF8.self) }
                guard let text = String(validating: scratch, as: UTF8.self) else {
                    throw stop(
                        .encoding,
                        "this string is not valid UTF-8; save the file as UTF-8 (it looks like Latin-1 or Windows-1252)",
                        at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0x00..<0x20:
                throw stop(
                    .syntax,
                    byte == 0x0A
                        ? "a string is not closed before the end of the line (missing \")"
                        : "a control character (0x\(String(byte, radix: 16))) inside a string must be escaped",
                    at: start)
            default:
                if byte >= 0x80 { ascii = false }
                scratch.append(byte)
            }
            // Checked per byte, so a 100 MB string costs 1 MiB, not 100 MB, before it is refused.
            if scratch.count > ReaderLimits.maximumValueBytes {
                throw stop(.limitExceeded, ReaderLimits.valueTooLongMessage, at: start)
            }
        }
    }

    func parseEscape() throws {
        let position = stream.position
        guard let escaped = try stream.next() else { throw truncated(expecting: "an escape sequence") }
        if let simple = JSONEscape.byte(for: escaped) {
            scratch.append(simple)
            return
        }
        switch escaped {
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard try stream.next() == UInt8(ascii: "\\"), try stream.next() == UInt8(ascii: "u") else {
                    throw stop(.syntax, "a \\u escape starts a surrogate pair that is not completed", at: position)
                }
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw stop(.syntax, "a \\u surrogate pair is invalid", at: position)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw stop(.syntax, "a lone \\u surrogate is not a character", at: position)
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                throw stop(.syntax, "a \\u escape is not a character", at: position)
            }
            scratch.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw stop(.syntax, "\\\(describeRaw(escaped)) is not a JSON escape", at: position)
        }
    }

    func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try stream.next() else { throw truncated(expecting: "4 hex digits") }
            guard let digit = JSONEscape.hexValue(byte) else {
                throw stop(.syntax, "\\u must be followed by 4 hex digits")
            }
            value = value << 4 | digit
        }
        return value
    }

    // MARK: Encoding

    /// Refuses UTF-16/UTF-32 (by BOM or by NUL bytes) and skips a UTF-8 BOM.
    func checkEncoding() throws {
        let head = try stream.prefix(4)
        let origin = SourcePosition(line: 1, column: 1)
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || head.contains(0x00) {
            throw stop(
                .encoding, "the file is UTF-16 or UTF-32; PortBooks reads UTF-8 only (save it as UTF-8)", at: origin)
        }
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            stream.skipWithoutColumn(3)
        }
    }

    func describe(_ byte: UInt8) -> String {
        "'\(describeRaw(byte))'"
    }

    func describeRaw(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
        return "0x" + String(byte, radix: 16, uppercase: true)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
