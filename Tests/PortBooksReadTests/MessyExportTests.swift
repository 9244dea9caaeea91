import Foundation
import PortBooksCore
import Testing

@testable import PortBooksRead

private let schema = try? XMLSchema.portproExport()

private func readXMLFile(_ path: String) throws -> ([ExportRecord], ExportReadResult) {
    var records: [ExportRecord] = []
    let result = try XMLExportReader(path: path, schema: schema).read { records.append($0) }
    return (records, result)
}

/// Reads the same document written as JSON and as XML (the XML built from the same values).
private func readBoth(json: String, xml: String) throws -> (json: [ExportRecord], xml: [ExportRecord]) {
    let (jsonRecords, jsonResult) = try readJSONText(json)
    let (xmlRecords, xmlResult) = try readXMLFile(try Package.temporaryFile(xml))
    #expect(jsonResult.isValid, "\(jsonResult.diagnostics.kept)")
    #expect(xmlResult.isValid, "\(xmlResult.diagnostics.kept)")
    return (jsonRecords, xmlRecords)
}

/// Real exports are messy (#22): informational fields hold what PortPro's JavaScript writes, and
/// none of it may refuse a file. fixtures/messy holds one of each class, in JSON and XML.
@Suite("Messy exports: informational values never refuse a file")
struct MessyExportTests {
    static let pairs = ["messy-customers", "messy-invoices", "messy-payments"]

    @Test("every messy fixture reads without an error, and its JSON and XML twins are equal records", arguments: pairs)
    func messyPairsAreEqual(name: String) throws {
        let (jsonRecords, jsonResult) = try readJSON(Package.path("fixtures/messy/\(name).json"))
        let (xmlRecords, xmlResult) = try readXMLFile(Package.path("fixtures/messy/\(name).xml"))
        #expect(jsonResult.isValid, "\(jsonResult.diagnostics.kept)")
        #expect(xmlResult.isValid, "\(xmlResult.diagnostics.kept)")
        #expect(jsonResult.diagnostics.warningCount == 0, "\(jsonResult.diagnostics.kept)")
        #expect(!jsonRecords.isEmpty)
        #expect(jsonRecords.count == xmlRecords.count)
        for (json, xml) in zip(jsonRecords, xmlRecords) {
            #expect(json == xml)
            #expect(try CanonicalContent.encode(json) == CanonicalContent.encode(xml))
        }
    }

    @Test("float artifacts, container numbers, currency case, +0000 zones and unit names are read and normalised")
    func informationalValuesAreNormalised() throws {
        let (records, result) = try readJSON(Package.path("fixtures/messy/messy-invoices.json"))
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let invoices = records.compactMap { record -> Invoice? in
            if case .invoice(let invoice) = record { return invoice }
            return nil
        }
        let byNumber = Dictionary(uniqueKeysWithValues: invoices.map { ($0.referenceNumber, $0) })
        let first = try #require(byNumber["HDX-000201"])
        let charge = try #require(first.chargeSets.first?.pricing.first)
        #expect(charge.amount == Decimal(string: "147.075"))
        #expect(charge.unit == Decimal(string: "0.333333"))
        #expect(charge.finalAmount == Decimal(string: "147.08"))
        #expect(charge.perType == .perday)
        #expect(first.currency == "USD")
        #expect(first.caller.currency == "USD")
        #expect(first.caller.companyName == "Northwind Traders")
        #expect(first.createdAt == "2026-11-02T10:00:00+0000")
        #expect(first.billingDate.description == "2026-11-03")
        #expect(first.chargeSets.first?.load?.containerNo == "TBD")
        #expect(first.chargeSets.first?.load?.typeOfLoad == "IMPORT")
        #expect(byNumber["HDX-000202"]?.chargeSets.first?.load?.containerNo == "OOLU9937483")
        #expect(byNumber["HDX-000203"]?.chargeSets.first?.load?.containerNo == "OOLU9937483")
        #expect(byNumber["HDX-000204"]?.chargeSets.first?.pricing == [])
    }

