import Foundation
import Testing

extension OperatorEndToEnd {
    /// Setting a folder up in one step: `init --from`, `schedule --systemd|--cron`.
    @Suite(
        "setup end to end", .timeLimit(.minutes(3)), .serialized,
        .enabled(if: FileManager.default.fileExists(atPath: Binary.portbooks.path)))
    struct SetupEndToEndTests {
        private func folder(_ label: String) -> URL {
            FileManager.default.temporaryDirectory.appendingPathComponent("pb-\(label)-\(UUID().uuidString)")
        }

        @Test("init --from takes a settings file's mapping and keeps the new folder's [quickbooks]")
        func initFrom() throws {
            let example = Binary.root.appendingPathComponent("fixtures/drop-example/portbooks.toml").path
            let project = folder("from")
            let output = try Binary.run(["init", project.path, "--sandbox", "http://127.0.0.1:9", "--from", example])
            #expect(output.status == 0, "\(output.stderr)")
            let text = try String(contentsOf: project.appendingPathComponent("portbooks.toml"), encoding: .utf8)
            #expect(text.contains("base_url = \"http://127.0.0.1:9/v3\""))
            #expect(!text.contains("127.0.0.1:8080"), "the example's own connection is left out")
            #expect(text.contains("\"BASE PRICE\" = \"Drayage\""))
            #expect(text.contains("[payments.methods]"))
            #expect(text.components(separatedBy: "[quickbooks]").count == 2)
            // The folder works: its settings load.
            let status = try Binary.run([
                "schedule", "--cron", "--config", project.appendingPathComponent("portbooks.toml").path,
            ])
            #expect(status.status == 0, "\(status.stderr)")

            let broken = folder("broken")
            try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
            let bad = broken.appendingPathComponent("bad.toml")
            try Data("[items]\nnonsense = 1\n".utf8).write(to: bad)
            let refused = try Binary.run(["init", broken.appendingPathComponent("new").path, "--from", bad.path])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("cannot be used as it is"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: broken.appendingPathComponent("new/portbooks.toml").path))
        }

        @Test("init's settings do not claim connect fills realm_id in")
        func realmComment() throws {
            let project = folder("realm")
            #expect(try Binary.run(["init", project.path]).status == 0)
            let text = try String(contentsOf: project.appendingPathComponent("portbooks.toml"), encoding: .utf8)
            #expect(!text.contains("fills it in") && !text.contains("filled in by"))
            #expect(text.contains("empty: the company chosen at `portbooks connect`"))
        }

        @Test("schedule --cron: one line, the folder's sync, output to logs/ so cron mails nothing")
        func cron() throws {
            let project = folder("cron")
            #expect(try Binary.run(["init", project.path]).status == 0)
            let config = project.appendingPathComponent("portbooks.toml").path
            let output = try Binary.run(["schedule", "--cron", "--every", "10", "--config", config])
            #expect(output.status == 0)
            let lines = output.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            let line = String(lines.first ?? "")
            #expect(line.hasPrefix("*/10 * * * * cd '\(project.path)' && '"), "\(line)")
            #expect(line.contains("' sync --config '\(config)' >> '\(project.path)/logs/sync.log' 2>&1"), "\(line)")
            #expect(try Binary.run(["schedule", "--config", config]).status == 64)
        }

        @Test(
            "schedule --systemd: a service and timer that systemd-analyze verify accepts",
            .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
        func systemd() throws {
            let project = folder("systemd")
            #expect(try Binary.run(["init", project.path]).status == 0)
            let config = project.appendingPathComponent("portbooks.toml").path
            let printed = try Binary.run(["schedule", "--systemd", "--config", config])
            #expect(printed.status == 0)
            #expect(
                printed.stdout.contains(
                    "ExecStart=\(Binary.portbooks.resolvingSymlinksInPath().path) sync --config \(config)"))
            #expect(printed.stdout.contains("SuccessExitStatus=3 75"))
            let units = folder("units")
            let installed = try Binary.run([
                "schedule", "--systemd", "--install", "--unit-directory", units.path, "--config", config,
            ])
            #expect(installed.status == 0, "\(installed.stderr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: units.path).sorted()
            #expect(names.count == 2 && names.allSatisfy { $0.hasPrefix("portbooks-pb-systemd-") }, "\(names)")
            let verify = try ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
                ["verify"] + names.map { units.appendingPathComponent($0).path }, in: units)
            #expect(verify.status == 0, "\(verify.stdout)\n\(verify.stderr)")
            #expect(verify.stderr.isEmpty, "\(verify.stderr)")
        }
    }
}
