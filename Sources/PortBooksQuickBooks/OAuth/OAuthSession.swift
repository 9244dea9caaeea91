import Foundation
import Logging

/// Hands out a valid access token for one realm, refreshing when needed.
///
/// - Refreshes when less than `refreshMargin` (5 minutes) of the access token is left, and
///   once when QuickBooks answers 401 to a token (`tokenRejected(_:)`).
/// - The new tokens are saved to the `TokenStore` *before* the new access or refresh token is
///   used; if saving fails, the refresh throws and the tokens are not handed out (the next call
///   tries to save again first).
/// - Concurrent callers share one refresh; across processes, refreshes are serialised with the
///   store's lock, and a token file rotated by another process is adopted instead of refreshing
///   with a superseded refresh token.
/// - `invalid_grant` throws `QuickBooksFault.reconnectNeeded` every time, with no retry.
/// - Tokens never reach the logger.
public actor OAuthSession {
    private let client: OAuthClient
    private let store: TokenStore
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var tokens: OAuthTokens
    private var unsaved = false
    private var refreshing: Task<OAuthTokens, Error>?

    /// Creates a session from tokens already loaded (see `load(client:store:)`).
    public init(
        client: OAuthClient, store: TokenStore, tokens: OAuthTokens, refreshMargin: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.client = client
        self.store = store
        self.tokens = tokens
        self.refreshMargin = TimeInterval(refreshMargin.components.seconds)
        self.now = now
        self.logger = logger
    }

    /// A session over the tokens in `store`; `fatal` telling the user to connect when there
    /// are none.
    public static func load(
        client: OAuthClient, store: TokenStore, now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) throws -> OAuthSession {
        guard let tokens = try store.load() else {
            throw QuickBooksFault.fatal("not connected to QuickBooks: run `portbooks connect`")
        }
        return OAuthSession(client: client, store: store, tokens: tokens, now: now, logger: logger)
    }

    /// The realm these tokens are for.
    public var realmID: String { tokens.realmID }

    /// The current tokens (redacted in any description).
    public var currentTokens: OAuthTokens { tokens }

    /// A valid access token, refreshing first when it expires within the margin.
    public func accessToken() async throws -> SecretToken {
        if unsaved {
            try store.save(tokens)
            unsaved = false
        }
        if tokens.accessTokenExpiresAt.timeIntervalSince(now()) < refreshMargin {
            return try await refresh(rejected: tokens.accessToken).accessToken
        }
        return tokens.accessToken
    }

    /// Called after a 401 for `rejected`: refreshes unless another caller already did, and
    /// returns the token to retry with. The caller retries once; a second 401 is an `auth` fault.
    public func tokenRejected(_ rejected: SecretToken) async throws -> SecretToken {
        if tokens.accessToken != rejected && !unsaved {
            return tokens.accessToken
        }
        return try await refresh(rejected: rejected).accessToken
    }

    private func refresh(rejected: SecretToken) async throws -> OAuthTokens {
        if let refreshing {
            return try await refreshing.value
        }
        let task = Task { try await self.performRefresh(rejected: rejected) }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func performRefresh(rejected: SecretToken) async throws -> OAuthTokens {
        let lock = try store.lockExclusively()
        defer { lock.release() }
        do {
            // Another process may have rotated the tokens while we waited for the lock.
            if let stored = try store.load(), stored.realmID == tokens.realmID,
                stored.refreshToken != tokens.refreshToken
            {
                logger.debug("adopting tokens refreshed by another process", metadata: ["realm": "\(stored.realmID)"])
                tokens = stored
                unsaved = false
                if stored.accessToken != rejected
                    && stored.accessTokenExpiresAt.timeIntervalSince(now()) >= refreshMargin
                {
                    return stored
                }
            }
            logger.debug("refreshing the QuickBooks access token", metadata: ["realm": "\(tokens.realmID)"])
            let fresh = try await client.refresh(tokens)
            // Hold the newest refresh token in memory at once (the old one may be dead now),
            // but hand nothing out until it is on disk.
            tokens = fresh
            unsaved = true
            try store.save(fresh)
            unsaved = false
            return fresh
        }
    }
}
