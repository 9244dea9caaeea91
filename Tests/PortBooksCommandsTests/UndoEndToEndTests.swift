import Foundation
import Testing

/// `portbooks undo RUN_ID` against the real qbo-sandbox (issue #20).
@Suite(
    "undo a run",
    .timeLimit(.minutes(15)),
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
            && FileManager.default.fileExists(atPath: "/usr/bin/python3")
    )
)
struct UndoEndToEndTests {
    /// What `scripts/undo-check.py` writes to `undo-check.json`.
    struct Check: Decodable {
        var writes: Int
        var undoRuns: Int
        var kills: Int
        var quickbooksWrites: Int
        var reversals: Int
        var failures: [String]
    }

    private func undoCheck(_ arguments: [String]) throws -> Check {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pb-undo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [Binary.root.appendingPathComponent("scripts/undo-check.py").path, "--build", "debug", "--out", out.path]
                + arguments, timeout: 800)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        return try JSONDecoder().decode(
            Check.self, from: Data(contentsOf: out.appendingPathComponent("undo-check.json")))
    }

    @Test(
        "after make demo's runs, undo of the first run leaves QuickBooks as before it (its customers inactive; what later runs created on their own kept), and a sync brings back the same end state"
    )
    func demoUndoneAndSyncedAgain() throws {
        let check = try undoCheck([])
        #expect(check.failures.isEmpty)
        // 8 customers, 26 invoices, 2 credit memos, 8 payments, and the later run's credit
        // application on one of the run's invoices.
        #expect(check.writes == 44)
        #expect(check.reversals == 45)
        #expect(check.quickbooksWrites == check.reversals)
    }

    @Test(
        "an undo under server errors and dropped answers, killed with SIGKILL after random numbers of writes and run again, deletes nothing twice and leaves nothing behind"
    )
    func killedAndResumed() throws {
        let check = try undoCheck(["--kills", "3", "--seed", "11", "--faults"])
        #expect(check.failures.isEmpty)
        #expect(check.kills >= 1)
        #expect(check.undoRuns == check.kills + 1)
        #expect(check.quickbooksWrites == check.reversals)
    }

    // MARK: Objects changed in QuickBooks since the run

    private func portbooks(_ project: URL, _ arguments: [String]) throws -> Binary.Output {
        try Binary.run(arguments + ["--config", project.appendingPathComponent("portbooks.toml").path])
    }

    /// One request to the sandbox's QuickBooks API, as another QuickBooks user would send it.
    private func quickBooks(_ sandbox: SandboxProcess, _ path: String, _ body: String) throws -> [String: Any] {
        let realms = try JSONSerialization.jsonObject(with: sandbox.curl("/_sandbox/realms")) as? [String] ?? []
        let realm = try #require(realms.first)
        let minted =
            try JSONSerialization.jsonObject(
                with: sandbox.curl("/_sandbox/tokens", method: "POST", body: "{\"realm\":\"\(realm)\"}"))
            as? [String: Any]
        let token = try #require(minted?["access_token"] as? String)
        let answer = try Binary.runTool(
            "/usr/bin/curl",
            [
                "-sS", "-X", "POST", "\(sandbox.url)/v3/company/\(realm)/\(path)", "-H",
                "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "-H",
                "Accept: application/json", "--data", body,
            ])
        return try JSONSerialization.jsonObject(with: answer) as? [String: Any] ?? [:]
    }

    @Test(
        "an invoice edited in QuickBooks after the run, and one a person applied a payment to, are left alone and reported; the dry run changes nothing; --force reverses the edited one"
    )
    func changedSinceTheRunLeftAlone() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let source = Binary.root.appendingPathComponent("fixtures/drop-example")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
        }
        #expect(try portbooks(project, ["sync", "--settle", "0"]).status == 3)
        let runs = project.appendingPathComponent("reports/runs")
        let runID = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let seeded = try SandboxProcess().objects("Invoice").count

        // A person edits one invoice's note, and applies a payment to another.
        let open = try sandbox.objects("Invoice").filter {
            ($0["Balance"] as? NSNumber)?.decimalValue ?? 0 > 0 && ($0["LinkedTxn"] as? [Any] ?? []).isEmpty
                && ($0["DocNumber"] as? String ?? "").hasPrefix("RSRE_0002")
        }
        #expect(open.count >= 2)
        let edited = try #require(open.first)
        let editedID = try #require(edited["Id"] as? String)
        let answer = try quickBooks(
            sandbox, "invoice?minorversion=75",
            "{\"Id\":\"\(editedID)\",\"SyncToken\":\"\(edited["SyncToken"] as? String ?? "0")\",\"sparse\":true,"
                + "\"PrivateNote\":\"corrected by hand\"}")
        #expect((answer["Invoice"] as? [String: Any])?["PrivateNote"] as? String == "corrected by hand")
        let paid = open[1]
        let paidID = try #require(paid["Id"] as? String)
        let customer = try #require((paid["CustomerRef"] as? [String: Any])?["value"] as? String)
        let payment = try quickBooks(
            sandbox, "payment?minorversion=75",
            "{\"CustomerRef\":{\"value\":\"\(customer)\"},\"TotalAmt\":10.00,\"Line\":[{\"Amount\":10.00,"
                + "\"LinkedTxn\":[{\"TxnId\":\"\(paidID)\",\"TxnType\":\"Invoice\"}]}]}")
        let paymentID = try #require((payment["Payment"] as? [String: Any])?["Id"] as? String)
        let statusBefore = try portbooks(project, ["status", "--json"]).stdout
        let writes = try #require(try sandbox.stats()["writes"] as? Int)

        // The dry run: the plan, and nothing changed.
        let dry = try portbooks(project, ["undo", runID, "--dry-run"])
        #expect(dry.status == 3, "\(dry.stdout)\n\(dry.stderr)")
        #expect(try sandbox.stats()["writes"] as? Int == writes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path) == [runID])
        #expect(try portbooks(project, ["status", "--json"]).stdout == statusBefore)
        let dryRuns = project.appendingPathComponent("reports/dry-run")
        let planFolder = try #require(try FileManager.default.contentsOfDirectory(atPath: dryRuns.path).first)
        let plan = CSVLite.rows(
            try String(
                contentsOf: dryRuns.appendingPathComponent(planFolder).appendingPathComponent("plan.csv"),
                encoding: .utf8))
        #expect(plan.first { $0["qb_id"] == editedID && $0["entity"] == "invoice" }?["operation"] == "problem")
        #expect(plan.first { $0["qb_id"] == paidID && $0["entity"] == "invoice" }?["operation"] == "problem")
        #expect(plan.filter { $0["entity"] == "invoice" && $0["operation"] == "delete" }.count >= 20)
        #expect(plan.filter { $0["entity"] == "customer" && $0["operation"] == "deactivate" }.count >= 1)

        // The undo: both left, reported with what changed; the rest reversed.
        let undo = try portbooks(project, ["undo", runID])
        #expect(undo.status == 3, "\(undo.stdout)\n\(undo.stderr)")
        let invoices = try sandbox.objects("Invoice")
        #expect(Set(invoices.compactMap { $0["Id"] as? String }).isSuperset(of: [editedID, paidID]))
        #expect(invoices.count == seeded + 2)
        #expect(try sandbox.objects("Payment").contains { $0["Id"] as? String == paymentID })
        let undoRun = try #require(
            try FileManager.default.contentsOfDirectory(atPath: runs.path).first { $0 != runID })
        let results = CSVLite.rows(
            try String(
                contentsOf: runs.appendingPathComponent(undoRun).appendingPathComponent("results-invoices.csv"),
                encoding: .utf8))
        let editedRow = try #require(results.first { $0["qb_id"] == editedID })
        #expect(editedRow["outcome"] == "problem")
        #expect(editedRow["problem_code"] == "changed-in-quickbooks")
        #expect(editedRow["message"]?.contains("PrivateNote") == true, "\(editedRow)")
        let paidRow = try #require(results.first { $0["qb_id"] == paidID })
        #expect(paidRow["problem_code"] == "changed-in-quickbooks")
        #expect(paidRow["message"]?.contains("Payment \(paymentID)") == true, "\(paidRow)")
        #expect(results.filter { $0["outcome"] == "deleted" }.count == results.count - 2)
        let status = try portbooks(project, ["status"]).stdout
        #expect(status.contains("partly undone by \(undoRun)"), "\(status)")

        // Again: only the two are left, nothing else is sent.
        let writesBefore = try sandbox.stats()["writes"] as? Int
        let again = try portbooks(project, ["undo", runID])
        #expect(again.status == 3)
        #expect(try sandbox.stats()["writes"] as? Int == writesBefore)
        // An undo is not undone; an unknown run is an error; --only takes known kinds.
        let ofUndo = try portbooks(project, ["undo", undoRun])
        #expect(ofUndo.status == 1)
        #expect(ofUndo.stderr.contains("is itself an undo"), "\(ofUndo.stderr)")
        let unknown = try portbooks(project, ["undo", "20990101T000000Z-0000"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("the ledger has no run 20990101T000000Z-0000"), "\(unknown.stderr)")
        #expect(try portbooks(project, ["undo", runID, "--only", "vendors"]).status == 64)
        // --force: the edited invoice is deleted; the paid one cannot be (QuickBooks refuses while
        // the payment is applied, and refuses the void too), so it stays, reported.
        let forced = try portbooks(project, ["undo", runID, "--force"])
        #expect(forced.status == 3, "\(forced.stdout)\n\(forced.stderr)")
        let remaining = Set(try sandbox.objects("Invoice").compactMap { $0["Id"] as? String })
        #expect(!remaining.contains(editedID))
        #expect(remaining.contains(paidID))
    }
    @Test(
        "an invoice a later run updated is put back as it was before that run (restored, pending again); the next sync sends the update again"
    )
    func updateRestored() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let source = Binary.root.appendingPathComponent("fixtures/drop-example")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
        }
        #expect(try portbooks(project, ["sync", "--settle", "0"]).status == 3)
        func invoice(_ number: String) throws -> [String: Any] {
            try #require(try sandbox.objects("Invoice").first { $0["DocNumber"] as? String == number })
        }
        func text(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
        }

        // PortPro corrects one synced invoice's container number; the next sync updates it.
        let file =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: source.appendingPathComponent("invoices-2026-11-a.json"))) as? [String: Any]
        var invoices = try #require(file?["invoices"] as? [[String: Any]])
        let numbers = Set(try sandbox.objects("Invoice").compactMap { $0["DocNumber"] as? String })
        let index = try #require(
            invoices.indices.first {
                let number = invoices[$0]["reference_number"] as? String ?? ""
                return numbers.contains(number) && number != "RSRE_000150"
            })
        let number = try #require(invoices[index]["reference_number"] as? String)
        var sets = try #require(invoices[index]["chargeSets"] as? [[String: Any]])
        var load = try #require(sets[0]["load"] as? [String: Any])
        let container = try #require(load["containerNo"] as? String)
        load["containerNo"] = "TSTU1234565"
        sets[0]["load"] = load
        invoices[index]["chargeSets"] = sets
        var edited = file ?? [:]
        edited["invoices"] = [invoices[index]]
        edited["exportedAt"] = "2026-11-28T09:00:00Z"
        let before = try invoice(number)
        try JSONSerialization.data(withJSONObject: edited).write(to: project.appendingPathComponent("inbox/edit.json"))
        let runs = project.appendingPathComponent("reports/runs")
        let earlier = Set(try FileManager.default.contentsOfDirectory(atPath: runs.path))
        #expect(try portbooks(project, ["sync", "--settle", "0"]).status == 3)
        let runID = try #require(
            Set(try FileManager.default.contentsOfDirectory(atPath: runs.path)).subtracting(earlier).first)
        #expect(try text(try invoice(number)).contains("TSTU1234565"))

        let undo = try portbooks(project, ["undo", runID])
        #expect(undo.status == 0, "\(undo.stdout)\n\(undo.stderr)")
        let restored = try invoice(number)
        #expect(!(try text(restored)).contains("TSTU1234565"))
        #expect(try text(restored).contains(container))
        // The same lines, amounts, references and fields as before the run (QuickBooks numbers the
        // lines of a replaced Line array anew: their Ids are not compared).
        func lines(_ object: [String: Any]) -> [[String: Any]] {
            (object["Line"] as? [[String: Any]] ?? []).map { $0.filter { $0.key != "Id" } }
        }
        #expect(try text(["m": lines(before)]) == text(["m": lines(restored)]))
        for member in ["CustomField", "TotalAmt", "CustomerRef", "TxnDate", "DueDate", "DocNumber", "PrivateNote"] {
            let was = try text(["m": before[member] ?? NSNull()])
            let now = try text(["m": restored[member] ?? NSNull()])
            #expect(was == now, "\(member): \(was) → \(now)")
        }
        let undoRun = try #require(
            Set(try FileManager.default.contentsOfDirectory(atPath: runs.path)).subtracting(earlier).subtracting([runID]
            ).first)
        let rows = CSVLite.rows(
            try String(
                contentsOf: runs.appendingPathComponent(undoRun).appendingPathComponent("results-invoices.csv"),
                encoding: .utf8))
        #expect(rows.map { $0["outcome"] } == ["restored"])
        #expect(rows.first?["number"] == number)

        // Pending again: the next sync sends PortPro's correction once more.
        #expect(try portbooks(project, ["sync", "--settle", "0"]).status == 3)
        #expect(try text(try invoice(number)).contains("TSTU1234565"))
    }
    @Test(
        "with [undo] documents = \"void\", the run's invoices and credit memos are voided (kept, amounts zeroed), its payments deleted"
    )
    func documentsVoided() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml")
        let settings = try String(contentsOf: config, encoding: .utf8)
        try Data((settings + "\n[undo]\ndocuments = \"void\"\n").utf8).write(to: config)
        let source = Binary.root.appendingPathComponent("fixtures/drop-example")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
        }
        #expect(try portbooks(project, ["sync", "--settle", "0"]).status == 3)
        let runs = project.appendingPathComponent("reports/runs")
        let runID = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let created = CSVLite.rows(
            try String(
                contentsOf: runs.appendingPathComponent(runID).appendingPathComponent("results-invoices.csv"),
                encoding: .utf8)
        ).filter { $0["outcome"] == "created" }.compactMap { $0["qb_id"] }
        #expect(created.count > 20)

        let undo = try portbooks(project, ["undo", runID])
        #expect(undo.status == 0, "\(undo.stdout)\n\(undo.stderr)")
        let invoices = try sandbox.objects("Invoice")
        for id in created {
            let invoice = try #require(invoices.first { $0["Id"] as? String == id }, "Invoice \(id) is kept")
            #expect((invoice["TotalAmt"] as? NSNumber)?.decimalValue == 0)
            #expect((invoice["PrivateNote"] as? String)?.hasPrefix("Voided") == true)
        }
        #expect(try sandbox.objects("Payment").isEmpty)
        let undoRun = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first { $0 != runID })
        let rows = CSVLite.rows(
            try String(
                contentsOf: runs.appendingPathComponent(undoRun).appendingPathComponent("results-invoices.csv"),
                encoding: .utf8))
        #expect(Set(rows.compactMap { $0["outcome"] }) == ["voided"])
    }
}
