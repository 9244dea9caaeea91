import Foundation
import Testing

/// Hostile input through the built binaries: a full run at trace level with formula text in
/// every free-text column and links in the inbox, and 100 MB values read in bounded memory.
@Suite(
    "hostile input end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct HostileRunEndToEndTests {
    /// Free text a spreadsheet would run, or that hides a formula behind a tab or CR.
    static let hostileNames = [
        "=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(A1:A9) Cartage", "+1 555 0100 Trucking",
        "-2+3 Drayage", "\tTab Hauling", "\rReturn Freight",
    ]

    /// A drop file whose customers carry ``hostileNames`` and whose invoice has a formula for
    /// a number, a customer and notes.
    static func hostileExport() throws -> Data {
        let customers: [[String: Any]] = hostileNames.enumerated().map { index, name in
            ["_id": index == 0 ? "-cmd\(index)" : "evil-\(index)", "company_name": name]
        }
        let invoice: [String: Any] = [
            "_id": "-inv1", "reference_number": "=RSRE_EVIL+1", "caller": customers[0],
            "billingDate": "2026-11-02", "totalAmount": "100.00", "notes": "@notes =1+1",
            "chargeSets": [
                [
                    "load_reference_number": "-LD1", "totalAmount": "100.00",
                    "pricing": [["name": "=CHARGE()", "amount": "100.00", "finalAmount": "100.00"]],
                ]
            ],
        ]
        let export: [String: Any] = ["formatVersion": "1.0", "customers": customers, "invoices": [invoice]]
        return try JSONSerialization.data(withJSONObject: export, options: [.prettyPrinted, .sortedKeys])
    }

    @Test("a full run at trace level: no token anywhere, links refused, every CSV cell safe to open")
    func traceRun() throws {
        let sandbox = try SandboxProcess()
        let project = try LoggedRun.connectedProject(sandbox)
        let tokenFile = project.appendingPathComponent("state/tokens.json")
        var secrets = try LoggedRun.tokens(in: tokenFile)
        #expect(secrets.count == 2)

        let inbox = project.appendingPathComponent("inbox")
        try Self.hostileExport().write(to: inbox.appendingPathComponent("=evil(1).json"))
        let manager = FileManager.default
        try manager.createSymbolicLink(
            atPath: inbox.appendingPathComponent("tokens.json").path, withDestinationPath: "../state/tokens.json")
        try manager.createSymbolicLink(
            atPath: inbox.appendingPathComponent("passwd.json").path, withDestinationPath: "/etc/passwd")
        try manager.createSymbolicLink(
            atPath: inbox.appendingPathComponent("tmp.xml").path, withDestinationPath: "/tmp")

        let sync = try LoggedRun.portbooks(project, ["sync", "--settle", "0", "--grace", "0"], log: "sync")
        #expect(sync.status == 3, "\(sync.stderr)")
        #expect(sync.stderr.contains("→ 200"), "trace level shows the requests")
        for name in ["tokens.json", "passwd.json", "tmp.xml"] {
            let error = try String(
                contentsOf: project.appendingPathComponent("rejected/\(name).error.txt"), encoding: .utf8)
            #expect(error.contains("symbolic link"), "\(name)")
        }
        #expect(
            try manager.destinationOfSymbolicLink(atPath: project.appendingPathComponent("rejected/tokens.json").path)
                == "../state/tokens.json")
        #expect(try LoggedRun.tokens(in: tokenFile).count == 2, "the token file is intact")

        // A resolution file naming the hostile ids, and every other command, at trace level.
        let resolution =
            "entity,portpro_id,action,note\r\ncustomer,-cmd9,retry,\"=HYPERLINK(\"\"x\"\")\"\r\ninvoice,-inv1,retry,'@x\r\n"
        try Data(resolution.utf8).write(to: project.appendingPathComponent("fix.csv"))
        var outputs = [sync]
        for (arguments, log) in [
            (["resolve", project.appendingPathComponent("fix.csv").path], "resolve"), (["status"], "status"),
            (["problems"], "problems"), (["connect", "--status"], "connect-status"), (["ids", "list"], "ids"),
            (["sync", "--settle", "0", "--grace", "0"], "sync-2"),
        ] {
            outputs.append(try LoggedRun.portbooks(project, arguments, log: log))
        }
        #expect(outputs[1].status == 3, "the unknown id is rejected: \(outputs[1].stderr)")
        #expect(outputs.dropFirst(2).allSatisfy { $0.status == 0 || $0.status == 3 }, "\(outputs.map(\.stderr))")

        // No token — as first issued, or as rotated during the runs — in any output or file.
        secrets.formUnion(try LoggedRun.tokens(in: tokenFile))
        let texts = outputs.flatMap { [$0.stdout, $0.stderr] }
        for secret in secrets {
            #expect(!texts.contains { $0.contains(secret) }, "a token in a command's output")
            for file in try LoggedRun.files(under: project) where file.path != tokenFile.path {
                #expect(
                    try Data(contentsOf: file).range(of: Data(secret.utf8)) == nil,
                    "a token in \(file.path)")
            }
        }

        // Every CSV the runs wrote: no cell would run as a formula; the hostile text is there.
        let csvs = try LoggedRun.files(under: project.appendingPathComponent("reports")).filter {
            $0.pathExtension == "csv"
        }
        #expect(csvs.contains { $0.lastPathComponent == "resolution-report.csv" })
        #expect(csvs.contains { $0.lastPathComponent == "problems.csv" })
        var restored = Set<String>()
        var cells = Set<String>()
        for csv in csvs {
            let text = try String(contentsOf: csv, encoding: .utf8)
            for row in CSVLite.rows(text) {
                for (column, cell) in row {
                    cells.insert(cell)
                    guard let first = cell.unicodeScalars.first else { continue }
                    #expect(
                        !"=+-@\t\r".unicodeScalars.contains(first)
                            || cell.range(of: #"^[-+]?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil,
                        "\(csv.lastPathComponent) \(column): \(cell.debugDescription)")
                    if first == "'" { restored.insert(String(cell.dropFirst())) }
                }
            }
        }
        // Whitespace around a value is not part of it (docs/FORMAT.md "Whitespace"): "\tTab Hauling"
        // is the customer "Tab Hauling", which needs no neutralising (CSVHostileTests cover the cell).
        let padded = Self.hostileNames.filter { $0.first?.isWhitespace == true }
        for expected in Self.hostileNames.filter({ !padded.contains($0) })
            + ["=RSRE_EVIL+1", "-cmd9", "-inv1", "=evil(1).json"]
        {
            #expect(restored.contains(expected), "\(expected.debugDescription) neutralised in some CSV")
        }
        for name in padded {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(cells.contains { $0.contains(trimmed) } && !cells.contains(name), "\(name.debugDescription)")
        }
    }

    @Test(
        "a 100 MB value is refused with limit-exceeded by a portbooks validate that stays under 64 MB",
        arguments: ["json", "xml", "xml-split"])
    func hundredMegabyteValue(kind: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("big.\(kind.hasPrefix("xml") ? "xml" : "json")")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let (head, piece, tail): (String, String, String)
        switch kind {
        case "json":
            head = #"{"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": ""#
            piece = String(repeating: "A", count: 1 << 20)
            tail = #""}]}"#
        default:
            head =
                #"<?xml version="1.0"?><portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">"#
                + "<customers><customer><_id>c1</_id><company_name>"
            piece = String(repeating: "A", count: 1 << 20) + (kind == "xml-split" ? "<!-- -->" : "")
            tail = "</company_name></customer></customers></portproExport>"
        }
        try handle.write(contentsOf: Data(head.utf8))
        let chunk = Data(piece.utf8)
        for _ in 0..<100 { try handle.write(contentsOf: chunk) }
        try handle.write(contentsOf: Data(tail.utf8))
        try handle.close()

        let (status, output, peakKilobytes) = try LoggedRun.measured([Binary.portbooks.path, "validate", file.path])
        #expect(status == 3)
        #expect(output.contains("[limit-exceeded]"), "\(output)")
        #expect(peakKilobytes > 0, "the peak was measured")
        #expect(peakKilobytes < 64 * 1024, "peak \(peakKilobytes / 1024) MB")
    }
}

