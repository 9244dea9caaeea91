import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap
import PortBooksRead
import Testing

@Suite("Mapping problems, each from fixtures/mapping/problems.json")
struct MappingProblemTests {
    /// The problems of the record with this PortPro id.
    static func problems(_ id: String) throws -> [MappingProblem] {
        let settings = try Settings.load(path: Package.path("fixtures/mapping/portbooks.toml"))
        let records = try fixtureRecords("fixtures/mapping/problems.json")
        let record = try #require(records.first { $0.portproID == id })
        return RecordMapper(settings: settings).map(record).problems
    }

    @Test(
        "each fixture record gives its own problem, naming the field, the length and the limit",
        arguments: [
            ("inv-docnumber", MappingProblem.Code.docNumberTooLong, "DocNumber", ["30 characters", "at most 21"]),
            ("inv-description", .descriptionTooLong, "Line[0].Description", ["5,0", "at most 4,000"]),
            ("cust-colon", .invalidDisplayName, "DisplayName", ["Acme: Rail", "colon"]),
            ("inv-unmapped", .unmappedChargeCode, "Line.SalesItemLineDetail.ItemRef", ["\"BOBTAIL\"", "[items.map]"]),
            ("inv-total", .totalMismatch, "Line", ["640.00", "660.00"]),
            ("inv-precision", .amountPrecision, "Line[0].Amount", ["500.125", "2 decimals"]),
            ("inv-memo", .customerMemoTooLong, "CustomerMemo", ["1,275 characters", "at most 1,000"]),
            ("inv-customfield", .customFieldTooLong, "CustomField[PO #]", ["36 characters", "at most 31"]),
            ("cust-email", .invalidEmail, "PrimaryEmailAddr.Address", ["accounts-at-badmail"]),
            ("pay-mismatch", .paymentApplicationMismatch, "Line", ["900.00", "950.00", "50.00 more"]),
            ("cm-total", .totalMismatch, "Line", ["40.00", "100.00"]),
        ])
    func problem(id: String, code: MappingProblem.Code, field: String, phrases: [String]) throws {
        let problems = try Self.problems(id)
        let found = try #require(problems.first { $0.code == code && $0.field == field }, "\(problems)")
        for phrase in phrases { #expect(found.message.contains(phrase), "\(found.message)") }
        #expect(!found.suggestion.isEmpty)
    }

    @Test("a payment larger than what it applies maps clean: the rest is the customer's unapplied credit")
    func overpayment() throws {
        let records = try fixtureRecords("fixtures/drop-example/payments.json")
        guard case .payment(var payment) = try #require(records.first) else { return }
        payment.amount += 25
        let mapped = PaymentMapper(settings: try exampleSettings()).map(payment)
        #expect(mapped.problems.isEmpty, "\(mapped.problems)")
        #expect(mapped.payload.totalAmt == payment.amount)
    }

    @Test("an amount with more than 2 decimals is only amount-precision, not also a total mismatch")
    func precisionAlone() throws {
        #expect(try Self.problems("inv-precision").map(\.code) == [.amountPrecision])
    }

    @Test("LAYOVER stays unmapped in the example settings: the demo's unmapped-charge-code")
    func layover() throws {
        let invoice = try #require(
            try fixtureInvoice("fixtures/drop-example/invoices-2026-11-a.json", number: "RSRE_000277"))
        let problems = InvoiceMapper(settings: try exampleSettings()).map(invoice).problems
        #expect(problems.map(\.code) == [.unmappedChargeCode])
        #expect(problems.first?.message.contains("\"LAYOVER\"") == true)
    }

    @Test("name_character_replacement replaces instead of refusing")
    func replacement() throws {
        var settings = try exampleSettings()
        settings.customers.nameCharacterReplacement = " -"
        let mapped = CustomerMapper(settings: settings).map(Customer(id: "c", companyName: "Acme: Rail"))
        #expect(mapped.isClean)
        #expect(mapped.payload.displayName == "Acme - Rail")
    }

