import Foundation
import Hummingbird
import HummingbirdTesting
import PortBooksJSON
import Testing

@testable import QBOSandbox

/// One HTTP answer from the sandbox, decoded for assertions.
struct Reply: Sendable {
    var status: Int
    var contentType: String
    var text: String
    var headers: HTTPFields

    var json: JSONValue { (try? JSONValue.decode(text)) ?? .null }

    /// The first fault's code, whichever envelope carries it.
    var faultCode: String? { json["Fault"]?["Error"]?.arrayValue?.first?["code"]?.stringValue }
}

/// A client for one in-process sandbox, holding a bearer token for the default realm.
struct Sandbox: Sendable {
    static let realm = "9341453050000000"
    let client: any TestClientProtocol
    var token: String

    func call(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, contentType: String = "application/json",
        authorization: String? = nil, auth: Bool = true
    ) async throws -> Reply {
        var headers: HTTPFields = [.accept: "application/json", .contentType: contentType]
        if let authorization {
            headers[.authorization] = authorization
        } else if auth {
            headers[.authorization] = "Bearer \(token)"
        }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Reply(
            status: Int(response.status.code), contentType: response.headers[.contentType] ?? "",
            text: String(decoding: response.body.readableBytesView, as: UTF8.self), headers: response.headers)
    }

    /// `POST /v3/company/{realm}/{path}` with a JSON body.
    func post(_ path: String, _ body: String, realm: String = Sandbox.realm) async throws -> Reply {
        try await call(.post, "/v3/company/\(realm)/\(path)", body: body)
    }

    /// `GET /v3/company/{realm}/{path}`.
    func get(_ path: String, realm: String = Sandbox.realm) async throws -> Reply {
        try await call(.get, "/v3/company/\(realm)/\(path)")
    }

    /// Runs a query through `GET …/query?query=`.
    func query(_ text: String, realm: String = Sandbox.realm) async throws -> Reply {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        return try await get("query?query=\(encoded)&minorversion=75", realm: realm)
    }

    /// Test API call (no auth).
    func sandbox(_ method: HTTPRequest.Method, _ path: String, body: String? = nil) async throws -> Reply {
        try await call(method, "/_sandbox/\(path)", body: body, auth: false)
    }
}

/// Starts an in-process sandbox (router mode unless `.live`), mints a token, runs `body`.
func withSandbox(
    _ configuration: SandboxConfiguration = SandboxConfiguration(enforceLimits: false),
    mode: TestingSetup = .router,
    _ body: @escaping @Sendable (Sandbox) async throws -> Void
) async throws {
    let server = SandboxServer(configuration: configuration, logger: .quiet)
    let app = server.makeApplication()
    try await app.test(mode) { client in
        let minted = try await client.execute(uri: "/_sandbox/tokens", method: .post)
        let json = try JSONValue.decode(Array(minted.body.readableBytesView))
        let token = json["access_token"]?.stringValue ?? ""
        try await body(Sandbox(client: client, token: token))
    }
}

/// A JSON string literal for embedding names in request bodies.
func quoted(_ s: String) -> String { JSONValue.string(s).serialized() }

/// `2020-09-29T05:58:07.300-07:00`, Intuit's envelope stamp.
func isIntuitTime(_ value: JSONValue?) -> Bool {
    guard let s = value?.stringValue else { return false }
    return s.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"#, options: .regularExpression) != nil
}
