import Foundation
import Logging
import PortBooksCore
import PortBooksHTTP
import PortBooksQuickBooks

/// Everything needed to talk to one QuickBooks company, built from `portbooks.toml`: the
/// OAuth client and token store, and (once connected) the API client.
///
/// Secrets never come from the settings file: the client secret is read from
/// `PORTBOOKS_CLIENT_SECRET` or from `[quickbooks] client_secret_file` (mode 0600), and
/// tokens live in `token_file` (mode 0600, written atomically by ``TokenStore``).
public struct QuickBooksConnection: Sendable {
    public let settings: Settings
    public let transport: CurlTransport
    public let oauth: OAuthClient
    public let tokenStore: TokenStore

    /// The pacing time scale: 1 against QuickBooks; K against a `qbo-sandbox --time-scale K`
    /// (set with the `PORTBOOKS_QBO_TIME_SCALE` environment variable).
    public let timeScale: Double

    public init(settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.settings = settings
        let secret = try Self.clientSecret(settings: settings, environment: environment)
        let quickbooks = settings.quickbooks
        transport = CurlTransport()
        let configuration = OAuthConfiguration(
            clientID: quickbooks.clientID, clientSecret: secret, redirectURI: quickbooks.redirectURI,
            authorizationEndpoint: quickbooks.authURL, tokenEndpoint: quickbooks.tokenURL,
            revocationEndpoint: quickbooks.revokeURL)
        oauth = OAuthClient(configuration: configuration, transport: transport)
        tokenStore = TokenStore(path: settings.resolve(quickbooks.tokenFile))
        timeScale = environment["PORTBOOKS_QBO_TIME_SCALE"].flatMap(Double.init) ?? 1
    }

    /// The OAuth configuration with another redirect URI (the loopback listener's actual port).
    public func oauth(redirectURI: String) -> OAuthClient {
        var configuration = oauth.configuration
        configuration.redirectURI = redirectURI
        return OAuthClient(configuration: configuration, transport: transport)
    }

    /// The API client for the connected company; throws `reconnectNeeded`-style faults when
    /// there are no tokens. `retry`: a check (`doctor`, `connect --status`) gives up sooner
    /// than a run.
    public func client(logger: Logger, retry: RetryPolicy = RetryPolicy()) throws -> (
        QuickBooksClient, OAuthSession
    ) {
        let session = try OAuthSession.load(client: oauth, store: tokenStore, logger: logger)
        let realm = settings.quickbooks.realmID.isEmpty ? nil : settings.quickbooks.realmID
        let tokens = try tokenStore.load()
        guard let realmID = realm ?? tokens?.realmID else {
            throw QuickBooksFault.fatal("not connected to QuickBooks: run `portbooks connect`")
        }
        let configuration = QuickBooksConfiguration(
            baseURL: settings.quickbooks.baseURL, realmID: realmID, minorVersion: settings.quickbooks.minorVersion,
            retry: retry, limits: Self.limits(timeScale: timeScale))
        let client = QuickBooksClient(
            configuration: configuration, transport: transport, tokens: session, logger: logger)
        return (client, session)
    }

    /// Intuit's limits, scaled for a sandbox started with `--time-scale K`.
    static func limits(timeScale: Double) -> PacingLimits {
        PacingLimits(timeScale: max(1, timeScale))
    }

    static func clientSecret(settings: Settings, environment: [String: String]) throws -> SecretToken {
        if let value = environment["PORTBOOKS_CLIENT_SECRET"], !value.isEmpty {
            return SecretToken(value)
        }
        let path = settings.resolve(settings.quickbooks.clientSecretFile)
        if let exposure = PrivateFile.exposure(
            of: path, what: "the client secret file",
            afterwards: "make a new client secret for the app in Intuit's developer portal")
        {
            throw QuickBooksFault.fatal(exposure)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QuickBooksFault.fatal(
                "no QuickBooks client secret: set PORTBOOKS_CLIENT_SECRET or write it to \(path) (mode 0600)")
        }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw QuickBooksFault.fatal("the client secret file \(path) is empty") }
        return SecretToken(value)
    }
}
