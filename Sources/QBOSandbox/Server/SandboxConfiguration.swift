import Foundation
import PortBooksJSON

/// How a sandbox runs: limits, time scale, latency, where state lives, what new companies hold.
public struct SandboxConfiguration: Sendable {
    /// Enforce Intuit's throttles (`--limits qbo`); false for `--limits off`.
    public var enforceLimits: Bool
    /// Every throttle window is this many times shorter (`--time-scale K`).
    public var timeScale: Double
    /// Added to every API request (`--latency MS`).
    public var latencyMs: Int
    /// State survives restarts under this folder (`--state DIR`); memory only when nil.
    public var stateDirectory: URL?
    /// The realm that always exists after a reset.
    public var defaultRealm: String
    /// What new and reset companies are seeded with.
    public var seed: SeedOptions
    /// Source of time (a `ManualClock` in tests).
    public var clock: any SandboxClock
    /// Company time zone for stamps.
    public var time: CompanyTime

    public init(
        enforceLimits: Bool = true, timeScale: Double = 1, latencyMs: Int = 0, stateDirectory: URL? = nil,
        defaultRealm: String = "9341453050000000", seed: SeedOptions = SeedOptions(),
        clock: any SandboxClock = SystemClock(), time: CompanyTime = CompanyTime()
    ) {
        self.enforceLimits = enforceLimits
        self.timeScale = timeScale
        self.latencyMs = latencyMs
        self.stateDirectory = stateDirectory
        self.defaultRealm = defaultRealm
        self.seed = seed
        self.clock = clock
        self.time = time
    }
}

/// A complete HTTP answer, independent of the server library (so replies can be stored for
/// `requestid` replay and tested without a socket).
public struct SandboxReply: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [String: String] = [:]
    /// Close the connection without sending anything (`dropAfterCommit`).
    public var dropConnection = false
    /// A JSON body not written yet: `serialized()` writes it into `body`, after the engine's
    /// actor has moved on to the next request.
    var pendingJSON: JSONValue?

    public init(status: Int, contentType: String, body: [UInt8], headers: [String: String] = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A JSON reply, written as QuickBooks writes JSON (money at two decimals: ``QuickBooksJSON``).
    static func json(_ value: JSONValue, status: Int = 200) -> SandboxReply {
        SandboxReply(status: status, contentType: "application/json;charset=UTF-8", body: QuickBooksJSON.bytes(value))
    }

    /// A JSON reply whose body is written by `serialized()`.
    static func deferredJSON(_ value: JSONValue, status: Int = 200) -> SandboxReply {
        var reply = SandboxReply(status: status, contentType: "application/json;charset=UTF-8", body: [])
        reply.pendingJSON = value
        return reply
    }

    /// The reply with its body written.
    func serialized() -> SandboxReply {
        guard let value = pendingJSON else { return self }
        var reply = self
        reply.body = QuickBooksJSON.bytes(value)
        reply.pendingJSON = nil
        return reply
    }

    static func text(_ text: String, status: Int, contentType: String = "text/plain;charset=UTF-8") -> SandboxReply {
        SandboxReply(status: status, contentType: contentType, body: Array(text.utf8))
    }
}

/// An API request as the engine sees it (already split out of the URL).
struct APIRequest: Sendable {
    var method: String
    var realm: String
    /// Path segments after `/v3/company/{realm}/`.
    var segments: [String]
    var query: [String: String]
    var body: [UInt8]
    var contentType: String?
    var authorization: String?
    var path: String
    /// The body parsed as JSON, when it was parsed before the request reached the engine's
    /// actor (the responder does so for every POST, so that the actor serves one request while
    /// other bodies are parsed).
    var parsedBody: Result<JSONValue, JSONParseError>?

    var isBatch: Bool { segments == ["batch"] }

    /// A create/update/delete/void (the kind of request `requestid` and dropAfterCommit apply to).
    var isWrite: Bool {
        method == "POST" && segments.count == 1 && !["query", "batch", "cdc"].contains(segments[0].lowercased())
    }

    /// What a `requestid` is remembered for: method, resource and operation
    /// (`POST invoice`, `POST invoice?operation=void`, `POST payment?operation=update&include=void`,
    /// `POST batch`). The same id sent to another endpoint is refused (code 600), never answered
    /// with the other request's stored reply.
    var replayEndpoint: String {
        var name = "\(method) \(segments.map { $0.lowercased() }.joined(separator: "/"))"
        var options: [String] = []
        if let op = query["operation"] { options.append("operation=\(op.lowercased())") }
        if let include = query["include"] { options.append("include=\(include.lowercased())") }
        if !options.isEmpty { name += "?" + options.joined(separator: "&") }
        return name
    }

    /// Stats key: `POST invoice`, `GET invoice/{id}`, `POST invoice?operation=void`, `GET query`.
    var routeName: String {
        var name = segments.count > 1 ? "\(segments[0].lowercased())/{id}" : (segments.first?.lowercased() ?? "")
        if let op = query["operation"] { name += "?operation=\(op)" }
        return "\(method) \(name)"
    }
}
