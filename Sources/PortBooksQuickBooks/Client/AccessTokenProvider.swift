/// Supplies bearer tokens to `QuickBooksClient`. `OAuthSession` is the production one.
public protocol AccessTokenProvider: Sendable {
    /// A token valid for at least a few minutes.
    func accessToken() async throws -> SecretToken
    /// Called once after QuickBooks answered 401 to `rejected`; returns the token to retry with.
    func tokenRejected(_ rejected: SecretToken) async throws -> SecretToken
}

extension OAuthSession: AccessTokenProvider {}
