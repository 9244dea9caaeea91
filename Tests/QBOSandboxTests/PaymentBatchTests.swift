import Foundation
import Testing

@testable import QBOSandbox

/// Payments in `BatchItemRequest`s (#17 sends them 30 to a batch): created, updated and voided
/// as single requests do it, and a batch sent again with its requestid replayed, not re-applied.
@Suite(.timeLimit(.minutes(3))) struct PaymentBatchTests {
    @Test func paymentsInABatchApplyUpdateAndVoidAsSingleRequestsDo() async throws {
        try await withSandbox { api in
            let request = #"""
                {"BatchItemRequest":[
                 {"bId":"11","operation":"create","Payment":{"CustomerRef":{"value":"1"},"TotalAmt":150,"PaymentRefNum":"B-1","Line":[{"Amount":150,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}},
                 {"bId":"12","operation":"create","Payment":{"CustomerRef":{"value":"1"},"TotalAmt":100,"PaymentRefNum":"B-2","Line":[{"Amount":100,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}},
                 {"bId":"13","operation":"create","Payment":{"CustomerRef":{"value":"1"},"TotalAmt":5,"Line":[{"Amount":5,"LinkedTxn":[{"TxnId":"999999","TxnType":"Invoice"}]}]}}
                ]}
                """#
            let created = try await api.post("batch?requestid=payments-1", request)
            #expect(created.status == 200)
            let items = try #require(created.json["BatchItemResponse"]?.arrayValue)
            let first = try #require(items.first { $0["bId"] == "11" }?["Payment"]?["Id"]?.stringValue)
            let second = try #require(items.first { $0["bId"] == "12" }?["Payment"]?["Id"]?.stringValue)
            #expect(items.first { $0["bId"] == "13" }?["Fault"] != nil, "a payment for no invoice is that item's fault")
            #expect(
                try await api.get("invoice/1").json["Invoice"]?["Balance"]?.decimalValue == Decimal(string: "267.50"))

            // The same batch again with its requestid: the first answer, nothing applied twice.
            let again = try await api.post("batch?requestid=payments-1", request)
            #expect(again.status == 200)
            #expect(
                try await api.query("select count(*) from Payment").json["QueryResponse"]?["totalCount"]?.decimalValue
                    == 2)
            #expect(
                try await api.get("invoice/1").json["Invoice"]?["Balance"]?.decimalValue == Decimal(string: "267.50"))

            let changed = try await api.post(
                "batch",
                #"""
                {"BatchItemRequest":[
                 {"bId":"u","operation":"update","Payment":{"Id":"\#(first)","SyncToken":"0","sparse":true,"PrivateNote":"batched"}},
                 {"bId":"v","operation":"update","optionsData":"void","Payment":{"Id":"\#(second)","SyncToken":"0","sparse":true}}
                ]}
                """#)
            let answers = try #require(changed.json["BatchItemResponse"]?.arrayValue)
            #expect(answers.first { $0["bId"] == "u" }?["Payment"]?["PrivateNote"] == "batched")
            #expect(answers.first { $0["bId"] == "u" }?["Payment"]?["TotalAmt"]?.decimalValue == 150)
            let voided = try #require(answers.first { $0["bId"] == "v" }?["Payment"]?.objectValue)
            #expect(voided["TotalAmt"]?.decimalValue == 0)
            #expect(voided["PrivateNote"] == "Voided")
            #expect(
                try await api.get("invoice/1").json["Invoice"]?["Balance"]?.decimalValue == Decimal(string: "367.50"))
        }
    }
}
