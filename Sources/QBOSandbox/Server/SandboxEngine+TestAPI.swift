import Foundation
import PortBooksJSON
import PortBooksRandom

extension SandboxEngine {
    /// `GET /_sandbox/health`.
    func health() -> SandboxReply {
        .json(["status": "ok", "realms": .number(Decimal(companies.count))])
    }

    /// `POST /_sandbox/reset`: with no body, every company is dropped and the default realm
    /// re-seeded, and stats, faults and throttle windows start over. A body may name `realms`
    /// (only those are reset, stats kept), the `seed` level (`none`, `standard`, `demo`),
    /// `customTxnNumbers`, `multiCurrency` and `homeCurrency` (an ISO 4217 code). OAuth clients
    /// and tokens survive a reset.
    func reset(body: [UInt8]) -> SandboxReply {
        var seed = configuration.seed
        var realms: [String]? = nil
        if !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard let obj = try? JSONValue.decode(body).objectValue else {
                return .json(["error": "reset body must be a JSON object"], status: 400)
            }
            if let level = obj["seed"]?.stringValue {
                guard let l = SeedOptions.Level(rawValue: level) else {
                    return .json(["error": "seed must be one of none, standard, demo"], status: 400)
                }
                seed.level = l
            }
            if let custom = obj["customTxnNumbers"]?.looseBool { seed.customTxnNumbers = custom }
            if let multi = obj["multiCurrency"]?.looseBool { seed.multiCurrency = multi }
            if let home = obj["homeCurrency"] {
                guard let code = home.stringValue?.uppercased(), SeedOptions.isCurrencyCode(code) else {
                    return .json(["error": "homeCurrency must be an ISO 4217 currency code"], status: 400)
                }
                seed.homeCurrency = code
            }
            if let list = obj["realms"]?.arrayValue { realms = list.compactMap { nonEmptyString($0) } }
            if let one = nonEmptyString(obj["realm"]) { realms = (realms ?? []) + [one] }
        }
        if let realms {
            for realm in realms {
                companies[realm] = Self.makeCompany(realm, seed: seed, configuration: configuration)
                throttles[realm] = nil
            }
        } else {
            for realm in companies.keys { StateStore.remove(realm: realm, from: configuration.stateDirectory) }
            companies = [
                configuration.defaultRealm: Self.makeCompany(
                    configuration.defaultRealm, seed: seed, configuration: configuration)
            ]
            stats = SandboxStats()
            faults = FaultSettings()
            random = SplitMix64(state: 0)
            throttles = [:]
        }
        let names = (realms ?? [configuration.defaultRealm]).map { JSONValue.string($0) }
        return .json([
            "realms": .array(names), "seed": .string(seed.level.rawValue),
            "customTxnNumbers": .bool(seed.customTxnNumbers), "multiCurrency": .bool(seed.multiCurrency),
            "homeCurrency": .string(seed.homeCurrency),
        ])
    }

    /// `GET /_sandbox/realms`.
    func realmList() -> SandboxReply {
        .json(.array(companies.keys.sorted().map { .string($0) }))
    }

    /// `GET /_sandbox/realms/{realm}/{Entity}`: every object, by Id, inactive ones included.
    func dump(realm: String, entity: String) -> SandboxReply {
        guard let company = companies[realm] else {
            return .json(["error": .string("unknown realm \(realm)")], status: 404)
        }
        guard let kind = EntityKind.named(entity) ?? EntityKind.forResource(entity) else {
            return .json(["error": .string("unknown entity \(entity)")], status: 404)
        }
        let rows = company.all(kind).sorted { a, b in
            let x = a["Id"]?.stringValue ?? ""
            let y = b["Id"]?.stringValue ?? ""
            if let i = Int(x), let j = Int(y) { return i < j }
            return x < y
        }
        return .json(.array(rows.map { .object($0) }))
    }

    /// `POST /_sandbox/faults` (and `GET` to read them back).
    func setFaults(body: [UInt8]) -> SandboxReply {
        guard let obj = try? JSONValue.decode(body).objectValue else {
            return .json(["error": "faults body must be a JSON object"], status: 400)
        }
        do throws(QBOFault) {
            try faults.apply(obj)
        } catch {
            return .json(["error": .string(error.detail)], status: 400)
        }
        random = SplitMix64(state: faults.seed)
        return .json(faults.json)
    }

    func currentFaults() -> SandboxReply { .json(faults.json) }

    /// `GET /_sandbox/stats`.
    func statsReply() -> SandboxReply {
        var duplicates = 0
        for company in companies.values {
            for kind in [EntityKind.invoice, .creditMemo] {
                for ids in (company.docIndex[kind.name] ?? [:]).values where ids.count > 1 {
                    duplicates += ids.count - 1
                }
            }
        }
        var routes = JSONObject()
        for (k, v) in stats.byRoute.sorted(by: { $0.key < $1.key }) { routes[k] = .number(Decimal(v)) }
        var throttledBy = JSONObject()
        for (k, v) in stats.throttledBy.sorted(by: { $0.key < $1.key }) { throttledBy[k] = .number(Decimal(v)) }
        return .json([
            "requests": .number(Decimal(stats.requests)), "writes": .number(Decimal(stats.writes)),
            "reads": .number(Decimal(stats.reads)), "throttled": .number(Decimal(stats.throttled)),
            "peakConcurrency": .number(Decimal(stats.peakConcurrency)),
            "duplicateDocNumbers": .number(Decimal(duplicates)), "byRoute": .object(routes),
            "throttledBy": .object(throttledBy),
        ])
    }

    /// `POST /_sandbox/clients` `{"client_id","client_secret"}`: registers an OAuth client.
    func registerClient(body: [UInt8]) -> SandboxReply {
        guard let obj = try? JSONValue.decode(body).objectValue, let id = nonEmptyString(obj["client_id"]),
            let secret = nonEmptyString(obj["client_secret"])
        else { return .json(["error": "client_id and client_secret are required"], status: 400) }
        oauth.clients[id] = secret
        oauth.dirty = true
        return .json(["client_id": .string(id)], status: 201)
    }

    /// `POST /_sandbox/tokens` `{"realm","client_id"}`: a token pair without the browser step.
    func mintTokens(body: [UInt8]) -> SandboxReply {
        let obj = (try? JSONValue.decode(body).objectValue) ?? JSONObject()
        let realm = nonEmptyString(obj["realm"]) ?? configuration.defaultRealm
        let client = nonEmptyString(obj["client_id"]) ?? OAuthRegistry.demoClientId
        guard oauth.clients[client] != nil else { return .json(["error": "invalid_client"], status: 400) }
        _ = company(realm)
        var tokens = oauth.newGrant(clientId: client, realmId: realm, now: now).objectValue ?? JSONObject()
        tokens["realmId"] = .string(realm)
        return .json(.object(tokens))
    }

    /// `POST /_sandbox/tokens/expire`: every access token is expired from now on.
    func expireTokens() -> SandboxReply {
        oauth.expireAccessTokens(now: now)
        return .json(["expired": true])
    }
}
