import Foundation
import PortBooksHTTP
import PortBooksJSON

/// Talks to Intuit's OAuth 2.0 token and revocation endpoints.
///
/// Client authentication is HTTP Basic (`client_secret_basic`). Neither tokens nor the client
/// secret ever appear in an error: an `invalid_grant` answer becomes
/// `QuickBooksFault.reconnectNeeded`, other refusals `auth`, 5xx and network failures
/// `transient`. See reference/qbo-api.md §6.2 and
/// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
public struct OAuthClient: Sendable {
    /// The app registration and endpoints.
    public let configuration: OAuthConfiguration
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date

    /// Creates a client. `now` is injectable for tests.
    public init(
        configuration: OAuthConfiguration, transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
    }

    /// Exchanges an authorization `code` (from the redirect) for tokens — exactly once per
    /// code: a second exchange poisons the grant (reference/qbo-api.md §6.3).
    public func exchange(code: String, realmID: String) async throws -> OAuthTokens {
        try await tokenRequest(
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", configuration.redirectURI)],
            realmID: realmID)
    }

    /// Uses `tokens.refreshToken` to get a new access token and (possibly rotated) refresh
    /// token. The caller must persist the result before using it (`OAuthSession` does).
    public func refresh(_ tokens: OAuthTokens) async throws -> OAuthTokens {
        try await tokenRequest(
            [("grant_type", "refresh_token"), ("refresh_token", tokens.refreshToken.exposedValue)],
            realmID: tokens.realmID)
    }

    /// Revokes a token (refresh or access); revoking the refresh token disconnects the app.
    public func revoke(_ token: SecretToken) async throws {
        var headers = basicHeaders()
        headers.replace(name: "Content-Type", value: "application/json")
        let body = JSONValue.object(["token": .string(token.exposedValue)]).encoded()
        let response = try await send(
            HTTPRequest(method: .post, url: configuration.revocationEndpoint, headers: headers, body: body))
        guard (200..<300).contains(response.status) else { throw Self.tokenEndpointFault(response) }
    }

    private func tokenRequest(_ form: [(String, String)], realmID: String) async throws -> OAuthTokens {
        var headers = basicHeaders()
        headers.replace(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let request = HTTPRequest(
            method: .post, url: configuration.tokenEndpoint, headers: headers,
            body: Data(FormEncoding.encode(form).utf8))
        let requestedAt = now()
        let response = try await send(request)
        guard (200..<300).contains(response.status) else { throw Self.tokenEndpointFault(response) }
        guard let json = try? JSONValue.decode(response.body),
            let access = json["access_token"]?.stringValue, let refresh = json["refresh_token"]?.stringValue
        else { throw QuickBooksFault.fatal("the token endpoint answered without access_token/refresh_token") }
        let expiresIn = json["expires_in"]?.decimalValue.map { NSDecimalNumber(decimal: $0).doubleValue } ?? 3600
        let refreshExpiresIn = json["x_refresh_token_expires_in"]?.decimalValue.map {
            NSDecimalNumber(decimal: $0).doubleValue
        }
        return OAuthTokens(
            realmID: realmID, accessToken: SecretToken(access), refreshToken: SecretToken(refresh),
            accessTokenExpiresAt: requestedAt.addingTimeInterval(expiresIn),
            refreshTokenExpiresAt: refreshExpiresIn.map { requestedAt.addingTimeInterval($0) }, obtainedAt: requestedAt)
    }

    private func basicHeaders() -> HTTPHeaders {
        let credentials = Data("\(configuration.clientID):\(configuration.clientSecret.exposedValue)".utf8)
        return HTTPHeaders([
            ("Authorization", "Basic " + credentials.base64EncodedString()), ("Accept", "application/json"),
        ])
    }

    private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch let error as HTTPTransportError {
            guard let fault = FaultClassifier.fault(for: error) else { throw CancellationError() }
            throw fault
        }
    }

    /// Classifies a token-endpoint refusal (`{"error":"invalid_grant"}` and friends).
    static func tokenEndpointFault(_ response: HTTPResponse) -> QuickBooksFault {
        if response.status >= 500 || response.status == 429 {
            return .transient(.serverError(status: response.status, code: nil), attempts: 0)
        }
        let error = (try? JSONValue.decode(response.body))?["error"]?.stringValue ?? "HTTP \(response.status)"
        switch error {
        case "invalid_grant":
            return .reconnectNeeded(reason: "invalid_grant")
        case "invalid_client", "unauthorized_client":
            return .auth(code: error, message: "the client id or secret was refused")
        default:
            return .auth(code: error, message: "the token endpoint refused the request")
        }
    }
}
