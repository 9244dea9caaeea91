import Foundation
import Logging
import PortBooksJSON

/// Keeps sandbox state as JSON files under `--state DIR`: `realms/<realm>.json` per company
/// and `oauth.json`. Files are replaced atomically; the engine saves dirty state at most every
/// half second and on shutdown, so a hard kill loses at most the last moments.
enum StateStore {
    static func realmFile(_ realm: String, in dir: URL) -> URL {
        let safe = realm.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return dir.appendingPathComponent("realms").appendingPathComponent("\(safe).json")
    }

    static func load(from dir: URL, logger: Logger) -> (companies: [String: Company], oauth: OAuthRegistry?) {
        var companies: [String: Company] = [:]
        let realmsDir = dir.appendingPathComponent("realms")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: realmsDir.path)) ?? []
        for file in files where file.hasSuffix(".json") {
            let url = realmsDir.appendingPathComponent(file)
            guard let data = try? Data(contentsOf: url), let value = try? JSONValue.decode(Array(data)),
                let company = Company.restore(value)
            else {
                logger.warning("qbo-sandbox: ignoring unreadable state file", metadata: ["file": "\(url.path)"])
                continue
            }
            companies[company.realmId] = company
        }
        var oauth: OAuthRegistry? = nil
        if let data = try? Data(contentsOf: dir.appendingPathComponent("oauth.json")),
            let value = try? JSONValue.decode(Array(data))
        {
            oauth = OAuthRegistry.restore(value)
        }
        return (companies, oauth)
    }

    static func write(_ value: JSONValue, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(value.serializedBytes()).write(to: url, options: .atomic)
    }

    static func remove(realm: String, from dir: URL?) {
        guard let dir else { return }
        try? FileManager.default.removeItem(at: realmFile(realm, in: dir))
    }
}

extension SandboxEngine {
    /// Writes every changed company and the OAuth state to `--state DIR`; returns how long
    /// it took, so the caller can space saves of a large company further apart.
    @discardableResult
    public func flush() -> TimeInterval {
        let started = Date()
        guard let dir = configuration.stateDirectory else { return 0 }
        for (realm, company) in companies where company.dirty {
            do {
                try StateStore.write(company.snapshot(), to: StateStore.realmFile(realm, in: dir))
                company.dirty = false
            } catch {
                logger.error("qbo-sandbox: could not save state", metadata: ["realm": "\(realm)", "error": "\(error)"])
            }
        }
        if oauth.dirty {
            do {
                try StateStore.write(oauth.snapshot(), to: dir.appendingPathComponent("oauth.json"))
                oauth.dirty = false
            } catch {
                logger.error("qbo-sandbox: could not save OAuth state", metadata: ["error": "\(error)"])
            }
        }
        return Date().timeIntervalSince(started)
    }
}

extension Company {
    func snapshot() -> JSONValue {
        var objs = JSONObject()
        for (entity, byId) in objects.sorted(by: { $0.key < $1.key }) {
            objs[entity] = .array(byId.values.map { .object($0) })
        }
        var del = JSONObject()
        for (entity, byId) in deleted {
            var o = JSONObject()
            for (id, stamp) in byId { o[id] = .string(stamp) }
            del[entity] = .object(o)
        }
        var reps = JSONObject()
        for (rid, r) in replies {
            let text = r.savedText ?? String(decoding: r.body.serializedBytes(), as: UTF8.self)
            if r.savedText == nil { replies[rid]?.savedText = text }
            var saved: JSONObject = ["status": .number(Decimal(r.status)), "body": .string(text)]
            if let endpoint = r.endpoint { saved["endpoint"] = .string(endpoint) }
            reps[rid] = .object(saved)
        }
        var counts = JSONObject()
        for (k, v) in counters { counts[k] = .number(Decimal(v)) }
        var docs = JSONObject()
        for (k, v) in docNumberHigh { docs[k] = .number(Decimal(v)) }
        return [
            "realmId": .string(realmId), "counters": .object(counts), "docNumberHigh": .object(docs),
            "objects": .object(objs), "deleted": .object(del), "replies": .object(reps),
        ]
    }