/// Runs of the binaries with `PORTBOOKS_LOG_LEVEL=trace`, their output kept in the project's
/// `logs/` as cron would keep it.
enum LoggedRun {
    static func portbooks(_ project: URL, _ arguments: [String], log: String) throws -> Binary.Output {
        let logs = project.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let out = logs.appendingPathComponent("\(log).out")
        let err = logs.appendingPathComponent("\(log).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = Binary.portbooks
        process.arguments = arguments + ["--config", project.appendingPathComponent("portbooks.toml").path]
        process.currentDirectoryURL = project
        process.environment = ProcessInfo.processInfo.environment.merging(["PORTBOOKS_LOG_LEVEL": "trace"]) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        try ChildProcess.wait(process, timeout: 300, command: "portbooks \(arguments.joined(separator: " "))")
        return Binary.Output(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// `init` against the sandbox, the example settings, and `connect` at trace level.
    static func connectedProject(_ sandbox: SandboxProcess) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-hostile-\(UUID().uuidString)")
        let initialised = try Binary.run(["init", directory.path, "--sandbox", sandbox.url])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        try ExampleSettings.merge(into: directory.appendingPathComponent("portbooks.toml"))
        let logs = directory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let out = logs.appendingPathComponent("connect.out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: logs.appendingPathComponent("connect.err").path, contents: nil)
        let connect = Process()
        connect.executableURL = Binary.portbooks
        connect.arguments = [
            "connect", "--config", directory.appendingPathComponent("portbooks.toml").path, "--port", "0",
        ]
        connect.environment = ProcessInfo.processInfo.environment.merging(["PORTBOOKS_LOG_LEVEL": "trace"]) { $1 }
        connect.standardOutput = try FileHandle(forWritingTo: out)
        connect.standardError = try FileHandle(forWritingTo: logs.appendingPathComponent("connect.err"))
        try connect.run()
        var text = ""
        for _ in 0..<600 where !text.contains("Waiting for the redirect") {
            Thread.sleep(forTimeInterval: 0.05)
            text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        }
        let authorize = text.split(whereSeparator: \.isWhitespace).first { $0.contains("/connect/oauth2") }
        _ = try Binary.runTool("/usr/bin/curl", ["-sS", "-L", "-o", "/dev/null", String(authorize ?? "")])
        try ChildProcess.wait(connect, timeout: 60, command: "portbooks connect")
        #expect(connect.terminationStatus == 0)
        return directory
    }

    /// The access and refresh token in a token file.
    static func tokens(in file: URL) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        return Set(["accessToken", "refreshToken"].compactMap { object[$0] as? String }.filter { $0.count >= 16 })
    }

    /// Every regular file under `folder`, links not followed.
    static func files(under folder: URL) throws -> [URL] {
        let keys: Set<URLResourceKey> = [.isRegularFileKey, .isSymbolicLinkKey]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: Array(keys)) else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: keys)
            if values.isRegularFile == true && values.isSymbolicLink != true { files.append(url) }
        }
        return files
    }

    /// Runs a program and returns its exit status, stdout and stderr together, and its peak
    /// resident memory in kilobytes: `VmHWM` of `/proc/PID/status`, read every 2 ms until it
    /// exits (it only grows, so the last reading is the peak up to then). Not `wait4`'s
    /// `ru_maxrss`: a child spawned with vfork keeps the test process's own peak in it.
    static func measured(_ arguments: [String]) throws -> (Int32, String, Int) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pb-measured-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + environment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var peak = 0
        while true {
            let ended = waitpid(pid, &status, WNOHANG)
            if ended == pid || (ended < 0 && errno != EINTR) { break }
            let report = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if let line = report.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
            {
                peak = max(peak, kilobytes)
            }
            usleep(2_000)
        }
        let stdout = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, stdout, peak)
    }
}
