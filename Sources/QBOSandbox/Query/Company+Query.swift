import Foundation
import PortBooksJSON

extension Company {
    /// The most rows one query answers (`MAXRESULTS` above it is refused).
    static let maxPageSize = 1000

    /// Runs a query and returns the `QueryResponse` object (without the envelope).
    func query(_ text: String, time: CompanyTime) throws(QBOFault) -> JSONValue {
        let stmt = try QueryParser.parse(text)
        guard let kind = EntityKind.named(stmt.entity) else {
            throw QBOFault.queryInvalid("invalid context declaration: \(stmt.entity)")
        }
        // Observed: "Invalid query: QueryValidationError: value 1500 is too large. Max allowed
        // value is 1000" (ruckus/quickbooks-ruby#24).
        if let asked = stmt.maxResults, asked > Company.maxPageSize {
            throw QBOFault.queryInvalid("value \(asked) is too large. Max allowed value is \(Company.maxPageSize)")
        }
        var rows = candidates(kind, stmt.conditions)
        let mentionsActive = stmt.conditions.contains { $0.field.lowercased() == "active" }
        if kind.isNameList, !mentionsActive {
            rows = rows.filter { $0["Active"]?.looseBool != false }
        }
        for condition in stmt.conditions {
            rows = rows.filter { Company.matches($0, condition, time: time) }
        }
        if stmt.selection == .count {
            return ["totalCount": .number(Decimal(rows.count))]
        }
        let orderings = stmt.ordering
        rows.sort { a, b in
            for o in orderings {
                let c = Company.compare(Company.value(a, o.field), Company.value(b, o.field), time: time)
                if c != .orderedSame { return o.descending ? c == .orderedDescending : c == .orderedAscending }
            }
            return (Int(a["Id"]?.stringValue ?? "") ?? 0) < (Int(b["Id"]?.stringValue ?? "") ?? 0)
        }
        let start = max(1, stmt.startPosition ?? 1)
        let maxResults = max(0, stmt.maxResults ?? 100)
        let page = Array(rows.dropFirst(start - 1).prefix(maxResults))
        guard !page.isEmpty else { return .object(JSONObject()) }
        var items = page
        if case .fields(let fields) = stmt.selection {
            items = page.map { row in
                var out = JSONObject()
                for key in ["domain", "Id", "SyncToken"] { out[key] = row[key] }
                out["sparse"] = true
                for f in fields {
                    if let k = row.key(matching: f) { out[k] = row[k] }
                }
                return out
            }
        }
        return [
            kind.name: .array(items.map { .object($0) }), "startPosition": .number(Decimal(start)),
            "maxResults": .number(Decimal(page.count)),
        ]
    }

    /// Rows worth filtering: an index lookup for `Id`/`DocNumber` equality or IN, else all.
    private func candidates(_ kind: EntityKind, _ conditions: [QueryStatement.Condition]) -> [JSONObject] {
        for c in conditions where c.op == .equal || c.op == .inList {
            switch c.field.lowercased() {
            case "id":
                return Set(c.values.map(\.text)).compactMap { object(kind, $0) }
            case "docnumber" where kind == .invoice || kind == .creditMemo:
                return Set(c.values.map(\.text)).flatMap { ids(withDocNumber: $0, kind) }.compactMap {
                    object(kind, $0)
                }
            default: continue
            }
        }
        return all(kind)
    }

    /// The value at a dotted path (`MetaData.LastUpdatedTime`, `CustomerRef`), matching keys
    /// without regard to case; a reference object yields its `value`.
    static func value(_ obj: JSONObject, _ path: String) -> JSONValue? {
        var current: JSONValue = .object(obj)
        for segment in path.split(separator: ".") {
            guard let o = current.objectValue, let k = o.key(matching: String(segment)), let next = o[k] else {
                return nil
            }
            current = next
        }
        if let o = current.objectValue, let v = o["value"] { return v }
        return current
    }

