import Foundation
import PortBooksJSON

/// One QuickBooks company (realm): its objects, counters, deleted stubs and request-id replies.
///
/// Not thread-safe: a `Company` is owned by the `SandboxEngine` actor and only touched from it.
final class Company {
    let realmId: String
    /// Entity name → Id → the object exactly as the API returns it.
    var objects: [String: [String: JSONObject]] = [:]
    /// Id counters per `EntityKind.idSequence`.
    var counters: [String: Int] = [:]
    /// Entity name → Id → `LastUpdatedTime` of the delete, for CDC stubs and 610 answers.
    var deleted: [String: [String: String]] = [:]
    /// `requestid` → the first response it got (replayed verbatim, even after deletes) and the
    /// endpoint it was sent to.
    var replies: [String: StoredReply] = [:]
    /// Highest numeric DocNumber seen per entity, for auto-numbering.
    var docNumberHigh: [String: Int] = [:]
    /// Invoice/CreditMemo Id → Payment Ids that apply to it (derived; rebuilt on load).
    var paymentLinks: [String: Set<String>] = [:]
    /// Entity → DocNumber → Ids carrying it (duplicate checks and DocNumber queries stay O(1)).
    var docIndex: [String: [String: Set<String>]] = [:]
    /// While a batch runs: "Entity/Id" created earlier in the same batch, invisible to references.
    var hiddenInBatch: Set<String>?
    /// Set when anything changed since the last save.
    var dirty = true

    init(realmId: String) {
        self.realmId = realmId
    }

    // MARK: Lookup

    func object(_ kind: EntityKind, _ id: String) -> JSONObject? {
        guard let obj = objects[kind.name]?[id] else { return nil }
        if let hidden = hiddenInBatch, hidden.contains("\(kind.name)/\(id)") { return nil }
        return obj
    }

    func all(_ kind: EntityKind) -> [JSONObject] {
        Array((objects[kind.name] ?? [:]).values)
    }

    func store(_ kind: EntityKind, _ obj: JSONObject) {
        guard let id = obj["Id"]?.stringValue else { return }
        let old = objects[kind.name]?[id]
        objects[kind.name, default: [:]][id] = obj
        reindexDocNumber(kind, id: id, old: old, new: obj)
        dirty = true
    }

    /// Removes an object (a hard delete).
    func remove(_ kind: EntityKind, _ id: String) {
        let old = objects[kind.name]?[id]
        objects[kind.name]?[id] = nil
        reindexDocNumber(kind, id: id, old: old, new: nil)
        dirty = true
    }

    private func reindexDocNumber(_ kind: EntityKind, id: String, old: JSONObject?, new: JSONObject?) {
        let before = old?["DocNumber"]?.stringValue
        let after = new?["DocNumber"]?.stringValue
        guard before != after else { return }
        if let before {
            docIndex[kind.name]?[before]?.remove(id)
            if docIndex[kind.name]?[before]?.isEmpty == true { docIndex[kind.name]?[before] = nil }
        }
        if let after { docIndex[kind.name, default: [:]][after, default: []].insert(id) }
    }

    /// Ids of `kind` objects whose DocNumber is exactly `doc`.
    func ids(withDocNumber doc: String, _ kind: EntityKind) -> Set<String> {
        docIndex[kind.name]?[doc] ?? []
    }

    func nextId(_ kind: EntityKind) -> String {
        let n = (counters[kind.idSequence] ?? 0) + 1
        counters[kind.idSequence] = n
        return String(n)
    }

    /// The single Preferences object.
    var preferences: JSONObject { objects[EntityKind.preferences.name]?["1"] ?? JSONObject() }

    /// `Preferences.SalesFormsPrefs.CustomTxnNumbers`.
    var customTxnNumbers: Bool {
        preferences["SalesFormsPrefs"]?["CustomTxnNumbers"]?.looseBool ?? false
    }

    /// Reads one object or answers 610 the way QuickBooks does for missing and deleted ids.
    func read(_ kind: EntityKind, _ id: String) throws(QBOFault) -> JSONObject {
        if let obj = object(kind, id) { return obj }
        if kind == .preferences || kind == .companyInfo, let first = all(kind).first { return first }
        throw QBOFault.objectNotFound(
            deleted[kind.name]?[id] != nil || kind.isTransaction ? QBOFault.deletedByAnother : QBOFault.madeInactive)
    }

    /// The object an update/delete/void names, with its SyncToken checked (5010 when stale).
    func existingForWrite(_ kind: EntityKind, _ body: JSONObject) throws(QBOFault) -> JSONObject {
        guard let id = nonEmptyString(body["Id"]) else { throw QBOFault.required("Id") }
        let existing: JSONObject
        if kind == .preferences || kind == .companyInfo, let only = all(kind).first {
            existing = only
        } else {
            existing = try read(kind, id)
        }
        guard let token = nonEmptyString(body["SyncToken"]) else { throw QBOFault.required("SyncToken") }
        if token != existing["SyncToken"]?.stringValue { throw QBOFault.stale() }
        return existing
    }

    /// Builds the common head of every object: domain, sparse, Id, SyncToken, MetaData.
    func stamped(
        _ body: JSONObject, id: String, syncToken: Int, created: String?, now: String
    ) -> JSONObject {
        var out = JSONObject()
        out["domain"] = "QBO"
        out["sparse"] = false
        out["Id"] = .string(id)
        out["SyncToken"] = .string(String(syncToken))
        out["MetaData"] = ["CreateTime": .string(created ?? now), "LastUpdatedTime": .string(now)]
        for (k, v) in body.pairs where !["domain", "sparse", "Id", "SyncToken", "MetaData", "status"].contains(k) {
            out[k] = v
        }
        return out
    }

    /// Bumps SyncToken and LastUpdatedTime of an object changed as a side effect.
    func touch(_ obj: inout JSONObject, now: String) {
        let token = Int(obj["SyncToken"]?.stringValue ?? "0") ?? 0
        obj["SyncToken"] = .string(String(token + 1))
        var meta = obj["MetaData"]?.objectValue ?? JSONObject()
        meta["LastUpdatedTime"] = .string(now)
        obj["MetaData"] = .object(meta)
    }
}

/// A response kept for `requestid` replay (its JSON, written again for each replay, off the
/// engine's actor).
struct StoredReply: Sendable, Equatable {
    var status: Int
    var body: JSONValue
    /// `APIRequest.replayEndpoint` of the first request; nil in state saved before it was kept
    /// (such a reply is replayed on any endpoint, as before).
    var endpoint: String?
    /// The body's text, once `--state` has saved it (each reply is written for saving once).
    var savedText: String?
}

/// A non-empty string member; SDKs send `""` for fields they leave unset.
func nonEmptyString(_ value: JSONValue?) -> String? {
    switch value {
    case .string(let s) where !s.isEmpty: return s
    case .number(let d): return d.description
    default: return nil
    }
}

/// Rounds money to cents, half away from zero, the way QuickBooks stores line totals.
func roundCents(_ value: Decimal) -> Decimal {
    var input = value
    var result = Decimal()
    NSDecimalRound(&result, &input, 2, .plain)
    return result
}
