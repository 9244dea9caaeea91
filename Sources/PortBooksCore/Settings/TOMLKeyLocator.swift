/// Finds where a key is written in a TOML file, by scanning its text.
///
/// TOMLKit keeps no source positions for values, and a settings error must name the line.
/// The scan understands what settings files use: `[table]` and `[a."b c"]` headers, and
/// `key = …` / `"quoted key" = …` / `dotted.key = …` lines. Multi-line strings and arrays are
/// skipped (their inner lines never start a key).
struct TOMLKeyLocator: Sendable {
    /// 1-based line and column of a key's first character.
    struct Position: Hashable, Sendable {
        var line: Int
        var column: Int
    }

    private var positions: [[String]: Position] = [:]

    init(text: String) {
        var table: [String] = []
        var inMultiline: String?
        var bracketDepth = 0
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            if let delimiter = inMultiline {
                if line.contains(delimiter) { inMultiline = nil }
                continue
            }
            if bracketDepth > 0 {
                bracketDepth += Self.bracketBalance(line)
                continue
            }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            let column = line.count - trimmed.count + 1
            guard let first = trimmed.first, first != "#" else { continue }
            if first == "[" {
                let header = trimmed.dropFirst(trimmed.hasPrefix("[[") ? 2 : 1)
                guard let end = Self.unquotedIndex(of: "]", in: header) else { continue }
                table = Self.splitKey(header[..<end])
                positions[table] = positions[table] ?? Position(line: offset + 1, column: column)
                continue
            }
            guard let equals = Self.unquotedIndex(of: "=", in: trimmed) else { continue }
            let key = table + Self.splitKey(trimmed[..<equals])
            positions[key] = positions[key] ?? Position(line: offset + 1, column: column)
            let value = trimmed[trimmed.index(after: equals)...].drop(while: { $0 == " " })
            for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                if !value.dropFirst(3).contains(delimiter) { inMultiline = delimiter }
            }
            if value.hasPrefix("[") { bracketDepth = max(0, Self.bracketBalance(String(value))) }
        }
    }

    /// Where `path` (table names then key) is written; for a key that is not written (a
    /// default), where its table is; `nil` when neither is in the file.
    func position(of path: [String]) -> Position? {
        var candidate = path
        while !candidate.isEmpty {
            if let found = positions[candidate] { return found }
            candidate.removeLast()
        }
        return nil
    }

    private static func bracketBalance(_ line: String) -> Int {
        var balance = 0
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                break
            } else if character == "[" {
                balance += 1
            } else if character == "]" {
                balance -= 1
            }
        }
        return balance
    }

    private static func unquotedIndex(of target: Character, in text: Substring) -> Substring.Index? {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == "\\" && open == "\"" {
                    index = text.index(after: index)
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
            if index < text.endIndex { index = text.index(after: index) }
        }
        return nil
    }

    /// `a."b c".d` → `["a", "b c", "d"]`.
    static func splitKey(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for character in text {
            if let open = quote {
                if escaped {
                    current.append(character)
                    escaped = false
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else if character == open {
                    quote = nil
                } else {
                    current.append(character)
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current)
                current = ""
            } else if character != " " && character != "\t" {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}
