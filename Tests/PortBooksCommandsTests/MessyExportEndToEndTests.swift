import Foundation
import Testing

/// Real exports are messy (#22), end to end against a qbo-sandbox: fixtures/messy — float
/// leftovers, free-form container numbers, `usd`, `+0000`, `ZELLE`, an overpayment, a payment on
/// account, an empty pricing, a 130-character and a blank company name — syncs without refusing
/// a file; the records with a real problem are problem rows; the XML twins then write nothing.
@Suite(
    "messy exports end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct MessyExportEndToEndTests {
    private func drop(_ ext: String, into project: URL) throws {
        let source = Binary.root.appendingPathComponent("fixtures/messy")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(ext) {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(name),
                to: project.appendingPathComponent("inbox").appendingPathComponent(name))
        }
    }

    private func sync(_ project: URL) throws -> Binary.Output {
        try Binary.run([
            "sync", "--config", project.appendingPathComponent("portbooks.toml").path, "--settle", "0", "--grace", "0",
        ])
    }

    private func contents(_ project: URL, _ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent(folder).path).sorted()
    }

    @Test("every messy file is taken; only the blank name and the empty pricing are problems; the XML twins write 0")
    func messySetSyncs() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml")
        let settings = try String(contentsOf: config, encoding: .utf8)
        try Data(
            settings.replacingOccurrences(
                of: "create_missing = true", with: "create_missing = true\nname_character_replacement = \" - \""
            ).utf8
        ).write(to: config)
        try drop(".json", into: project)

        let first = try sync(project)
        #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
        #expect(try contents(project, "inbox").isEmpty)
        #expect(try contents(project, "rejected").isEmpty)
        #expect(first.stdout.contains("ZELLE"), "the unmapped payment method is noted: \(first.stdout)")

        let rows = CSVLite.rows(
            try String(contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8))
        let problems = Dictionary(rows.map { ($0["portpro_id"] ?? "", $0["problem_code"] ?? "") }) { $0 + "," + $1 }
        #expect(problems == ["msy-c4": "invalid-display-name", "msy-i4": "empty-pricing"], "\(rows)")

        let customers = try sandbox.objects("Customer")
        let names = Set(customers.compactMap { $0["DisplayName"] as? String })
        #expect(names.contains("Northwind Traders"), "\(names)")
        #expect(names.contains("Acme - Rail & Intermodal"), "\(names)")
        #expect(!names.contains(""), "no customer without a name")
        let long = try #require(customers.first { ($0["DisplayName"] as? String ?? "").count > 100 })
        #expect(long["CompanyName"] == nil || (long["CompanyName"] as? String ?? "").count <= 100)

        let invoices = try sandbox.objects("Invoice").compactMap { $0["DocNumber"] as? String }
        // The sandbox's company has manual invoices of its own (RSRE_000150).
        #expect(Set(invoices).isSuperset(of: ["HDX-000201", "HDX-000202", "HDX-000203", "HDX-000205"]), "\(invoices)")
        #expect(!invoices.contains("HDX-000204"), "the empty invoice is a problem, not sent")

        let payments = try sandbox.objects("Payment")
        let byTotal = Dictionary(
            payments.map { (Self.decimal($0["TotalAmt"]), $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byTotal.count == 3, "\(payments)")
        #expect(Self.decimal(byTotal[Decimal(793)]?["UnappliedAmt"]) == 25, "the overpayment keeps 25.00 unapplied")
        #expect(Self.decimal(byTotal[Decimal(250)]?["UnappliedAmt"]) == 250, "the payment on account is all unapplied")
        let zelle = try #require(byTotal[Decimal(string: "147.08")!])
        #expect(zelle["PaymentMethodRef"] == nil, "ZELLE is not mapped: no method")

        // The XML twins of the same data: the same records, nothing written.
        let writes = try sandbox.stats()["writes"] as? Int
        try drop(".xml", into: project)
        let twin = try sync(project)
        #expect(twin.status == 3, "\(twin.stdout)\n\(twin.stderr)")
        #expect(try contents(project, "rejected").isEmpty)
        #expect(try sandbox.stats()["writes"] as? Int == writes, "the XML twins write nothing: \(twin.stdout)")
    }

    static func decimal(_ value: Any?) -> Decimal? {
        switch value {
        case let number as NSNumber: Decimal(string: number.stringValue)
        case let text as String: Decimal(string: text)
        default: nil
        }
    }
}
