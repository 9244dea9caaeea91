import Foundation
import PortBooksCore
import Testing

@testable import PortBooksRead

/// A JSON object that names a member twice means one thing to PortBooks and another to
/// Python's json (which keeps the last): such a file is refused whole, with the place of the
/// second name and a stable code (README "Hostile input").
@Suite("JSON: duplicate member names")
struct JSONDuplicateMemberTests {
    private func invoice(_ extra: String = "", charge: String = "") -> String {
        """
        {"_id": "i1", "reference_number": "RS-1", \(extra)
         "caller": {"_id": "c1", "company_name": "Acme"}, "billingDate": "2026-11-02", "totalAmount": "100.00",
         "chargeSets": [{"load_reference_number": "L1", "totalAmount": "100.00",
           "pricing": [{"name": "Base", "finalAmount": "100.00"\(charge)}]}]}
        """
    }

    @Test(
        "a duplicate anywhere refuses the file with duplicate-field at the second name",
        arguments: [
            // (what, document, line, column of the second name)
            ("a record's field", "{\"formatVersion\": \"1.0\", \"invoices\": [INVOICE]}", "reference_number"),
            ("a nested object's field", "{\"formatVersion\": \"1.0\", \"invoices\": [CHARGE]}", "finalAmount"),
            (
                "the document's array", "{\"formatVersion\": \"1.0\", \"invoices\": [], \"invoices\": [INVOICE]}",
                "invoices"
            ),
            (
                "an unknown field's object",
                "{\"formatVersion\": \"1.0\", \"x\": {\"a\": 1, \"a\": 2}, \"invoices\": []}", "a"
            ),
        ])
    func duplicatesAreRefused(what: String, template: String, name: String) throws {
        let document = template.replacingOccurrences(
            of: "INVOICE", with: invoice("\"totalAmount\": \"1.00\", \"reference_number\": \"RS-2\",")
        ).replacingOccurrences(of: "CHARGE", with: invoice(charge: ", \"finalAmount\": \"5.00\""))
        let (records, result) = try readJSONText(document)
        #expect(records.isEmpty, "\(what): nothing from the file is handed on")
        let diagnostic = try #require(result.diagnostics.kept.first, "\(what)")
        #expect(diagnostic.code == .duplicateField, "\(what)")
        #expect(diagnostic.code.rawValue == "duplicate-field")
        #expect(diagnostic.message.contains("\"\(name)\" appears twice"), "\(what): \(diagnostic.message)")
        // The location is the second occurrence of the name.
        let lines = document.components(separatedBy: "\n")
        let line = lines[diagnostic.line - 1]
        let column = line.index(line.startIndex, offsetBy: diagnostic.column - 1)
        #expect(line[column...].hasPrefix("\"\(name)\""), "\(what): \(diagnostic)")
        #expect(diagnostic.description.hasPrefix("\(result.file):\(diagnostic.line):\(diagnostic.column): error:"))
    }

    @Test("the same name in two different objects is not a duplicate")
    func sameNameInSiblingObjects() throws {
        let (records, result) = try readJSONText(
            "{\"formatVersion\": \"1.0\", \"invoices\": [\(invoice())], \"customers\": [{\"_id\": \"c1\", \"company_name\": \"Acme\"}]}"
        )
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(records.count == 2)
    }

    @Test("an object of 100,000 distinct members is read in linear time; a duplicate at its end is found")
    func manyMembers() throws {
        let members = (0..<100_000).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        let (_, result) = try readJSONText(
            "{\"formatVersion\": \"1.0\", \"x\": {\(members), \"k7\": 0}, \"invoices\": []}")
        #expect(result.diagnostics.kept.first?.code == .duplicateField)
        #expect(result.diagnostics.kept.first?.message.contains("\"k7\"") == true)
    }
}
