import Foundation
import PortBooksJSON
import PortBooksRead
import Testing

@testable import PortBooksCore
@testable import PortBooksMap

/// The push writes payloads field by field (``PayloadJSON``); the `Encodable` conformances
/// (which `portbooks map` and the mapping report print through JSONEncoder) stay the reference,
/// and the two must give the same JSON for every shape a payload takes.
@Suite struct PayloadJSONTests {
    static func expectSame(_ payload: MappedPayload, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let viaEncoder = try JSONValue.decode(JSONEncoder().encode(payload))
        #expect(PayloadJSON.json(payload) == viaEncoder, sourceLocation: sourceLocation)
    }

    @Test func generatedExportsMapToTheSameJSONAsTheEncoder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let settings = try Settings.load(path: root.appendingPathComponent("fixtures/drop-example/portbooks.toml").path)
        let mapper = RecordMapper(settings: settings)
        let export = SyntheticExport(seed: 11, invoiceCount: 300)
        var records: [ExportRecord] = (0..<export.customerCount).map { .customer(export.customer($0)) }
        records += (0..<300).map { .invoice(export.invoice($0)) }
        records += (0..<150).compactMap { export.payment(forPair: $0).map(ExportRecord.payment) }
        records += (0..<9).map { .creditMemo(export.creditMemo($0)) }
        var compared: [String: Int] = [:]
        for record in records {
            let mapping = mapper.map(record)
            guard mapping.problems.isEmpty else { continue }
            // Resolved and unresolved references both: the push sends the first, a problem
            // row may show the second.
            try Self.expectSame(mapping.payload)
            try Self.expectSame(try mapping.payload.resolving { _ in "42" })
            compared[mapping.payload.entityName, default: 0] += 1
        }
        #expect((compared["Customer"] ?? 0) > 5)
        #expect((compared["Invoice"] ?? 0) > 250)
        #expect((compared["Payment"] ?? 0) > 50)
        #expect((compared["CreditMemo"] ?? 0) > 5)
    }

    @Test func everyOptionalFieldSetAndNoneSet() throws {
        let ref = QuickBooksReference.resolved(value: "7", name: "Seven")
        let item = QBLine.salesItem(
            QBSalesItemLine(
                amount: Decimal(string: "1234.50")!, description: "Drayage \"40HC\"",
                detail: .init(
                    itemRef: ref, quantity: Decimal(string: "2.5"), unitPrice: Decimal(string: "493.8"),
                    classRef: .unresolved(.class, key: "Port"), serviceDate: LocalDate(year: 2026, month: 3, day: 4)!)))
        let bare = QBLine.salesItem(
            QBSalesItemLine(amount: 0, description: nil, detail: .init(itemRef: ref, quantity: nil, unitPrice: nil)))
        let day = try #require(LocalDate(year: 2026, month: 11, day: 27))
        try Self.expectSame(
            .invoice(
                QBInvoice(
                    customerRef: ref, docNumber: "INV-1", txnDate: day, dueDate: day, salesTermRef: ref,
                    departmentRef: ref, lines: [item, bare, .descriptionOnly(description: "Set 2")],
                    customFields: [QBCustomField(name: "Container", stringValue: "MSCU1234567")],
                    customerMemo: QBValue("Thanks"), privateNote: "note")))
        try Self.expectSame(.invoice(QBInvoice(customerRef: ref, docNumber: nil, txnDate: day, lines: [])))
        try Self.expectSame(
            .creditMemo(
                QBCreditMemo(
                    customerRef: ref, docNumber: "CM-1", txnDate: day, departmentRef: ref, lines: [item],
                    customerMemo: QBValue("memo"), privateNote: "note")))
        try Self.expectSame(.creditMemo(QBCreditMemo(customerRef: ref, docNumber: nil, txnDate: day, lines: [])))
        try Self.expectSame(
            .payment(
                QBPayment(
                    customerRef: ref, totalAmt: Decimal(string: "99.99")!, txnDate: day, paymentRefNum: "CHK-1",
                    paymentMethodRef: ref, depositToAccountRef: ref, privateNote: "note",
                    lines: [
                        .init(amount: 50, invoice: .resolved(value: "3")),
                        .init(amount: Decimal(string: "49.99")!, invoice: .unresolved(.invoice, key: "INV-2")),
                    ])))
        try Self.expectSame(
            .payment(QBPayment(customerRef: ref, totalAmt: 0, txnDate: day, lines: [])))
        try Self.expectSame(
            .customer(
                QBCustomer(
                    displayName: "Acme Drayage", companyName: "Acme", primaryEmailAddr: QBEmailAddress("a@b.c"),
                    primaryPhone: QBPhone("555"),
                    billAddr: QBAddress(
                        line1: "1 Pier", city: "Newark", countrySubDivisionCode: "NJ", postalCode: "07105",
                        country: "US"), currencyRef: QBValue("USD"), salesTermRef: ref, notes: "n")))
        try Self.expectSame(.customer(QBCustomer(displayName: "Bare", billAddr: QBAddress(city: "Newark"))))
        try Self.expectSame(.customer(QBCustomer(displayName: "Bare")))
    }
}
