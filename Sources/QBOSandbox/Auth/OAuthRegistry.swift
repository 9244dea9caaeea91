import Foundation
import PortBooksJSON

/// OAuth 2.0 as Intuit serves it: authorization codes, bearer tokens (3600 s), rotating
/// refresh tokens (a superseded one answers `invalid_grant`), revocation.
///
/// Clients: the demo client `portbooks-demo` / `portbooks-demo-secret`, plus any registered
/// through `POST /_sandbox/clients`. Tokens are valid for every realm of the sandbox.
/// See https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
struct OAuthRegistry {
    static let demoClientId = "portbooks-demo"
    static let demoClientSecret = "portbooks-demo-secret"
    static let accessLifetime: TimeInterval = 3600
    static let refreshLifetime: TimeInterval = 8_726_400
    static let codeLifetime: TimeInterval = 600

    struct Code {
        var clientId: String
        var redirectUri: String
        var realmId: String
        var expires: Date
        var used: Bool
    }

    struct Grant {
        var clientId: String
        var realmId: String
        var revoked: Bool
        /// The only refresh token of this grant that still works.
        var currentRefresh: String
        var refreshExpires: Date
    }

    struct Access {
        var grantId: String
        var expires: Date
    }

    var clients: [String: String] = [demoClientId: demoClientSecret]
    var codes: [String: Code] = [:]
    var grants: [String: Grant] = [:]
    /// Every refresh token ever issued → its grant (superseded ones stay, to answer invalid_grant).
    var refreshTokens: [String: String] = [:]
    var accessTokens: [String: Access] = [:]
    var dirty = false

    enum TokenCheck: Equatable {
        case valid
        case missing
        case expired(String)
        case invalid(String)
    }

    static func randomToken(prefix: String, length: Int) -> String {
        var s = prefix
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for _ in 0..<length { s.append(alphabet[Int.random(in: 0..<alphabet.count)]) }
        return s
    }

    /// Checks `Authorization: Bearer …`.
    func check(authorization: String?, now: Date) -> TokenCheck {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return .missing }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let access = accessTokens[token] else {
            return token.count < 20
                ? .invalid("Malformed bearer token: too short or too long") : .invalid("Token invalid")
        }
        if grants[access.grantId]?.revoked ?? true { return .invalid("Token revoked") }
        if access.expires <= now { return .expired("Token expired: \(token.prefix(24))") }
        return .valid
    }

    /// The client named by HTTP Basic auth or by `client_id`/`client_secret` form fields.
    func authenticateClient(authorization: String?, form: [String: String]) -> String? {
        var id = form["client_id"]
        var secret = form["client_secret"]
        if let authorization, authorization.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            id = String(pair[..<colon]).removingPercentEncoding
            secret = String(pair[pair.index(after: colon)...]).removingPercentEncoding
        }
        guard let id, let secret, clients[id] == secret else { return nil }
        return id
    }

    mutating func issueCode(clientId: String, redirectUri: String, realmId: String, now: Date) -> String {
        let code = OAuthRegistry.randomToken(prefix: "AB11", length: 44)
        codes[code] = Code(
            clientId: clientId, redirectUri: redirectUri, realmId: realmId,
            expires: now.addingTimeInterval(OAuthRegistry.codeLifetime), used: false)
        dirty = true
        return code
    }

    /// A new access + refresh pair for a grant; the grant's previous refresh token stops working.
    private mutating func issueTokens(grantId: String, now: Date) -> JSONValue {
        let access = OAuthRegistry.randomToken(prefix: "eyJsYW5kYm94IjoicWJvIn0.", length: 64)
        let refresh = OAuthRegistry.randomToken(prefix: "AB11", length: 46)
        accessTokens[access] = Access(grantId: grantId, expires: now.addingTimeInterval(OAuthRegistry.accessLifetime))
        refreshTokens[refresh] = grantId
        grants[grantId]?.currentRefresh = refresh
        grants[grantId]?.refreshExpires = now.addingTimeInterval(OAuthRegistry.refreshLifetime)
        dirty = true
        return [
            "token_type": "bearer", "expires_in": 3600, "refresh_token": .string(refresh),
            "x_refresh_token_expires_in": .number(Decimal(Int(OAuthRegistry.refreshLifetime))),
            "access_token": .string(access),
        ]
    }

    /// Starts a new grant for a client and realm (used by the code exchange and the test API).
    mutating func newGrant(clientId: String, realmId: String, now: Date) -> JSONValue {
        let grantId = UUID().uuidString
        grants[grantId] = Grant(
            clientId: clientId, realmId: realmId, revoked: false, currentRefresh: "", refreshExpires: now)
        return issueTokens(grantId: grantId, now: now)
    }

    /// `POST /oauth2/v1/tokens/bearer`: returns (HTTP status, JSON body).
    mutating func exchange(clientId: String, form: [String: String], now: Date) -> (Int, JSONValue) {
        let invalidGrant: (Int, JSONValue) = (400, ["error": "invalid_grant"])
        switch form["grant_type"] {
        case "authorization_code":
            guard let codeText = form["code"], var code = codes[codeText] else { return invalidGrant }
            guard !code.used, code.expires > now, code.clientId == clientId else { return invalidGrant }
            if let redirect = form["redirect_uri"], redirect != code.redirectUri { return invalidGrant }
            code.used = true
            codes[codeText] = code
            var body = newGrant(clientId: clientId, realmId: code.realmId, now: now)
            if case .object(var o) = body {
                o["realmId"] = .string(code.realmId)
                body = .object(o)
            }
            return (200, body)
        case "refresh_token":
            guard let token = form["refresh_token"], let grantId = refreshTokens[token], let grant = grants[grantId],
                !grant.revoked, grant.currentRefresh == token, grant.refreshExpires > now, grant.clientId == clientId
            else { return invalidGrant }
            return (200, issueTokens(grantId: grantId, now: now))
        default:
            return (400, ["error": "unsupported_grant_type"])
        }
    }

    /// `POST …/tokens/revoke`: revoking either token of a grant revokes the whole grant.
    mutating func revoke(token: String) -> Bool {
        let grantId = refreshTokens[token] ?? accessTokens[token]?.grantId
        guard let grantId, grants[grantId] != nil else { return false }
        grants[grantId]?.revoked = true
        dirty = true
        return true
    }

    /// Makes every access token expired now (to exercise refresh in client tests).
    mutating func expireAccessTokens(now: Date) {
        for key in accessTokens.keys { accessTokens[key]?.expires = now }
        dirty = true
    }
}
