import Foundation
import Logging
import PortBooksHTTP
import PortBooksJSON

/// The QuickBooks Online Accounting API v3 for one company (realm).
///
/// Every call carries `minorversion`, a bearer token from the `AccessTokenProvider`, and goes
/// through the realm's `RealmPacer`; every write carries the caller's `requestid`, the same on
/// every retry. Faults are classified once (`FaultClassifier`) and handled here:
/// - transient (5xx, timeouts, dropped connections): retried with back-off and jitter, at most
///   `RetryPolicy.maxAttempts` sends, then thrown as `.transient` ("QuickBooks unreachable");
/// - 429: the pacer pauses the realm for the scaled throttle back-off, then the call resumes;
/// - 401: one token refresh, one retry; then `.auth`;
/// - stale SyncToken (5010) on `sparseUpdate`: one re-read and one retry with the fresh token;
/// - anything else is thrown as is (`recordProblem`, `auth`, `reconnectNeeded`, `fatal`).
///
/// Reads are metered by Intuit: look up in bulk with `query`, and use what writes return.
/// Thread-safety: immutable; call from any number of tasks (the pacer bounds concurrency).
/// See https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features
public final class QuickBooksClient: Sendable {
    /// Base URL, realm, minor version, retry and pacing settings.
    public let configuration: QuickBooksConfiguration
    /// The realm's pacer (share it when several clients talk to one realm).
    public let pacer: RealmPacer
    let transport: any HTTPTransport
    let tokens: any AccessTokenProvider
    let clock: any PacingClock
    let logger: Logger
    let requests = RequestCounter()

    /// HTTP requests this client has sent to the API, retries included (a batch is one): what
    /// a run reports as its API calls.
    public var requestsSent: Int { requests.value }

