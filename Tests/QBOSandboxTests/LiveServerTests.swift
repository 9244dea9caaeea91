import Foundation
import PortBooksJSON
import Testing

@testable import QBOSandbox

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The server as the executable runs it: bound on port 0, reached over a real socket, state
/// kept under a folder across restarts.
@Suite(.timeLimit(.minutes(3))) struct LiveServerTests {
    actor PortBox {
        var port: Int?
        func set(_ p: Int) { port = p }
    }

    @Test func runsOnPortZeroAndKeepsStateAcrossRestarts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qbo-sandbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = SandboxConfiguration(enforceLimits: false, stateDirectory: dir)

        let server = SandboxServer(configuration: config, port: 0, logger: .quiet)
        let box = PortBox()
        let task = Task { try await server.run { port in await box.set(port) } }
        var port: Int?
        for _ in 0..<3000 where port == nil {  // up to 30 s on a loaded CI machine
            try await Task.sleep(nanoseconds: 10_000_000)
            port = await box.port
        }
        let bound = try #require(port)
        #expect(bound > 0)
        let base = "http://127.0.0.1:\(bound)"

        let (health, healthResponse) = try await URLSession.shared.data(
            from: try #require(URL(string: "\(base)/_sandbox/health")))
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self).contains("ok"))

        var tokenRequest = URLRequest(url: try #require(URL(string: "\(base)/_sandbox/tokens")))
        tokenRequest.httpMethod = "POST"
        let (tokenData, _) = try await URLSession.shared.data(for: tokenRequest)
        let token = try #require(try JSONValue.decode(Array(tokenData))["access_token"]?.stringValue)

        var create = URLRequest(
            url: try #require(
                URL(string: "\(base)/v3/company/9341453050000000/customer?minorversion=75&requestid=survive-1")))
        create.httpMethod = "POST"
        create.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        create.setValue("application/json", forHTTPHeaderField: "Content-Type")
        create.setValue("application/json", forHTTPHeaderField: "Accept")
        create.httpBody = Data(#"{"DisplayName":"Survives Restart"}"#.utf8)
        let (created, createdResponse) = try await URLSession.shared.data(for: create)
        #expect((createdResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: created, as: UTF8.self).contains("Survives Restart"))

        task.cancel()
        _ = try? await task.value

        let restarted = SandboxEngine(configuration: config, logger: .quiet)
        let dump = await restarted.dump(realm: "9341453050000000", entity: "Customer")
        #expect(String(decoding: dump.body, as: UTF8.self).contains("Survives Restart"))
        let tokenStillValid = await restarted.oauth.check(authorization: "Bearer \(token)", now: Date())
        #expect(tokenStillValid == .valid)
        // The requestid's reply was kept too: the same request replays it byte for byte.
        let replay = await restarted.perform(
            APIRequest(
                method: "POST", realm: "9341453050000000", segments: ["customer"],
                query: ["minorversion": "75", "requestid": "survive-1"],
                body: Array(#"{"DisplayName":"Survives Restart"}"#.utf8), contentType: "application/json",
                authorization: nil, path: "/v3/company/9341453050000000/customer"))
        #expect(replay.serialized().body == Array(created))
    }
}
