import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksPlan
import PortBooksRecord
import Testing

/// QuickBooks' rejection texts name documents by internal Ids ("Invoice 1044"); the accountant
/// knows them by number (#22).
@Suite("Documents named by their numbers")
struct DocumentNamesTests {
    @Test("\"Invoice 1044\" becomes the invoice's number with the Id; an Id nothing is linked to says so")
    func rewritesIds() throws {
        let fixture = try ResolutionFixture()
        let text = try DocumentNames.rewrite(
            "Invoice 1044 is already paid; Payment 12 was deleted; Customer 58 is inactive; InvoiceLine 3, Invoice 10441x",
            ledger: fixture.ledger)
        #expect(
            text
                == "invoice RSRE_000151 (QuickBooks Id 1044) is already paid; QuickBooks payment Id 12, which PortBooks "
                + "did not sync was deleted; customer Acme Drayage (QuickBooks Id 58) is inactive; InvoiceLine 3, "
                + "Invoice 10441x")
    }

    @Test("a clash with a vendor says there is no customer to link, and what to do instead")
    func vendorClash() {
        let problem = SyncProblem.nameTakenByOther("Harbor Freight", other: "Vendor 12 \"Harbor Freight\"")
        #expect(problem.code == "customer-name-clash")
        #expect(problem.suggestion.contains("no QuickBooks customer of that name to link"))
        #expect(problem.suggestion.contains("rename"))
        #expect(!SyncProblem.nameClash("Acme", detail: "6240").suggestion.isEmpty)
        #expect(SyncProblem.nameClash("Acme", detail: "6240").suggestion.contains("new_qb_id"))
    }
}
