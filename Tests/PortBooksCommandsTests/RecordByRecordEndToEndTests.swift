import Foundation
import Testing

/// Records are judged one by one (#22, "What users get" 1), end to end against a qbo-sandbox, in
/// JSON and in XML: a 3-invoice file with one invoice whose `finalAmount` is "12,50x" and one
/// without `_id` is staged, not refused; the good invoice syncs; the broken one is one problem
/// row (`invalid-record`, with `file:line:col` and the reader's code) that a dry run shows too
/// and a `retry` cannot push; the one without `_id` is listed in the archived file's
/// `.error.txt` and the run's warnings; a corrected export of the broken one then syncs it.
@Suite(
    "records judged one by one end to end",
    .timeLimit(.minutes(5)),
    .serialized,
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct RecordByRecordEndToEndTests {
    /// One invoice: `id` nil leaves `_id` out; `finalAmount` as written.
    struct Invoice {
        var id: String?
        var number: String
        var finalAmount: String
        var total: String
    }

    static let invoices = [
        Invoice(id: "rbr-i1", number: "RBR-0301", finalAmount: "50.00", total: "50.00"),
        Invoice(id: "rbr-i2", number: "RBR-0302", finalAmount: "12,50x", total: "12.50"),
        Invoice(id: nil, number: "RBR-0303", finalAmount: "75.00", total: "75.00"),
    ]

    static func json(_ invoices: [Invoice]) -> String {
        let items = invoices.map { invoice in
            """
                {
                  \(invoice.id.map { "\"_id\": \"\($0)\"," } ?? "")
                  "reference_number": "\(invoice.number)",
                  "caller": {"_id": "rbr-c1", "company_name": "Record By Record Freight", "currency": "USD"},
                  "billingDate": "2026-11-03",
                  "status": "BILLING",
                  "totalAmount": "\(invoice.total)",
                  "chargeSets": [
                    {
                      "load_reference_number": "L-\(invoice.number)",
                      "totalAmount": "\(invoice.total)",
                      "pricing": [{"name": "PICK UP & DELIVERY", "perType": "fixed", "finalAmount": "\(invoice.finalAmount)"}]
                    }
                  ]
                }
            """
        }
        return """
            {
              "formatVersion": "1.0",
              "exportedAt": "2026-11-20T08:00:00Z",
              "invoices": [
            \(items.joined(separator: ",\n"))
              ]
            }

            """
    }

    static func xml(_ invoices: [Invoice]) -> String {
        let items = invoices.map { invoice in
            """
                <invoice>
                  \(invoice.id.map { "<_id>\($0)</_id>" } ?? "")
                  <reference_number>\(invoice.number)</reference_number>
                  <caller>
                    <_id>rbr-c1</_id>
                    <company_name>Record By Record Freight</company_name>
                    <currency>USD</currency>
                  </caller>
                  <billingDate>2026-11-03</billingDate>
                  <status>BILLING</status>
                  <totalAmount>\(invoice.total)</totalAmount>
                  <chargeSets>
                    <chargeSet>
                      <load_reference_number>L-\(invoice.number)</load_reference_number>
                      <totalAmount>\(invoice.total)</totalAmount>
                      <pricing>
                        <charge>
                          <name>PICK UP &amp; DELIVERY</name>
                          <perType>fixed</perType>
                          <finalAmount>\(invoice.finalAmount)</finalAmount>
                        </charge>
                      </pricing>
                    </chargeSet>
                  </chargeSets>
                </invoice>
            """
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0" exportedAt="2026-11-20T08:00:00Z">
              <invoices>
            \(items.joined(separator: "\n"))
              </invoices>
            </portproExport>

            """
    }

    static func text(_ invoices: [Invoice], format: String) -> String {
        format == "json" ? json(invoices) : xml(invoices)
    }

    private func sync(_ project: URL, _ extra: [String] = []) throws -> Binary.Output {
        try Binary.run(
            [
                "sync", "--config", project.appendingPathComponent("portbooks.toml").path, "--settle", "0", "--grace",
                "0",
            ]
                + extra)
    }

    private func contents(_ project: URL, _ folder: String) throws -> [String] {
        let url = project.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return try FileManager.default.subpathsOfDirectory(atPath: url.path).sorted()
    }

    private func problems(_ project: URL) throws -> [[String: String]] {
        CSVLite.rows(try String(contentsOf: project.appendingPathComponent("reports/problems.csv"), encoding: .utf8))
    }

    @Test(
        "a bad finalAmount is one problem row, an invoice without _id is in .error.txt, the rest syncs; a corrected export syncs it",
        arguments: ["json", "xml"])
    func oneBadRecordNeverRefusesItsFile(format: String) throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let name = "rbr-invoices.\(format)"
        let dropped = project.appendingPathComponent("inbox").appendingPathComponent(name)
        try Data(Self.text(Self.invoices, format: format).utf8).write(to: dropped)

        // validate says which records break a rule and that the rest would be staged.
        let validated = try Binary.run(["validate", dropped.path])
        #expect(validated.status == 3, "\(validated.stdout)\n\(validated.stderr)")
        #expect(validated.stdout.contains("INVALID RECORDS"), "\(validated.stdout)")
        #expect(validated.stdout.contains("The rest of the file would be staged: 1 invoice"), "\(validated.stdout)")
        #expect(validated.stderr.contains("12,50x"), "\(validated.stderr)")

        // A dry run shows the broken invoice as a problem in plan.csv, and moves nothing.
        let rehearsal = try sync(project, ["--dry-run"])
        #expect(rehearsal.status == 3, "\(rehearsal.stdout)\n\(rehearsal.stderr)")
        #expect(try contents(project, "inbox") == [name])
        let plans = try contents(project, "reports/dry-run").filter { $0.hasSuffix("plan.csv") }
        let plan = try #require(plans.first)
        let planRows = CSVLite.rows(
            try String(
                contentsOf: project.appendingPathComponent("reports/dry-run").appendingPathComponent(plan),
                encoding: .utf8))
        let planned = try #require(planRows.first { $0["portpro_id"] == "rbr-i2" }, "\(planRows)")
        #expect(planned["operation"] == "problem")
        #expect(planned["problem_code"] == "invalid-record")
        #expect(planRows.contains { $0["portpro_id"] == "rbr-i1" && $0["operation"] == "create" }, "\(planRows)")
        #expect(try sandbox.objects("Invoice").allSatisfy { ($0["DocNumber"] as? String)?.hasPrefix("RBR") != true })

        // The real run: staged and archived, not refused.
        let first = try sync(project)
        #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
        #expect(try contents(project, "inbox").isEmpty)
        #expect(try contents(project, "rejected").isEmpty)
        let archived = try contents(project, "archive")
        #expect(archived.contains { $0.hasSuffix("/\(name)") }, "\(archived)")
        let reasonPath = try #require(archived.first { $0.hasSuffix("/\(name).error.txt") }, "\(archived)")
        let reason = try String(
            contentsOf: project.appendingPathComponent("archive").appendingPathComponent(reasonPath), encoding: .utf8)
        #expect(reason.contains("invoices[2]"), "\(reason)")
        #expect(reason.contains("no usable _id"), "\(reason)")
        #expect(reason.contains("rbr-i2"), "\(reason)")
        #expect(first.stdout.contains("invoices[2] has no usable _id"), "the run's warnings list it: \(first.stdout)")

        let rows = try problems(project)
        #expect(rows.count == 1, "\(rows)")
        let row = try #require(rows.first)
        #expect(row["portpro_id"] == "rbr-i2")
        #expect(row["number"] == "RBR-0302")
        #expect(row["problem_code"] == "invalid-record")
        let problem = row["problem"] ?? ""
        #expect(problem.contains("\(name):"), "\(problem)")
        #expect(problem.contains("finalAmount"), "\(problem)")
        #expect(problem.contains("[invalid-value]"), "\(problem)")
        let location = problem.split(separator: " ").first.map(String.init) ?? ""
        let parts = location.split(separator: ":")
        #expect(parts.count == 3 && (Int(parts[1]) ?? 0) > 0 && (Int(parts[2]) ?? 0) > 0, "file:line:col: \(problem)")

        var numbers = try sandbox.objects("Invoice").compactMap { $0["DocNumber"] as? String }.filter {
            $0.hasPrefix("RBR")
        }
        #expect(numbers == ["RBR-0301"])

        // retry cannot push what could not be read: the row is refused, the record stays a problem.
        let resolution = project.appendingPathComponent("retry.csv")
        try Data("entity,portpro_id,action\ninvoice,rbr-i2,retry\n".utf8).write(to: resolution)
        let retried = try Binary.run([
            "resolve", "--config", project.appendingPathComponent("portbooks.toml").path, resolution.path,
        ])
        #expect(retried.status == 3, "\(retried.stdout)\n\(retried.stderr)")
        #expect((retried.stdout + retried.stderr).contains("export it again"), "\(retried.stdout)\n\(retried.stderr)")
        let again = try sync(project)
        #expect(again.status == 3, "\(again.stdout)\n\(again.stderr)")
        #expect(try problems(project).map { $0["problem_code"] } == ["invalid-record"])

        // A corrected export of the same _id replaces the problem and syncs.
        let fixed = [Invoice(id: "rbr-i2", number: "RBR-0302", finalAmount: "12.50", total: "12.50")]
        try Data(Self.text(fixed, format: format).utf8).write(
            to: project.appendingPathComponent("inbox").appendingPathComponent("rbr-fixed.\(format)"))
        let corrected = try sync(project)
        #expect(corrected.status == 0, "\(corrected.stdout)\n\(corrected.stderr)")
        #expect(try problems(project).isEmpty)
        numbers = try sandbox.objects("Invoice").compactMap { $0["DocNumber"] as? String }.filter {
            $0.hasPrefix("RBR")
        }
        #expect(numbers.sorted() == ["RBR-0301", "RBR-0302"])
        let sent = try #require(try sandbox.objects("Invoice").first { $0["DocNumber"] as? String == "RBR-0302" })
        #expect(MessyExportEndToEndTests.decimal(sent["TotalAmt"]) == Decimal(string: "12.50"))

        // A record left out for want of an _id needs attention even when nothing else does: exit 3.
        let mixed = [
            Invoice(id: "rbr-i4", number: "RBR-0304", finalAmount: "20.00", total: "20.00"),
            Invoice(id: nil, number: "RBR-0305", finalAmount: "30.00", total: "30.00"),
        ]
        try Data(Self.text(mixed, format: format).utf8).write(
            to: project.appendingPathComponent("inbox").appendingPathComponent("rbr-mixed.\(format)"))
        let leftOut = try sync(project)
        #expect(leftOut.status == 3, "\(leftOut.stdout)\n\(leftOut.stderr)")
        #expect(leftOut.stdout.contains("invoices[1] has no usable _id"), "\(leftOut.stdout)")
        #expect(try problems(project).isEmpty)
        numbers = try sandbox.objects("Invoice").compactMap { $0["DocNumber"] as? String }.filter {
            $0.hasPrefix("RBR")
        }
        #expect(numbers.sorted() == ["RBR-0301", "RBR-0302", "RBR-0304"])
    }

    /// `map` judges records one by one too: the good invoice is mapped, the broken one and the
    /// one without `_id` are listed as invalid with their file:line:col and what fixes them, and
    /// the file is not refused as a whole.
    @Test("map lists the invalid records and maps the rest", arguments: ["json", "xml"])
    func mapListsInvalidRecordsAndMapsTheRest(format: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-rbr-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rbr-invoices.\(format)")
        try Data(Self.text(Self.invoices, format: format).utf8).write(to: file)
        let config = Binary.root.appendingPathComponent("fixtures/drop-example/portbooks.toml").path

        let json = try Binary.run(["map", "--config", config, "--json", file.path])
        #expect(json.status == 3, "\(json.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let records = try #require(document?["records"] as? [[String: Any]])
        let summary = try #require(document?["summary"] as? [String: Any])
        #expect(summary["records"] as? Int == 3)
        #expect(summary["invalid_records"] as? Int == 2)
        #expect(summary["invalid_files"] as? Int == 0)
        let byNumber = Dictionary(uniqueKeysWithValues: records.map { ($0["number"] as? String ?? "", $0) })
        let good = try #require(byNumber["RBR-0301"])
        #expect(good["status"] as? String == "ok", "\(good)")
        #expect(good["payload"] != nil)
        let broken = try #require(byNumber["RBR-0302"])
        #expect(broken["status"] as? String == "invalid")
        #expect(broken["portpro_id"] as? String == "rbr-i2")
        let errors = broken["errors"] as? [String] ?? []
        #expect(errors.contains { $0.contains("rbr-invoices.\(format):") && $0.contains("12,50x") }, "\(errors)")
        #expect((broken["fix"] as? String)?.contains("export it again") == true)
        let withoutID = try #require(byNumber["RBR-0303"])
        #expect(withoutID["status"] as? String == "invalid")
        #expect(withoutID["portpro_id"] as? String == "")

        let text = try Binary.run(["map", "--config", config, file.path])
        #expect(text.status == 3)
        #expect(text.stdout.contains("invoice RBR-0302 (rbr-i2): invalid, not mapped"), "\(text.stdout)")
        #expect(text.stdout.contains("invoice RBR-0303 (no usable _id): invalid, not mapped"))
        #expect(text.stdout.contains("3 records: 1 ok, 0 with problems, 2 invalid (not mapped)"))
        #expect(!text.stderr.contains("INVALID"), "\(text.stderr)")
    }
}
