import Foundation
import Testing

@testable import PortBooksLedger

@Suite("sends on the wire, kept in the ledger")
struct LedgerSendsTests {
    @Test("a send is kept, bytes and members as written, until it is forgotten; the same requestid is kept once")
    func keptUntilForgotten() throws {
        let ledger = try LedgerStore.inMemory()
        let batch = PendingSend(
            requestID: "0123456789abcdef0123456789abcdef", route: .batch, entity: "",
            body: Data(#"[{"bId":"7","operation":"create","Payment":{"TotalAmt":10}}]"#.utf8),
            members: [.init(recordID: 7, contentHash: "h7"), .init(recordID: 9, contentHash: "h9")])
        let single = PendingSend(
            requestID: "payment.create-abc", route: .single, entity: "Payment", body: Data(#"{"TotalAmt":5}"#.utf8),
            members: [.init(recordID: 11, contentHash: "h11")])
        try ledger.recordSends([batch, single])
        var changed = batch
        changed.body = Data("[]".utf8)
        try ledger.recordSends([changed])
        #expect(try ledger.pendingSends() == [batch, single])
        try ledger.forgetSends([batch.requestID])
        #expect(try ledger.pendingSends() == [single])
        try ledger.forgetSends([single.requestID, "never-sent"])
        #expect(try ledger.pendingSends().isEmpty)
    }
}
