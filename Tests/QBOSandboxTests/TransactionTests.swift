import Foundation
import Testing

@testable import QBOSandbox

/// Invoices, payments and credit memos: computed fields, DocNumber rules, links, void, delete.
@Suite struct TransactionTests {
    static let line =
        #"{"Amount":100.00,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1","name":"Services"},"Qty":2,"UnitPrice":50}}"#

    @Test func invoiceGetsServerComputedFields() async throws {
        try await withSandbox { api in
            let r = try await api.post(
                "invoice",
                #"{"DocNumber":"RSRE_000151","CustomerRef":{"value":"1"},"Line":[\#(Self.line),{"Amount":337.50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"3"}}}]}"#
            )
            #expect(r.status == 200)
            let inv = try #require(r.json["Invoice"]?.objectValue)
            #expect(inv["TotalAmt"]?.decimalValue == Decimal(string: "437.50"))
            #expect(inv["Balance"]?.decimalValue == Decimal(string: "437.50"))
            #expect(inv["DocNumber"] == "RSRE_000151")
            #expect(inv["LinkedTxn"] == .array([]))
            #expect(inv["CustomerRef"]?["name"] == "Pacific Coast Imports")
            #expect(inv["DueDate"] != nil)
            let lines = try #require(inv["Line"]?.arrayValue)
            #expect(lines.count == 3)
            #expect(lines[0]["Id"] == "1")
            #expect(lines[0]["LineNum"]?.decimalValue == 1)
            #expect(lines[0]["SalesItemLineDetail"]?["TaxCodeRef"]?["value"] == "NON")
            #expect(lines[2]["DetailType"] == "SubTotalLineDetail")
            #expect(lines[2]["Amount"]?.decimalValue == Decimal(string: "437.50"))
            #expect(inv["CustomField"]?.arrayValue?.first?["Name"] == "Container #")
        }
    }

