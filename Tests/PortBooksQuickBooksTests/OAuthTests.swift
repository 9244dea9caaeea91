import Foundation
import PortBooksHTTP
import PortBooksJSON
import Testing

@testable import PortBooksQuickBooks

/// Emulates Intuit's token endpoint (rotating refresh tokens; a superseded one gets
/// `invalid_grant`) and an API that accepts only the newest access token.
final class RotatingTokenServer: @unchecked Sendable {
    private let lock = NSLock()
    private var generation = 1
    var onAPIRequest: (@Sendable (HTTPRequest) throws -> Void)?

    var currentRefresh: String { locked { "refresh-\(generation)" } }
    var currentAccess: String { locked { "access-\(generation)" } }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func handle(_ request: HTTPRequest) throws -> HTTPResponse {
        if request.url.hasSuffix("/tokens/bearer") {
            let form = FormEncoding.decode(Substring(String(decoding: request.body, as: UTF8.self)))
            let presented = form["refresh_token"] ?? ""
            let issued: Int? = locked {
                guard presented == "refresh-\(generation)" else { return nil }
                generation += 1
                return generation
            }
            guard let issued else { return json(400, #"{"error":"invalid_grant"}"#) }
            return json(
                200,
                #"{"token_type":"bearer","expires_in":3600,"x_refresh_token_expires_in":8726400,"#
                    + #""access_token":"access-\#(issued)","refresh_token":"refresh-\#(issued)"}"#)
        }
        try onAPIRequest?(request)
        if request.headers["Authorization"] == "Bearer \(currentAccess)" {
            return json(200, #"{"Invoice":{"Id":"7","SyncToken":"0"}}"#)
        }
        return json(
            401,
            #"{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired: xyz","code":"3200"}],"type":"AUTHENTICATION"}}"#
        )
    }
}

@Suite(.timeLimit(.minutes(3))) struct OAuthTests {
    let configuration = OAuthConfiguration(
        clientID: "client-id", clientSecret: SecretToken("client-secret"),
        redirectURI: "http://localhost:8765/callback",
        tokenEndpoint: "http://127.0.0.1:1/oauth2/v1/tokens/bearer")

    func tokens(generation: Int, expiresIn: TimeInterval = 3600) -> OAuthTokens {
        OAuthTokens(
            realmID: "9130", accessToken: SecretToken("access-\(generation)"),
            refreshToken: SecretToken("refresh-\(generation)"),
            accessTokenExpiresAt: Date().addingTimeInterval(expiresIn),
            refreshTokenExpiresAt: nil, obtainedAt: Date())
    }

    @Test func tokensNeverAppearInDescriptions() {
        let value = tokens(generation: 1)
        for text in ["\(value)", String(describing: value), String(reflecting: value), "\(value.accessToken)"] {
            #expect(!text.contains("access-1"))
            #expect(!text.contains("refresh-1"))
        }
        #expect("\(configuration.clientSecret)" == "<redacted>")
    }

    @Test func authorizationURLCarriesEverything() {
        let url = configuration.authorizationURL(state: "s1")
        let items = queryItems(url)
        #expect(url.hasPrefix("https://appcenter.intuit.com/connect/oauth2?"))
        #expect(items["client_id"] == "client-id")
        #expect(items["response_type"] == "code")
        #expect(items["scope"] == "com.intuit.quickbooks.accounting")
        #expect(items["redirect_uri"] == "http://localhost:8765/callback")
        #expect(items["state"] == "s1")
        #expect(OAuthConfiguration.makeState() != OAuthConfiguration.makeState())
    }

    @Test func tokenStoreWritesMode0600Atomically() throws {
        let directory = try temporaryDirectory()
        let store = TokenStore(path: directory + "/tokens.json")
        #expect(try store.load() == nil)
        try store.save(tokens(generation: 1))
        try store.save(tokens(generation: 2))
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try store.load()?.refreshToken == SecretToken("refresh-2"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func exchangeUsesBasicAuthAndTheCode() async throws {
        let transport = ScriptedTransport([
            .success(
                json(
                    200,
                    #"{"access_token":"a","refresh_token":"r","expires_in":3600,"x_refresh_token_expires_in":8726400}"#)
            )
        ])
        let client = OAuthClient(configuration: configuration, transport: transport)
        let result = try await client.exchange(code: "the-code", realmID: "9130")
        #expect(result.accessToken.exposedValue == "a")
        #expect(result.realmID == "9130")
        let request = try #require(transport.requests.first)
        let expected = "Basic " + Data("client-id:client-secret".utf8).base64EncodedString()
        #expect(request.headers["Authorization"] == expected)
        let form = FormEncoding.decode(Substring(String(decoding: request.body, as: UTF8.self)))
        #expect(form["grant_type"] == "authorization_code")
        #expect(form["code"] == "the-code")
        #expect(form["redirect_uri"] == "http://localhost:8765/callback")
    }

    @Test func supersededRefreshTokenFailsWhileTheSessionHoldsTheNewOne() async throws {
        let server = RotatingTokenServer()
        let transport = ScriptedTransport { request, _ in try server.handle(request) }
        let store = TokenStore(path: try temporaryDirectory() + "/tokens.json")
        let client = OAuthClient(configuration: configuration, transport: transport)
        // Access token about to expire: the session refreshes before handing it out.
        let session = OAuthSession(
            client: client, store: store, tokens: tokens(generation: 1, expiresIn: 60), logger: .quiet)
        let access = try await session.accessToken()
        #expect(access.exposedValue == "access-2")
        #expect(try store.load()?.refreshToken.exposedValue == "refresh-2")

        // Someone replays the superseded refresh token: reconnect needed, no retry loop.
        let before = transport.requests.count
        await #expect(throws: QuickBooksFault.reconnectNeeded(reason: "invalid_grant")) {
            _ = try await client.refresh(tokens(generation: 1))
        }
        #expect(transport.requests.count == before + 1)

        // The session still holds and uses the newest tokens, and can rotate again.
        #expect(await session.currentTokens.refreshToken.exposedValue == "refresh-2")
        let again = try await session.tokenRejected(access)
        #expect(again.exposedValue == "access-3")
        #expect(try store.load()?.refreshToken.exposedValue == "refresh-3")
    }

    @Test func invalidGrantFromTheSessionIsReconnectNeeded() async throws {
        let transport = ScriptedTransport([.success(json(400, #"{"error":"invalid_grant"}"#))])
        let session = OAuthSession(
            client: OAuthClient(configuration: configuration, transport: transport),
            store: TokenStore(path: try temporaryDirectory() + "/tokens.json"),
            tokens: tokens(generation: 1, expiresIn: 0), logger: .quiet)
        do {
            _ = try await session.accessToken()
            Issue.record("expected reconnectNeeded")
        } catch let fault as QuickBooksFault {
            #expect(fault == .reconnectNeeded(reason: "invalid_grant"))
            #expect(!fault.description.contains("refresh-1"))
        }
        #expect(transport.requests.count == 1)
    }

    @Test func newTokensAreOnDiskBeforeTheyAreUsedAndACrashLosesNothing() async throws {
        let server = RotatingTokenServer()
        let store = TokenStore(path: try temporaryDirectory() + "/tokens.json")
        // Four minutes left: under the five-minute margin, so the first call refreshes.
        try store.save(tokens(generation: 1, expiresIn: 240))
        let seenOnDisk = LockedBox<String?>(nil)
        server.onAPIRequest = { request in
            // The first request with the new token: record what the file holds at that moment,
            // then "crash" (the process dies before any response).
            if request.headers["Authorization"] == "Bearer access-2" {
                seenOnDisk.value = try store.load()?.refreshToken.exposedValue
                throw HTTPTransportError.connectionDropped("simulated crash")
            }
        }
        let transport = ScriptedTransport { request, _ in try server.handle(request) }
        let oauth = OAuthClient(configuration: configuration, transport: transport)
        let client = QuickBooksClient(
            configuration: QuickBooksConfiguration(
                baseURL: "http://qbo.test/v3", realmID: "9130", retry: RetryPolicy(maxAttempts: 1)),
            transport: transport, tokens: try OAuthSession.load(client: oauth, store: store, logger: .quiet),
            clock: FakeClock(), logger: .quiet)
        await #expect(throws: QuickBooksFault.self) { _ = try await client.read(.invoice, id: "7") }
        #expect(seenOnDisk.value == "refresh-2")

        // A new process loads the file and carries on with the rotated token.
        let reloaded = try OAuthSession.load(client: oauth, store: store, logger: .quiet)
        #expect(await reloaded.currentTokens.refreshToken.exposedValue == "refresh-2")
        let next = try await reloaded.tokenRejected(SecretToken("access-2"))
        #expect(next.exposedValue == "access-3")
        #expect(try store.load()?.refreshToken.exposedValue == "refresh-3")
    }

    @Test func unauthorizedCallRefreshesOnceAndRetries() async throws {
        let server = RotatingTokenServer()
        let store = TokenStore(path: try temporaryDirectory() + "/tokens.json")
        try store.save(tokens(generation: 1))
        let transport = ScriptedTransport { request, _ in try server.handle(request) }
        let oauth = OAuthClient(configuration: configuration, transport: transport)
        _ = try await oauth.refresh(tokens(generation: 1))  // another app rotated: access-1 now 401s...
        try store.save(tokens(generation: 2))  // ...and the file was updated by that other process
        let session = OAuthSession(client: oauth, store: store, tokens: tokens(generation: 1), logger: .quiet)
        let client = QuickBooksClient(
            configuration: QuickBooksConfiguration(baseURL: "http://qbo.test/v3", realmID: "9130"),
            transport: transport,
            tokens: session, clock: FakeClock(), logger: .quiet)
        let invoice = try await client.read(.invoice, id: "7")
        #expect(invoice["Id"]?.stringValue == "7")
        // The session adopted the file's tokens rather than refreshing with a superseded one.
        let grants = transport.requests.filter { $0.url.hasSuffix("/tokens/bearer") }
        #expect(grants.count == 1)
    }

    @Test func secondUnauthorizedIsAnAuthFault() async throws {
        let gateway401 = json(
            401, #"{"fault":{"error":[{"message":"AuthenticationFailed","code":"3200"}],"type":"AUTHENTICATION"}}"#)
        let transport = ScriptedTransport([.success(gateway401)], fallback: gateway401)
        let client = QuickBooksClient(
            configuration: QuickBooksConfiguration(baseURL: "http://qbo.test/v3", realmID: "9130"),
            transport: transport,
            tokens: StaticTokens(), clock: FakeClock(), logger: .quiet)
        await #expect(throws: QuickBooksFault.auth(code: "3200", message: "AuthenticationFailed")) {
            _ = try await client.read(.invoice, id: "7")
        }
        #expect(transport.requests.count == 2)
    }

    @Test func refreshIsNotUsedWhenItCannotBePersisted() async throws {
        let server = RotatingTokenServer()
        let transport = ScriptedTransport { request, _ in try server.handle(request) }
        let unwritable = TokenStore(path: "/nonexistent-dir-\(UUID().uuidString)/tokens.json")
        let session = OAuthSession(
            client: OAuthClient(configuration: configuration, transport: transport), store: unwritable,
            tokens: tokens(generation: 1, expiresIn: 0), logger: .quiet)
        await #expect(throws: QuickBooksFault.self) { _ = try await session.accessToken() }
        // No request ever carried an unsaved token.
        #expect(transport.requests.allSatisfy { $0.url.hasSuffix("/tokens/bearer") })
        #expect(await session.currentTokens.refreshToken.exposedValue != "refresh-0")
    }
}
