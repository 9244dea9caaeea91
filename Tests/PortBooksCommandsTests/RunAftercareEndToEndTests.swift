import Foundation
import Testing

extension OperatorEndToEnd {
    /// What happens after a run: `[notify] command`, run folders kept within bounds, idle runs
    /// leaving nothing behind.
    @Suite(
        "after a run end to end", .timeLimit(.minutes(5)), .serialized,
        .enabled(
            if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
                && FileManager.default.fileExists(
                    atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
        ))
    struct RunAftercareEndToEndTests {
        private func append(_ text: String, to project: URL) throws {
            let config = project.appendingPathComponent("portbooks.toml")
            let settings = try String(contentsOf: config, encoding: .utf8)
            try Data((settings + "\n" + text + "\n").utf8).write(to: config)
        }

        private func sync(_ project: URL) throws -> Binary.Output {
            try Binary.run(["sync", "--config", project.appendingPathComponent("portbooks.toml").path, "--settle", "0"])
        }

        private func drop(_ folder: String, into project: URL) throws {
            let source = Binary.root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
                try FileManager.default.copyItem(
                    at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
            }
        }

        @Test("[notify] command runs with the summary's path and the exit status; its failure never fails the run")
        func notify() async throws {
            let sandbox = try SandboxProcess()
            let project = try await offPool { try Binary.connectedProject(sandbox) }
            try append("[notify]\ncommand = 'echo notifier speaking; exit 7'", to: project)
            try drop("fixtures/drop-example", into: project)
            let failing = try await offPool { try sync(project) }
            #expect(failing.status == 3, "\(failing.stderr)")
            #expect(failing.stderr.contains("notifier speaking"))
            #expect(failing.stderr.contains("warning: the [notify] command exited with status 7"), "\(failing.stderr)")

            let config = project.appendingPathComponent("portbooks.toml")
            let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
                of: "command = 'echo notifier speaking; exit 7'",
                with: "command = 'echo \"$PORTBOOKS_EXIT_STATUS $PORTBOOKS_RUN_ID $PORTBOOKS_SUMMARY\" > notified.txt'")
            try Data(text.utf8).write(to: config)
            try drop("fixtures/drop-example/later", into: project)
            let second = try await offPool { try sync(project) }
            #expect(second.status == 3)
            let told = try String(contentsOf: project.appendingPathComponent("notified.txt"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            #expect(told.count == 3, "\(told)")
            #expect(told.first == "3")
            if told.count == 3 {
                #expect(second.stdout.contains("Run \(told[1])"))
                #expect(told[2].hasSuffix("reports/runs/\(told[1])/summary.json"))
                #expect(FileManager.default.fileExists(atPath: told[2]))
            }
        }

        @Test("a run that did nothing leaves no folder; older run folders go beyond [reports] keep_runs / keep_days")
        func retention() async throws {
            let project = FileManager.default.temporaryDirectory.appendingPathComponent("pb-keep-\(UUID().uuidString)")
            #expect(try await offPool { try Binary.run(["init", project.path]) }.status == 0)
            let runs = project.appendingPathComponent("reports/runs")
            let idle = try await offPool { try sync(project) }
            #expect(idle.status == 0, "\(idle.stderr)")
            #expect(idle.stdout.contains("nothing new"), "\(idle.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path).isEmpty)

            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            let recent = (1...3).map {
                formatter.string(from: Date().addingTimeInterval(Double(-60 * $0))) + "-000\($0)"
            }
            let ancient = ["20200101T000000Z-aaaa"]
            for name in recent + ancient + ["notes"] {
                let folder = runs.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(#"{"problems": 0}"#.utf8).write(to: folder.appendingPathComponent("summary.json"))
            }
            try append("[reports]\nkeep_runs = 2\nkeep_days = 30", to: project)
            #expect(try await offPool { try sync(project) }.status == 0)
            let left = try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted()
            #expect(left == (Array(recent.prefix(2)) + ["notes"]).sorted(), "\(left)")
            let index = try String(contentsOf: project.appendingPathComponent("reports/index.html"), encoding: .utf8)
            #expect(index.contains(recent[0]) && !index.contains(recent[2]) && !index.contains(ancient[0]))
        }
    }
}