    @Test func invoiceValidationFaults() async throws {
        try await withSandbox { api in
            let mismatch = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":101,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"},"Qty":2,"UnitPrice":50}}]}"#
            )
            #expect(mismatch.faultCode == "6070")
            let noCustomer = try await api.post("invoice", #"{"Line":[\#(Self.line)]}"#)
            #expect(noCustomer.faultCode == "2020")
            #expect(noCustomer.json["Fault"]?["Error"]?.arrayValue?.first?["element"] == "CustomerRef")
            let badItem = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":1,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"999"}}}]}"#
            )
            #expect(badItem.faultCode == "2500")
            let badCustomer = try await api.post("invoice", #"{"CustomerRef":{"value":"999"},"Line":[\#(Self.line)]}"#)
            #expect(badCustomer.faultCode == "2500")
            let longDoc = try await api.post(
                "invoice", #"{"DocNumber":"1234567890123456789012","CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#
            )
            #expect(longDoc.faultCode == "2050")
            let dup = try await api.post(
                "invoice", #"{"DocNumber":"RSRE_000150","CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            #expect(dup.status == 400)
            #expect(dup.faultCode == "6140")
            let allowed = try await api.post(
                "invoice?include=allowduplicatedocnum",
                #"{"DocNumber":"RSRE_000150","CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            #expect(allowed.status == 200)
            let stats = try await api.sandbox(.get, "stats")
            #expect(stats.json["duplicateDocNumbers"]?.decimalValue == 1)
        }
    }

    @Test func docNumbersAreSequencedWhenCustomNumbersAreOff() async throws {
        try await withSandbox { api in
            _ = try await api.sandbox(.post, "reset", body: #"{"seed":"demo","customTxnNumbers":false}"#)
            let a = try await api.post("invoice", #"{"CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            let b = try await api.post("invoice", #"{"CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            #expect(a.json["Invoice"]?["DocNumber"] == "1001")
            #expect(b.json["Invoice"]?["DocNumber"] == "1002")
            let dup = try await api.post(
                "invoice", #"{"DocNumber":"1001","CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            #expect(dup.status == 200)
        }
    }

    @Test func paymentLowersBalanceAndBumpsInvoiceSyncToken() async throws {
        try await withSandbox { api in
            let pay = try await api.post(
                "payment",
                #"{"TotalAmt":500,"CustomerRef":{"value":"1"},"PaymentRefNum":"CHK-1","Line":[{"Amount":417.50,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}"#
            )
            #expect(pay.status == 200)
            let p = try #require(pay.json["Payment"]?.objectValue)
            #expect(p["UnappliedAmt"]?.decimalValue == Decimal(string: "82.50"))
            #expect(p["DepositToAccountRef"]?["value"] == "4")
            let paymentId = try #require(p["Id"]?.stringValue)
            let inv = try await api.get("invoice/1")
            #expect(inv.json["Invoice"]?["Balance"]?.decimalValue == 100)
            #expect(inv.json["Invoice"]?["SyncToken"] == "1")
            #expect(inv.json["Invoice"]?["LinkedTxn"] == .array([["TxnId": .string(paymentId), "TxnType": "Payment"]]))
            let customer = try await api.get("customer/1")
            #expect(customer.json["Customer"]?["Balance"]?.decimalValue == Decimal(string: "17.50"))
            let stale = try await api.post("invoice", #"{"Id":"1","SyncToken":"0","sparse":true,"PrivateNote":"x"}"#)
            #expect(stale.faultCode == "5010")
            let refusedVoid = try await api.post("invoice?operation=void", #"{"Id":"1","SyncToken":"1"}"#)
            #expect(refusedVoid.faultCode == "6000")
            let over = try await api.post(
                "payment",
                #"{"TotalAmt":200,"CustomerRef":{"value":"1"},"Line":[{"Amount":200,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}"#
            )
            #expect(over.faultCode == "6000")

            let void = try await api.post(
                "payment?operation=update&include=void", #"{"Id":"\#(paymentId)","SyncToken":"0","sparse":true}"#)
            let v = try #require(void.json["Payment"]?.objectValue)
            #expect(v["TotalAmt"]?.decimalValue == 0)
            #expect(v["Line"] == .array([]))
            #expect(v["PrivateNote"] == "Voided")
            #expect(v["SyncToken"] == "1")
            let after = try await api.get("invoice/1")
            #expect(after.json["Invoice"]?["Balance"]?.decimalValue == Decimal(string: "517.50"))
            #expect(after.json["Invoice"]?["SyncToken"] == "2")
        }
    }

    @Test func paymentForAnotherCustomersInvoiceCannotLink() async throws {
        try await withSandbox { api in
            let c = try await api.post("customer", #"{"DisplayName":"Other Co"}"#)
            let id = try #require(c.json["Customer"]?["Id"]?.stringValue)
            let r = try await api.post(
                "payment",
                #"{"TotalAmt":10,"CustomerRef":{"value":"\#(id)"},"Line":[{"Amount":10,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}"#
            )
            #expect(r.faultCode == "620")
        }
    }

    @Test func voidAndDeleteInvoice() async throws {
        try await withSandbox { api in
            let created = try await api.post(
                "invoice", #"{"CustomerRef":{"value":"1"},"PrivateNote":"keep","Line":[\#(Self.line)]}"#)
            let id = try #require(created.json["Invoice"]?["Id"]?.stringValue)
            let void = try await api.post("invoice?operation=void", #"{"Id":"\#(id)","SyncToken":"0"}"#)
            let v = try #require(void.json["Invoice"]?.objectValue)
            #expect(v["TotalAmt"]?.decimalValue == 0)
            #expect(v["Balance"]?.decimalValue == 0)
            #expect(v["SyncToken"] == "1")
            #expect(v["PrivateNote"]?.stringValue?.hasPrefix("Voided") == true)
            #expect(v["Line"]?.arrayValue?.first?["Amount"]?.decimalValue == 0)
            let del = try await api.post("invoice?operation=delete", #"{"Id":"\#(id)","SyncToken":"1"}"#)
            #expect(del.json["Invoice"] == ["domain": "QBO", "status": "Deleted", "Id": .string(id)])
            let read = try await api.get("invoice/\(id)")
            #expect(read.faultCode == "610")
            let again = try await api.post("invoice?operation=delete", #"{"Id":"\#(id)","SyncToken":"1"}"#)
            #expect(again.faultCode == "610")
        }
    }

    @Test func creditMemoCarriesRemainingCredit() async throws {
        try await withSandbox { api in
            let r = try await api.post(
                "creditmemo", #"{"CustomerRef":{"value":"1"},"DocNumber":"CM-1","Line":[\#(Self.line)]}"#)
            let cm = try #require(r.json["CreditMemo"]?.objectValue)
            #expect(cm["TotalAmt"]?.decimalValue == 100)
            #expect(cm["RemainingCredit"]?.decimalValue == 100)
            let id = try #require(cm["Id"]?.stringValue)
            let apply = try await api.post(
                "payment",
                #"{"TotalAmt":0,"CustomerRef":{"value":"1"},"Line":[{"Amount":100,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]},{"Amount":100,"LinkedTxn":[{"TxnId":"\#(id)","TxnType":"CreditMemo"}]}]}"#
            )
            #expect(apply.status == 200)
            let after = try await api.get("creditmemo/\(id)")
            #expect(after.json["CreditMemo"]?["RemainingCredit"]?.decimalValue == 0)
            let inv = try await api.get("invoice/1")
            #expect(inv.json["Invoice"]?["Balance"]?.decimalValue == Decimal(string: "417.50"))
        }
    }
}
