import Foundation
import Hummingbird
import Logging

/// A QuickBooks Online-compatible server on loopback, for tests, demos and rehearsals.
///
/// ```swift
/// let server = SandboxServer(configuration: SandboxConfiguration(), port: 0)
/// try await server.run { port in print("listening on http://127.0.0.1:\(port)") }
/// ```
public struct SandboxServer: Sendable {
    public let engine: SandboxEngine
    public let host: String
    public let port: Int
    let logger: Logger

    public init(
        configuration: SandboxConfiguration, host: String = "127.0.0.1", port: Int = 0,
        logger: Logger
    ) {
        self.engine = SandboxEngine(configuration: configuration, logger: logger)
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// The Hummingbird application; `onListening` gets the bound port (useful with port 0).
    public func makeApplication(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            responder: SandboxResponder(engine: engine),
            configuration: .init(address: .hostname(host, port: port), serverName: "qbo-sandbox"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until cancelled or signalled (SIGINT/SIGTERM), saving changed state every half
    /// second (less often when a save is slow) and once more on the way out.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = makeApplication(onListening: onListening)
        let engine = self.engine
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var pause: TimeInterval = 0.5
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(pause * 1_000_000_000))
                    // A save blocks the engine; keep it under a tenth of the time.
                    pause = max(0.5, 10 * (await engine.flush()))
                }
            }
            group.addTask {
                try await app.runService()
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
        await engine.flush()
    }
}