    static func restore(_ value: JSONValue) -> Company? {
        guard let realm = value["realmId"]?.stringValue else { return nil }
        let c = Company(realmId: realm)
        for (k, v) in value["counters"]?.objectValue?.pairs ?? [] {
            c.counters[k] = Int(v.looseDecimal?.description ?? "") ?? 0
        }
        for (k, v) in value["docNumberHigh"]?.objectValue?.pairs ?? [] {
            c.docNumberHigh[k] = Int(v.looseDecimal?.description ?? "") ?? 0
        }
        for (entity, list) in value["objects"]?.objectValue?.pairs ?? [] {
            for item in list.arrayValue ?? [] {
                if let o = item.objectValue, let kind = EntityKind.named(entity) { c.store(kind, o) }
            }
        }
        for (entity, byId) in value["deleted"]?.objectValue?.pairs ?? [] {
            for (id, stamp) in byId.objectValue?.pairs ?? [] { c.deleted[entity, default: [:]][id] = stamp.stringValue }
        }
        for (rid, r) in value["replies"]?.objectValue?.pairs ?? [] {
            if let text = r["body"]?.stringValue, let body = try? JSONValue.decode(text) {
                c.replies[rid] = StoredReply(
                    status: Int(r["status"]?.looseDecimal?.description ?? "200") ?? 200, body: body,
                    endpoint: r["endpoint"]?.stringValue, savedText: text)
            }
        }
        c.rebuildLinks()
        c.dirty = false
        return c
    }
}

extension OAuthRegistry {
    func snapshot() -> JSONValue {
        var cl = JSONObject()
        for (k, v) in clients { cl[k] = .string(v) }
        var gr = JSONObject()
        for (id, g) in grants {
            gr[id] = [
                "clientId": .string(g.clientId), "realmId": .string(g.realmId), "revoked": .bool(g.revoked),
                "currentRefresh": .string(g.currentRefresh),
                "refreshExpires": .number(Decimal(g.refreshExpires.timeIntervalSince1970)),
            ]
        }
        var rt = JSONObject()
        for (t, g) in refreshTokens { rt[t] = .string(g) }
        var at = JSONObject()
        for (t, a) in accessTokens {
            at[t] = ["grantId": .string(a.grantId), "expires": .number(Decimal(a.expires.timeIntervalSince1970))]
        }
        return [
            "clients": .object(cl), "grants": .object(gr), "refreshTokens": .object(rt), "accessTokens": .object(at),
        ]
    }

    static func restore(_ value: JSONValue) -> OAuthRegistry {
        var r = OAuthRegistry()
        func date(_ v: JSONValue?) -> Date {
            Date(timeIntervalSince1970: NSDecimalNumber(decimal: v?.looseDecimal ?? 0).doubleValue)
        }
        for (k, v) in value["clients"]?.objectValue?.pairs ?? [] { if let s = v.stringValue { r.clients[k] = s } }
        for (id, g) in value["grants"]?.objectValue?.pairs ?? [] {
            r.grants[id] = Grant(
                clientId: g["clientId"]?.stringValue ?? "", realmId: g["realmId"]?.stringValue ?? "",
                revoked: g["revoked"]?.looseBool ?? false, currentRefresh: g["currentRefresh"]?.stringValue ?? "",
                refreshExpires: date(g["refreshExpires"]))
        }
        for (t, g) in value["refreshTokens"]?.objectValue?.pairs ?? [] {
            if let s = g.stringValue { r.refreshTokens[t] = s }
        }
        for (t, a) in value["accessTokens"]?.objectValue?.pairs ?? [] {
            r.accessTokens[t] = Access(grantId: a["grantId"]?.stringValue ?? "", expires: date(a["expires"]))
        }
        return r
    }
}
