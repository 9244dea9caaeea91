import Foundation
import Testing

extension OperatorEndToEnd {
    /// What a person at a terminal (or reading a cron log) sees while a run goes: the progress bar,
    /// log lines above it, Ctrl-C, files left in the inbox.
    @Suite(
        "run progress end to end", .timeLimit(.minutes(5)), .serialized,
        .enabled(
            if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
                && FileManager.default.fileExists(
                    atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
        ))
    struct RunProgressEndToEndTests {
        private func generated(_ invoices: Int, in project: URL) throws -> URL {
            let file = project.appendingPathComponent("history.json")
            let output = try Binary.run([
                "generate", "--invoices", String(invoices), "--format", "json", "--seed", "5", "--out", file.path,
            ])
            #expect(output.status == 0, "\(output.stderr)")
            return file
        }

        @Test("a file still being written is named in the summary, not silently skipped")
        func waitingFiles() async throws {
            let project = FileManager.default.temporaryDirectory.appendingPathComponent("pb-wait-\(UUID().uuidString)")
            #expect(try await offPool { try Binary.run(["init", project.path]) }.status == 0)
            let source = Binary.root.appendingPathComponent("fixtures/drop-example/customers.json")
            for name in ["a.json", "b.json", "c.json"] {
                try FileManager.default.copyItem(at: source, to: project.appendingPathComponent("inbox/\(name)"))
            }
            let config = project.appendingPathComponent("portbooks.toml").path
            // Just written: younger than a settle time of an hour.
            let output = try await offPool { try Binary.run(["sync", "--config", config, "--settle", "3600"]) }
            #expect(output.status == 0, "\(output.stderr)")
            #expect(
                output.stdout.contains("3 file(s) in inbox/ still being written; the next run takes them"),
                "\(output.stdout)")
            let json = try await offPool { try Binary.run(["sync", "--config", config, "--settle", "3600", "--json"]) }
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect((object?["files"] as? [String: Any])?["waiting"] as? Int == 3, "\(json.stdout)")
        }

        @Test("on a terminal: one bar for the whole push, log lines above it, no ETA of 0 s at the start")
        func terminalBar() async throws {
            let sandbox = try SandboxProcess()
            let project = try await offPool { try Binary.connectedProject(sandbox) }
            let file = try await offPool { try generated(600, in: project) }
            let config = project.appendingPathComponent("portbooks.toml").path
            let typescript = project.appendingPathComponent("typescript")
            // script(1) runs the import on a pseudo-terminal, as a person would, and keeps every byte.
            let command = [Binary.portbooks.path, "import", "--config", config, file.path]
                .map { "'\($0)'" }.joined(separator: " ")
            let output = try await offPool {
                try ChildProcess.run(
                    URL(fileURLWithPath: "/usr/bin/script"), ["-qefc", command, typescript.path],
                    environment: ProcessInfo.processInfo.environment.merging(["PORTBOOKS_LOG_LEVEL": "info"]) { $1 })
            }
            #expect([0, 3].contains(output.status), "\(output.stdout)")
            let screen = try String(contentsOf: typescript, encoding: .utf8)
            #expect(screen.contains("] "), "a bar is drawn")
            #expect(screen.contains("pushing invoices"), "\(screen.suffix(3000))")
            #expect(screen.range(of: #"[0-9]+/[0-9]+ records"#, options: .regularExpression) != nil)
            #expect(!screen.contains("ETA 0 s"))
            // Every log line starts a line of its own: after a newline or after the bar was erased.
            let logLine = try Regex(#"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+[+-][0-9]{4} (info|warning|error)"#)
            for match in screen.matches(of: logLine) {
                let before = screen[..<match.range.lowerBound]
                #expect(
                    before.isEmpty || before.hasSuffix("\n") || before.hasSuffix("\u{1B}[K"), "\(before.suffix(80))")
            }
        }

        @Test("Ctrl-C during an import: 'interrupted; run again to resume', status says so, the next run resumes")
        func interrupted() async throws {
            let sandbox = try SandboxProcess()
            let project = try await offPool { try Binary.connectedProject(sandbox) }
            // Slow answers while the import runs, so it is still pushing when interrupted.
            _ = try sandbox.curl("/_sandbox/faults", method: "POST", body: #"{"latencyMs": 40}"#)
            let file = try await offPool { try generated(1500, in: project) }
            let config = project.appendingPathComponent("portbooks.toml").path
            let process = Process()
            process.executableURL = Binary.portbooks
            process.arguments = ["import", "--config", config, file.path]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Interrupt once the push has begun (its first progress line).
            let reader = ThreadTransfer(errors.fileHandleForReading)
            let pid = process.processIdentifier
            let seen = try await offPool { () -> String in
                var seen = ""
                while !seen.contains("pushing") {
                    let chunk = reader.value.availableData
                    if chunk.isEmpty { break }
                    seen += String(decoding: chunk, as: UTF8.self)
                }
                kill(pid, SIGINT)
                try ChildProcess.wait(process, timeout: 60, command: "portbooks import")
                return seen + String(decoding: reader.value.readDataToEndOfFile(), as: UTF8.self)
            }
            #expect(process.terminationStatus == 130, "\(seen.suffix(1000))")
            #expect(seen.hasSuffix("interrupted; run again to resume\n"), "\(seen.suffix(1000))")

            let status = try await offPool { try Binary.run(["status", "--config", config]) }
            #expect(status.stdout.contains("import  interrupted (the next run resumes it)"), "\(status.stdout)")

            _ = try sandbox.curl("/_sandbox/faults", method: "POST", body: #"{"latencyMs": 0}"#)
            let again = try await offPool { try Binary.run(["import", "--config", config, file.path]) }
            #expect([0, 3].contains(again.status), "\(again.stderr)")
            let invoices = try sandbox.objects("Invoice").compactMap { $0["DocNumber"] as? String }
            #expect(Set(invoices).count == invoices.count, "nothing sent twice")
        }
    }
}
