import Foundation
import Testing

/// The hostile inputs and faults of README "Hostile input", through the built binaries against
/// a qbo-sandbox: what the user sees (exit code, stdout, stderr), the folders, the ledger and
/// what QuickBooks holds.
@Suite(
    "hardening end to end",
    .serialized,
    .timeLimit(.minutes(10)),
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct HardeningEndToEndTests {
    private func config(_ project: URL) -> String {
        project.appendingPathComponent("portbooks.toml").path
    }

    private func sync(_ project: URL) async throws -> Binary.Output {
        // --grace 0: the broken files here are meant to be refused at once, not waited for.
        try await portbooks(["sync", "--config", config(project), "--settle", "0", "--grace", "0"])
    }

    /// Runs the built portbooks without holding one of the test runner's few cooperative
    /// threads while it works: its output goes to files and its end is awaited. A run still
    /// going after `timeout` is killed and recorded as an issue (a command that waits on a FIFO
    /// would otherwise hang the suite until its watchdog).
    private func portbooks(_ arguments: [String], timeout: Duration = .seconds(540)) async throws -> Binary.Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        #expect(FileManager.default.createFile(atPath: out.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: err.path, contents: nil))
        let process = Process()
        process.executableURL = Binary.portbooks
        process.arguments = arguments
        process.currentDirectoryURL = Binary.root
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let ended = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in ended.continuation.finish() }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        for await _ in ended.stream {}
        watchdog.cancel()
        if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
            Issue.record("portbooks \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return Binary.Output(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    private func copyExample(_ name: String, to target: URL) throws {
        try FileManager.default.copyItem(
            at: Binary.root.appendingPathComponent("fixtures/drop-example/\(name)"), to: target)
    }

    private func contents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// Whether any printed line holds a character that could forge or reorder output.
    private func forges(_ text: String) -> Bool {
        text.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value)
        }
    }

    @Test(
        "NUL in a customer name: that record is a problem row with file:line:col, the file's other records go on; QuickBooks and the CSVs never see the NUL"
    )
    func nulInAName() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let export = """
            {"formatVersion": "1.0", "customers": [
              {"_id": "c-evil", "company_name": "Acme\\u0000Evil Drayage"}
            ]}
            """
        try Data(export.utf8).write(to: project.appendingPathComponent("inbox/evil.json"))
        try copyExample("customers.json", to: project.appendingPathComponent("inbox/customers.json"))

        let run = try await sync(project)
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(
            run.stderr.contains("evil.json:2:37: error: customers[0].company_name holds a NUL character"),
            "\(run.stderr)")
        #expect(run.stderr.contains("[control-character]"))
        // Records are judged one by one (#22): the file is staged, the broken record is its own problem.
        #expect(try contents(project.appendingPathComponent("rejected")).isEmpty)
        let problems = CSVLite.rows(
            try String(contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8))
        let evil = try #require(problems.first { $0["portpro_id"] == "c-evil" }, "\(problems)")
        #expect(evil["problem_code"] == "invalid-record")
        #expect(evil["problem"]?.contains("evil.json:2:37: error:") == true, "\(evil)")
        let names = try sandbox.objects("Customer").compactMap { $0["DisplayName"] as? String }
        #expect(names.contains("Pacific Coast Home Furnishings Inc"), "the other file was pushed")
        #expect(!names.contains { $0.hasPrefix("Acme") }, "\(names)")
        let results = try FileManager.default.subpathsOfDirectory(
            atPath: project.appendingPathComponent("reports").path
        ).filter { $0.hasSuffix(".csv") }
        for file in results {
            let text = try String(contentsOf: project.appendingPathComponent("reports/\(file)"), encoding: .utf8)
            #expect(!text.contains("\u{0}"), "\(file)")
            #expect(!text.contains("Acme"), "the name is never read from a broken record: \(file)")
        }
    }

    @Test(
        "long, forged and special names in the inbox: the run finishes, the good file is pushed, every line printed is one line"
    )
    func hostileNames() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let inbox = project.appendingPathComponent("inbox")
        let long = String(repeating: "L", count: 245) + ".json"
        let forged = [
            "evil\nFAKE 2026-12-01 info portbooks: all synced.json", "\u{1B}[2J\u{1B}[31mred.json",
            "invoice\u{202E}nosj.exe.json", "carriage\rreturn.xml",
        ]
        for name in [long] + forged { try Data("{".utf8).write(to: inbox.appendingPathComponent(name)) }
        #expect(mkfifo(inbox.appendingPathComponent("pipe.json").path, 0o644) == 0)
        try FileManager.default.createDirectory(
            at: inbox.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
        try copyExample("customers.json", to: inbox.appendingPathComponent("customers.json"))

        let run = try await sync(project)
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(!forges(run.stdout), "\(run.stdout.debugDescription)")
        #expect(!forges(run.stderr), "\(run.stderr.debugDescription)")
        for line in (run.stdout + run.stderr).split(separator: "\n") {
            #expect(!line.hasPrefix("FAKE"), "a forged line: \(line)")
        }
        #expect(!run.stdout.contains("NSCocoaErrorDomain") && !run.stderr.contains("NSCocoaErrorDomain"))
        #expect(run.stdout.contains("evil\\nFAKE"), "the name is shown, escaped")

        // The good file went through; everything else is in rejected/ with a reason.
        let left = try contents(inbox)
        #expect(left.isEmpty, "\(left)")
        let names = try sandbox.objects("Customer").compactMap { $0["DisplayName"] as? String }
        #expect(names.contains("Pacific Coast Home Furnishings Inc"))
        let rejected = try contents(project.appendingPathComponent("rejected"))
        for name in [long, "pipe.json", "folder.json"] + forged {
            #expect(rejected.contains(name), "\(name.debugDescription) in rejected/")
        }
        let reasons = rejected.filter { $0.hasSuffix(".error.txt") }
        #expect(reasons.count == 7, "\(reasons)")
        #expect(reasons.allSatisfy { $0.utf8.count <= 255 })
        #expect(reasons.contains { $0.hasPrefix("LLLLLLLL") && $0 != long + ".error.txt" }, "a shortened name")
        for reason in reasons {
            let text = try String(
                contentsOf: project.appendingPathComponent("rejected/\(reason)"), encoding: .utf8)
            #expect(!forges(text.replacingOccurrences(of: "\n", with: " ")), "\(reason.debugDescription)")
        }

        // The run is finished in the ledger, not "running or interrupted".
        let status = try await portbooks(["status", "--config", config(project)])
        #expect(!status.stdout.contains("running or interrupted"), "\(status.stdout)")
        #expect(status.stdout.contains("problems"), "\(status.stdout)")
    }

    @Test("import of a refused file says it stays where it is and prints why; nothing is written to rejected/")
    func importRefused() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let bad = project.appendingPathComponent("bad.json")
        // Cut off: a file that cannot be read as a whole (a record missing a field is its own problem, #22).
        try Data("{\"formatVersion\": \"1.0\", \"customers\": [{\"_id\": \"c1\", \"company_name\"".utf8).write(to: bad)
        let run = try await portbooks(["import", "--config", config(project), bad.path])
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(!run.stdout.contains("rejected/"), "\(run.stdout)")
        #expect(run.stdout.contains("bad.json (left where it is; nothing from it was staged)"), "\(run.stdout)")
        #expect(run.stdout.contains("[truncated-file]"), "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: bad.path))
        #expect(try contents(project.appendingPathComponent("rejected")).isEmpty)

        let pipe = project.appendingPathComponent("pipe.json").path
        #expect(mkfifo(pipe, 0o644) == 0)
        let fifo = try await portbooks(["import", "--config", config(project), pipe])
        #expect(fifo.status == 3, "\(fifo.stdout)\n\(fifo.stderr)")
        #expect(fifo.stdout.contains("a FIFO (named pipe)"), "\(fifo.stdout)")
    }

    @Test("a ledger truncated to 0 bytes is exit 1 with how to recover; re-importing archive/ creates nothing twice")
    func emptyLedgerAndRecovery() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        for name in try FileManager.default.contentsOfDirectory(
            atPath: Binary.root.appendingPathComponent("fixtures/drop-example").path) where name.hasSuffix(".json")
        {
            try copyExample(name, to: project.appendingPathComponent("inbox/\(name)"))
        }
        let first = try await sync(project)
        #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
        let ledger = project.appendingPathComponent("state/portbooks.sqlite").path
        let mode = try FileManager.default.attributesOfItem(atPath: ledger)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the ledger holds customer data")
        let entities = ["Customer", "Invoice", "Payment", "CreditMemo"]
        let before = try entities.map { try sandbox.objects($0).count }

        // Truncated (a full disk, a bad restore): refused, untouched, with the way back.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger + suffix) }
        #expect(FileManager.default.createFile(atPath: ledger, contents: Data()))
        for _ in 0..<2 {
            let refused = try await sync(project)
            #expect(refused.status == 1, "\(refused.stdout)\n\(refused.stderr)")
            #expect(refused.stderr.contains("is empty (0 bytes)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("To recover"))
            #expect(refused.stderr.contains("portbooks import"))
        }
        #expect(try FileManager.default.attributesOfItem(atPath: ledger)[.size] as? Int == 0)

        // Recovery as the README says: move it aside, re-import what archive/ holds.
        try FileManager.default.moveItem(atPath: ledger, toPath: ledger + ".damaged")
        let archive = project.appendingPathComponent("archive")
        let files = try FileManager.default.subpathsOfDirectory(atPath: archive.path).filter {
            $0.hasSuffix(".json")
        }.map { archive.appendingPathComponent($0).path }
        #expect(files.count == 5, "\(files)")
        let recovered = try await portbooks(["import", "--config", config(project)] + files)
        #expect(recovered.status == first.status, "\(recovered.stdout)\n\(recovered.stderr)")
        #expect(try entities.map { try sandbox.objects($0).count } == before, "nothing created twice")
        #expect(try sandbox.stats()["duplicateDocNumbers"] as? Int == 0)
        let status = try await portbooks(["status", "--json", "--config", config(project)])
        let counts = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let invoices = (counts?["counts"] as? [String: Any])?["invoice"] as? [String: Int]
        #expect((invoices?["synced"] ?? 0) > 20, "\(status.stdout)")
        #expect(invoices?["pending"] == nil, "\(status.stdout)")
    }

    @Test("a token file others can read is refused with how to fix it; chmod 600 fixes it")
    func exposedTokens() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        try copyExample("customers.json", to: project.appendingPathComponent("inbox/customers.json"))
        let tokens = project.appendingPathComponent("state/tokens.json").path
        #expect(chmod(tokens, 0o644) == 0)
        let refused = try await sync(project)
        #expect(refused.status == 1, "\(refused.stdout)\n\(refused.stderr)")
        #expect((refused.stdout + refused.stderr).contains("chmod 600 \(tokens)"), "\(refused.stderr)")
        #expect(
            try sandbox.objects("Customer").allSatisfy {
                ($0["DisplayName"] as? String) != "Pacific Coast Home Furnishings Inc"
            })
        #expect(chmod(tokens, 0o600) == 0)
        let fixed = try await sync(project)
        #expect(fixed.status == 0 || fixed.status == 3, "\(fixed.stdout)\n\(fixed.stderr)")
    }

    @Test("validate, map, import and resolve refuse a FIFO, a folder and a device by what they are, at once")
    func namedSpecialFiles() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let pipe = project.appendingPathComponent("pipe.json").path
        #expect(mkfifo(pipe, 0o644) == 0)
        let csvPipe = project.appendingPathComponent("fix.csv").path
        #expect(mkfifo(csvPipe, 0o644) == 0)
        let folder = project.appendingPathComponent("folder.json").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let good = project.appendingPathComponent("customers.json")
        try copyExample("customers.json", to: good)

        // validate goes on to the next file: each refusal is the file's diagnostic, exit 3.
        let validated = try await portbooks(["validate", pipe, folder, "/dev/zero", good.path], timeout: .seconds(60))
        #expect(validated.status == 3, "\(validated.stdout)\n\(validated.stderr)")
        #expect(validated.stderr.contains("pipe.json: error: it is a FIFO (named pipe), not a regular file"))
        #expect(validated.stderr.contains("folder.json: error: it is a folder, not a regular file"))
        #expect(validated.stderr.contains("/dev/zero: error: it is a character device, not a regular file"))
        #expect(validated.stdout.contains("customers.json: valid"), "\(validated.stdout)")

        let mapped = try await portbooks(["map", "--config", config(project), pipe], timeout: .seconds(60))
        #expect(mapped.status == 3, "\(mapped.stdout)\n\(mapped.stderr)")
        #expect(mapped.stderr.contains("a FIFO (named pipe)"), "\(mapped.stderr)")

        let imported = try await portbooks(
            ["import", "--config", config(project), "/dev/zero", good.path], timeout: .seconds(120))
        #expect(imported.status == 3, "\(imported.stdout)\n\(imported.stderr)")
        #expect(imported.stdout.contains("/dev/zero is a character device, not a regular file"), "\(imported.stdout)")
        #expect(
            try sandbox.objects("Customer").contains {
                ($0["DisplayName"] as? String) == "Pacific Coast Home Furnishings Inc"
            })

        for file in [csvPipe, "/dev/zero"] {
            let resolved = try await portbooks(["resolve", "--config", config(project), file], timeout: .seconds(60))
            #expect(resolved.status == 1, "\(resolved.stdout)\n\(resolved.stderr)")
            #expect(resolved.stderr.contains("not a regular file; nothing was read from it"), "\(resolved.stderr)")
        }
    }

    @Test("a FIFO, a folder and a long-named bad file in resolutions/ are moved aside with reasons; the run finishes")
    func hostileResolutionFiles() async throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let resolutions = project.appendingPathComponent("resolutions")
        #expect(mkfifo(resolutions.appendingPathComponent("fix.csv").path, 0o644) == 0)
        try FileManager.default.createDirectory(
            at: resolutions.appendingPathComponent("folder.csv"), withIntermediateDirectories: true)
        let long = String(repeating: "R", count: 246) + ".csv"
        try Data("entity,portpro_id,action\r\ninvoice,nope,retry\r\n".utf8).write(
            to: resolutions.appendingPathComponent(long))
        try copyExample("customers.json", to: project.appendingPathComponent("inbox/customers.json"))

        // A dry run leaves them, and says so.
        let rehearsal = try await portbooks(["sync", "--dry-run", "--config", config(project), "--settle", "0"])
        #expect(rehearsal.status == 3, "\(rehearsal.stdout)\n\(rehearsal.stderr)")
        #expect(
            rehearsal.stdout.contains("fix.csv (left where it is; nothing from it was applied)"), "\(rehearsal.stdout)")
        #expect(try contents(resolutions).count == 3)

        let run = try await sync(project)
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(try contents(resolutions).isEmpty)
        let rejected = try contents(project.appendingPathComponent("rejected"))
        for name in ["fix.csv", "folder.csv", long] { #expect(rejected.contains(name), "\(name) in rejected/") }
        let reasons = rejected.filter { $0.hasSuffix(".error.txt") }
        #expect(reasons.count == 3, "\(reasons)")
        #expect(reasons.allSatisfy { $0.utf8.count <= 255 })
        let fifoReason = try String(
            contentsOf: project.appendingPathComponent("rejected/fix.csv.error.txt"), encoding: .utf8)
        #expect(fifoReason.contains("is a FIFO (named pipe)"), "\(fifoReason)")
        let longReason = try #require(reasons.first { $0.hasPrefix("RRRR") })
        let text = try String(contentsOf: project.appendingPathComponent("rejected/\(longReason)"), encoding: .utf8)
        #expect(text.contains("no invoice has portpro_id \"nope\""), "\(text)")
        #expect(
            try sandbox.objects("Customer").contains {
                ($0["DisplayName"] as? String) == "Pacific Coast Home Furnishings Inc"
            }, "the drop file was pushed")
        let status = try await portbooks(["status", "--config", config(project)])
        #expect(!status.stdout.contains("running or interrupted"), "\(status.stdout)")
    }
}
