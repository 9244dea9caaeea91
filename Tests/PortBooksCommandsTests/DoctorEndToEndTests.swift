import Foundation
import Testing

extension OperatorEndToEnd {
    /// `portbooks doctor` and `connect --status` against a real qbo-sandbox.
    @Suite(
        "doctor end to end", .timeLimit(.minutes(5)), .serialized,
        .enabled(
            if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
                && FileManager.default.fileExists(
                    atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
        ))
    struct DoctorEndToEndTests {
        private func doctor(_ project: URL, json: Bool = false) throws -> Binary.Output {
            try Binary.run(
                ["doctor", "--config", project.appendingPathComponent("portbooks.toml").path] + (json ? ["--json"] : [])
            )
        }

        @Test("a connected folder is healthy: exit 0, every check ok, --json says so")
        func healthy() throws {
            let sandbox = try SandboxProcess()
            let project = try Binary.connectedProject(sandbox)
            let output = try doctor(project)
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(output.stdout.hasSuffix("Healthy.\n"))
            for check in ["settings", "folders", "token-file", "company", "quickbooks", "clock", "names", "lock"] {
                #expect(output.stdout.contains("ok       \(check)"), "\(check): \(output.stdout)")
            }
            let json = try doctor(project, json: true)
            #expect(json.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["healthy"] as? Bool == true)
            #expect((object?["checks"] as? [[String: Any]])?.isEmpty == false)

            let status = try Binary.run([
                "connect", "--config", project.appendingPathComponent("portbooks.toml").path, "--status",
            ])
            #expect(status.status == 0)
            #expect(status.stdout.hasPrefix("Connected to QuickBooks company"), "\(status.stdout)")
        }

        @Test("QuickBooks stopped: exit 1, 'cannot be reached'; connect --status does not say Connected")
        func unreachable() throws {
            let sandbox = try SandboxProcess()
            let project = try Binary.connectedProject(sandbox)
            sandbox.process.terminate()
            sandbox.process.waitUntilExit()
            let output = try doctor(project)
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            #expect(output.stdout.contains("PROBLEM  quickbooks"), "\(output.stdout)")
            #expect(output.stdout.contains("QuickBooks cannot be reached at"), "\(output.stdout)")
            #expect(output.stdout.hasSuffix("1 problem(s) to fix.\n"))

            let config = project.appendingPathComponent("portbooks.toml").path
            let status = try Binary.run(["connect", "--config", config, "--status"])
            #expect(status.status == 75, "\(status.stdout)\n\(status.stderr)")
            #expect(!status.stdout.contains("Connected"), "\(status.stdout)")
            #expect(status.stdout.contains("cannot be reached"), "\(status.stdout)")
            // --offline says plainly that only the file was read.
            let offline = try Binary.run(["connect", "--config", config, "--status", "--offline"])
            #expect(offline.status == 0)
            #expect(offline.stdout.contains("QuickBooks was not asked"), "\(offline.stdout)")
        }

        @Test("the grant revoked at QuickBooks: connect --status says NOT WORKING (exit 1), doctor says reconnect")
        func revoked() throws {
            let sandbox = try SandboxProcess()
            let project = try Binary.connectedProject(sandbox)
            let tokens =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: project.appendingPathComponent("state/tokens.json"))) as? [String: Any]
            let refresh = try #require(tokens?["refreshToken"] as? String)
            _ = try Binary.runTool(
                "/usr/bin/curl",
                [
                    "-sS", "-u", "portbooks-demo:portbooks-demo-secret", "--data-urlencode", "token=\(refresh)",
                    sandbox.url + "/oauth2/v1/tokens/revoke",
                ])
            let config = project.appendingPathComponent("portbooks.toml").path
            let status = try Binary.run(["connect", "--config", config, "--status"])
            #expect(status.status == 1, "\(status.stdout)\n\(status.stderr)")
            #expect(!status.stdout.contains("Connected"), "\(status.stdout)")
            #expect(status.stdout.hasPrefix("NOT WORKING"), "\(status.stdout)")
            let output = try doctor(project)
            #expect(output.status == 1)
            #expect(output.stdout.contains("no longer accepts this folder's connection"), "\(output.stdout)")
            #expect(output.stdout.contains("fix: Run `portbooks connect` again."), "\(output.stdout)")
        }

        @Test("a token file others can read: exit 1 and the chmod that fixes it")
        func tokenMode() throws {
            let sandbox = try SandboxProcess()
            let project = try Binary.connectedProject(sandbox)
            let tokens = project.appendingPathComponent("state/tokens.json").path
            #expect(chmod(tokens, 0o644) == 0)
            let output = try doctor(project)
            #expect(output.status == 1)
            #expect(output.stdout.contains("PROBLEM  token-file"), "\(output.stdout)")
            #expect(output.stdout.contains("has mode 644"), "\(output.stdout)")
            #expect(output.stdout.contains("chmod 600 \(tokens)"), "\(output.stdout)")
        }

        @Test("a name the settings use that QuickBooks lacks is named, with the setting; bad settings exit 1 too")
        func missingName() throws {
            let sandbox = try SandboxProcess()
            let project = try Binary.connectedProject(sandbox)
            let config = project.appendingPathComponent("portbooks.toml")
            let text = try String(contentsOf: config, encoding: .utf8)
                .replacingOccurrences(of: "[items.map]\n", with: "[items.map]\n\"LAYOVER\" = \"Layover Fee\"\n")
            try Data(text.utf8).write(to: config)
            let output = try doctor(project)
            #expect(output.status == 1)
            #expect(output.stdout.contains("QuickBooks has no Item named \"Layover Fee\" ([items]"), "\(output.stdout)")

            try Data(text.replacingOccurrences(of: "doc_number = \"portpro\"", with: "doc_number = \"bogus\"").utf8)
                .write(to: config)
            let broken = try doctor(project, json: true)
            #expect(broken.status == 1)
            let object = try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any]
            #expect(object?["healthy"] as? Bool == false)
            let first = (object?["checks"] as? [[String: Any]])?.first
            #expect(first?["check"] as? String == "settings")
        }
    }
}
