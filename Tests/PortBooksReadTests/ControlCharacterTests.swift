import Foundation
import PortBooksCore
import Testing

@testable import PortBooksRead

private let schema: XMLSchema? = try? XMLSchema.portproExport()

/// Control characters in text fields (README "Hostile input"): what QuickBooks cannot store as
/// sent is refused at read time with the value's place; free text keeps tabs and line breaks.
@Suite("Text fields: control characters")
struct ControlCharacterTests {
    /// An export with one invoice whose every text field is set, `field` holding `value`.
    private func invoiceExport(field: String, value: String) throws -> String {
        var invoice: [String: Any] = [
            "_id": "i1", "reference_number": "RS-1", "billingDate": "2026-11-02", "totalAmount": "100.00",
            "notes": "n",
            "caller": ["_id": "c1", "company_name": "Acme"],
        ]
        var charge: [String: Any] = [
            "name": "Base", "chargeType": "FREIGHT", "description": "d", "glCode": "4000", "finalAmount": "100.00",
        ]
        var load: [String: Any] = ["bookingNo": "B1", "sealNo": "S1", "shipperName": "Shipper", "terminal": "T"]
        var chargeSet: [String: Any] = ["load_reference_number": "L1", "totalAmount": "100.00"]
        switch field {
        case "company_name": invoice["caller"] = ["_id": "c1", "company_name": value]
        case "name", "chargeType", "description", "glCode": charge[field] = value
        case "bookingNo", "sealNo", "shipperName", "terminal": load[field] = value
        case "load_reference_number": chargeSet[field] = value
        default: invoice[field] = value
        }
        chargeSet["pricing"] = [charge]
        chargeSet["load"] = load
        invoice["chargeSets"] = [chargeSet]
        let data = try JSONSerialization.data(
            withJSONObject: ["formatVersion": "1.0", "invoices": [invoice]], options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static let oneLineFields = [
        "reference_number", "name", "chargeType", "glCode", "load_reference_number", "bookingNo", "sealNo",
        "shipperName", "terminal",
    ]
    static let freeTextFields = ["notes", "description", "company_name"]

    @Test(
        "NUL, ESC, DEL and C1 controls are refused in every text field, with the value's line and column",
        arguments: oneLineFields + freeTextFields)
    func controlsRefused(field: String) throws {
        for bad in ["Acme\u{0}Evil", "\u{1B}[31mRed", "Del\u{7F}", "C1\u{85}Next", "Non\u{FFFF}char"] {
            let text = try invoiceExport(field: field, value: bad)
            let (records, result) = try readJSONText(text)
            #expect(records.isEmpty, "\(field) \(bad.debugDescription) is not handed on")
            let diagnostic = try #require(
                result.diagnostics.kept.first { $0.code == .controlCharacter }, "\(field) \(bad.debugDescription)")
            #expect(diagnostic.code.rawValue == "control-character")
            #expect(diagnostic.message.contains(".\(field) holds"), "\(diagnostic.message)")
            let line = text.components(separatedBy: "\n")[diagnostic.line - 1]
            #expect(line.contains("\"\(field)\""), "the place is the value's: \(diagnostic)")
            #expect(
                !diagnostic.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
        }
    }

    @Test("a tab or line break is refused in a one-line field", arguments: oneLineFields)
    func lineBreaksInOneLineFields(field: String) throws {
        for bad in ["RS\n1", "RS\r1", "RS\t1"] {
            let (records, result) = try readJSONText(try invoiceExport(field: field, value: bad))
            #expect(records.isEmpty)
            #expect(result.diagnostics.kept.first?.code == .controlCharacter, "\(field) \(bad.debugDescription)")
        }
    }

    @Test("free text keeps its tabs and line breaks", arguments: freeTextFields)
    func freeTextKeepsLines(field: String) throws {
        let (records, result) = try readJSONText(try invoiceExport(field: field, value: "line one\n\tline two\r\n"))
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(records.count == 1)
    }

    @Test("XML: a C1 control (legal XML 1.0) is refused as in JSON; bidi marks in names are kept")
    func xmlControls() throws {
        let path = try Package.temporaryFile(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
              <customers>
                <customer><_id>c1</_id><company_name>Acme&#x85;Evil</company_name></customer>
                <customer><_id>c2</_id><company_name>\u{202B}شركة\u{202C} Drayage</company_name></customer>
              </customers>
            </portproExport>
            """)
        var records: [ExportRecord] = []
        let result = try XMLExportReader(path: path, schema: schema).read { records.append($0) }
        let diagnostic = try #require(result.diagnostics.kept.first)
        #expect(diagnostic.code == .controlCharacter)
        #expect(diagnostic.line == 4)
        #expect(records.count == 1, "the second customer is fine")
    }
}
