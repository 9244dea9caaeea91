import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksQuickBooks
import PortBooksSync

/// `portbooks connect`: the OAuth 2.0 authorization-code flow, once; tokens to a 0600 file.
struct Connect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect to a QuickBooks Online company (OAuth 2.0), or show or revoke the connection.",
        discussion: """
            Prints the authorize URL and waits on a loopback redirect (the redirect_uri of \
            portbooks.toml, or --port). Anything that follows the URL completes it: a browser, or curl \
            against a qbo-sandbox. For production, whose redirect must be https, use --code and --realm \
            with a code from Intuit's OAuth 2.0 Playground (README).

            Examples:
              portbooks connect
              portbooks connect --code AB11… --realm 9341453050000000
              portbooks connect --status
            """
    )

    @OptionGroup var config: ConfigOptions

    @Option(help: "An authorization code obtained elsewhere (OAuth Playground); skips the listener.")
    var code: String?

    @Option(help: "The company (realm) id that goes with --code.")
    var realm: String?

    @Option(help: "Listen for the redirect on this port instead of redirect_uri's (0: any free port).")
    var port: UInt16?

    @Option(help: "Seconds to wait for the redirect.")
    var timeout = 300

    @Flag(
        help: """
            Show the connection: realm, token expiry, token file — and whether QuickBooks accepts it now \
            (a CompanyInfo read; exit 1 when the grant was revoked, 75 when QuickBooks cannot be reached).
            """)
    var status = false

    @Flag(help: "With --status: read only the token file; QuickBooks is not asked.")
    var offline = false

    @Flag(help: "Revoke the tokens at Intuit and delete the token file.")
    var revoke = false

    func validate() throws {
        if (code == nil) != (realm == nil) { throw ValidationError("--code and --realm go together.") }
        if status && revoke { throw ValidationError("Choose one of --status and --revoke.") }
        if offline && !status { throw ValidationError("--offline goes with --status.") }
    }

    func run() async throws {
        let settings = try config.loadSettings()
        let connection = try QuickBooksConnection(settings: settings)
        if status { return try await showStatus(connection) }
        if revoke { return try await revokeTokens(connection) }
        do {
            let tokens: OAuthTokens
            if let code, let realm {
                tokens = try await connection.oauth.exchange(code: code, realmID: realm)
            } else {
                tokens = try await authorizeThroughListener(connection)
            }
            try connection.tokenStore.save(tokens)
            Terminal.standardOutput("Connected to QuickBooks company \(tokens.realmID).")
            Terminal.standardOutput(
                "Tokens saved to \(connection.tokenStore.path) (mode 0600); access token valid until \(Self.format(tokens.accessTokenExpiresAt))."
            )
        } catch {
            throw CommandEnd.couldNotRun("could not connect: \(ExitStatus.words(for: error))")
        }
    }

    private func authorizeThroughListener(_ connection: QuickBooksConnection) async throws -> OAuthTokens {
        let configured = URL(string: connection.settings.quickbooks.redirectURI)
        let listenPort = port ?? UInt16(configured?.port ?? 0)
        let path = configured?.path.isEmpty == false ? configured?.path ?? "/callback" : "/callback"
        let listener = try LoopbackRedirectListener(port: listenPort, path: path)
        let redirect =
            port == nil && listenPort != 0 ? connection.settings.quickbooks.redirectURI : listener.redirectURI
        let oauth = connection.oauth(redirectURI: redirect)
        let state = OAuthConfiguration.makeState()
        // Written unbuffered: whoever follows the URL (a person, or a script) needs it now.
        let prompt = """
            Open this URL to connect PortBooks to QuickBooks:

              \(escaping: oauth.configuration.authorizationURL(state: state))

            Waiting for the redirect on \(escaping: listener.redirectURI) …

            """
        FileHandle.standardOutput.write(Data(prompt.utf8))
        let callback = try await listener.callback(expectedState: state, timeout: .seconds(timeout))
        return try await oauth.exchange(code: callback.code.exposedValue, realmID: callback.realmID)
    }

    /// The token file's facts, and — unless `--offline` — whether QuickBooks accepts the
    /// connection now: "Connected" is said only when it does.
    private func showStatus(_ connection: QuickBooksConnection) async throws {
        guard let tokens = try connection.tokenStore.load() else {
            throw CommandEnd.couldNotRun("not connected: run `portbooks connect`")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: connection.tokenStore.path)
        let mode = (attributes?[.posixPermissions] as? NSNumber).map { String($0.intValue, radix: 8) } ?? "?"
        var finding: SetupFinding?
        if offline {
            Terminal.standardOutput(
                "Tokens saved for QuickBooks company \(tokens.realmID) (only the token file was read; QuickBooks was not asked)"
            )
        } else {
            let checked = await SetupDoctor(settings: connection.settings, logger: LogSetup.logger)
                .connectionFinding(connection)
            finding = checked
            if checked.healthy {
                Terminal.standardOutput("Connected to QuickBooks company \(tokens.realmID): \(checked.message)")
            } else {
                Terminal.standardOutput(
                    "NOT WORKING: tokens are saved for QuickBooks company \(tokens.realmID), but \(checked.message)")
                if let fix = checked.fix { Terminal.standardOutput("  fix:            \(fix)") }
            }
        }
        Terminal.standardOutput("  API:            \(connection.settings.quickbooks.baseURL)")
        Terminal.standardOutput("  access token:   valid until \(Self.format(tokens.accessTokenExpiresAt))")
        if let refresh = tokens.refreshTokenExpiresAt {
            Terminal.standardOutput("  refresh token:  valid until \(Self.format(refresh))")
        }
        Terminal.standardOutput("  token file:     \(connection.tokenStore.path) (mode \(mode))")
        if let finding, !finding.healthy {
            throw ExitCode(SetupDoctor.isTryLater(finding) ? ExitStatus.tryLater : ExitStatus.couldNotRun)
        }
    }

    private func revokeTokens(_ connection: QuickBooksConnection) async throws {
        guard let tokens = try connection.tokenStore.load() else {
            Terminal.standardOutput("Not connected; nothing to revoke.")
            return
        }
        do {
            try await connection.oauth.revoke(tokens.refreshToken)
        } catch {
            Terminal.standardError(
                "warning: Intuit did not confirm the revocation (\(error)); deleting the tokens anyway")
        }
        try connection.tokenStore.remove()
        Terminal.standardOutput("Disconnected from QuickBooks company \(tokens.realmID); the token file is deleted.")
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}
