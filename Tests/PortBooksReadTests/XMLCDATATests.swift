import Foundation
import PortBooksCore
import Testing

@testable import PortBooksRead

private let schema: XMLSchema? = try? XMLSchema.portproExport()

private func readXML(_ path: String) throws -> ([ExportRecord], ExportReadResult) {
    var records: [ExportRecord] = []
    let result = try XMLExportReader(path: path, schema: schema).read { records.append($0) }
    return (records, result)
}

/// CDATA is ordinary XML text (README "Hostile input"): read in every element, joined with the
/// text around it, never dropped and never "missing".
@Suite("XML: CDATA is text")
struct XMLCDATATests {
    private func export(_ customers: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">
          <customers>
        \(customers)
          </customers>
        </portproExport>
        """
    }

    @Test("CDATA inside text, alone, and next to other CDATA reads as the text it holds")
    func cdataIsText() throws {
        let path = try Package.temporaryFile(
            export(
                """
                <customer><_id>c1</_id><company_name>Smith <![CDATA[&]]> Sons Drayage</company_name></customer>
                <customer><_id><![CDATA[c2]]></_id><company_name><![CDATA[Only <CDATA> & Co]]></company_name></customer>
                <customer><_id>c3</_id><company_name><![CDATA[A]]> <![CDATA[B]]><!-- c -->C</company_name></customer>
                """))
        let (records, result) = try readXML(path)
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(
            records == [
                .customer(Customer(id: "c1", companyName: "Smith & Sons Drayage")),
                .customer(Customer(id: "c2", companyName: "Only <CDATA> & Co")),
                .customer(Customer(id: "c3", companyName: "A BC")),
            ])
    }

    @Test("an empty CDATA section is an empty value: the required field is reported, with its place")
    func emptyCDATAIsEmpty() throws {
        let path = try Package.temporaryFile(
            export("<customer><_id><![CDATA[]]></_id><company_name>Acme</company_name></customer>"))
        let (records, result) = try readXML(path)
        #expect(records.isEmpty)
        #expect(!result.isValid)
        #expect(result.diagnostics.kept.allSatisfy { $0.line > 0 && $0.column > 0 })
    }

    @Test(
        "every element of every fixture written as CDATA decodes to the same records",
        arguments: XMLExportReaderTests.pairs)
    func everyElementAsCDATA(name: String) throws {
        let original = try String(
            contentsOfFile: Package.path("fixtures/drop-example/\(name).xml"), encoding: .utf8)
        // Every run of text between a start tag and an end tag becomes CDATA (entities decoded first).
        let pattern = try NSRegularExpression(pattern: ">([^<>]*[^<>\\s][^<>]*)</")
        var text = original
        var count = 0
        for match in pattern.matches(in: original, range: NSRange(original.startIndex..., in: original)).reversed() {
            guard let range = Range(match.range(at: 1), in: original) else { continue }
            let value = original[range].replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            text.replaceSubrange(range, with: "<![CDATA[\(value)]]>")
            count += 1
        }
        #expect(count > 10)
        let path = try Package.temporaryFile(text, name: "\(name).xml")
        let (cdataRecords, cdataResult) = try readXML(path)
        let (records, result) = try readXML(Package.path("fixtures/drop-example/\(name).xml"))
        #expect(result.isValid)
        #expect(cdataResult.isValid, "\(cdataResult.diagnostics.kept)")
        #expect(cdataRecords == records)
    }
}
