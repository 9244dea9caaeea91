import Foundation

/// Parses the QuickBooks query language subset, answering 4000 with a JavaCC-style message
/// (`Encountered " <IDENTIFIER> "OR "" at line 1, column 40.`) on a syntax error.
struct QueryParser {
    private enum Kind: Equatable {
        case word(String)
        case string(String)
        case number(Decimal)
        case symbol(String)
        case end
    }

    private struct Token {
        var kind: Kind
        var column: Int
        var raw: String
    }

    private var tokens: [Token] = []
    private var position = 0

    static func parse(_ text: String) throws(QBOFault) -> QueryStatement {
        var parser = QueryParser()
        parser.tokens = try tokenize(text)
        return try parser.statement()
    }

    private static func tokenize(_ text: String) throws(QBOFault) -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        if let curly = chars.firstIndex(where: { "\u{2018}\u{2019}\u{201C}\u{201D}".contains($0) }) {
            // Intuit's lexer refuses typographic quotes anywhere, even inside a literal.
            let scalar = chars[curly].unicodeScalars.first?.value ?? 0
            throw QBOFault.queryParse(
                "Lexical error at line 1, column \(curly + 1).  Encountered: \"\\u\(String(scalar, radix: 16))\" (\(scalar)), after : \"\""
            )
        }
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c.isWhitespace {
                i += 1
            } else if c == "'" {
                var value = ""
                var j = i + 1
                var closed = false
                while j < chars.count {
                    if chars[j] == "\\", j + 1 < chars.count {
                        value.append(chars[j + 1])
                        j += 2
                    } else if chars[j] == "'" {
                        closed = true
                        j += 1
                        break
                    } else {
                        value.append(chars[j])
                        j += 1
                    }
                }
                guard closed else {
                    throw QBOFault.queryParse(
                        "Lexical error at line 1, column \(chars.count + 1).  Encountered: <EOF> after : \"'\(value)\"")
                }
                tokens.append(Token(kind: .string(value), column: column, raw: String(chars[i..<j])))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." {
                    j += 1
                }
                let word = String(chars[i..<j])
                tokens.append(Token(kind: .word(word), column: column, raw: word))
                i = j
            } else if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i + 1
                while j < chars.count, chars[j].isNumber || chars[j] == "." { j += 1 }
                let raw = String(chars[i..<j])
                guard let d = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")) else {
                    throw QBOFault.queryParse("Encountered \"\(raw)\" at line 1, column \(column).")
                }
                tokens.append(Token(kind: .number(d), column: column, raw: raw))
                i = j
            } else if "<>".contains(c) {
                if i + 1 < chars.count, chars[i + 1] == "=" {
                    tokens.append(Token(kind: .symbol(String(c) + "="), column: column, raw: String(c) + "="))
                    i += 2
                } else {
                    tokens.append(Token(kind: .symbol(String(c)), column: column, raw: String(c)))
                    i += 1
                }
            } else if "=*(),".contains(c) {
                tokens.append(Token(kind: .symbol(String(c)), column: column, raw: String(c)))
                i += 1
            } else {
                let scalar = c.unicodeScalars.first?.value ?? 0
                let escaped = scalar > 127 ? String(format: "\\u%04x", scalar) : String(c)
                throw QBOFault.queryParse(
                    "Lexical error at line 1, column \(column).  Encountered: \"\(escaped)\" (\(scalar)), after : \"\"")
            }
        }
        tokens.append(Token(kind: .end, column: chars.count + 1, raw: "<EOF>"))
        return tokens
    }

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private func unexpected(_ expecting: [String]) -> QBOFault {
        let t = current
        let label: String
        switch t.kind {
        case .word: label = "<IDENTIFIER>"
        case .string: label = "<STRING>"
        case .number: label = "<INTEGER>"
        case .symbol: label = "\"\(t.raw)\""
        case .end: label = "<EOF>"
        }
        var message = "Encountered \" \(label) \"\(t.raw) \"\" at line 1, column \(t.column)."
        if !expecting.isEmpty {
            message += "\nWas expecting one of:\n" + expecting.map { "    \($0) ...\n" }.joined()
        }
        return QBOFault.queryParse(message)
    }

    private func isKeyword(_ word: String) -> Bool {
        if case .word(let w) = current.kind { return w.uppercased() == word }
        return false
    }

    private mutating func expectKeyword(_ word: String) throws(QBOFault) {
        guard isKeyword(word) else { throw unexpected(["\"\(word)\""]) }
        position += 1
    }

    private mutating func expectSymbol(_ symbol: String) throws(QBOFault) {
        guard current.kind == .symbol(symbol) else { throw unexpected(["\"\(symbol)\""]) }
        position += 1
    }

    private mutating func identifier() throws(QBOFault) -> String {
        guard case .word(let w) = current.kind else { throw unexpected(["<IDENTIFIER>"]) }
        position += 1
        return w
    }

    private mutating func statement() throws(QBOFault) -> QueryStatement {
        try expectKeyword("SELECT")
        let selection: QueryStatement.Selection
        if current.kind == .symbol("*") {
            position += 1
            selection = .all
        } else if isKeyword("COUNT") {
            position += 1
            try expectSymbol("(")
            try expectSymbol("*")
            try expectSymbol(")")
            selection = .count
        } else {
            var fields = [try identifier()]
            while current.kind == .symbol(",") {
                position += 1
                fields.append(try identifier())
            }
            selection = .fields(fields)
        }
        try expectKeyword("FROM")
        var stmt = QueryStatement(selection: selection, entity: try identifier())
        if isKeyword("WHERE") {
            position += 1
            stmt.conditions.append(try condition())
            while isKeyword("AND") {
                position += 1
                stmt.conditions.append(try condition())
            }
        }
        while current.kind != .end {
            if isKeyword("ORDERBY") || isKeyword("ORDER") {
                if isKeyword("ORDER") {
                    position += 1
                    try expectKeyword("BY")
                } else {
                    position += 1
                }
                repeat {
                    if current.kind == .symbol(",") { position += 1 }
                    let field = try identifier()
                    var descending = false
                    if isKeyword("DESC") {
                        descending = true
                        position += 1
                    } else if isKeyword("ASC") {
                        position += 1
                    }
                    stmt.ordering.append(.init(field: field, descending: descending))
                } while current.kind == .symbol(",")
            } else if isKeyword("STARTPOSITION") {
                position += 1
                stmt.startPosition = try integer()
            } else if isKeyword("MAXRESULTS") {
                position += 1
                stmt.maxResults = try integer()
            } else {
                throw unexpected(["\"ORDERBY\"", "\"STARTPOSITION\"", "\"MAXRESULTS\"", "<EOF>"])
            }
        }
        return stmt
    }

    private mutating func integer() throws(QBOFault) -> Int {
        guard case .number(let d) = current.kind, let n = Int(d.description) else { throw unexpected(["<INTEGER>"]) }
        position += 1
        return n
    }

    private mutating func literal() throws(QBOFault) -> QueryStatement.Literal {
        switch current.kind {
        case .string(let s):
            position += 1
            return .string(s)
        case .number(let d):
            position += 1
            return .number(d)
        case .word(let w) where w.lowercased() == "true" || w.lowercased() == "false":
            position += 1
            return .bool(w.lowercased() == "true")
        default:
            throw unexpected(["<STRING>", "<INTEGER>", "\"true\"", "\"false\""])
        }
    }

    private mutating func condition() throws(QBOFault) -> QueryStatement.Condition {
        let field = try identifier()
        if isKeyword("IN") {
            position += 1
            try expectSymbol("(")
            var values = [try literal()]
            while current.kind == .symbol(",") {
                position += 1
                values.append(try literal())
            }
            try expectSymbol(")")
            return .init(field: field, op: .inList, values: values)
        }
        if isKeyword("LIKE") {
            position += 1
            return .init(field: field, op: .like, values: [try literal()])
        }
        guard case .symbol(let s) = current.kind, let op = QueryStatement.Operator(rawValue: s) else {
            throw unexpected(["\"=\"", "\"<\"", "\">\"", "\"<=\"", "\">=\"", "\"IN\"", "\"LIKE\""])
        }
        position += 1
        return .init(field: field, op: op, values: [try literal()])
    }
}
