import Foundation
import Logging
import PortBooksJSON
import PortBooksRandom

/// The whole sandbox state behind one actor: companies, OAuth, throttles, faults, stats.
///
/// Every request is served by the methods here; the HTTP layer (`SandboxResponder`) only
/// translates. Being an actor makes each API operation atomic, as QuickBooks' are.
public actor SandboxEngine {
    let configuration: SandboxConfiguration
    var companies: [String: Company] = [:]
    var oauth = OAuthRegistry()
    var stats = SandboxStats()
    var faults = FaultSettings()
    var random = SplitMix64(state: 0)
    var throttles: [String: ThrottleWindows] = [:]
    /// Requests admitted and not yet answered, by realm: kept outside the actor, so that a
    /// request leaves it when its reply is written (off the actor) without another hop onto it.
    nonisolated let inFlight = InFlightCounts()
    let logger: Logger

    public init(configuration: SandboxConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        if let dir = configuration.stateDirectory {
            let loaded = StateStore.load(from: dir, logger: logger)
            companies = loaded.companies
            if let o = loaded.oauth { oauth = o }
        }
        if companies[configuration.defaultRealm] == nil {
            companies[configuration.defaultRealm] = Self.makeCompany(
                configuration.defaultRealm, seed: configuration.seed, configuration: configuration)
        }
    }

    static func makeCompany(_ realm: String, seed: SeedOptions, configuration: SandboxConfiguration) -> Company {
        let company = Company(realmId: realm)
        company.seed(seed, WriteOptions(now: configuration.clock.now(), time: configuration.time))
        return company
    }

    var now: Date { configuration.clock.now() }
    var time: CompanyTime { configuration.time }

    /// The company for a realm, created and seeded on first use.
    func company(_ realm: String) -> Company {
        if let c = companies[realm] { return c }
        let c = Self.makeCompany(realm, seed: configuration.seed, configuration: configuration)
        companies[realm] = c
        return c
    }

    // MARK: Admission: auth, throttles, injected faults

    enum Admission: Sendable {
        case reply(SandboxReply)
        case proceed(latencyMs: Int, dropAfterCommit: Bool)
    }

    /// Counts the request, checks the bearer token and the throttles, draws injected faults.
    /// A `.proceed` answer holds a concurrency slot until `release(realm:)`.
    func admit(_ request: APIRequest) -> Admission {
        stats.requests += 1
        stats.byRoute[request.routeName, default: 0] += 1
        switch oauth.check(authorization: request.authorization, now: now) {
        case .valid: break
        case .missing: return .reply(Self.gatewayAuthFailure(detail: "Token invalid: missing bearer token", now: now))
        case .expired(let d), .invalid(let d): return .reply(Self.gatewayAuthFailure(detail: d, now: now))
        }
        let realm = request.realm
        let current = inFlight.count(realm)
        if configuration.enforceLimits {
            var windows = throttles[realm] ?? ThrottleWindows(timeScale: configuration.timeScale)
            let refusal = windows.admit(now: now, isBatch: request.isBatch, inFlight: current)
            throttles[realm] = windows
            if let refusal { return .reply(throttled(refusal.rawValue)) }
        }
        if random.chance(faults.throttle) { return .reply(throttled("injected")) }
        if random.chance(faults.serverError) {
            return .reply(render(QBOFault.systemFailure()))
        }
        let drop = request.isWrite || request.isBatch ? random.chance(faults.dropAfterCommit) : false
        inFlight.enter(realm)
        stats.peakConcurrency = max(stats.peakConcurrency, current + 1)
        return .proceed(latencyMs: configuration.latencyMs + faults.latencyMs, dropAfterCommit: drop)
    }

    /// What became of a request handed to `serve`.
    enum Served: Sendable {
        /// Refused by `admit`: nothing to release.
        case refused(SandboxReply)
        /// Admitted and performed in the same turn of the actor; `release` it once its reply
        /// is written.
        case performed(SandboxReply, dropAfterCommit: Bool)
        /// Admitted with a latency to wait out: `perform` it after, then `release` it.
        case delayed(latencyMs: Int, dropAfterCommit: Bool)
    }

    /// Admits the request and, when no latency is configured, performs it in the same turn of
    /// the actor (one hop onto it per request instead of two).
    func serve(_ request: APIRequest) -> Served {
        switch admit(request) {
        case .reply(let reply):
            return .refused(reply)
        case .proceed(let latency, let drop) where latency > 0:
            return .delayed(latencyMs: latency, dropAfterCommit: drop)
        case .proceed(_, let drop):
            return .performed(perform(request), dropAfterCommit: drop)
        }
    }

    /// Frees the concurrency slot taken by `admit`.
    nonisolated func release(realm: String) {
        inFlight.leave(realm)
    }

    func throttled(_ reason: String) -> SandboxReply {
        stats.throttled += 1
        stats.throttledBy[reason, default: 0] += 1
        return SandboxReply(
            status: 429, contentType: "application/xml",
            body: Array(ThrottleReply.body(time: time.responseTime(now)).utf8))
    }

    /// Intuit's gateway body for 401s: lower-case keys, epoch-millisecond `time`.
    static func gatewayAuthFailure(detail: String, now: Date) -> SandboxReply {
        let body: JSONValue = [
            "warnings": nil, "intuitObject": nil,
            "fault": [
                "error": [
                    [
                        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                        "detail": .string(detail), "code": "3200", "element": nil,
                    ]
                ],
                "type": "AUTHENTICATION",
            ],
            "report": nil, "queryResponse": nil, "batchItemResponse": [], "attachableResponse": [],
            "syncErrorResponse": nil, "requestId": nil,
            "time": .number(Decimal(Int64(now.timeIntervalSince1970 * 1000))),
            "status": nil, "cdcresponse": [],
        ]
        var reply = SandboxReply.json(body, status: 401)
        reply.headers["WWW-Authenticate"] = "Bearer realm=\"Intuit\", error=\"invalid_token\""
        return reply
    }

    // MARK: Rendering

    func envelope(_ key: String, _ value: JSONValue) -> SandboxReply {
        var o = JSONObject()
        o[key] = value
        o["time"] = .string(time.responseTime(now))
        return .deferredJSON(.object(o))
    }

    func render(_ fault: QBOFault) -> SandboxReply {
        var o = JSONObject()
        o["Fault"] = fault.faultObject
        if fault.includesTime { o["time"] = .string(time.responseTime(now)) }
        var reply = SandboxReply.json(.object(o), status: fault.status)
        reply.contentType = "application/json"
        return reply
    }

    // MARK: API operations

    /// Serves one admitted API request.
    func perform(_ request: APIRequest) -> SandboxReply {
        let company = company(request.realm)
        if request.isWrite || request.isBatch, let rid = request.query["requestid"] {
            if rid.count > 50 {
                return render(
                    .businessValidation(
                        "You cannot enter more than 50 characters in the request_id field. You tried entering \(rid), which is \(rid.count) characters."
                    ))
            }
            if let stored = company.replies[rid] {
                if let endpoint = stored.endpoint, endpoint != request.replayEndpoint {
                    return render(.duplicateRequestID(rid, firstSentTo: endpoint))
                }
                return .deferredJSON(stored.body, status: stored.status)
            }
        }
        let reply: SandboxReply
        do throws(QBOFault) {
            reply = try route(request, company)
        } catch {
            reply = render(error)
        }
        if (request.isWrite || request.isBatch), let rid = request.query["requestid"],
            (200..<300).contains(reply.status)
        {
            company.replies[rid] = StoredReply(
                status: reply.status, body: reply.pendingJSON ?? (try? JSONValue.decode(reply.body)) ?? .null,
                endpoint: request.replayEndpoint)
            company.dirty = true
        }
        return reply
    }

    private func route(_ request: APIRequest, _ company: Company) throws(QBOFault) -> SandboxReply {
        let segs = request.segments
        guard let first = segs.first?.lowercased() else { throw unknownPath(request) }
        switch (request.method, first, segs.count) {
        case ("GET", "query", 1), ("POST", "query", 1):
            let text: String
            if request.method == "GET" {
                guard let q = request.query["query"] else { throw QBOFault.required("query") }
                text = q
            } else {
                text = request.query["query"] ?? String(decoding: request.body, as: UTF8.self)
            }
            stats.reads += 1
            return envelope("QueryResponse", try company.query(text, time: time))
        case ("POST", "batch", 1):
            return try batch(request, company)
        case ("GET", "cdc", 1):
            stats.reads += 1
            return try cdc(request, company)
        case ("GET", _, 2), ("GET", "preferences", 1):
            guard let kind = EntityKind.forResource(first) else { throw unknownPath(request) }
            let id = segs.count == 2 ? segs[1] : "1"
            if kind != .companyInfo, kind != .taxCode, Int(id) == nil { throw QBOFault.invalidID(id) }
            stats.reads += 1
            return envelope(kind.name, .object(try company.read(kind, id)))
        case ("POST", _, 1):
            guard let kind = EntityKind.forResource(first) else { throw unknownPath(request) }
            let body = try parseObject(request)
            let result = try write(
                kind, operation: request.query["operation"], include: request.query["include"], body, company)
            return envelope(kind.name, .object(result))
        default:
            throw unknownPath(request)
        }
    }

    private func unknownPath(_ request: APIRequest) -> QBOFault {
        QBOFault.unsupportedOperation(
            "Could not find resource for relative : \(request.path) of full path: http://127.0.0.1\(request.path)")
    }

    private func parseObject(_ request: APIRequest) throws(QBOFault) -> JSONObject {
        do {
            let value = try request.parsedBody?.get() ?? JSONValue.decode(request.body)
            guard let obj = value.objectValue else { throw QBOFault.requestBody("request body must be a JSON object") }
            return obj
        } catch let e as JSONParseError {
            throw QBOFault(
                code: "2010", message: "Request has invalid or unsupported property",
                detail: "Request body could not be parsed: \(e.message) at offset \(e.offset)")
        } catch let f as QBOFault {
            throw f
        } catch {
            throw QBOFault.requestBody("request body")
        }
    }

    /// One create/update/delete/void, as a single request or a batch item.
    func write(
        _ kind: EntityKind, operation: String?, include: String?, _ body: JSONObject, _ company: Company
    ) throws(QBOFault) -> JSONObject {
        var options = WriteOptions(now: now, time: time)
        options.allowDuplicateDocNumber = include?.lowercased().contains("allowduplicatedocnum") ?? false
        let result: JSONObject
        switch operation?.lowercased() {
        case "delete": result = try company.delete(kind, body, options)
        case "void": result = try company.void(kind, body, options)
        case "update" where include?.lowercased() == "void": result = try company.void(kind, body, options)
        case nil, "update", "create":
            if nonEmptyString(body["Id"]) != nil, operation?.lowercased() != "create" {
                result = try company.update(kind, body, options)
            } else {
                result = try company.create(kind, body, options)
            }
        default:
            throw QBOFault.unsupportedOperation("Operation \(operation ?? "") is not supported for \(kind.name)")
        }
        stats.writes += 1
        return result
    }

    /// `POST /batch`: up to 30 items, each answered with its `bId` and an entity, a
    /// QueryResponse or a Fault (HTTP 200 throughout); items do not see each other's creates.
    private func batch(_ request: APIRequest, _ company: Company) throws(QBOFault) -> SandboxReply {
        let body = try parseObject(request)
        guard let items = body["BatchItemRequest"]?.arrayValue else { throw QBOFault.required("BatchItemRequest") }
        if items.count > 30 { throw QBOFault.batchTooLarge(items.count) }
        let rid = request.query["requestid"] ?? ""
        let longestBid = items.map { $0["bId"]?.stringValue?.count ?? 0 }.max() ?? 0
        let combined = rid.isEmpty ? 0 : rid.count + longestBid
        company.hiddenInBatch = []
        defer { company.hiddenInBatch = nil }
        var responses: [JSONValue] = []
        for item in items {
            var out = JSONObject()
            let bId = item["bId"] ?? .null
            do throws(QBOFault) {
                if combined > 50 {
                    throw QBOFault.businessValidation(
                        "You cannot enter more than 50 characters in the request_id field. You tried entering \(rid)\(bId.stringValue ?? ""), which is \(combined) characters."
                    )
                }
                guard let obj = item.objectValue else { throw QBOFault.required("BatchItemRequest") }
                if let q = obj["Query"]?.stringValue {
                    stats.reads += 1
                    out["QueryResponse"] = try company.query(q, time: time)
                } else if let cdcQuery = obj["CDCQuery"] {
                    stats.reads += 1
                    let entities = cdcQuery["Entities"]?.stringValue ?? cdcQuery["entities"]?.stringValue
                    let since = cdcQuery["ChangedSince"]?.stringValue ?? cdcQuery["changedSince"]?.stringValue
                    out["CDCResponse"] = try changes(entities: entities, changedSince: since, company)
                } else if let key = obj.keys.first(where: { EntityKind.named($0) != nil }),
                    let kind = EntityKind.named(key),
                    let entity = obj[key]?.objectValue
                {
                    var operation = obj["operation"]?.stringValue ?? "create"
                    let options = obj["optionsData"]?.stringValue?.lowercased()
                    var include: String? = nil
                    if operation == "update", options?.contains("void") == true { include = "void" }
                    if operation == "create", nonEmptyString(entity["Id"]) != nil { operation = "update" }
                    let result = try write(kind, operation: operation, include: include, entity, company)
                    if operation == "create", let id = result["Id"]?.stringValue {
                        company.hiddenInBatch?.insert("\(kind.name)/\(id)")
                    }
                    out[kind.name] = .object(result)
                } else {
                    throw QBOFault.unsupportedOperation("Batch item has no entity, Query or supported operation")
                }
            } catch {
                out["Fault"] = error.faultObject
            }
            out["bId"] = bId
            responses.append(.object(out))
        }
        return envelope("BatchItemResponse", .array(responses))
    }

    /// `GET /cdc?entities=…&changedSince=…`.
    private func cdc(_ request: APIRequest, _ company: Company) throws(QBOFault) -> SandboxReply {
        envelope(
            "CDCResponse",
            try changes(entities: request.query["entities"], changedSince: request.query["changedSince"], company))
    }

    /// The `CDCResponse` array for a CDC request or a batch `CDCQuery` item.
    private func changes(entities: String?, changedSince: String?, _ company: Company) throws(QBOFault) -> JSONValue {
        guard let list = entities, !list.isEmpty else { throw QBOFault.required("entities") }
        guard let sinceText = changedSince else { throw QBOFault.required("changedSince") }
        guard let since = time.parse(sinceText) else {
            throw QBOFault(
                code: "2010", message: "Request has invalid or unsupported property",
                detail: "Property Name:changedSince specified is unsupported or invalid", element: "changedSince")
        }
        if since < now.addingTimeInterval(-30 * 86400) {
            throw QBOFault.businessValidation(
                "Operation cdc with changedSince date \(sinceText) which is older than fixed days is not supported.")
        }
        var kinds: [EntityKind] = []
        for name in list.split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let kind = EntityKind.named(trimmed) ?? EntityKind.forResource(trimmed) else {
                throw QBOFault.queryInvalid("invalid entity in CDC request: \(trimmed)")
            }
            kinds.append(kind)
        }
        return company.changes(entities: kinds, since: since, time: time)
    }
}

/// Requests in flight per realm, behind a lock (read and counted up by the engine's actor,
/// counted down wherever a reply has been written).
final class InFlightCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    func count(_ realm: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[realm] ?? 0
    }

    func enter(_ realm: String) {
        lock.lock()
        defer { lock.unlock() }
        counts[realm, default: 0] += 1
    }

    func leave(_ realm: String) {
        lock.lock()
        defer { lock.unlock() }
        counts[realm] = max(0, (counts[realm] ?? 1) - 1)
    }
}
