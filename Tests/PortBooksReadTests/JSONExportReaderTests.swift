import Foundation
import PortBooksCore
import PortBooksRead
import Testing

@Suite("JSON export reader")
struct JSONExportReaderTests {
    @Test("the example drop set reads without a problem")
    func exampleSetIsValid() throws {
        let files = ["customers", "invoices-2026-11-a", "invoices-2026-11-b", "payments", "credit-memos"]
        var counts: [RecordKind: Int] = [:]
        for name in files {
            let (records, result) = try readJSON(Package.path("fixtures/drop-example/\(name).json"))
            #expect(result.isValid, "\(name): \(result.diagnostics.kept)")
            #expect(records.count == result.recordCount)
            for (kind, count) in result.counts { counts[kind, default: 0] += count }
        }
        #expect(counts[.customer] ?? 0 >= 8)
        #expect(counts[.invoice] ?? 0 >= 30)
        #expect(counts[.payment] ?? 0 > 0)
        #expect(counts[.creditMemo] ?? 0 > 0)
    }

    @Test("amounts given as numbers or strings become the same exact Decimal")
    func amountsAreExactDecimals() throws {
        let text = """
            {"formatVersion": "1.0", "invoices": [{"_id": "i1", "reference_number": "RSRE_000001",
              "caller": {"_id": "c1", "company_name": "Acme"}, "billingDate": "2026-08-01T23:30:00-08:00",
              "totalAmount": 99999999999.99,
              "chargeSets": [{"load_reference_number": "L1", "totalAmount": "337.50",
                "pricing": [{"name": "BASE PRICE", "amount": 337.5, "finalAmount": "337.50"}]}]}]}
            """
        let (records, result) = try readJSONText(text)
        #expect(result.isValid, "\(result.diagnostics.kept)")
        guard case .invoice(let invoice) = try #require(records.first) else {
            Issue.record("expected an invoice")
            return
        }
        #expect(invoice.totalAmount == Decimal(string: "99999999999.99"))
        #expect(invoice.chargeSets[0].totalAmount == Decimal(string: "337.5"))
        #expect(invoice.chargeSets[0].pricing[0].amount == invoice.chargeSets[0].pricing[0].finalAmount)
        // A date-time's day is the day written, not shifted by its zone.
        #expect(invoice.billingDate.description == "2026-08-01")
    }

    @Test("unknown fields are tolerated; required fields are enforced with their location")
    func unknownToleratedRequiredEnforced() throws {
        let text = """
            {"formatVersion": "1.0", "portproTenant": {"deep": [1, 2, {"x": null}]},
             "customers": [
              {"_id": "c1", "company_name": "Acme", "dispatcherNotes": "new PortPro field"},
              {"_id": "c2"}
             ]}
            """
        let (records, result) = try readJSONText(text)
        #expect(records.count == 1)
        #expect(result.diagnostics.errorCount == 1)
        let diagnostic = try #require(result.diagnostics.kept.first)
        #expect(diagnostic.code == .missingField)
        #expect(diagnostic.line == 4)
        #expect(diagnostic.column == 3)
        #expect(diagnostic.message.contains("company_name"))
    }

    @Test("every broken field of a record is reported, not just the first")
    func reportsEveryProblem() throws {
        let text = """
            {"formatVersion": "1.0", "payments": [
              {"_id": "p 1", "caller": "Acme", "paymentDate": "2026-13-01", "amount": "12,50",
               "status": "BOUNCED", "invoices": [{"amount": "1"}]}
            ]}
            """
        let (_, result) = try readJSONText(text)
        let codes = Set(result.diagnostics.kept.map(\.code))
        #expect(codes == [.invalidValue, .wrongType, .unknownValue, .missingField])
        #expect(result.diagnostics.errorCount == 6)
    }

    @Test("a BOM is skipped; UTF-16 and Latin-1 bytes are refused as encodings")
    func encodings() throws {
        let directory = try Package.temporaryDirectory()
        let document = #"{"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": "Café"}]}"#
        let bom = directory.appendingPathComponent("bom.json")
        try Data([0xEF, 0xBB, 0xBF] + Array(document.utf8)).write(to: bom)
        #expect(try readJSON(bom.path).1.isValid)

        let utf16 = directory.appendingPathComponent("utf16.json")
        try (document.data(using: .utf16) ?? Data()).write(to: utf16)
        #expect(try readJSON(utf16.path).1.diagnostics.kept.first?.code == .encoding)

        let latin1 = directory.appendingPathComponent("latin1.json")
        try (document.data(using: .isoLatin1) ?? Data()).write(to: latin1)
        let latin1Result = try readJSON(latin1.path).1
        #expect(latin1Result.diagnostics.kept.first?.code == .encoding)
        #expect(latin1Result.diagnostics.kept.first?.line == 1)
    }

    @Test("syntax errors stop the read at their line and column")
    func syntaxErrors() throws {
        let (_, missingComma) = try readJSONText("{\"formatVersion\": \"1.0\"\n  \"customers\": []}")
        let diagnostic = try #require(missingComma.diagnostics.kept.first)
        #expect(diagnostic.code == .syntax)
        #expect((diagnostic.line, diagnostic.column) == (2, 3))

        let (_, truncated) = try readJSONText("{\"formatVersion\": \"1.0\", \"customers\": [{\"_id\": \"c1\", ")
        #expect(truncated.diagnostics.kept.first?.code == .truncated)

        let (_, empty) = try readJSONText("  \n ")
        #expect(empty.diagnostics.kept.first?.code == .emptyFile)

        let (_, noVersion) = try readJSONText("{\"customers\": []}")
        #expect(noVersion.diagnostics.kept.first?.code == .notAnExport)

        let (_, futureVersion) = try readJSONText("{\"formatVersion\": \"2.0\"}")
        #expect(futureVersion.diagnostics.kept.first?.code == .unsupportedVersion)
    }

    @Test("duplicate ids within one kind are refused; the same id in two kinds is fine")
    func duplicateIDs() throws {
        let text = """
            {"formatVersion": "1.0",
             "customers": [{"_id": "x1", "company_name": "A"}, {"_id": "x1", "company_name": "B"}],
             "creditMemos": [{"_id": "x1", "credit_memo_number": "CM-1", "caller": {"_id": "x1", "company_name": "A"},
               "creditDate": "2026-01-01", "totalAmount": 5, "lines": [{"name": "BASE PRICE", "amount": 5}]}]}
            """
        let (records, result) = try readJSONText(text)
        #expect(records.count == 2)
        #expect(result.diagnostics.kept.map(\.code) == [.duplicateID])
        #expect(result.diagnostics.kept.first?.line == 2)
    }

    @Test("the collector keeps the first problems and counts the rest")
    func collectorLimit() throws {
        let customers = (0..<50).map { #"{"_id": "c\#($0)"}"# }.joined(separator: ",\n")
        let (_, result) = try readJSONText("{\"formatVersion\": \"1.0\", \"customers\": [\n\(customers)]}")
        #expect(result.diagnostics.errorCount == 50)
        #expect(result.diagnostics.kept.count == 20)
        #expect(result.diagnostics.omitted == 30)
    }
}
