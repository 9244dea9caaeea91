import Foundation
import PortBooksJSON

/// Per-write facts: the time, and query-string switches such as `include=allowduplicatedocnum`.
struct WriteOptions {
    var now: Date
    var time: CompanyTime
    var allowDuplicateDocNumber = false

    var meta: String { time.metaTime(now) }
    var today: String { time.day(now) }
}

extension Company {
    /// `POST /{resource}` without `Id`: a create.
    func create(_ kind: EntityKind, _ body: JSONObject, _ options: WriteOptions) throws(QBOFault) -> JSONObject {
        guard kind.creatable else {
            throw QBOFault.unsupportedOperation("Operation Create is not supported for \(kind.name)")
        }
        let id = "pending"
        let obj = try build(kind, input: body, existing: nil, id: id, options)
        let realId = nextId(kind)
        var final = obj
        final["Id"] = .string(realId)
        commit(kind, final, previous: nil, options)
        return final
    }

    /// `POST /{resource}` with `Id` and `SyncToken`: a full or sparse update.
    func update(_ kind: EntityKind, _ body: JSONObject, _ options: WriteOptions) throws(QBOFault) -> JSONObject {
        let existing = try existingForWrite(kind, body)
        let sparse = body["sparse"]?.looseBool ?? false
        var input: JSONObject
        if sparse {
            input = existing
            for (k, v) in body.pairs where !["Id", "SyncToken", "sparse", "domain", "MetaData"].contains(k) {
                if kind == .preferences, let sub = v.objectValue, let old = input[k]?.objectValue {
                    input[k] = .object(Company.deepMerge(old, sub))
                } else {
                    input[k] = v
                }
            }
        } else {
            input = body
            // Server-owned and immutable members survive a full update.
            for key in ["CurrencyRef"] where input[key] == nil { input[key] = existing[key] }
        }
        guard let id = existing["Id"]?.stringValue else { throw QBOFault.required("Id") }
        let obj = try build(kind, input: input, existing: existing, id: id, options)
        commit(kind, obj, previous: existing, options)
        return obj
    }

    /// `?operation=delete`: transactions only; name lists are made inactive instead.
    func delete(_ kind: EntityKind, _ body: JSONObject, _ options: WriteOptions) throws(QBOFault) -> JSONObject {
        guard kind.isTransaction else {
            throw QBOFault.unsupportedOperation("Operation Delete is not supported for \(kind.name)")
        }
        let existing = try existingForWrite(kind, body)
        guard let id = existing["Id"]?.stringValue else { throw QBOFault.required("Id") }
        if kind != .payment, let links = paymentLinks[id], !links.isEmpty {
            throw QBOFault.businessValidation(
                "This transaction is linked to Payment \(links.sorted().joined(separator: ", ")). Delete or void the payment first."
            )
        }
        remove(kind, id)
        deleted[kind.name, default: [:]][id] = options.meta
        afterChange(kind, old: existing, new: nil, options)
        dirty = true
        return ["domain": "QBO", "status": "Deleted", "Id": .string(id)]
    }

    /// `?operation=void` (Invoice, CreditMemo) and `?operation=update&include=void` (Payment).
    func void(_ kind: EntityKind, _ body: JSONObject, _ options: WriteOptions) throws(QBOFault) -> JSONObject {
        guard kind.isTransaction else {
            throw QBOFault.unsupportedOperation("Operation Void is not supported for \(kind.name)")
        }
        let existing = try existingForWrite(kind, body)
        guard let id = existing["Id"]?.stringValue else { throw QBOFault.required("Id") }
        if kind != .payment, let links = paymentLinks[id], !links.isEmpty {
            throw QBOFault.businessValidation(
                "This transaction has payments applied to it (Payment \(links.sorted().joined(separator: ", "))). Void or delete the payment first."
            )
        }
        var obj = existing
        touch(&obj, now: options.meta)
        let note = existing["PrivateNote"]?.stringValue ?? ""
        obj["PrivateNote"] = .string(note.isEmpty ? "Voided" : "Voided - \(note)")
        obj["TotalAmt"] = 0
        if kind == .payment {
            obj["UnappliedAmt"] = 0
            obj["Line"] = .array([])
        } else {
            // "All amounts and quantities are zeroed" (Intuit's void example shows "Qty": 0);
            // UnitPrice, a rate, is kept.
            obj["Line"] = .array((existing["Line"]?.arrayValue ?? []).map(Company.voidedLine))
            obj["Balance"] = 0
            if kind == .creditMemo { obj["RemainingCredit"] = 0 }
            if obj["Deposit"] != nil { obj["Deposit"] = 0 }
            if var tax = obj["TxnTaxDetail"]?.objectValue {
                tax["TotalTax"] = 0
                obj["TxnTaxDetail"] = .object(tax)
            }
            applyHomeAmounts(&obj)
        }
        store(kind, obj)
        afterChange(kind, old: existing, new: obj, options)
        return obj
    }

