import Foundation
import PortBooksCore
import PortBooksRead
import Testing

@testable import PortBooksRead

private let schema = Result { try XMLSchema.portproExport() }

private func readXML(_ path: String) throws -> ([ExportRecord], ExportReadResult) {
    var records: [ExportRecord] = []
    let result = try XMLExportReader(path: path, schema: try schema.get()).read { records.append($0) }
    return (records, result)
}

@Suite("XML export reader")
struct XMLExportReaderTests {
    static let pairs = ["customers", "invoices-2026-11-a", "invoices-2026-11-b", "payments", "credit-memos"]

    @Test("every JSON/XML fixture pair decodes to equal models", arguments: pairs)
    func pairsAreEqual(name: String) throws {
        let (xmlRecords, xmlResult) = try readXML(Package.path("fixtures/drop-example/\(name).xml"))
        let (jsonRecords, jsonResult) = try readJSON(Package.path("fixtures/drop-example/\(name).json"))
        #expect(xmlResult.isValid, "\(xmlResult.diagnostics.kept)")
        #expect(jsonResult.isValid, "\(jsonResult.diagnostics.kept)")
        #expect(!xmlRecords.isEmpty)
        #expect(xmlRecords == jsonRecords)
    }

    @Test("the embedded XSD is schemas/portpro-export.xsd")
    func embeddedSchemaMatchesFile() throws {
        let file = try String(contentsOfFile: Package.path("schemas/portpro-export.xsd"), encoding: .utf8)
        #expect(EmbeddedSchema.portproExportXSD + "\n" == file || EmbeddedSchema.portproExportXSD == file)
    }

    @Test("elements in a foreign namespace are extensions and are ignored")
    func foreignNamespaceIgnored() throws {
        let path = try Package.temporaryFile(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" xmlns:pp="urn:portpro:extra" formatVersion="1.3">
              <customers>
                <customer><_id>c1</_id><company_name>Acme &amp; Sons</company_name><pp:dispatcher><pp:name>Lee</pp:name></pp:dispatcher></customer>
              </customers>
            </portproExport>
            """)
        let (records, result) = try readXML(path)
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(records == [.customer(Customer(id: "c1", companyName: "Acme & Sons"))])
        #expect(result.formatVersion == "1.3")
    }

    @Test("a payment PortPro voided reads as VOIDED in both formats, the same model; another status is refused")
    func voidedPayment() throws {
        let xml = try Package.temporaryFile(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
              <payments>
                <payment>
                  <_id>p1</_id><caller><_id>c1</_id><company_name>Acme</company_name></caller>
                  <paymentDate>2026-11-04</paymentDate><amount>100.00</amount><referenceNo>3318</referenceNo>
                  <status>VOIDED</status>
                  <invoices><invoice><reference_number>RSRE_000150</reference_number><amount>100.00</amount></invoice></invoices>
                </payment>
              </payments>
            </portproExport>
            """)
        let (xmlRecords, xmlResult) = try readXML(xml)
        #expect(xmlResult.isValid, "\(xmlResult.diagnostics.kept)")
        let json = """
            {"formatVersion": "1.0", "payments": [{"_id": "p1", "caller": {"_id": "c1", "company_name": "Acme"},
              "paymentDate": "2026-11-04", "amount": "100.00", "referenceNo": "3318", "status": "VOIDED",
              "invoices": [{"reference_number": "RSRE_000150", "amount": "100.00"}]}]}
            """
        let (jsonRecords, jsonResult) = try readJSONText(json)
        #expect(jsonResult.isValid, "\(jsonResult.diagnostics.kept)")
        #expect(xmlRecords == jsonRecords)
        guard case .payment(let payment) = try #require(jsonRecords.first) else { return }
        #expect(payment.status == .voided)
        let (_, refused) = try readJSONText(json.replacingOccurrences(of: "\"VOIDED\"", with: "\"PAID\""))
        #expect(!refused.isValid)
    }

    @Test("an entity reference without a DTD is an error, never expanded")
    func undeclaredEntity() throws {
        let path = try Package.temporaryFile(
            """
            <?xml version="1.0"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
              <customers><customer><_id>c1</_id><company_name>&passwd;</company_name></customer></customers>
            </portproExport>
            """)
        let (records, result) = try readXML(path)
        #expect(records.isEmpty)
        #expect(!result.isValid)
        #expect(result.diagnostics.kept.first?.line == 3)
    }

    @Test("schema rules the decoder does not repeat are reported by the XSD with their line")
    func schemaOnlyRules() throws {
        let path = try Package.temporaryFile(
            """
            <?xml version="1.0"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
              <customers>
                <customer><company_name>Acme</company_name><_id>c1</_id></customer>
              </customers>
            </portproExport>
            """)
        let (_, result) = try readXML(path)
        #expect(!result.isValid)
        let diagnostic = try #require(result.diagnostics.kept.first)
        #expect(diagnostic.line == 4)
        #expect(!diagnostic.message.contains("urn:portbooks"))
    }
}

@Suite("Invalid fixtures")
struct InvalidFixtureTests {
    /// file → (code, line) each invalid fixture must give, in JSON or XML.
    static let expected: [(String, DiagnosticCode, Int)] = [
        ("billion-laughs.xml", .hostileXML, 2),
        ("duplicate-ids.json", .duplicateID, 12),
        ("duplicate-ids.xml", .duplicateID, 11),
        ("empty.json", .emptyFile, 1),
        ("external-dtd-http.xml", .hostileXML, 2),
        ("latin1-declared.xml", .encoding, 1),
        ("malformed-mismatched-tag.xml", .syntax, 6),
        ("malformed-missing-comma.json", .syntax, 15),
        ("missing-required-field.json", .missingField, 5),
        ("missing-required-field.xml", .missingField, 4),
        ("parameter-entity.xml", .hostileXML, 2),
        ("quadratic-blowup.xml", .hostileXML, 2),
        ("report-csv-named.json", .notAnExport, 1),
        ("top-level-array.json", .notAnExport, 1),
        ("truncated.json", .truncated, 26),
        ("truncated.xml", .truncated, 25),
        ("unknown-enum.json", .unknownValue, 13),
        ("unknown-enum.xml", .unknownValue, 16),
        ("utf16.xml", .encoding, 1),
        ("wrong-root-element.xml", .notAnExport, 2),
        ("wrong-type-boolean-amount.json", .wrongType, 30),
        ("wrong-type-letters-in-amount.xml", .invalidValue, 28),
        ("wrong-type-string-for-object.json", .wrongType, 8),
        ("xxe-external-entity.xml", .hostileXML, 2),
    ]

    @Test("every file in fixtures/invalid has an expectation here")
    func everyFixtureCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Package.path("fixtures/invalid"))
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }
        #expect(Set(files) == Set(Self.expected.map(\.0)))
    }

    @Test("each invalid fixture gives its own diagnostic at the right line", arguments: expected)
    func diagnostic(file: String, code: DiagnosticCode, line: Int) throws {
        let path = Package.path("fixtures/invalid/\(file)")
        let result = try file.hasSuffix(".xml") ? readXML(path).1 : readJSON(path).1
        #expect(!result.isValid)
        let first = try #require(result.diagnostics.kept.first)
        #expect(first.code == code, "\(first)")
        #expect(first.line == line, "\(first)")
        #expect(first.column >= 1)
        #expect(first.description.hasPrefix("\(path):\(line):"))
    }
}
