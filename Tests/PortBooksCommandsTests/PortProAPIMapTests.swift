import Foundation
import Testing

/// `portbooks validate`, `map` and `generate` on PortPro API responses (fixtures/portpro-api/).
@Suite(
    "PortPro API responses on the command line",
    .timeLimit(.minutes(3)),
    .enabled(if: FileManager.default.fileExists(atPath: Binary.portbooks.path)))
struct PortProAPIMapTests {
    static let config = ["--config", "fixtures/drop-example/portbooks.toml"]
    /// The example drop set as API responses, with the two kinds PortPro's API has no endpoint for.
    static let apiDropSet = [
        "fixtures/portpro-api/drop-example/customers-page.json",
        "fixtures/portpro-api/drop-example/invoices-page-1.json",
        "fixtures/portpro-api/drop-example/invoices-page-2.json",
        "fixtures/portpro-api/drop-example/invoice-RSRE_000198-1.json",
        "fixtures/drop-example/payments.json", "fixtures/drop-example/credit-memos.json",
    ]

    /// `map --json`'s records by entity and number, without what names the source (`file`,
    /// `portpro_id`) or exists in API responses only (PortPro's paid and remaining amounts).
    static func payloads(_ json: String) throws -> [String: NSDictionary] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        var result: [String: NSDictionary] = [:]
        for var record in object?["records"] as? [[String: Any]] ?? [] {
            let key = "\(record["entity"] ?? "")/\(record["number"] ?? "")"
            for field in ["file", "portpro_id", "portpro_paid_amount", "portpro_remain_amount"] { record[field] = nil }
            result[key] = record as NSDictionary
        }
        return result
    }

    @Test("the example drop set as API responses maps to exactly what the export files map to")
    func sameMappingAsTheExport() throws {
        let export = try Binary.run(
            ["map", "--json"] + Self.config + MapCommandTests.names.map { "fixtures/drop-example/\($0).json" })
        let api = try Binary.run(["map", "--json"] + Self.config + Self.apiDropSet)
        #expect(api.status == export.status, "\(api.stderr)")
        let fromAPI = try Self.payloads(api.stdout)
        let fromExport = try Self.payloads(export.stdout)
        #expect(fromAPI.count == 60)
        #expect(Set(fromAPI.keys) == Set(fromExport.keys))
        for (key, record) in fromExport where fromAPI[key] != record {
            Issue.record("\(key) maps differently from the API response:\n\(fromAPI[key] ?? [:])\nvs\n\(record)")
        }
    }

    @Test("map combines an invoice over two pages (two files) and shows PortPro's paid and remaining amounts")
    func mapTwoPages() throws {
        let pages = [
            "fixtures/portpro-api/quirk-combined-page-1.json", "fixtures/portpro-api/quirk-combined-page-2.json",
        ]
        // The example settings with a default item: PortPro's own "FUEL SURCHARGE 1" is not in its [items.map].
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let settings = try String(
            contentsOf: Binary.root.appendingPathComponent("fixtures/drop-example/portbooks.toml"), encoding: .utf8)
        let config = folder.appendingPathComponent("portbooks.toml")
        try settings.replacingOccurrences(of: "default = \"\"", with: "default = \"Drayage\"").write(
            to: config, atomically: true, encoding: .utf8)
        let json = try Binary.run(["map", "--json", "--config", config.path] + pages)
        #expect(json.status == 0, "\(json.stdout)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let records = object?["records"] as? [[String: Any]] ?? []
        let invoices = records.filter { $0["number"] as? String == "RSRE_000284" }
        #expect(invoices.count == 1, "\(json.stdout)")
        let invoice = try #require(invoices.first)
        #expect(invoice["file"] as? String == pages.joined(separator: ", "))
        #expect((invoice["amount"] as? NSNumber)?.decimalValue == Decimal(string: "1265"))
        #expect((invoice["portpro_paid_amount"] as? NSNumber)?.decimalValue == Decimal(531))
        #expect((invoice["portpro_remain_amount"] as? NSNumber)?.decimalValue == Decimal(734))
        let lines = ((invoice["payload"] as? [String: Any])?["Line"] as? [[String: Any]]) ?? []
        let descriptions = lines.compactMap { $0["Description"] as? String }
        #expect(
            descriptions.contains { $0.contains("RSRUSH_E100718") }
                && descriptions.contains { $0.contains("RSRUSH_E100725") })

        let text = try Binary.run(["map", "--config", config.path] + pages)
        #expect(text.stdout.contains("PortPro: paid 531.00, remaining 734.00"), "\(text.stdout)")
    }

    @Test("validate names the response it read; an error response is refused with its line")
    func validate() throws {
        let good = try Binary.run(["validate", "fixtures/portpro-api/invoice-list-page.json"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("valid — 2 invoices, from a PortPro API invoice list page"), "\(good.stdout)")
        let bad = try Binary.run(["validate", "fixtures/portpro-api/invalid/error-response.json"])
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("fixtures/portpro-api/invalid/error-response.json:6:"), "\(bad.stderr)")
        #expect(bad.stderr.contains("[not-an-export]"))
    }

    @Test("generate --format portpro-api writes list pages that validate, an invoice per number")
    func generate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let invoices = folder.appendingPathComponent("invoices.json").path
        let customers = folder.appendingPathComponent("customers.json").path
        #expect(
            try Binary.run(["generate", "--invoices", "300", "--format", "portpro-api", "--out", invoices]).status == 0)
        #expect(
            try Binary.run([
                "generate", "--invoices", "300", "--format", "portpro-api", "--response", "customers", "--out",
                customers,
            ]).status == 0)
        let checked = try Binary.run(["validate", invoices, customers])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(
            checked.stdout.contains("valid — 300 invoices, from a PortPro API invoice list page"), "\(checked.stdout)")
        #expect(
            checked.stdout.contains("valid — 8 customers, from a PortPro API customer list page"), "\(checked.stdout)")
        #expect(try Binary.run(["generate", "--invoices", "1", "--format", "csv"]).status == 64)
    }
}
