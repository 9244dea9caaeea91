import Foundation
import Hummingbird
import PortBooksJSON

/// Request context that can drop the connection (for the `dropAfterCommit` fault).
public struct SandboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Closes the client connection without sending a response.
    let closeConnection: @Sendable () async -> Void

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let channel = source.channel
        closeConnection = { try? await channel.close().get() }
    }

    /// Bodies up to 32 MiB (a 30-item batch of 750-line invoices fits).
    public var maxUploadSize: Int { 32 << 20 }
}

/// Turns HTTP requests into engine calls: the test API, OAuth and `/v3/company/{realm}/…`.
///
/// All routing and every error-to-response mapping lives here, in one place.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext
    let engine: SandboxEngine

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let query = SandboxEngine.parseForm(request.uri.query ?? "")
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = Array(buffer.readableBytesView)
        let method = request.method.rawValue
        let authorization = request.headers[.authorization]
        let segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }

        let reply: SandboxReply
        if segments.first == "_sandbox" {
            reply = await testAPI(method: method, segments: Array(segments.dropFirst()), body: body)
        } else if segments.count >= 3, segments[0] == "v3", segments[1].lowercased() == "company" {
            var api = APIRequest(
                method: method, realm: segments[2], segments: Array(segments.dropFirst(3)), query: query, body: body,
                contentType: request.headers[.contentType], authorization: authorization, path: path)
            // Parsed here, off the engine's actor: a batch's body is the largest part of its
            // work, and requests queued behind it should not wait for it.
            if method == "POST", !body.isEmpty, api.contentType?.lowercased().contains("json") == true {
                api.parsedBody = Result { () throws(JSONParseError) in try JSONValue.decode(body) }
            }
            var served: SandboxReply
            let drop: Bool
            let outcome = await engine.serve(api)
            // The request was counted in the throttle windows before this instant (inside
            // `serve`), so the service time measured from here never overstates how long ago.
            let counted = ContinuousClock.now
            let performing: Duration
            switch outcome {
            case .refused(let refusal):
                return Self.response(refusal)
            case .performed(let performed, let dropAfterCommit):
                (served, drop) = (performed, dropAfterCommit)
                performing = counted.duration(to: .now)
            case .delayed(let latency, let dropAfterCommit):
                try? await Task.sleep(nanoseconds: UInt64(latency) * 1_000_000)
                let started = ContinuousClock.now
                (served, drop) = (await engine.perform(api), dropAfterCommit)
                performing = started.duration(to: .now)
            }
            // The request is in flight until its reply is written (here, off the actor).
            defer { engine.release(realm: api.realm) }
            if drop, (200..<300).contains(served.status) {
                await context.closeConnection()
                throw CancellationError()
            }
            served.headers["Service-Time"] = Self.serviceTime(since: counted, performing: performing)
            return Self.response(served)
        } else if method == "GET", path == "/connect/oauth2" {
            reply = await engine.authorize(query: query)
        } else if method == "POST", path == "/oauth2/v1/tokens/bearer" {
            reply = await engine.token(authorization: authorization, body: body)
        } else if method == "POST", path == "/oauth2/v1/tokens/revoke" || path == "/v2/oauth2/tokens/revoke" {
            reply = await engine.revoke(
                authorization: authorization, body: body, contentType: request.headers[.contentType])
        } else if method == "GET", segments.first == ".well-known", segments.count == 2,
            segments[1].hasPrefix("openid")
        {
            reply = discovery(authority: request.head.authority ?? "127.0.0.1")
        } else {
            reply = SandboxReply.json(
                [
                    "Fault": [
                        "Error": [
                            [
                                "Message": "Unsupported Operation",
                                "Detail": .string("Could not find resource for relative : \(path)"), "code": "500",
                            ]
                        ],
                        "type": "ValidationFault",
                    ]
                ], status: 404)
        }
        return Self.response(reply)
    }

    /// Intuit's `Service-Time` header (`total=161, db=57` on a real invoice create): the
    /// milliseconds the service spent on the request after it was counted, rounded down, and
    /// the part of them spent on the company's data.
    static func serviceTime(since counted: ContinuousClock.Instant, performing: Duration) -> String {
        func milliseconds(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
        return "total=\(milliseconds(counted.duration(to: .now))), db=\(milliseconds(performing))"
    }

    static func response(_ pending: SandboxReply) -> Response {
        // Written here, off the engine's actor, for the same reason as the parse above.
        let reply = pending.serialized()
        var headers = HTTPFields()
        headers[.contentType] = reply.contentType
        headers[.contentLength] = String(reply.body.count)
        for (name, value) in reply.headers {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        if let tid = HTTPFields.Element.Name("intuit_tid") { headers[tid] = UUID().uuidString.lowercased() }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    private func testAPI(method: String, segments: [String], body: [UInt8]) async -> SandboxReply {
        switch (method, segments.count, segments.first ?? "") {
        case ("GET", 1, "health"): return await engine.health()
        case ("POST", 1, "reset"): return await engine.reset(body: body)
        case ("GET", 1, "realms"): return await engine.realmList()
        case ("GET", 3, "realms"): return await engine.dump(realm: segments[1], entity: segments[2])
        case ("POST", 1, "faults"): return await engine.setFaults(body: body)
        case ("GET", 1, "faults"): return await engine.currentFaults()
        case ("GET", 1, "stats"): return await engine.statsReply()
        case ("POST", 1, "clients"): return await engine.registerClient(body: body)
        case ("POST", 1, "tokens"): return await engine.mintTokens(body: body)
        case ("POST", 2, "tokens") where segments[1] == "expire": return await engine.expireTokens()
        default:
            return .json(
                ["error": .string("unknown test API route /_sandbox/\(segments.joined(separator: "/"))")], status: 404)
        }
    }

    /// OpenID discovery document pointing at this server, so OAuth libraries that read one
    /// (Intuit's `intuitlib`) need only its URL.
    private func discovery(authority: String) -> SandboxReply {
        let base = "http://\(authority)"
        return .json([
            "issuer": .string("\(base)/op/v1"),
            "authorization_endpoint": .string("\(base)/connect/oauth2"),
            "token_endpoint": .string("\(base)/oauth2/v1/tokens/bearer"),
            "userinfo_endpoint": .string("\(base)/v1/openid_connect/userinfo"),
            "revocation_endpoint": .string("\(base)/oauth2/v1/tokens/revoke"),
            "jwks_uri": .string("\(base)/op/v1/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "address", "phone", "com.intuit.quickbooks.accounting"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
        ])
    }
}
