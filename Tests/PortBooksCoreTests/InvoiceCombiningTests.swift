import Foundation
import PortBooksCore
import Testing

@Suite("Invoice parts from PortPro list pages")
struct InvoiceCombiningTests {
    private func set(_ load: String, _ total: Decimal, bill: ChargeSet.BillType = .main) -> ChargeSet {
        ChargeSet(
            billType: bill, loadReferenceNumber: load, totalAmount: total,
            pricing: [Charge(name: "BASE PRICE", finalAmount: total)])
    }

    private func invoice(_ sets: [ChargeSet], status: Invoice.Status = .billing) -> Invoice {
        Invoice(
            id: "RSRE_000284", referenceNumber: "RSRE_000284",
            caller: CustomerRef(id: "c1", companyName: "Trans-Pacific Apparel Group"),
            billingDate: LocalDate(year: 2026, month: 8, day: 1)!, status: status,
            totalAmount: sets.reduce(0) { $0 + $1.totalAmount }, chargeSets: sets)
    }

    @Test("a part adds the loads it names and keeps the others; the total is the charge sets' sum")
    func addsLoads() {
        let combined = invoice([set("A", 300)]).combining(invoice([set("B", 734)]))
        #expect(combined.chargeSets.map(\.loadReferenceNumber) == ["A", "B"])
        #expect(combined.totalAmount == 1034)
    }

    @Test("a part replaces every charge set of its loads, in place, and its own fields win")
    func replacesLoadsInPlace() {
        let known = invoice([set("A", 300), set("A", 50, bill: .subBill), set("B", 734), set("C", 10)])
        let combined = known.combining(invoice([set("A", 320)], status: .partialPaid))
        #expect(combined.chargeSets.map(\.loadReferenceNumber) == ["A", "B", "C"])
        #expect(combined.chargeSets.map(\.totalAmount) == [320, 734, 10])
        #expect(combined.status == .partialPaid)
        #expect(combined.totalAmount == 1064)
    }

    @Test("reading the same part again changes nothing")
    func idempotent() {
        let part = invoice([set("B", 734)])
        let once = invoice([set("A", 300)]).combining(part)
        #expect(once.combining(part) == once)
    }

    @Test("an API invoice's id is its number, or a stable digest when the number is not an id")
    func portproID() {
        #expect(Invoice.portproID(referenceNumber: "RSRE_000198-1") == "RSRE_000198-1")
        let odd = Invoice.portproID(referenceNumber: "INV 42/7")
        #expect(odd.hasPrefix("ref-") && odd.count == 36)
        #expect(odd == Invoice.portproID(referenceNumber: "INV 42/7"))
        #expect(odd != Invoice.portproID(referenceNumber: "INV 42/8"))
    }
}
