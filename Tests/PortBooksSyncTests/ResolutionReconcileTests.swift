import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage
import Testing

@testable import PortBooksSync

@Suite("Reconcile: what changed in QuickBooks becomes problems with suggestions")
struct ResolutionReconcileTests {
    private static let now = Date(timeIntervalSince1970: 1_795_000_000)
    private static let stamp = "2026-11-20T10:00:00-08:00"

    @Test(
        "paid, voided and deleted invoices become problems; a renamed customer is noted; payments that cover it are not"
    )
    func findings() async throws {
        let fixture = try ResolutionFixture()
        try fixture.link(.payment, "p1", qbID: "3001")  // PortPro's own payment covers invoice i2
        try fixture.link(.invoice, "i3", qbID: "1045")
        try fixture.ledger.stageFile(hash: "h3", name: "g.json", size: 1, format: "json", runID: "r0") { session in
            try session.stage(ResolutionFixture.invoice("i4", number: "RSRE_000160"), sourceFile: "g.json")
            return true
        }
        try fixture.link(.invoice, "i4", qbID: "1046")
        var feed = FakeQuickBooks()
        let meta: JSONValue = ["LastUpdatedTime": .string(Self.stamp)]
        feed.changes["Invoice"] = [
            ["Id": "1043", "DocNumber": "RSRE_000150", "TotalAmt": 100, "Balance": 0, "MetaData": meta],
            ["Id": "1044", "DocNumber": "RSRE_000151", "TotalAmt": 100, "Balance": 0, "MetaData": meta],
            [
                "Id": "1045", "DocNumber": "RSRE_000152", "TotalAmt": 0, "Balance": 0, "PrivateNote": "Voided",
                "MetaData": meta,
            ],
            ["domain": "QBO", "status": "Deleted", "Id": "1046", "MetaData": meta],
        ]
        feed.changes["Customer"] = [
            ["Id": "58", "DisplayName": "Acme Drayage Inc.", "MetaData": ["LastUpdatedTime": "2099-01-01T00:00:00Z"]]
        ]
        let outcome = try await Reconciler(ledger: fixture.ledger, feed: feed, runID: "r2", logger: .quiet).run(
            now: Self.now)
        let codes = Dictionary(
            uniqueKeysWithValues: outcome.findings.map { ("\($0.kind.rawValue)/\($0.portproID)", $0) })
        #expect(codes["invoice/651234567890123456789012"]?.code == "paid-in-quickbooks")
        #expect(codes["invoice/651234567890123456789012"]?.suggestion.hasPrefix("mark-paid") == true)
        #expect(codes["invoice/i2"] == nil, "PortPro's payment covers it")
        #expect(codes["invoice/i3"]?.code == "voided-in-quickbooks")
        #expect(codes["invoice/i4"]?.code == "deleted-in-quickbooks")
        #expect(codes["invoice/i4"]?.suggestion.hasPrefix("remove-qb-id") == true)
        #expect(codes["customer/c1"]?.code == "renamed-in-quickbooks")
        #expect(codes["customer/c1"]?.isProblem == false)
        let paid = try fixture.record(.invoice, "651234567890123456789012")
        #expect(paid.state == .problem)
        #expect(paid.qbID == "1043", "the link stays")
        #expect(try fixture.record(.customer, "c1").state == .synced, "a rename does not hold the customer back")
        #expect(try fixture.ledger.value(forMeta: Reconciler.cursorKey) != nil)

        // The same changes again: nothing new.
        let again = try await Reconciler(ledger: fixture.ledger, feed: feed, runID: "r3", logger: .quiet).run(
            now: Self.now)
        #expect(again.findings.filter(\.isProblem).isEmpty)

        // mark-paid resolves it; the invoice's later PortPro payments are then skipped by the push.
        let resolved = try await fixture.resolve(
            "\(problemsHeader)\ninvoice,651234567890123456789012,,,,,,,,,,mark-paid,,paid in QB\n")
        #expect(resolved.applied == 1)
        #expect(try fixture.record(.invoice, "651234567890123456789012").state == .paidOutside)
    }

    /// A feed that holds `count` changed invoices and answers at most 1,000, oldest first.
    struct CappedFeed: QuickBooksChangeFeed {
        let start: Date
        let count: Int

        func changeDataCapture(entities: [QuickBooksEntity], changedSince: String) async throws
            -> [String: [JSONValue]]
        {
            guard let since = Reconciler.parseTime(changedSince) else { return [:] }
            var answer: [String: [JSONValue]] = [:]
            var budget = Reconciler.answerCap
            for entity in entities where entity == .invoice {
                let changed = (0..<count).map { index in
                    (start.addingTimeInterval(Double(index)), index)
                }.filter { $0.0 >= since }
                answer["Invoice"] = changed.prefix(budget).map { date, index in
                    [
                        "Id": .string("\(index)"), "TotalAmt": 5, "Balance": 5,
                        "MetaData": ["LastUpdatedTime": .string(Reconciler.format(date))],
                    ]
                }
                budget -= min(budget, changed.count)
            }
            return answer
        }
    }

    @Test("1,000 changes in one answer: the window narrows and the read goes on until every change is seen")
    func answerCap() async throws {
        let ledger = try LedgerStore.inMemory()
        let feed = CappedFeed(start: Self.now.addingTimeInterval(-86400), count: 2500)
        let outcome = try await Reconciler(ledger: ledger, feed: feed, runID: "r", logger: .quiet).run(now: Self.now)
        #expect(outcome.objects == 2500)
        #expect(outcome.requests > 3)
    }

    @Test("the first check looks 29 days back; a stale cursor is reported as a gap")
    func cursor() async throws {
        let ledger = try LedgerStore.inMemory()
        let first = try await Reconciler(ledger: ledger, feed: FakeQuickBooks(), runID: "r", logger: .quiet).run(
            now: Self.now)
        #expect(first.since == Reconciler.format(Self.now.addingTimeInterval(-29 * 86400)))
        try ledger.setMeta(Reconciler.cursorKey, Reconciler.format(Self.now.addingTimeInterval(-40 * 86400)))
        let stale = try await Reconciler(ledger: ledger, feed: FakeQuickBooks(), runID: "r", logger: .quiet).run(
            now: Self.now)
        #expect(stale.gapWarning != nil)
    }
}
