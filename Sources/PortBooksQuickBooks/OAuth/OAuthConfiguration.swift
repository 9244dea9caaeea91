import Foundation

/// The app's OAuth 2.0 registration and Intuit's endpoints.
///
/// Defaults are Intuit's production endpoints (reference/qbo-api.md §6.1); a qbo-sandbox
/// supplies its own. See
/// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
public struct OAuthConfiguration: Sendable, Hashable {
    /// Intuit's authorization endpoint.
    public static let intuitAuthorizationEndpoint = "https://appcenter.intuit.com/connect/oauth2"
    /// Intuit's token endpoint (authorization_code and refresh_token grants).
    public static let intuitTokenEndpoint = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    /// Intuit's revocation endpoint.
    public static let intuitRevocationEndpoint = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
    /// The accounting scope.
    public static let accountingScope = "com.intuit.quickbooks.accounting"

    /// The app's client id.
    public var clientID: String
    /// The app's client secret (sent with HTTP Basic authentication).
    public var clientSecret: SecretToken
    /// The redirect URI registered for the app, e.g. `http://localhost:8765/callback`.
    public var redirectURI: String
    /// Where the user authorises the app.
    public var authorizationEndpoint: String
    /// Where codes and refresh tokens are exchanged.
    public var tokenEndpoint: String
    /// Where tokens are revoked.
    public var revocationEndpoint: String
    /// The scopes asked for, space-separated on the wire.
    public var scopes: [String]

    /// Creates a configuration.
    public init(
        clientID: String, clientSecret: SecretToken, redirectURI: String,
        authorizationEndpoint: String = OAuthConfiguration.intuitAuthorizationEndpoint,
        tokenEndpoint: String = OAuthConfiguration.intuitTokenEndpoint,
        revocationEndpoint: String = OAuthConfiguration.intuitRevocationEndpoint,
        scopes: [String] = [OAuthConfiguration.accountingScope]
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.scopes = scopes
    }

    /// The URL to open in a browser: `client_id`, `response_type=code`, `scope`, `redirect_uri`
    /// and `state` (reference/qbo-api.md §6.2 step 1).
    public func authorizationURL(state: String) -> String {
        let query = FormEncoding.encode([
            ("client_id", clientID), ("response_type", "code"), ("scope", scopes.joined(separator: " ")),
            ("redirect_uri", redirectURI), ("state", state),
        ])
        let separator = authorizationEndpoint.contains("?") ? "&" : "?"
        return authorizationEndpoint + separator + query
    }

    /// A fresh unguessable `state` value (128 random bits, hex).
    public static func makeState() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}

/// `application/x-www-form-urlencoded` and URL query encoding (RFC 3986 unreserved set).
enum FormEncoding {
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    static func percentEncode(_ string: String) -> String {
        var result = ""
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (byte < 16 ? "0" : "") + hex
            }
        }
        return result
    }

    /// Decodes `a=b&c=d` (with `+` as space); later duplicates win.
    static func decode(_ query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0])
            result[name] = parts.count > 1 ? percentDecode(parts[1]) : ""
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let first = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
                let second = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), second != utf8.endIndex,
                let value = UInt8(String(decoding: [utf8[first], utf8[second]], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(after: second)
                continue
            }
            bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
