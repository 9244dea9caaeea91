import ArgumentParser
import Foundation
import Logging
import QBOSandbox

/// `qbo-sandbox`: runs the QuickBooks Online-compatible server until interrupted.
@main
struct QBOSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qbo-sandbox",
        abstract: "A QuickBooks Online Accounting API v3 look-alike on loopback.",
        discussion: """
            Prints `listening on http://HOST:PORT` as its first line, then serves until SIGINT/SIGTERM.
            OAuth demo client: portbooks-demo / portbooks-demo-secret. Test API under /_sandbox/.
            """)

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: Int = 0

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Keep state as JSON files in this folder (survives restarts); memory only when omitted.")
    var state: String?

    @Option(help: "Throttles: qbo enforces Intuit's per-realm limits, off disables them.")
    var limits: String = "qbo"

    @Option(name: .customLong("time-scale"), help: "Make every throttle window K times shorter.")
    var timeScale: Double = 1

    @Option(help: "Milliseconds of latency added to every API request.")
    var latency: Int = 0

    @Option(help: "What new and reset companies hold: none, standard or demo.")
    var seed: String = "demo"

    @Flag(help: "New and reset companies have multicurrency on (Preferences.CurrencyPrefs.MultiCurrencyEnabled).")
    var multicurrency = false

    @Option(name: .customLong("home-currency"), help: "Home currency (ISO 4217 code) of new and reset companies.")
    var homeCurrency: String = "USD"

    @Flag(help: "Log requests and server events to stderr.")
    var verbose = false

    func validate() throws {
        guard ["qbo", "off"].contains(limits) else { throw ValidationError("--limits must be qbo or off") }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be greater than 0") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard latency >= 0 else { throw ValidationError("--latency must not be negative") }
        guard SeedOptions.Level(rawValue: seed) != nil else {
            throw ValidationError("--seed must be none, standard or demo")
        }
        guard SeedOptions.isCurrencyCode(homeCurrency.uppercased()) else {
            throw ValidationError("--home-currency must be an ISO 4217 currency code, such as USD or CAD")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "qbo-sandbox")
        logger.logLevel = verbose ? .info : .warning
        let configuration = SandboxConfiguration(
            enforceLimits: limits == "qbo", timeScale: timeScale, latencyMs: latency,
            stateDirectory: state.map { URL(fileURLWithPath: $0, isDirectory: true) },
            seed: SeedOptions(
                level: SeedOptions.Level(rawValue: seed) ?? .demo, multiCurrency: multicurrency,
                homeCurrency: homeCurrency.uppercased()))
        let server = SandboxServer(configuration: configuration, host: host, port: port, logger: logger)
        let host = self.host
        try await server.run { port in
            // Written straight to fd 1 (unbuffered), so a parent reading a pipe sees it at once.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}