    @Test(
        "the replacement never doubles spaces: \"Acme: Rail & Intermodal\" with \" - \" is \"Acme - Rail & Intermodal\"",
        arguments: [
            (" - ", "Acme: Rail & Intermodal", "Acme - Rail & Intermodal"),
            (" - ", "Acme :Rail", "Acme - Rail"),
            (" - ", "Acme:Rail", "Acme - Rail"),
            (" - ", "Acme:\tRail", "Acme - - Rail"),
            ("-", "Acme: Rail", "Acme- Rail"),
            (" ", "Acme:  Rail", "Acme Rail"),
            (" - ", "Acme Rail:", "Acme Rail -"),
        ])
    func replacementSpacing(replacement: String, name: String, expected: String) throws {
        var settings = try exampleSettings()
        settings.customers.nameCharacterReplacement = replacement
        let mapped = CustomerMapper(settings: settings).map(Customer(id: "c", companyName: name))
        #expect(mapped.isClean)
        #expect(mapped.payload.displayName == expected)
    }

    @Test("a company name over QuickBooks' 100 for CompanyName is sent as DisplayName only, never blocking")
    func longCompanyName() throws {
        let name = String(repeating: "Consolidated Drayage ", count: 6).trimmingCharacters(in: .whitespaces)
        #expect(name.count > 100 && name.count < 500)
        let mapped = CustomerMapper(settings: try exampleSettings()).map(Customer(id: "c", companyName: name))
        #expect(mapped.problems.isEmpty, "\(mapped.problems)")
        #expect(mapped.payload.displayName == name)
        #expect(mapped.payload.companyName == nil)
    }

    @Test("a customer without a name (empty or only spaces) is invalid-display-name, never DisplayName \"\"")
    func blankName() throws {
        let mapped = CustomerMapper(settings: try exampleSettings()).map(Customer(id: "c", companyName: ""))
        #expect(mapped.problems.map(\.code) == [.invalidDisplayName])
        #expect(mapped.problems.first?.message.contains("no name") == true)
    }

    @Test("an invoice with an empty pricing list is empty-pricing, a problem of that invoice")
    func emptyPricing() throws {
        let records = try fixtureRecords("fixtures/messy/messy-invoices.json")
        let mapper = RecordMapper(settings: try exampleSettings())
        let problems = Dictionary(
            uniqueKeysWithValues: records.map { ($0.portproID, mapper.map($0).problems.map(\.code)) })
        #expect(problems["msy-i4"] == [.emptyPricing])
        for id in ["msy-i1", "msy-i2", "msy-i3", "msy-i5"] { #expect(problems[id] == [], "\(id)") }
    }

    @Test("a payment on account (no applications) maps clean: its whole amount is unapplied")
    func paymentOnAccount() throws {
        let records = try fixtureRecords("fixtures/messy/messy-payments.json")
        guard case .payment(let payment) = try #require(records.last) else { return }
        #expect(payment.invoices.isEmpty)
        let mapped = PaymentMapper(settings: try exampleSettings()).map(payment)
        #expect(mapped.problems.isEmpty, "\(mapped.problems)")
        #expect(mapped.payload.totalAmt == 250)
        #expect(mapped.payload.lines.isEmpty)
    }

    @Test("pending references list what the engine resolves, and resolving fills Ids in")
    func references() throws {
        let records = try fixtureRecords("fixtures/drop-example/payments.json")
        guard case .payment(let payment) = try #require(records.first) else { return }
        let mapped = PaymentMapper(settings: try exampleSettings()).map(payment)
        let pending = mapped.payload.pendingReferences
        #expect(pending.map(\.kind) == [.customer, .paymentMethod, .account, .invoice])
        #expect(throws: UnresolvedReferencesError.self) { try mapped.payload.resolving { _ in nil } }
        let resolved = try mapped.payload.resolving { "\($0.kind.rawValue)-1" }
        #expect(resolved.pendingReferences.isEmpty)
        let text = String(decoding: try JSONEncoder().encode(resolved), as: UTF8.self)
        #expect(text.contains("\"TxnId\":\"invoice-1\""))
        #expect(text.contains("\"TxnType\":\"Invoice\""))
        #expect(text.contains("\"value\":\"customer-1\""))
    }
}
