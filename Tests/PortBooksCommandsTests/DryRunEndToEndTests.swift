import Foundation
import Testing

/// `sync --dry-run` and `import --dry-run` change nothing — no file moved or written outside
/// `reports/dry-run/`, nothing in the ledger, no QuickBooks write, no lock held — and the plan
/// they print is what the real run that follows does, record by record.
@Suite(
    "dry run end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct DryRunEndToEndTests {
    /// Every file of the project but the dry runs' plans: path, size and modification time.
    private func snapshot(_ project: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: project, includingPropertiesForKeys: keys) else {
            return files
        }
        for case let url as URL in walker {
            let relative = String(url.path.dropFirst(project.path.count))
            // The realm's request windows: a dry run spends QuickBooks' reads too, and saves
            // them so that the run after it does not send into windows it filled.
            if relative.hasPrefix("/reports/dry-run") || relative == "/state/pacer.json" { continue }
            let values = try url.resourceValues(forKeys: Set(keys))
            guard values.isRegularFile == true else { continue }
            files[relative] = "\(values.fileSize ?? -1) \(values.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }
        return files
    }

    /// Whatever `status --json` says, and how it exits.
    private func status(_ config: String) throws -> String {
        let output = try Binary.run(["status", "--json", "--config", config])
        return "\(output.status)\n\(output.stdout)\n\(output.stderr)"
    }

    private func writes(_ sandbox: SandboxProcess) throws -> Int {
        try sandbox.stats()["writes"] as? Int ?? -1
    }

    /// The rows of the only plan.csv under `folder`.
    private func plan(in folder: URL) throws -> [[String: String]] {
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("plan.csv") }
        #expect(names.count == 1, "\(names)")
        guard let name = names.first else { return [] }
        return CSVLite.rows(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
    }

    /// The codes of a record waiting on another one (the plan's `blocked`).
    static let waitCodes: Set<String> = [
        "customer-not-synced", "invoice-not-synced", "invoice-not-received", "credit-memo-not-synced",
        "credit-memo-not-received",
    ]

    /// What a run did to each record, from its results-*.csv, as plan operations.
    private func performed(runFolder: URL) throws -> Set<String> {
        var operations = Set<String>()
        let names = [
            "customers": "customer", "invoices": "invoice", "payments": "payment", "credit-memos": "credit_memo",
        ]
        for (file, entity) in names {
            let url = runFolder.appendingPathComponent("results-\(file).csv")
            for row in CSVLite.rows(try String(contentsOf: url, encoding: .utf8)) {
                let outcome = row["outcome"] ?? ""
                let operation =
                    switch outcome {
                    case "created": "create"
                    case "updated": "update"
                    case "adopted": "adopt"
                    case "skipped": "skip"
                    case "voided": "void"
                    case "held": "hold"
                    // A resolution's outcome, not the plan's.
                    case "cleared", "marked-paid": ""
                    case "problem":
                        Self.waitCodes.contains(row["problem_code"] ?? "") ? "blocked" : "problem"
                    default: outcome
                    }
                if !operation.isEmpty { operations.insert("\(entity) \(row["portpro_id"] ?? "") \(operation)") }
            }
        }
        return operations
    }

    private func planned(_ rows: [[String: String]]) -> Set<String> {
        Set(rows.map { "\($0["entity"] ?? "") \($0["portpro_id"] ?? "") \($0["operation"] ?? "")" })
    }

    /// The run folder the real run named on stdout.
    private func runFolder(_ output: Binary.Output) throws -> URL {
        let line = try #require(output.stdout.split(separator: "\n").first { $0.contains("results:") })
        let path = line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The lock is free: a real run can take it (it would exit 75 otherwise).
    private func lockIsFree(_ project: URL) -> Bool {
        let path = project.appendingPathComponent("state/portbooks.lock").path
        guard FileManager.default.fileExists(atPath: path) else { return true }
        let descriptor = open(path, O_RDWR)
        defer { close(descriptor) }
        return descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    @Test(
        "the example set: a dry run changes nothing, before and after a first sync, and each plan is what the sync does"
    )
    func exampleSet() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml").path
        let source = Binary.root.appendingPathComponent("fixtures/drop-example")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
        }

        // Before any sync (no ledger yet), then after one with a resolution file waiting.
        for round in 1...2 {
            // `status` first: opening the ledger for writing may checkpoint it.
            let ledger = try status(config)
            let files = try snapshot(project)
            let writesBefore = try writes(sandbox)
            let dry = try Binary.run(["sync", "--dry-run", "--settle", "0", "--config", config])
            #expect(dry.status == 3, "round \(round): \(dry.stdout)\n\(dry.stderr)")
            #expect(dry.stdout.contains("Dry run: nothing was changed"))
            let after = try snapshot(project)
            let changed = Set(after.keys).union(files.keys).filter { after[$0] != files[$0] }.sorted()
            #expect(changed.isEmpty, "round \(round): the dry run changed \(changed)")
            #expect(try status(config) == ledger, "round \(round): the dry run changed the ledger")
            #expect(try writes(sandbox) == writesBefore, "round \(round): the dry run wrote to QuickBooks")
            #expect(lockIsFree(project))
            let dryPlan = try plan(in: project.appendingPathComponent("reports/dry-run"))
            #expect(!dryPlan.isEmpty)
            try FileManager.default.removeItem(at: project.appendingPathComponent("reports/dry-run"))

            let real = try Binary.run(["sync", "--settle", "0", "--config", config])
            #expect(real.status == dry.status, "round \(round): \(real.stdout)\n\(real.stderr)")
            let folder = try runFolder(real)
            #expect(planned(dryPlan) == (try performed(runFolder: folder)), "round \(round)")
            let realPlan = try plan(in: folder)
            #expect(
                Set(dryPlan.map { "\($0["portpro_id"] ?? "") \($0["operation"] ?? "") \($0["problem_code"] ?? "")" })
                    == Set(
                        realPlan.map {
                            "\($0["portpro_id"] ?? "") \($0["operation"] ?? "") \($0["problem_code"] ?? "")"
                        }),
                "round \(round): the real run's plan.csv differs from the dry run's")

            if round == 1 {
                // The accountant's fixes: LAYOVER mapped, RSRE_000150 cleared, RSRE_000277 retried.
                var settings = try String(contentsOfFile: config, encoding: .utf8)
                settings = settings.replacingOccurrences(
                    of: "[items.map]", with: "[items.map]\n\"LAYOVER\" = \"Detention\"")
                try Data(settings.utf8).write(to: URL(fileURLWithPath: config))
                let rows = CSVLite.rows(
                    try String(contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8))
                var lines = ["entity,portpro_id,action,note"]
                for row in rows where row["number"] == "RSRE_000150" || row["number"] == "RSRE_000277" {
                    let action = row["number"] == "RSRE_000150" ? "clear" : "retry"
                    lines.append("\(row["entity"] ?? ""),\(row["portpro_id"] ?? ""),\(action),from the test")
                }
                #expect(lines.count == 3)
                try Data(lines.joined(separator: "\n").utf8).write(
                    to: project.appendingPathComponent("resolutions/fixes.csv"))
                let past = Date(timeIntervalSinceNow: -60)
                try FileManager.default.setAttributes(
                    [.modificationDate: past],
                    ofItemAtPath: project.appendingPathComponent("resolutions/fixes.csv").path)
            }
        }
        #expect(
            !FileManager.default.fileExists(atPath: project.appendingPathComponent("resolutions/fixes.csv").path),
            "the real run applied and archived the resolution file")
    }

    @Test("a generated export: import --dry-run creates no ledger and writes nothing; its plan is what the import does")
    func generatedExport() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml").path
        let export = project.appendingPathComponent("history.json").path
        #expect(try Binary.run(["generate", "--invoices", "150", "--seed", "9", "--out", export]).status == 0)

        let files = try snapshot(project)
        let writesBefore = try writes(sandbox)
        let dry = try Binary.run(["import", "--dry-run", "--json", "--config", config, export])
        #expect(dry.status == 0 || dry.status == 3, "\(dry.stdout)\n\(dry.stderr)")
        // --json: the plan's counts and money as one object on stdout.
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any], "\(dry.stdout)")
        #expect(summary["dryRun"] as? Bool == true)
        let invoices = (summary["plan"] as? [String: Any])?["invoice"] as? [String: Any]
        let created = invoices?["create"] as? [String: Any]
        #expect((created?["count"] as? Int ?? 0) > 0, "\(summary)")
        #expect((created?["amount"] as? String)?.contains(".") == true)
        #expect(((summary["problems"] as? Int ?? -1) > 0) == (dry.status == 3), "exit 3 exactly when problems remain")
        #expect((summary["planFile"] as? String)?.hasSuffix("plan.csv") == true)
        #expect(try snapshot(project) == files)
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("state/portbooks.sqlite").path))
        #expect(try writes(sandbox) == writesBefore)
        let dryPlan = try plan(in: project.appendingPathComponent("reports/dry-run"))
        #expect(dryPlan.count > 150)

        let real = try Binary.run(["import", "--config", config, export])
        #expect(real.status == dry.status, "\(real.stdout)\n\(real.stderr)")
        #expect(planned(dryPlan) == (try performed(runFolder: try runFolder(real))))
    }
}