    /// Creates a client. `pacer` defaults to a new one with `configuration.limits`; `clock`
    /// drives back-offs (inject a fake one in tests).
    public init(
        configuration: QuickBooksConfiguration, transport: any HTTPTransport, tokens: any AccessTokenProvider,
        pacer: RealmPacer? = nil, clock: any PacingClock = SystemPacingClock(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.transport = transport
        self.tokens = tokens
        self.clock = clock
        self.pacer = pacer ?? RealmPacer(limits: configuration.limits, clock: clock)
        var logger = logger
        logger[metadataKey: "qbo.realm"] = "\(configuration.realmID)"
        self.logger = logger
    }

    // MARK: Entities

    /// Creates an object; returns it as QuickBooks stored it (with `Id` and `SyncToken`).
    /// `POST /company/{realm}/{entity}?requestid=…`
    public func create(_ entity: QuickBooksEntity, _ payload: JSONValue, requestID: RequestID) async throws -> JSONValue
    {
        let response = try await send(.post, entity.resource, body: payload, requestID: requestID)
        return try Self.member(entity.name, of: response)
    }

    /// Reads one object by id. `GET /company/{realm}/{entity}/{id}`
    public func read(_ entity: QuickBooksEntity, id: String) async throws -> JSONValue {
        let response = try await send(.get, "\(entity.resource)/\(FormEncoding.percentEncode(id))")
        return try Self.member(entity.name, of: response)
    }

    /// Sparse-updates an object: only `changes` are written; `Id`, `SyncToken` and
    /// `sparse: true` are added. On a stale SyncToken (5010) the object is re-read once and the
    /// update re-sent with the fresh SyncToken under `requestID.derived(salt:)` (a different
    /// request, still stable across crashes). Lines are all-or-nothing in QuickBooks: if
    /// `changes` has `Line`, it must hold every line.
    public func sparseUpdate(
        _ entity: QuickBooksEntity, id: String, syncToken: String, changes: [String: JSONValue], requestID: RequestID
    ) async throws -> JSONValue {
        func body(_ token: String) -> JSONValue {
            var members = changes
            members["Id"] = .string(id)
            members["SyncToken"] = .string(token)
            members["sparse"] = true
            return .object(members)
        }
        do {
            let response = try await send(.post, entity.resource, body: body(syncToken), requestID: requestID)
            return try Self.member(entity.name, of: response)
        } catch let fault as QuickBooksFault where fault.isStaleObject {
            let current = try await read(entity, id: id)
            guard let fresh = current["SyncToken"]?.stringValue, fresh != syncToken else { throw fault }
            logger.debug("stale SyncToken; retrying once with the fresh one", metadata: ["qbo.id": "\(id)"])
            let retryID = requestID.derived(salt: "synctoken:\(fresh)")
            let response = try await send(.post, entity.resource, body: body(fresh), requestID: retryID)
            return try Self.member(entity.name, of: response)
        }
    }

    /// Deletes a transaction (QuickBooks hard-deletes; name-list entities cannot be deleted).
    /// Returns the `{"status":"Deleted","Id":…}` stub. `POST …/{entity}?operation=delete`
    public func delete(_ entity: QuickBooksEntity, id: String, syncToken: String, requestID: RequestID) async throws
        -> JSONValue
    {
        let body: JSONValue = ["Id": .string(id), "SyncToken": .string(syncToken)]
        let response = try await send(
            .post, entity.resource, extraQuery: [("operation", "delete")], body: body, requestID: requestID)
        return try Self.member(entity.name, of: response)
    }

    /// Voids a transaction: Invoice (and most) with `?operation=void`; Payment with
    /// `?operation=update&include=void` and `sparse: true` (reference/qbo-api.md §2.4–2.5).
    public func void(_ entity: QuickBooksEntity, id: String, syncToken: String, requestID: RequestID) async throws
        -> JSONValue
    {
        let response: JSONValue
        if entity == .payment {
            let body: JSONValue = ["Id": .string(id), "SyncToken": .string(syncToken), "sparse": true]
            response = try await send(
                .post, entity.resource, extraQuery: [("operation", "update"), ("include", "void")], body: body,
                requestID: requestID)
        } else {
            let body: JSONValue = ["Id": .string(id), "SyncToken": .string(syncToken)]
            response = try await send(
                .post, entity.resource, extraQuery: [("operation", "void")], body: body, requestID: requestID)
        }
        return try Self.member(entity.name, of: response)
    }

    // MARK: Query and CDC

    /// Runs one query statement; returns its `QueryResponse` object (`{}` when nothing matched).
    public func query(_ statement: String) async throws -> JSONValue {
        let response = try await send(.get, "query", extraQuery: [("query", statement)])
        return response["QueryResponse"] ?? [:]
    }

    /// Every `entity` row matching `condition`, fetched in pages of `pageSize` (≤ 1000) with
    /// `STARTPOSITION`/`MAXRESULTS` until a short page. Build `condition` with
    /// `QuickBooksQuery.literal(_:)` / `inList(_:_:)` so quotes are escaped.
    public func queryAll(
        _ entity: QuickBooksEntity, where condition: String? = nil, orderBy: String? = "Id",
        pageSize: Int = QuickBooksQuery.maxPageSize
    ) async throws -> [JSONValue] {
        let size = min(max(1, pageSize), QuickBooksQuery.maxPageSize)
        var rows: [JSONValue] = []
        var start = 1
        while true {
            let statement = QuickBooksQuery.select(
                entity, where: condition, orderBy: orderBy, startPosition: start, maxResults: size)
            let page = try await query(statement)[entity.name]?.arrayValue ?? []
            rows += page
            if page.count < size { return rows }
            start += size
        }
    }

    /// Change data capture: everything of `entities` changed since `changedSince` (ISO-8601
    /// with offset, at most 30 days back; at most 1,000 objects in all, no paging). Deleted
    /// objects come back as `{"status":"Deleted","Id":…}` stubs. Returns objects per entity name.
    /// See https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
    public func changeDataCapture(entities: [QuickBooksEntity], changedSince: String) async throws
        -> [String: [JSONValue]]
    {
        let response = try await send(
            .get, "cdc",
            extraQuery: [("entities", entities.map(\.name).joined(separator: ",")), ("changedSince", changedSince)])
        var result: [String: [JSONValue]] = [:]
        for block in response["CDCResponse"]?.arrayValue ?? [] {
            for queryResponse in block["QueryResponse"]?.arrayValue ?? [] {
                for entity in entities {
                    if let rows = queryResponse[entity.name]?.arrayValue { result[entity.name, default: []] += rows }
                }
            }
        }
        return result
    }

    static func member(_ name: String, of response: JSONValue) throws -> JSONValue {
        guard let object = response[name] else {
            throw QuickBooksFault.fatal("QuickBooks answered without a \(name) object")
        }
        return object
    }
}

/// A count shared by the tasks of one client.
final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
