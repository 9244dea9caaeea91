import Foundation
import Testing

/// The demo's flow, checked: init against a qbo-sandbox, connect, drop the example set, sync.
@Suite(
    "sync end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct SyncEndToEndTests {
    private func dropExample(into project: URL) throws {
        let source = Binary.root.appendingPathComponent("fixtures/drop-example")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name),
                to: project.appendingPathComponent("inbox").appendingPathComponent(name))
        }
    }

    private func sync(_ project: URL) throws -> Binary.Output {
        try Binary.run(["sync", "--config", project.appendingPathComponent("portbooks.toml").path, "--settle", "0"])
    }

    private func problems(_ project: URL) throws -> [[String: String]] {
        let text = try String(
            contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8)
        return CSVLite.rows(text)
    }

    @Test("the example set syncs: the expected objects, the planned problems, and a re-run writes nothing")
    func exampleSet() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        try dropExample(into: project)
        let invoicesBefore = try sandbox.objects("Invoice").count

        let first = try sync(project)
        #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
        let rows = try problems(project)
        let codes = Set(rows.compactMap { $0["problem_code"] })
        #expect(codes.contains("unmapped-charge-code"), "\(codes)")
        #expect(codes.contains("customer-name-clash"), "\(codes)")
        #expect(codes.contains("duplicate-doc-number"), "\(codes)")
        // A record waiting on another says what it waits for, with the documented code.
        #expect(codes.contains("customer-not-synced"), "\(codes)")
        #expect(!codes.contains("blocked"), "\(codes)")
        // Inbox files are archived, none refused.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("inbox").path).isEmpty)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("rejected").path).isEmpty
        )

        // Every invoice either made it to QuickBooks once, or is in problems.csv.
        let invoices = try sandbox.objects("Invoice")
        let numbers = invoices.compactMap { $0["DocNumber"] as? String }
        #expect(Set(numbers).count == numbers.count, "no DocNumber twice")
        let invoiceProblems = rows.filter { $0["entity"] == "invoice" }.count
        #expect(invoices.count - invoicesBefore + invoiceProblems == 34)

        // A second run, and the same files dropped again: zero writes, same exit.
        let writesBefore = try sandbox.stats()["writes"] as? Int
        let second = try sync(project)
        try dropExample(into: project)
        let third = try sync(project)
        #expect(second.status == first.status)
        #expect(third.status == first.status)
        #expect(try sandbox.stats()["writes"] as? Int == writesBefore)
        #expect(third.stdout.contains("already seen"))
    }

    @Test("payments created one by one are recorded in the ledger, and a re-run sends none of them again")
    func paymentsRecorded() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let export = project.appendingPathComponent("history.json").path
        #expect(try Binary.run(["generate", "--invoices", "40", "--seed", "3", "--out", export]).status == 0)
        let config = project.appendingPathComponent("portbooks.toml").path
        let first = try Binary.run(["import", "--config", config, export])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")

        // Every payment QuickBooks holds is synced in the ledger. (Release builds of ddb6c5b
        // lost the record ids of single creates' answers: payments stayed pending, and every
        // run sent them again, replayed by requestid. `make chaos` found it.)
        let payments = try sandbox.objects("Payment").count
        #expect(payments > 10)
        let status = try Binary.run(["status", "--json", "--config", config])
        let counts = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let paymentCounts = (counts?["counts"] as? [String: Any])?["payment"] as? [String: Int]
        #expect(paymentCounts == ["synced": payments], "\(status.stdout)")

        let posts = { (try sandbox.stats()["byRoute"] as? [String: Int])?["POST payment"] }
        let postsBefore = try posts()
        let second = try Binary.run(["import", "--config", config, export])
        #expect(second.status == 0)
        #expect(try posts() == postsBefore, "a re-run posted payments again")
    }

    /// QuickBooks counts a realm's requests whoever sends them: the first import ends at the
    /// ten-a-second limit, and the second, started at once in a new process, would be refused
    /// (and paused a minute) if its pacer did not count the first run's requests.
    @Test("a run started right after another waits for the realm's windows instead of a 429")
    func consecutiveRunsShareTheRealmsWindows() throws {
        let sandbox = try SandboxProcess(arguments: ["--limits", "qbo"])
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml").path
        for seed in ["3", "5"] {
            let export = project.appendingPathComponent("history-\(seed).json").path
            #expect(try Binary.run(["generate", "--invoices", "40", "--seed", seed, "--out", export]).status == 0)
            let run = try Binary.run(["import", "--config", config, export])
            #expect(run.status == 0 || run.status == 3, "\(run.stdout)\n\(run.stderr)")
        }
        let stats = try sandbox.stats()
        #expect((stats["requests"] as? Int ?? 0) > 40)
        #expect(stats["throttled"] as? Int == 0, "\(stats["throttledBy"] ?? [:])")
    }

    @Test("a file still being written is not taken until it is complete")
    func partialFileWaits() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let target = project.appendingPathComponent("inbox/customers.json")
        let full = try Data(contentsOf: Binary.root.appendingPathComponent("fixtures/drop-example/customers.json"))
        try full.prefix(full.count / 2).write(to: target)
        let config = project.appendingPathComponent("portbooks.toml").path
        let early = try Binary.run(["sync", "--config", config, "--settle", "30"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(FileManager.default.fileExists(atPath: target.path), "a fresh, changing file stays in the inbox")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("rejected").path).isEmpty
        )
        try full.write(to: target)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: target.path)
        let later = try Binary.run(["sync", "--config", config, "--settle", "30"])
        #expect(!FileManager.default.fileExists(atPath: target.path), "\(later.stdout)")
        #expect(later.stdout.contains("customers.json"))
    }

    @Test("a second concurrent run exits 75")
    func lockHeld() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let lockPath = project.appendingPathComponent("state/portbooks.lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        defer { close(descriptor) }
        let blocked = try sync(project)
        #expect(blocked.status == 75, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("lock"))
    }
}

/// Just enough CSV reading for assertions on files PortBooks wrote (BOM, CRLF, quotes).
enum CSVLite {
    static func rows(_ text: String) -> [[String: String]] {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var characters = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        characters.append("\n")
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" {
                record.append(field)
                field = ""
                if record != [""] { records.append(record) }
                record = []
            } else if character != "\r" {
                field.append(character)
            }
            index += 1
        }
        guard let header = records.first else { return [] }
        return records.dropFirst().map { values in
            Dictionary(
                uniqueKeysWithValues: zip(
                    header, values + Array(repeating: "", count: max(0, header.count - values.count))
                ).map { ($0, $1) })
        }
    }
}
