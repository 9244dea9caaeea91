import Foundation
import Testing

extension OperatorEndToEnd {
    /// `--json` where a machine reads the output, and the rough edges of #18: every message a
    /// sentence, every exit code the documented one.
    @Suite(
        "machine-readable output end to end", .timeLimit(.minutes(5)), .serialized,
        .enabled(
            if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
                && FileManager.default.fileExists(
                    atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
        ))
    struct MachineReadableEndToEndTests {
        @Test("problems, ids list and reconcile --json print JSON a machine reads; problems --out checks its target")
        func jsonOutputs() throws {
            let sandbox = try SandboxProcess()
            let project = try Binary.connectedProject(sandbox)
            let config = project.appendingPathComponent("portbooks.toml").path
            let source = Binary.root.appendingPathComponent("fixtures/drop-example")
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
                try FileManager.default.copyItem(
                    at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
            }
            #expect(try Binary.run(["sync", "--config", config, "--settle", "0"]).status == 3)

            let problems = try Binary.run(["problems", "--config", config, "--json"])
            #expect(problems.status == 3)
            let rows = try JSONSerialization.jsonObject(with: Data(problems.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(!rows.isEmpty)
            #expect(rows.contains { $0["problem_code"] as? String == "unmapped-charge-code" })
            #expect(rows.allSatisfy { $0["attempts"] is Int && $0["entity"] is String })

            let ids = try Binary.run(["ids", "list", "--config", config, "--json", "--entity", "invoice"])
            #expect(ids.status == 0, "\(ids.stderr)")
            let records = try JSONSerialization.jsonObject(with: Data(ids.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(records.count > 20)
            #expect(records.allSatisfy { $0["entity"] as? String == "invoice" })
            #expect(records.contains { $0["state"] as? String == "synced" && $0["qb_id"] is String })

            let reconcile = try Binary.run(["reconcile", "--config", config, "--json"])
            #expect([0, 3].contains(reconcile.status), "\(reconcile.stderr)")
            let outcome = try JSONSerialization.jsonObject(with: Data(reconcile.stdout.utf8)) as? [String: Any]
            #expect(outcome?["findings"] is [Any])
            #expect(outcome?["since"] is String)

            // --out: a folder, or a folder that does not exist, is a usage error in words; nothing is created.
            let folder = try Binary.run(["problems", "--config", config, "--out", project.path])
            #expect(folder.status == 64)
            #expect(folder.stderr.contains("is a folder; name a file in it"), "\(folder.stderr)")
            let missing = project.appendingPathComponent("no/such/folder/problems.csv").path
            let nowhere = try Binary.run(["problems", "--config", config, "--out", missing])
            #expect(nowhere.status == 64)
            #expect(nowhere.stderr.contains("does not exist; create it first"), "\(nowhere.stderr)")
            #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("no").path))
            for output in [folder, nowhere] { #expect(!output.stderr.contains("NSCocoaErrorDomain")) }
        }

        @Test("validate --json: diagnostics are objects with file, line, column, code and message")
        func validateJSON() throws {
            let file = Binary.root.appendingPathComponent("fixtures/invalid/malformed-missing-comma.json").path
            let output = try Binary.run(["validate", "--json", file])
            #expect(output.status == 3)
            let reports = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]] ?? []
            let diagnostic = (reports.first?["diagnostics"] as? [[String: Any]])?.first
            #expect(diagnostic?["file"] as? String == file)
            #expect((diagnostic?["line"] as? Int ?? 0) > 0)
            #expect((diagnostic?["column"] as? Int ?? 0) > 0)
            #expect(diagnostic?["code"] is String)
            #expect(diagnostic?["message"] is String)
        }

        @Test("resolve of a missing file exits 1; generate --invoices -5 says what is wrong")
        func roughEdges() throws {
            let project = FileManager.default.temporaryDirectory.appendingPathComponent("pb-rough-\(UUID().uuidString)")
            #expect(try Binary.run(["init", project.path]).status == 0)
            let config = project.appendingPathComponent("portbooks.toml").path
            let resolve = try Binary.run([
                "resolve", "--config", config, project.appendingPathComponent("nope.csv").path,
            ])
            #expect(resolve.status == 1)
            #expect(resolve.stderr.contains("error: no such file: "), "\(resolve.stderr)")

            let generate = try Binary.run(["generate", "--invoices", "-5"])
            #expect(generate.status == 64)
            #expect(generate.stderr.contains("--invoices must be 0 or more."), "\(generate.stderr)")
            #expect(!generate.stderr.contains("Missing value"))

            // A file that is not an export: the first five problems in the log, then a count.
            let other = project.appendingPathComponent("other.json")
            let items = (0..<100).map { #"{"x": \#($0)}"# }.joined(separator: ", ")
            try Data(#"{"data": [\#(items)]}"#.utf8).write(to: other)
            let imported = try Binary.run(["import", "--config", config, other.path])
            #expect(imported.status == 3)
            let logged = imported.stderr.split(separator: "\n").filter { $0.contains("[not-an-export]") }
            #expect(logged.count == 5, "\(imported.stderr)")
            #expect(imported.stderr.contains("other.json: … and 95 more problem(s)"), "\(imported.stderr)")

            // --help shows examples.
            for command in [["doctor"], ["problems"], ["resolve"], ["schedule"], ["ids", "list"], ["validate"]] {
                let help = try Binary.run(command + ["--help"])
                #expect(help.stdout.contains("Examples:"), "\(command)")
            }
        }
    }
}