    @Test("a payment method PortPro has (ZELLE, Credit Card) is read, and a payment on account has no applications")
    func paymentsAsPortProWritesThem() throws {
        let (records, result) = try readJSON(Package.path("fixtures/messy/messy-payments.json"))
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let payments = records.compactMap { record -> Payment? in
            if case .payment(let payment) = record { return payment }
            return nil
        }
        #expect(payments.map(\.paymentMethod?.rawValue) == ["ZELLE", "CHECK", "CREDIT_CARD"])
        #expect(payments.map(\.invoices.count) == [1, 1, 0])
        #expect(payments[1].amount == 793 && payments[1].invoices.first?.amount == 768)
    }

    @Test("a company name of only spaces is read as empty (a problem of the customer), not refusing the file")
    func blankCompanyName() throws {
        let (json, xml) = try readBoth(
            json: """
                {"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": "   "},
                  {"_id": "c2", "company_name": "Northwind Traders "}]}
                """,
            xml: """
                <?xml version="1.0" encoding="UTF-8"?>
                <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0"><customers>
                <customer><_id>c1</_id><company_name>   </company_name></customer>
                <customer><_id>c2</_id><company_name>Northwind Traders </company_name></customer>
                </customers></portproExport>
                """)
        #expect(
            json == [
                .customer(Customer(id: "c1", companyName: "")),
                .customer(Customer(id: "c2", companyName: "Northwind Traders")),
            ])
        #expect(xml == json)
    }

    @Test("whitespace around any text is not part of it, in JSON as in XML")
    func whitespacePolicy() throws {
        let (json, xml) = try readBoth(
            json: """
                {"formatVersion": "1.0", "customers": [{"_id": " c1 ", "company_name": " Acme\\n",
                  "city": "  Oakland  ", "currency": " cad ", "mobile": "   "}]}
                """,
            xml: """
                <?xml version="1.0" encoding="UTF-8"?>
                <portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0"><customers>
                <customer><_id> c1 </_id><company_name> Acme
                </company_name><mobile>   </mobile><city>  Oakland  </city><currency> cad </currency></customer>
                </customers></portproExport>
                """)
        #expect(json == [.customer(Customer(id: "c1", companyName: "Acme", city: "Oakland", currency: "CAD"))])
        #expect(xml == json)
    }

    @Test("an informational value that is no value at all is left out with a warning; the record is read")
    func garbageInformationalValue() throws {
        let (records, result) = try readJSONText(
            """
            {"formatVersion": "1.0", "invoices": [{"_id": "i1", "reference_number": "HDX-1",
              "caller": {"_id": "c1", "company_name": "Acme"}, "billingDate": "2026-11-03",
              "createdAt": "yesterday", "totalAmount": 10,
              "chargeSets": [{"load_reference_number": "L1", "totalAmount": 10,
                "load": {"type_of_load": "AIR", "pickupDate": "soon"},
                "pricing": [{"name": "BASE", "unit": "two", "perType": "per fortnight", "finalAmount": "10.00"}]}]}]}
            """)
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(result.diagnostics.warningCount == 5)
        #expect(Set(result.diagnostics.kept.map(\.code)) == [.informationalValue])
        #expect(records.count == 1)
        guard case .invoice(let invoice)? = records.first else { return }
        #expect(invoice.createdAt == nil)
        #expect(invoice.chargeSets.first?.pricing.first?.unit == nil)
        #expect(invoice.chargeSets.first?.load?.typeOfLoad == nil)
    }

    @Test("a zone written +0000, +00 or +05:30 is a timestamp; the day is the date part")
    func zoneForms() {
        for text in ["2026-11-02T10:00:00+0000", "2026-11-02T10:00:00+00", "2026-11-02T10:00:00.5-0530"] {
            #expect(ObjectScope.isDayOrTimestamp(text, requireTime: true), "\(text)")
        }
        for text in ["2026-11-02T10:00:00+000", "2026-11-02T10:00:00+0", "2026-11-02T10:00:00 UTC"] {
            #expect(!ObjectScope.isDayOrTimestamp(text, requireTime: true), "\(text)")
        }
    }
}
