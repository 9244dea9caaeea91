import Foundation
import Testing

/// Resolution files, the QuickBooks ID area and reconcile, through the built `portbooks`
/// against a qbo-sandbox, on the example drop set.
@Suite(
    "resolve end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct ResolveEndToEndTests {
    private func syncedExample(_ sandbox: SandboxProcess) throws -> URL {
        let project = try Binary.connectedProject(sandbox)
        let source = Binary.root.appendingPathComponent("fixtures/drop-example")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
        }
        let first = try portbooks(project, ["sync", "--settle", "0"])
        #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
        return project
    }

    private func portbooks(_ project: URL, _ arguments: [String]) throws -> Binary.Output {
        try Binary.run(arguments + ["--config", project.appendingPathComponent("portbooks.toml").path])
    }

    /// `ids list --entity invoice` as (portpro_id, qb_id) of the synced invoices.
    private func syncedInvoices(_ project: URL) throws -> [(portproID: String, qbID: String)] {
        let output = try portbooks(project, ["ids", "list", "--entity", "invoice"]).stdout
        var found: [(portproID: String, qbID: String)] = []
        for line in output.split(separator: "\n") {
            let words: [Substring] = line.split(separator: " ")
            guard words.count >= 4, words[words.count - 1] == "synced" else { continue }
            found.append((String(words[1]), String(words[words.count - 2])))
        }
        return found
    }

    private func problems(_ project: URL) throws -> [[String: String]] {
        CSVLite.rows(try String(contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8))
    }

    private func csvCell(_ text: String) -> String {
        text.contains(where: { ",\"\n".contains($0) })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// The invoices QuickBooks holds, by DocNumber; fails the test on a DocNumber twice.
    private func invoicesByNumber(_ sandbox: SandboxProcess) throws -> [String: [String: Any]] {
        let invoices = try sandbox.objects("Invoice")
        let numbers = invoices.compactMap { $0["DocNumber"] as? String }
        #expect(Set(numbers).count == numbers.count, "no DocNumber twice")
        return Dictionary(invoices.map { ($0["DocNumber"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(
        "the demo's problems, resolved through a file dropped in resolutions/, apply; the next run syncs or clears them"
    )
    func demoProblemsResolved() throws {
        let sandbox = try SandboxProcess()
        let project = try syncedExample(sandbox)
        let rows = try problems(project)
        #expect(!rows.isEmpty)
        // The customer whose name clashes is linked to the QuickBooks customer of that name;
        // every other problem of its own is cleared; blocked rows follow by themselves.
        let customers = try sandbox.objects("Customer")
        var lines = ["entity;portpro_id;number;action;new_qb_id;note"]
        var clearedRows: [[String: String]] = []
        for row in rows where !DryRunEndToEndTests.waitCodes.contains(row["problem_code"] ?? "") {
            var action = "Clear"
            var newID = ""
            if row["problem_code"] == "customer-name-clash",
                let existing = customers.first(where: { ($0["DisplayName"] as? String) == row["number"] }),
                let id = existing["Id"] as? String
            {
                action = "set qb id"
                newID = id
            }
            if action == "Clear" { clearedRows.append(row) }
            lines.append(
                [row["entity"] ?? "", row["portpro_id"] ?? "", row["number"] ?? "", action, newID, "=checked by Ann"]
                    .map(csvCell).joined(separator: ";"))
        }
        let file = project.appendingPathComponent("resolutions/problems-fixed.csv")
        try Data(("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").utf8).write(to: file)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: file.path)

        let second = try portbooks(project, ["sync", "--settle", "0"])
        #expect(!FileManager.default.fileExists(atPath: file.path), "applied files are archived")
        // The run's results hold a `cleared` row for each record the file cleared, as the ledger has it.
        let resultsLine = try #require(second.stdout.split(separator: "\n").first { $0.contains("results:") })
        let runFolder = URL(fileURLWithPath: String(resultsLine.split(separator: " ").last ?? ""), isDirectory: true)
        var cleared: [String: [String: String]] = [:]
        for name in ["customers", "invoices", "payments", "credit-memos"] {
            let text = try String(contentsOf: runFolder.appendingPathComponent("results-\(name).csv"), encoding: .utf8)
            for row in CSVLite.rows(text) where row["outcome"] == "cleared" { cleared[row["portpro_id"] ?? ""] = row }
        }
        #expect(!clearedRows.isEmpty)
        #expect(Set(cleared.keys) == Set(clearedRows.compactMap { $0["portpro_id"] }), "\(cleared.keys)")
        for row in clearedRows {
            let result = cleared[row["portpro_id"] ?? ""]
            #expect(result?["number"] == row["number"], "\(row)")
            #expect(result?["customer"] == row["customer"], "\(row)")
            #expect(
                result?["message"]?.hasPrefix("cleared: off the problem list") == true, "\(String(describing: result))")
            #expect(result?["source_file"] == "problems-fixed.csv")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("rejected").path)
                .isEmpty,
            "\(second.stdout)\n\(second.stderr)")
        // Every row the file named is resolved; what remains waited on them and is blocked.
        let remaining = try problems(project)
        let named = Set(
            rows.filter { !DryRunEndToEndTests.waitCodes.contains($0["problem_code"] ?? "") }.compactMap {
                $0["portpro_id"]
            })
        #expect(remaining.allSatisfy { !named.contains($0["portpro_id"] ?? "") }, "\(remaining)")
        #expect(second.status == (remaining.isEmpty ? 0 : 3), "\(second.stdout)\n\(second.stderr)")
        // The rest, cleared with `portbooks resolve` (LibreOffice-style: LF, comma): the list is empty.
        let rest = project.appendingPathComponent("rest.csv")
        let restLines =
            ["entity,portpro_id,action"] + remaining.map { "\($0["entity"] ?? ""),\($0["portpro_id"] ?? ""),clear" }
        try Data(restLines.joined(separator: "\n").utf8).write(to: rest)
        let resolved = try portbooks(project, ["resolve", rest.path])
        #expect(resolved.status == 0, "\(resolved.stdout)\n\(resolved.stderr)")
        let third = try portbooks(project, ["sync", "--settle", "0"])
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        #expect(try problems(project).isEmpty)
        let runs = project.appendingPathComponent("reports/runs")
        let reports = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter {
            FileManager.default.fileExists(atPath: runs.appendingPathComponent("\($0)/resolution-report.csv").path)
        }
        #expect(reports.count == 2, "one for the dropped file, one for `resolve`")
        _ = try invoicesByNumber(sandbox)
    }

    @Test("remove-qb-id on an invoice that still exists in QuickBooks never makes a second one")
    func removeQBIDAdopts() throws {
        let sandbox = try SandboxProcess()
        let project = try syncedExample(sandbox)
        let before = try invoicesByNumber(sandbox)
        let target = try #require(try syncedInvoices(project).first)
        let portproID = target.portproID
        let qbID = target.qbID

        let removed = try portbooks(project, ["ids", "remove", "invoice", portproID, "--note", "re-sync please"])
        #expect(removed.status == 0, "\(removed.stderr)")
        let writes = try sandbox.stats()["writes"] as? Int
        _ = try portbooks(project, ["sync", "--settle", "0"])
        let after = try invoicesByNumber(sandbox)
        #expect(after.count == before.count, "no second invoice")
        #expect(try sandbox.stats()["writes"] as? Int == writes, "adopted, not created")
        let relisted = try portbooks(project, ["ids", "list", "--entity", "invoice"])
        #expect(relisted.stdout.contains(portproID))
        #expect(
            relisted.stdout.split(separator: "\n").contains { $0.contains(portproID) && $0.contains(" \(qbID) ") },
            "linked again to the same QuickBooks invoice")

        // A resolution file naming an id a spreadsheet damaged changes nothing and exits 3.
        let damaged = project.appendingPathComponent("damaged.csv")
        try Data("entity,portpro_id,action\ninvoice,6.51E+23,remove-qb-id\n".utf8).write(to: damaged)
        let refused = try portbooks(project, ["resolve", damaged.path])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("damaged.csv:2: error: portpro_id \"6.51E+23\""), "\(refused.stderr)")
    }

    @Test("an invoice paid directly in the sandbox shows up after reconcile with the suggestion mark-paid")
    func paidInQuickBooks() throws {
        let sandbox = try SandboxProcess()
        let project = try syncedExample(sandbox)
        // An invoice PortBooks synced that PortPro's payments have not paid.
        let linked = Set(try syncedInvoices(project).map(\.qbID))
        let open = try #require(
            try sandbox.objects("Invoice").first {
                linked.contains($0["Id"] as? String ?? "") && ($0["Balance"] as? NSNumber)?.doubleValue ?? 0 > 0
            })
        let invoiceID = try #require(open["Id"] as? String)
        let customerID = try #require((open["CustomerRef"] as? [String: Any])?["value"] as? String)
        let balance = try #require(open["Balance"] as? NSNumber).stringValue
        let realms = try JSONSerialization.jsonObject(with: sandbox.curl("/_sandbox/realms")) as? [String] ?? []
        let realm = try #require(realms.first)
        let minted =
            try JSONSerialization.jsonObject(
                with: sandbox.curl("/_sandbox/tokens", method: "POST", body: "{\"realm\":\"\(realm)\"}"))
            as? [String: Any]
        let token = try #require(minted?["access_token"] as? String)
        let payment =
            "{\"CustomerRef\":{\"value\":\"\(customerID)\"},\"TotalAmt\":\(balance),\"Line\":[{\"Amount\":\(balance),"
            + "\"LinkedTxn\":[{\"TxnId\":\"\(invoiceID)\",\"TxnType\":\"Invoice\"}]}]}"
        _ = try Binary.runTool(
            "/usr/bin/curl",
            [
                "-sS", "-X", "POST", "\(sandbox.url)/v3/company/\(realm)/payment?minorversion=75",
                "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
                "-H", "Accept: application/json", "--data", payment,
            ])

        let reconciled = try portbooks(project, ["reconcile"])
        #expect(reconciled.status == 3, "\(reconciled.stdout)\n\(reconciled.stderr)")
        let row = try #require(try problems(project).first { $0["qb_id"] == invoiceID })
        #expect(row["problem_code"] == "paid-in-quickbooks")
        #expect(row["suggestion"]?.hasPrefix("mark-paid") == true)
        // Again: nothing new.
        #expect(try portbooks(project, ["reconcile"]).stdout.contains("nothing needs attention"))
    }
    /// Sends one request to the sandbox's QuickBooks API with a token minted for its realm.
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
                "Authorization: Bearer \(token)",
                "-H", "Content-Type: application/json", "-H", "Accept: application/json", "--data", body,
            ])
        return try JSONSerialization.jsonObject(with: answer) as? [String: Any] ?? [:]
    }

    @Test(
        "every reconcile suggestion, applied, converges: voided → clear, deleted → remove-qb-id (sent again), paid → mark-paid; the next reconcile is clean; unlinking a voided invoice ends as number-of-voided, never a loop"
    )
    func reconcileConverges() throws {
        let sandbox = try SandboxProcess()
        let project = try syncedExample(sandbox)
        let invoices = try invoicesByNumber(sandbox)
        func object(_ number: String) throws -> (id: String, token: String, balance: String, customer: String) {
            let invoice = try #require(invoices[number], "\(number) is in QuickBooks")
            return (
                invoice["Id"] as? String ?? "", invoice["SyncToken"] as? String ?? "0",
                (invoice["Balance"] as? NSNumber)?.stringValue ?? "0",
                (invoice["CustomerRef"] as? [String: Any])?["value"] as? String ?? ""
            )
        }
        // Unpaid invoices of the example set, changed by hand in QuickBooks.
        let voided = try object("RSRE_000285")
        let deleted = try object("RSRE_000286")
        let paid = try object("RSRE_000287")
        let unlinked = try object("RSRE_000293")
        for target in [voided, unlinked] {
            _ = try quickBooks(
                sandbox, "invoice?operation=void&minorversion=75",
                "{\"Id\":\"\(target.id)\",\"SyncToken\":\"\(target.token)\"}")
        }
        _ = try quickBooks(
            sandbox, "invoice?operation=delete&minorversion=75",
            "{\"Id\":\"\(deleted.id)\",\"SyncToken\":\"\(deleted.token)\"}")
        _ = try quickBooks(
            sandbox, "payment?minorversion=75",
            "{\"CustomerRef\":{\"value\":\"\(paid.customer)\"},\"TotalAmt\":\(paid.balance),\"Line\":[{\"Amount\":\(paid.balance),"
                + "\"LinkedTxn\":[{\"TxnId\":\"\(paid.id)\",\"TxnType\":\"Invoice\"}]}]}")

        let reconciled = try portbooks(project, ["reconcile"])
        #expect(reconciled.status == 3, "\(reconciled.stdout)\n\(reconciled.stderr)")
        let rows = try problems(project)
        func row(_ id: String) throws -> [String: String] { try #require(rows.first { $0["qb_id"] == id }, "\(rows)") }
        #expect(try row(voided.id)["problem_code"] == "voided-in-quickbooks")
        #expect(try row(deleted.id)["problem_code"] == "deleted-in-quickbooks")
        #expect(try row(paid.id)["problem_code"] == "paid-in-quickbooks")

        // The accountant takes every suggestion's action, except for RSRE_000293, unlinked instead.
        var lines = ["entity,portpro_id,action,note"]
        for target in [voided, deleted, paid, unlinked] {
            let found = try row(target.id)
            let suggested = String(found["suggestion"]?.split(whereSeparator: { " :,".contains($0) }).first ?? "")
            let action = target.id == unlinked.id ? "remove-qb-id" : suggested
            #expect(["clear", "remove-qb-id", "mark-paid"].contains(suggested), "\(found)")
            lines.append("invoice,\(found["portpro_id"] ?? ""),\(action),as reconcile suggests")
        }
        let file = project.appendingPathComponent("fixes.csv")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        let resolved = try portbooks(project, ["resolve", file.path])
        #expect(resolved.status == 0, "\(resolved.stdout)\n\(resolved.stderr)")
        let synced = try portbooks(project, ["sync", "--settle", "0"])
        #expect([0, 3].contains(synced.status), "\(synced.stdout)\n\(synced.stderr)")

        let after = try invoicesByNumber(sandbox)
        #expect(
            (after["RSRE_000286"]?["Id"] as? String).map { $0 != deleted.id } == true, "the deleted one is sent again")
        let left = try problems(project)
        #expect(!left.contains { [voided.id, deleted.id, paid.id].contains($0["qb_id"] ?? "") }, "\(left)")
        let renumber = try #require(left.first { $0["number"] == "RSRE_000293" }, "\(left)")
        #expect(renumber["problem_code"] == "number-of-voided", "not duplicate-doc-number pointing at the void")
        #expect(renumber["suggestion"]?.hasPrefix("clear") == true)
        let again = try portbooks(project, ["reconcile"])
        #expect(again.stdout.contains("nothing needs attention"), "\(again.stdout)")
    }
}