    /// One line of a voided invoice or credit memo: its amount and quantity zeroed.
    private static func voidedLine(_ line: JSONValue) -> JSONValue {
        guard var l = line.objectValue else { return line }
        if l["Amount"] != nil { l["Amount"] = 0 }
        if var detail = l["SalesItemLineDetail"]?.objectValue, detail["Qty"] != nil {
            detail["Qty"] = 0
            l["SalesItemLineDetail"] = .object(detail)
        }
        return .object(l)
    }

    /// Validates and completes an object for create or update, without storing it.
    private func build(
        _ kind: EntityKind, input: JSONObject, existing: JSONObject?, id: String, _ options: WriteOptions
    ) throws(QBOFault) -> JSONObject {
        let token = existing.flatMap { Int($0["SyncToken"]?.stringValue ?? "") }.map { $0 + 1 } ?? 0
        let created = existing?["MetaData"]?["CreateTime"]?.stringValue
        var obj = stamped(input, id: id, syncToken: token, created: created, now: options.meta)
        switch kind {
        case .customer, .vendor: try completePerson(kind, &obj, id: existing == nil ? nil : id)
        case .item: try completeItem(&obj, id: existing == nil ? nil : id)
        case .account, .term, .classKind, .department, .paymentMethod:
            try completeSimpleList(kind, &obj, id: existing == nil ? nil : id)
        case .invoice, .creditMemo:
            try completeSalesTransaction(kind, &obj, existing: existing, options)
        case .payment: try completePayment(&obj, existing: existing, options)
        case .preferences:
            // CurrencyPrefs is read-only through the API (Intuit API ref preferences); the test
            // API's reset turns multicurrency on.
            if let existing { obj["CurrencyPrefs"] = existing["CurrencyPrefs"] }
        case .companyInfo: break
        default: throw QBOFault.unsupportedOperation("Operation Update is not supported for \(kind.name)")
        }
        return obj
    }

    /// Stores a written object and applies its side effects (links, balances).
    private func commit(_ kind: EntityKind, _ obj: JSONObject, previous: JSONObject?, _ options: WriteOptions) {
        store(kind, obj)
        if let doc = obj["DocNumber"]?.stringValue, let n = Int(doc) {
            docNumberHigh[kind.name] = max(docNumberHigh[kind.name] ?? 0, n)
        }
        afterChange(kind, old: previous, new: obj, options)
    }

    static func deepMerge(_ base: JSONObject, _ patch: JSONObject) -> JSONObject {
        var out = base
        for (k, v) in patch.pairs {
            if let sub = v.objectValue, let old = out[k]?.objectValue {
                out[k] = .object(deepMerge(old, sub))
            } else {
                out[k] = v
            }
        }
        return out
    }

    // MARK: Name checks shared by the name lists

    /// Length and forbidden-character checks for a name field (2050, 2040).
    func checkName(_ value: String, path: String, max: Int, forbidSeparators: Bool = true) throws(QBOFault) {
        if value.count > max { throw QBOFault.tooLong(path, max: max, supplied: value.count) }
        if forbidSeparators, value.contains(where: { $0 == ":" || $0 == "\t" || $0 == "\n" || $0 == "\r\n" }) {
            throw QBOFault.invalidString(path)
        }
    }

    /// Length check for a free-text member (2050).
    func checkLength(_ obj: JSONObject, _ key: String, max: Int, path: String? = nil) throws(QBOFault) {
        if let s = obj[key]?.stringValue, s.count > max {
            throw QBOFault.tooLong(path ?? key, max: max, supplied: s.count)
        }
    }

    /// True when `name` is taken by another object of `kinds` (case-insensitive, inactive included).
    func nameTaken(_ name: String, key: String, in kinds: [EntityKind], except: (EntityKind, String?)) -> Bool {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        for kind in kinds {
            for (otherId, obj) in objects[kind.name] ?? [:] where !(kind == except.0 && otherId == except.1) {
                if obj[key]?.stringValue?.trimmingCharacters(in: .whitespaces).lowercased() == wanted { return true }
            }
        }
        return false
    }

    /// Resolves a `{"value": id}` reference to an active object; 2500 when missing, 610 when inactive.
    @discardableResult
    func resolveRef(_ ref: JSONValue?, _ kind: EntityKind, path: String, required: Bool) throws(QBOFault) -> JSONObject?
    {
        guard let ref, let id = nonEmptyString(ref["value"]) ?? nonEmptyString(ref) else {
            if required { throw QBOFault.required(path) }
            return nil
        }
        guard let obj = object(kind, id) else { throw QBOFault.invalidReference(path) }
        if obj["Active"]?.looseBool == false { throw QBOFault.objectNotFound(QBOFault.madeInactive) }
        return obj
    }

    /// A reference with its display name filled in, as QuickBooks returns it.
    func namedRef(_ obj: JSONObject, nameKey: String = "Name") -> JSONValue {
        var ref = JSONObject()
        ref["value"] = obj["Id"] ?? .null
        if let name = obj[nameKey] { ref["name"] = name }
        return .object(ref)
    }
}