    static func matches(_ obj: JSONObject, _ condition: QueryStatement.Condition, time: CompanyTime) -> Bool {
        let field = value(obj, condition.field)
        switch condition.op {
        case .inList:
            return condition.values.contains { compare(field, literalValue($0), time: time) == .orderedSame }
        case .like:
            guard let text = field.flatMap(stringForm), case .string(let pattern)? = condition.values.first else {
                return false
            }
            return like(text.lowercased(), pattern.lowercased())
        default:
            guard field != nil, let lit = condition.values.first else { return false }
            let c = compare(field, literalValue(lit), time: time)
            switch condition.op {
            case .equal: return c == .orderedSame
            case .less: return c == .orderedAscending
            case .greater: return c == .orderedDescending
            case .lessOrEqual: return c != .orderedDescending
            case .greaterOrEqual: return c != .orderedAscending
            default: return false
            }
        }
    }

    private static func literalValue(_ lit: QueryStatement.Literal) -> JSONValue {
        switch lit {
        case .string(let s): return .string(s)
        case .number(let d): return .number(d)
        case .bool(let b): return .bool(b)
        }
    }

    private static func stringForm(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .number(let d): return d.description
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    private static func looksLikeDate(_ s: String) -> Bool {
        let c = Array(s)
        return c.count >= 10 && c[4] == "-" && c[7] == "-" && c[0].isNumber
    }

    /// Orders two values: dates as instants, numbers numerically, text without regard to case.
    static func compare(_ a: JSONValue?, _ b: JSONValue?, time: CompanyTime) -> ComparisonResult {
        guard let a, let b, !a.isNull, !b.isNull else {
            if (a == nil || a?.isNull == true) && (b == nil || b?.isNull == true) { return .orderedSame }
            return (a == nil || a?.isNull == true) ? .orderedAscending : .orderedDescending
        }
        if let x = a.looseBool, let y = b.looseBool, case .bool = a {
            return x == y ? .orderedSame : (!x ? .orderedAscending : .orderedDescending)
        }
        if let x = a.looseBool, let y = b.looseBool, case .bool = b {
            return x == y ? .orderedSame : (!x ? .orderedAscending : .orderedDescending)
        }
        if let s = a.stringValue, let t = b.stringValue, looksLikeDate(s), looksLikeDate(t),
            let x = time.parse(s), let y = time.parse(t)
        {
            return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
        }
        if let x = a.looseDecimal, let y = b.looseDecimal {
            return x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
        }
        let s = (stringForm(a) ?? "").lowercased()
        let t = (stringForm(b) ?? "").lowercased()
        return s == t ? .orderedSame : (s < t ? .orderedAscending : .orderedDescending)
    }

    /// `%` wildcard matching (the only wildcard QuickBooks supports).
    static func like(_ text: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "%", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return text == pattern }
        var rest = Substring(text)
        for (i, part) in parts.enumerated() {
            if part.isEmpty { continue }
            if i == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if i == parts.count - 1 {
                return rest.hasSuffix(part)
            } else {
                guard let r = rest.range(of: part) else { return false }
                rest = rest[r.upperBound...]
            }
        }
        return true
    }

    /// Change data capture: current objects changed since `since` plus Deleted stubs, at most
    /// 1,000 objects in all (oldest changes first).
    func changes(entities: [EntityKind], since: Date, time: CompanyTime) -> JSONValue {
        var budget = 1000
        var responses: [JSONValue] = []
        for kind in entities {
            var changed: [(Date, JSONValue)] = []
            for obj in all(kind) {
                if let stamp = obj["MetaData"]?["LastUpdatedTime"]?.stringValue, let d = time.parse(stamp), d >= since {
                    changed.append((d, .object(obj)))
                }
            }
            for (id, stamp) in deleted[kind.name] ?? [:] {
                if let d = time.parse(stamp), d >= since {
                    changed.append(
                        (
                            d,
                            [
                                "domain": "QBO", "status": "Deleted", "Id": .string(id),
                                "MetaData": ["LastUpdatedTime": .string(stamp)],
                            ]
                        ))
                }
            }
            changed.sort { $0.0 < $1.0 }
            let taken = Array(changed.prefix(budget))
            budget -= taken.count
            var qr = JSONObject()
            if !taken.isEmpty {
                qr[kind.name] = .array(taken.map { $0.1 })
                qr["startPosition"] = 1
                qr["maxResults"] = .number(Decimal(taken.count))
            }
            responses.append(.object(qr))
        }
        return .array([["QueryResponse": .array(responses)]])
    }
}
