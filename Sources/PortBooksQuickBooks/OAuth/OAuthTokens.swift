import Foundation

/// The tokens of one QuickBooks connection (one realm), as persisted in the token file.
///
/// `description` redacts both tokens. See
/// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
public struct OAuthTokens: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The QuickBooks company id (`realmId` of the redirect).
    public var realmID: String
    /// The bearer token for API calls (about 1 hour).
    public var accessToken: SecretToken
    /// The refresh token; rotates, and only the newest one works.
    public var refreshToken: SecretToken
    /// When `accessToken` expires.
    public var accessTokenExpiresAt: Date
    /// When `refreshToken` expires (`x_refresh_token_expires_in`), if QuickBooks said.
    public var refreshTokenExpiresAt: Date?
    /// When these tokens were obtained.
    public var obtainedAt: Date

    /// Creates a token set.
    public init(
        realmID: String, accessToken: SecretToken, refreshToken: SecretToken, accessTokenExpiresAt: Date,
        refreshTokenExpiresAt: Date?, obtainedAt: Date
    ) {
        self.realmID = realmID
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessTokenExpiresAt = accessTokenExpiresAt
        self.refreshTokenExpiresAt = refreshTokenExpiresAt
        self.obtainedAt = obtainedAt
    }

    public var description: String {
        "OAuthTokens(realm: \(realmID), access token expires \(accessTokenExpiresAt), tokens redacted)"
    }

    public var debugDescription: String { description }
}
