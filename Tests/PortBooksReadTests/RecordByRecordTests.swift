import Foundation
import PortBooksCore
import Testing

@testable import PortBooksRead

private let schema = try? XMLSchema.portproExport()

private func readXMLText(_ text: String) throws -> ([ExportRecord], ExportReadResult) {
    var records: [ExportRecord] = []
    let result = try XMLExportReader(path: try Package.temporaryFile(text), schema: schema).read { records.append($0) }
    return (records, result)
}

/// Records are judged one by one (#22): a record that breaks a rule is a problem of that record
/// (``ExportReadResult/invalidRecords``, with its `_id` when usable, its number and its
/// diagnostics); the file stays readable and its other records are handed on. Both readers.
@Suite("Records judged one by one")
struct RecordByRecordTests {
    static let json = """
        {
          "formatVersion": "1.0",
          "invoices": [
            {"_id": "i1", "reference_number": "N-1", "caller": {"_id": "c1", "company_name": "Acme"},
             "billingDate": "2026-11-03", "totalAmount": "50.00",
             "chargeSets": [{"load_reference_number": "L1", "totalAmount": "50.00",
               "pricing": [{"name": "LINE", "finalAmount": "50.00"}]}]},
            {"_id": "i2", "reference_number": "N-2", "caller": {"_id": "c1", "company_name": "Acme"},
             "billingDate": "2026-11-03", "totalAmount": "12.50",
             "chargeSets": [{"load_reference_number": "L2", "totalAmount": "12.50",
               "pricing": [{"name": "LINE", "finalAmount": "12,50x"}]}]},
            {"reference_number": "N-3", "caller": {"_id": "c1", "company_name": "Acme"},
             "billingDate": "2026-11-03", "totalAmount": "75.00",
             "chargeSets": [{"load_reference_number": "L3", "totalAmount": "75.00",
               "pricing": [{"name": "LINE", "finalAmount": "75.00"}]}]}
          ]
        }
        """

    static func xmlInvoice(id: String?, number: String, amount: String) -> String {
        """
            <invoice>
              \(id.map { "<_id>\($0)</_id>" } ?? "")
              <reference_number>\(number)</reference_number>
              <caller><_id>c1</_id><company_name>Acme</company_name></caller>
              <billingDate>2026-11-03</billingDate>
              <totalAmount>50.00</totalAmount>
              <chargeSets><chargeSet>
                <load_reference_number>L-\(number)</load_reference_number>
                <totalAmount>50.00</totalAmount>
                <pricing><charge><name>LINE</name><finalAmount>\(amount)</finalAmount></charge></pricing>
              </chargeSet></chargeSets>
            </invoice>
        """
    }

    static let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
          <invoices>
        \(xmlInvoice(id: "i1", number: "N-1", amount: "50.00"))
        \(xmlInvoice(id: "i2", number: "N-2", amount: "12,50x"))
        \(xmlInvoice(id: nil, number: "N-3", amount: "50.00"))
          </invoices>
        </portproExport>
        """

    @Test(
        "a bad finalAmount and a missing _id are problems of their records; the good one is handed on",
        arguments: [
            "json", "xml",
        ])
    func badRecordsAreTheirOwnProblems(format: String) throws {
        let (records, result) = format == "json" ? try readJSONText(Self.json) : try readXMLText(Self.xml)
        #expect(!result.isValid)
        #expect(result.isReadable, "\(result.diagnostics.kept)")
        #expect(records.map(\.portproID) == ["i1"])
        #expect(result.invalidRecords.count == 2, "\(result.invalidRecords)")
        let broken = try #require(result.invalidRecords.first)
        #expect(broken.portproID == "i2")
        #expect(broken.number == "N-2")
        #expect(broken.index == 1)
        #expect(broken.errors.first?.code == .invalidValue)
        #expect(broken.message.contains("finalAmount"), "\(broken.message)")
        #expect((broken.errors.first?.line ?? 0) > 0)
        let anonymous = try #require(result.invalidRecords.last)
        #expect(anonymous.portproID == nil)
        #expect(anonymous.number == "N-3")
        #expect(anonymous.pathText == "invoices[2]")
        #expect(anonymous.errors.contains { $0.code == .missingField })
    }

    @Test("XML: a record the decoder accepts but the schema refuses is that record's problem, not the file's")
    func schemaOnlyViolationIsTheRecords() throws {
        let (records, result) = try readXMLText(
            """
            <?xml version="1.0"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
              <customers>
                <customer><_id>c0</_id><company_name>Good</company_name></customer>
                <customer><company_name>Acme</company_name><_id>c1</_id></customer>
                <customer><_id>c2</_id><company_name>Also good</company_name></customer>
              </customers>
            </portproExport>
            """)
        #expect(result.isReadable, "\(result.diagnostics.kept)")
        // The reader hands a record on before the schema has spoken about it: a stage replaces it.
        #expect(Set(records.map(\.portproID)).isSuperset(of: ["c0", "c2"]))
        #expect(result.invalidRecords.map(\.portproID) == ["c1"], "\(result.invalidRecords)")
        #expect(result.invalidRecords.first?.errors.first?.line == 5)
    }

    @Test(
        "XML on one line: a schema message cannot be tied to one record by its line, so it stays the file's",
        arguments: [0, 1])
    func minifiedSchemaViolationStaysTheFiles(broken: Int) throws {
        let good = "<customer><_id>c0</_id><company_name>Good</company_name></customer>"
        let bad = "<customer><company_name>Acme</company_name><_id>c1</_id></customer>"
        let (_, result) = try readXMLText(
            "<?xml version=\"1.0\"?>\n<portproExport xmlns=\"urn:portbooks:portpro-export:1\" formatVersion=\"1.0\">"
                + "<customers>\(broken == 0 ? bad + good : good + bad)</customers></portproExport>\n")
        #expect(!result.isReadable, "\(result.invalidRecords)")
        #expect(result.invalidRecords.isEmpty)
    }

    @Test("a file that cannot be read as a whole is still refused whole", arguments: ["json", "xml"])
    func unreadableFilesAreStillRefused(format: String) throws {
        let cut = format == "json" ? String(Self.json.prefix(300)) : String(Self.xml.prefix(400))
        let (_, result) = format == "json" ? try readJSONText(cut) : try readXMLText(cut)
        #expect(!result.isReadable)
        #expect(result.diagnostics.kept.contains { $0.code == .truncated }, "\(result.diagnostics.kept)")
    }
}
