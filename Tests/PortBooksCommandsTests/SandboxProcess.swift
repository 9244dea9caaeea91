import Foundation
import Testing

/// A `qbo-sandbox` process on a free loopback port, stopped when the test is done.
final class SandboxProcess {
    let process = Process()
    let url: String

    init(arguments: [String] = ["--limits", "off"]) throws {
        let binary = Binary.root.appendingPathComponent(".build/debug/qbo-sandbox")
        process.executableURL = binary
        process.arguments = ["--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var firstLine = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            firstLine.append(byte)
        }
        // Whatever it writes later is read and dropped, so it can never fill the pipe and block.
        out.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        let line = String(decoding: firstLine, as: UTF8.self)
        guard line.hasPrefix("listening on ") else {
            process.terminate()
            throw SandboxStartError(line: line)
        }
        url = String(line.dropFirst("listening on ".count))
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct SandboxStartError: Error {
        var line: String
    }

    /// GET or POST on the sandbox (test API or QuickBooks API), through curl.
    func curl(_ path: String, method: String = "GET", body: String? = nil) throws -> Data {
        var arguments = ["-sS", "-X", method, url + path]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
        return try Binary.runTool("/usr/bin/curl", arguments)
    }

    /// Every object of `entity` in the (only) realm, as the API returns them.
    func objects(_ entity: String) throws -> [[String: Any]] {
        let realms = try JSONSerialization.jsonObject(with: curl("/_sandbox/realms")) as? [String] ?? []
        guard let realm = realms.first else { return [] }
        return try JSONSerialization.jsonObject(with: curl("/_sandbox/realms/\(realm)/\(entity)")) as? [[String: Any]]
            ?? []
    }

    /// Invoices as (DocNumber, TotalAmt), decoded exactly (no Double on the way).
    func invoiceTotals() throws -> [(number: String, total: Decimal)] {
        struct Invoice: Decodable {
            var DocNumber: String?
            var TotalAmt: Decimal
        }
        let realms = try JSONSerialization.jsonObject(with: curl("/_sandbox/realms")) as? [String] ?? []
        guard let realm = realms.first else { return [] }
        let invoices = try JSONDecoder().decode([Invoice].self, from: curl("/_sandbox/realms/\(realm)/Invoice"))
        return invoices.map { ($0.DocNumber ?? "", $0.TotalAmt) }
    }

    func stats() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: curl("/_sandbox/stats")) as? [String: Any] ?? [:]
    }
}

extension Binary {
    /// Runs a tool and returns its stdout.
    static func runTool(_ path: String, _ arguments: [String]) throws -> Data {
        Data(try ChildProcess.run(URL(fileURLWithPath: path), arguments, timeout: 120).stdout.utf8)
    }

    /// A project folder initialised against `sandbox`, connected, with the example settings.
    static func connectedProject(_ sandbox: SandboxProcess) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-e2e-\(UUID().uuidString)")
        let initialised = try run(["init", directory.path, "--sandbox", sandbox.url])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let config = directory.appendingPathComponent("portbooks.toml")
        try ExampleSettings.merge(into: config)
        let connect = Process()
        connect.executableURL = portbooks
        connect.arguments = ["connect", "--config", config.path, "--port", "0"]
        let out = Pipe()
        connect.standardOutput = out
        connect.standardError = FileHandle.nullDevice
        try connect.run()
        var text = ""
        while !text.contains("Waiting for the redirect") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let authorize = text.split(whereSeparator: \.isWhitespace).first { $0.contains("/connect/oauth2") }
        _ = try runTool("/usr/bin/curl", ["-sS", "-L", "-o", "/dev/null", String(authorize ?? "")])
        try ChildProcess.wait(connect, timeout: 60, command: "portbooks connect")
        #expect(connect.terminationStatus == 0)
        return directory
    }
}

/// The example settings (fixtures/drop-example/portbooks.toml) with init's sandbox connection.
enum ExampleSettings {
    static func merge(into config: URL) throws {
        let initialised = try String(contentsOf: config, encoding: .utf8)
        let example = try String(
            contentsOf: Binary.root.appendingPathComponent("fixtures/drop-example/portbooks.toml"), encoding: .utf8)
        try Data((section("quickbooks", of: initialised) + "\n" + removing("quickbooks", from: example)).utf8)
            .write(to: config)
    }

    /// The `[name]` table's text, up to the next table header.
    static func section(_ name: String, of text: String) -> String {
        var lines: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") { inside = line == "[\(name)]" }
            if inside { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }

    static func removing(_ name: String, from text: String) -> String {
        var lines: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("[") { inside = line == "[\(name)]" }
            if !inside { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }
}
