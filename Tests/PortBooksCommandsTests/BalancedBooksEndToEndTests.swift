import Foundation
import Testing

/// What QuickBooks holds after a sync is what PortPro means: balances, voids, credits, and
/// links that stay with the right company — checked against a qbo-sandbox, from the example
/// set (fixtures/drop-example) and its later export (fixtures/drop-example/later).
@Suite(
    "books that balance, end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct BalancedBooksEndToEndTests {
    private func drop(_ folder: String, into project: URL) throws {
        let source = Binary.root.appendingPathComponent(folder)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name), to: project.appendingPathComponent("inbox/\(name)"))
        }
    }

    private func sync(_ project: URL) throws -> Binary.Output {
        try Binary.run(["sync", "--config", project.appendingPathComponent("portbooks.toml").path, "--settle", "0"])
    }

    private func problems(_ project: URL) throws -> [[String: String]] {
        CSVLite.rows(
            try String(contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8))
    }

    /// QuickBooks' objects of `entity`, read with their amounts exact (no Double on the way).
    private func objects(_ sandbox: SandboxProcess, _ entity: String) throws -> [QuickBooksObject] {
        let realms = try JSONSerialization.jsonObject(with: sandbox.curl("/_sandbox/realms")) as? [String] ?? []
        let realm = try #require(realms.first)
        return try JSONDecoder().decode(
            [QuickBooksObject].self, from: sandbox.curl("/_sandbox/realms/\(realm)/\(entity)"))
    }

    private struct QuickBooksObject: Decodable {
        struct Line: Decodable {
            struct Link: Decodable {
                var TxnId: String
                var TxnType: String
            }
            var Amount: Decimal?
            var LinkedTxn: [Link]?
        }
        var Id: String
        var DocNumber: String?
        var PaymentRefNum: String?
        var TotalAmt: Decimal?
        var Balance: Decimal?
        var PrivateNote: String?
        var Line: [Line]?
    }

    /// Every invoice's balance is its total less what the payments in QuickBooks apply to it
    /// (credit applications included), never below zero.
    private func expectBalancesAdd(_ sandbox: SandboxProcess, _ when: String) throws {
        var applied: [String: Decimal] = [:]
        for payment in try objects(sandbox, "Payment") {
            for line in payment.Line ?? [] {
                for link in line.LinkedTxn ?? [] where link.TxnType == "Invoice" {
                    applied[link.TxnId, default: 0] += line.Amount ?? 0
                }
            }
        }
        for invoice in try objects(sandbox, "Invoice") {
            let total = invoice.TotalAmt ?? 0
            #expect(
                invoice.Balance == max(0, total - (applied[invoice.Id] ?? 0)),
                "\(when): invoice \(invoice.DocNumber ?? invoice.Id) total \(total), applied \(applied[invoice.Id] ?? 0), balance \(String(describing: invoice.Balance))"
            )
            #expect((invoice.Balance ?? 0) >= 0)
        }
    }

    private func invoice(_ number: String, in sandbox: SandboxProcess) throws -> QuickBooksObject {
        let found = try objects(sandbox, "Invoice").filter { $0.DocNumber == number }
        #expect(found.count == 1, "invoice \(number) is in QuickBooks once")
        return try #require(found.first)
    }

    @Test(
        "credit memos: applied ones lower their invoice's balance, drafted and approved ones are not posted; a voided invoice is voided; CAD is never booked as USD"
    )
    func creditsAndVoids() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        try drop("fixtures/drop-example", into: project)
        let first = try sync(project)
        #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")

        // CM-000043 is APPLIED to RSRE_000271: 6,913.00 less 6,823.00 paid and 90.00 credited.
        #expect(try invoice("RSRE_000271", in: sandbox).Balance == 0)
        // RSRE_000274: 4,135.50 less 3,910.50 paid; CM-000041 is only APPROVED.
        #expect(try invoice("RSRE_000274", in: sandbox).Balance == 225)
        let memos = Set(try objects(sandbox, "CreditMemo").compactMap(\.DocNumber))
        #expect(memos == ["CM-000042", "CM-000043"], "ISSUED and APPLIED are posted; APPROVED and DRAFTED are not")
        // The CAD customer and invoices: multicurrency is off in this company, so they are problems.
        let numbers = Set(try objects(sandbox, "Invoice").compactMap(\.DocNumber))
        #expect(!numbers.contains("RSRE_000275") && !numbers.contains("RSRE_000289"))
        let rows = try problems(project)
        #expect(rows.contains { $0["problem_code"] == "currency-not-enabled" })
        #expect(rows.contains { $0["number"] == "RSRE_000275" })
        try expectBalancesAdd(sandbox, "after the first sync")

        // PortPro voids RSRE_000290 and applies CM-000041 to RSRE_000274.
        try drop("fixtures/drop-example/later", into: project)
        let later = try sync(project)
        #expect(later.status == 3, "\(later.stdout)\n\(later.stderr)")
        let voided = try invoice("RSRE_000290", in: sandbox)
        #expect(voided.TotalAmt == 0)
        #expect(voided.Balance == 0)
        #expect(voided.PrivateNote?.hasPrefix("Voided") == true, "QuickBooks' void, not an update")
        #expect(try invoice("RSRE_000274", in: sandbox).Balance == 0)
        #expect(Set(try objects(sandbox, "CreditMemo").compactMap(\.DocNumber)).contains("CM-000041"))
        try expectBalancesAdd(sandbox, "after the later export")

        // Nothing is sent twice.
        let writes = try sandbox.stats()["writes"] as? Int
        let again = try sync(project)
        #expect(again.status == 3)
        #expect(try sandbox.stats()["writes"] as? Int == writes, "a re-run writes nothing")
    }

    @Test(
        "resolutions converge: a cleared invoice's payment is skipped, remove-qb-id on a payment links the same payment again, a retried name clash stays a problem"
    )
    func resolutions() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        try drop("fixtures/drop-example", into: project)
        #expect(try sync(project).status == 3)
        let paymentsBefore = try objects(sandbox, "Payment")

        let rows = try problems(project)
        let clash = try #require(rows.first { $0["problem_code"] == "customer-name-clash" })
        let duplicate = try #require(rows.first { $0["number"] == "RSRE_000150" })
        // Payment 3318 pays RSRE_000150 (cleared below); payment 6af3452096d8370c3f187d6d pays RSRE_000272.
        let resolution = [
            "entity,portpro_id,action,note",
            "invoice,\(duplicate["portpro_id"] ?? ""),clear,entered by hand in QuickBooks",
            "payment,6af3452096d8370c3f187d6d,remove-qb-id,checking the link",
            "customer,\(clash["portpro_id"] ?? ""),retry,maybe it is the same company",
        ]
        let file = project.appendingPathComponent("resolutions/fixes.csv")
        try Data(resolution.joined(separator: "\n").utf8).write(to: file)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: file.path)

        let second = try sync(project)
        #expect(second.status == 3, "\(second.stdout)\n\(second.stderr)")
        let paymentsAfter = try objects(sandbox, "Payment")
        #expect(paymentsAfter.count == paymentsBefore.count, "the unlinked payment is found, not created again")
        let after = try problems(project)
        #expect(
            after.contains { $0["portpro_id"] == clash["portpro_id"] && $0["problem_code"] == "customer-name-clash" },
            "a retried name clash is not adopted on a look-alike")
        #expect(
            !after.contains { $0["entity"] == "payment" && $0["portpro_id"] == "6aeb0838c69c54b9c194ebcb" },
            "the cleared invoice's payment is settled (skipped), not blocked for ever")
        let results = try String(
            contentsOf: try #require(runFolder(second)).appendingPathComponent("results-payments.csv"),
            encoding: .utf8)
        let outcomes = Dictionary(
            CSVLite.rows(results).map { ($0["portpro_id"] ?? "", $0["outcome"] ?? "") }, uniquingKeysWith: { $1 })
        #expect(outcomes["6af3452096d8370c3f187d6d"] == "adopted")
        #expect(outcomes["6aeb0838c69c54b9c194ebcb"] == "skipped")
        try expectBalancesAdd(sandbox, "after the resolutions")
    }

    @Test("a token for another QuickBooks company stops every writing command with exit 1; nothing is written")
    func anotherCompany() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        try drop("fixtures/drop-example", into: project)
        #expect(try sync(project).status == 3)
        let writes = try sandbox.stats()["writes"] as? Int

        let tokens = project.appendingPathComponent("state/tokens.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: tokens)) as? [String: Any])
        let realm = try #require(json["realmID"] as? String)
        json["realmID"] = "4620816365000000000"
        try JSONSerialization.data(withJSONObject: json).write(to: tokens)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokens.path)
        try drop("fixtures/drop-example/later", into: project)

        let refused = try sync(project)
        #expect(refused.status == 1, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("belongs to QuickBooks company \(realm)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("4620816365000000000"))
        #expect(try sandbox.stats()["writes"] as? Int == writes)
        let config = project.appendingPathComponent("portbooks.toml").path
        // Linking by hand reads the other company's object: refused the same way.
        let ids = try Binary.run(["ids", "set", "--config", config, "payment", "6af3452096d8370c3f187d6d", "1"])
        #expect(ids.status == 1, "\(ids.stdout)\n\(ids.stderr)")
        #expect(ids.stderr.contains("belongs to QuickBooks company \(realm)"), "\(ids.stderr)")
    }

    private func runFolder(_ output: Binary.Output) -> URL? {
        guard let line = output.stdout.split(separator: "\n").first(where: { $0.contains("results:") }) else {
            return nil
        }
        return URL(fileURLWithPath: String(line.split(separator: " ").last ?? ""), isDirectory: true)
    }
}
