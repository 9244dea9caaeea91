import Foundation
import PortBooksJSON
import Testing

@testable import QBOSandbox

/// The shape of replies as recorded from QuickBooks: money at two decimals, `LineEx` on
/// payment lines, and `requestid` replies kept per endpoint.
@Suite struct WireFormatTests {
    @Test func moneyTextFollowsQuickBooks() throws {
        #expect(QuickBooksJSON.moneyText(try #require(Decimal(string: "1168.5"))) == "1168.50")
        #expect(QuickBooksJSON.moneyText(100) == "100.00")
        #expect(QuickBooksJSON.moneyText(0) == "0")
        #expect(QuickBooksJSON.moneyText(-1) == "-1.00")
        #expect(QuickBooksJSON.moneyText(try #require(Decimal(string: "0.125"))) == "0.125")
        #expect(QuickBooksJSON.twoDecimals(0) == "0.00")
        #expect(QuickBooksJSON.twoDecimals(71) == "71.00")
        let value: JSONValue = [
            "Amount": .number(try #require(Decimal(string: "337.5"))), "UnitPrice": 75,
            "Qty": .number(try #require(Decimal(string: "4.5"))),
            "Note": "a \"quoted\" line\n", "Balance": 0, "Nested": ["TotalAmt": 12],
        ]
        let text = String(decoding: QuickBooksJSON.bytes(value), as: UTF8.self)
        #expect(
            text
                == #"{"Amount":337.50,"Balance":0,"Nested":{"TotalAmt":12.00},"Note":"a \"quoted\" line\n","Qty":4.5,"UnitPrice":75}"#
        )
        #expect(try JSONValue.decode(text) == value)
    }

    @Test func repliesWriteMoneyAtTwoDecimalsAndZeroAsZero() async throws {
        try await withSandbox { api in
            let created = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":1168.5,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"2"},"Qty":3,"UnitPrice":389.5}}]}"#
            )
            #expect(created.text.contains(#""TotalAmt":1168.50"#))
            #expect(created.text.contains(#""Balance":1168.50"#))
            #expect(created.text.contains(#""Amount":1168.50"#))
            #expect(created.text.contains(#""UnitPrice":389.5}"#))
            #expect(created.text.contains(#""Qty":3,"#))
            #expect(created.text.contains(#""TotalTax":0}"#))
            #expect(created.json["Invoice"]?["TotalAmt"]?.decimalValue == Decimal(string: "1168.50"))

            let customer = try await api.get("customer/1")
            #expect(customer.text.contains(#""Balance":1686.00,"BalanceWithJobs":1686.00"#))
            let payment = try await api.post("payment", #"{"CustomerRef":{"value":"1"},"TotalAmt":100}"#)
            #expect(payment.text.contains(#""TotalAmt":100.00"#))
            #expect(payment.text.contains(#""UnappliedAmt":100.00"#))
            let query = try await api.query("select * from Invoice where DocNumber = 'RSRE_000150'")
            #expect(query.text.contains(#""TotalAmt":517.50"#))
            let dump = try await api.sandbox(.get, "realms/\(Sandbox.realm)/Invoice")
            #expect(dump.text.contains(#""Amount":67.50"#))
            let id = try #require(created.json["Invoice"]?["Id"]?.stringValue)
            let void = try await api.post("invoice?operation=void", #"{"Id":"\#(id)","SyncToken":"0"}"#)
            #expect(void.text.contains(#""TotalAmt":0,"#))
            #expect(void.text.contains(#""Balance":0,"#))
        }
    }

    /// Amounts sent with more than two decimals are kept at cents (half away from zero), so no
    /// reply ever shows a third decimal and balances add up; amounts beyond Intuit's "10.5
    /// format" are refused with 2010 and nothing is written.
    @Test func amountsAreKeptAtCentsAndOversizedOnesAreRefused() async throws {
        try await withSandbox { api in
            let invoice = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":10.125,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"2"}}},{"Amount":"0.005","DetailType":"DiscountLineDetail","DiscountLineDetail":{"PercentBased":false}}]}"#
            )
            #expect(invoice.status == 200)
            let inv = try #require(invoice.json["Invoice"]?.objectValue)
            let invoiceId = try #require(inv["Id"]?.stringValue)
            #expect(inv["Line"]?[0]?["Amount"]?.decimalValue == Decimal(string: "10.13"))
            #expect(inv["Line"]?[2]?["Amount"]?.decimalValue == Decimal(string: "0.01"))
            #expect(inv["TotalAmt"]?.decimalValue == Decimal(string: "10.12"))
            #expect(invoice.text.contains(#""TotalAmt":10.12,"#))

            let payment = try await api.post(
                "payment",
                #"{"CustomerRef":{"value":"1"},"TotalAmt":10.115,"Line":[{"Amount":10.124,"LinkedTxn":[{"TxnId":"\#(invoiceId)","TxnType":"Invoice"}]}]}"#
            )
            #expect(payment.status == 200)
            let p = try #require(payment.json["Payment"]?.objectValue)
            #expect(p["TotalAmt"]?.decimalValue == Decimal(string: "10.12"))
            #expect(p["Line"]?[0]?["Amount"]?.decimalValue == Decimal(string: "10.12"))
            #expect(p["UnappliedAmt"]?.decimalValue == 0)
            #expect(try await api.get("invoice/\(invoiceId)").json["Invoice"]?["Balance"]?.decimalValue == 0)

            let line =
                #"{"Amount":AMOUNT,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"2"}}}"#
            for amount in ["1.123456", "12345678901", "-12345678901.5"] {
                let refused = try await api.post(
                    "invoice",
                    #"{"CustomerRef":{"value":"1"},"Line":[\#(line.replacingOccurrences(of: "AMOUNT", with: amount))]}"#
                )
                #expect(refused.status == 400, "\(amount)")
                #expect(refused.faultCode == "2010", "\(amount)")
                #expect(refused.json["Fault"]?["Error"]?.arrayValue?.first?["element"] == "Line.Amount")
            }
            let bigPayment = try await api.post(
                "payment", #"{"CustomerRef":{"value":"1"},"TotalAmt":5.000001}"#)
            #expect(bigPayment.faultCode == "2010")
            #expect(bigPayment.json["Fault"]?["Error"]?.arrayValue?.first?["element"] == "TotalAmt")
            let largest = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[\#(line.replacingOccurrences(of: "AMOUNT", with: "9999999999.99499"))]}"#
            )
            #expect(largest.status == 200)
            #expect(largest.json["Invoice"]?["TotalAmt"]?.decimalValue == Decimal(string: "9999999999.99"))
            let invoices = try await api.query("select count(*) from Invoice")
            #expect(invoices.json["QueryResponse"]?["totalCount"]?.decimalValue == 3)
            let payments = try await api.query("select count(*) from Payment")
            #expect(payments.json["QueryResponse"]?["totalCount"]?.decimalValue == 1)
        }
    }

    @Test func paymentLinesCarryLineExAsRecordedResponsesDo() async throws {
        try await withSandbox { api in
            let first = try await api.post(
                "payment",
                #"{"CustomerRef":{"value":"1"},"TotalAmt":100,"Line":[{"Amount":100,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}"#
            )
            let line = try #require(first.json["Payment"]?["Line"]?.arrayValue?.first)
            let entries = try #require(line["LineEx"]?["any"]?.arrayValue)
            #expect(entries.count == 3)
            for entry in entries {
                #expect(entry["name"] == "{http://schema.intuit.com/finance/v3}NameValue")
                #expect(entry["declaredType"] == "com.intuit.schema.finance.v3.NameValue")
                #expect(entry["scope"] == "javax.xml.bind.JAXBElement$GlobalScope")
                #expect(entry["nil"] == false)
                #expect(entry["globalScope"] == true)
                #expect(entry["typeSubstituted"] == false)
            }
            #expect(
                entries.map { $0["value"] } == [
                    ["Name": "txnId", "Value": "1"], ["Name": "txnOpenBalance", "Value": "517.50"],
                    ["Name": "txnReferenceNumber", "Value": "RSRE_000150"],
                ])
            let firstId = try #require(first.json["Payment"]?["Id"]?.stringValue)

            let second = try await api.post(
                "payment",
                #"{"CustomerRef":{"value":"1"},"TotalAmt":50,"Line":[{"Amount":50,"LinkedTxn":[{"TxnId":"1","TxnType":"Invoice"}]}]}"#
            )
            let secondId = try #require(second.json["Payment"]?["Id"]?.stringValue)
            #expect(
                second.json["Payment"]?["Line"]?[0]?["LineEx"]?["any"]?[1]?["value"]
                    == ["Name": "txnOpenBalance", "Value": "417.50"])

            // Removing the first payment changes the second's display-only open balance, not its SyncToken.
            _ = try await api.post(
                "payment?operation=update&include=void", #"{"Id":"\#(firstId)","SyncToken":"0","sparse":true}"#)
            let reread = try await api.get("payment/\(secondId)")
            #expect(reread.json["Payment"]?["SyncToken"] == "0")
            #expect(
                reread.json["Payment"]?["Line"]?[0]?["LineEx"]?["any"]?[1]?["value"]
                    == ["Name": "txnOpenBalance", "Value": "517.50"])

            // An invoice without a DocNumber: txnReferenceNumber has no Value.
            let bare = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":10,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"2"}}}]}"#
            )
            let bareId = try #require(bare.json["Invoice"]?["Id"]?.stringValue)
            let third = try await api.post(
                "payment",
                #"{"CustomerRef":{"value":"1"},"TotalAmt":10,"Line":[{"Amount":10,"LinkedTxn":[{"TxnId":"\#(bareId)","TxnType":"Invoice"}]}]}"#
            )
            #expect(
                third.json["Payment"]?["Line"]?[0]?["LineEx"]?["any"]?[2]?["value"] == ["Name": "txnReferenceNumber"])
        }
    }

    @Test func aRequestIdReusedOnAnotherEndpointIsRefusedNotReplayed() async throws {
        try await withSandbox { api in
            let invoiceBody =
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":10,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"2"}}}]}"#
            let invoice = try await api.post("invoice?requestid=shared-1", invoiceBody)
            #expect(invoice.status == 200)
            let invoiceId = try #require(invoice.json["Invoice"]?["Id"]?.stringValue)

            let payment = try await api.post(
                "payment?requestid=shared-1",
                #"{"CustomerRef":{"value":"1"},"TotalAmt":10,"Line":[{"Amount":10,"LinkedTxn":[{"TxnId":"\#(invoiceId)","TxnType":"Invoice"}]}]}"#
            )
            #expect(payment.status == 400)
            #expect(payment.faultCode == "600")
            #expect(payment.json["Fault"]?["Error"]?.arrayValue?.first?["Message"] == "Duplicate Request ID")
            #expect(payment.json["Invoice"] == nil)
            let payments = try await api.query("select count(*) from Payment")
            #expect(payments.json["QueryResponse"]?["totalCount"]?.decimalValue == 0)

            let void = try await api.post(
                "invoice?operation=void&requestid=shared-1", #"{"Id":"\#(invoiceId)","SyncToken":"0"}"#)
            #expect(void.faultCode == "600")
            let batch = try await api.post(
                "batch?requestid=shared-1", #"{"BatchItemRequest":[{"bId":"1","Query":"select * from Term"}]}"#)
            #expect(batch.faultCode == "600")

            let replay = try await api.post("invoice?requestid=shared-1", invoiceBody)
            #expect(replay.text == invoice.text)
            let stats = try await api.sandbox(.get, "stats")
            #expect(stats.json["writes"]?.decimalValue == 1)
        }
    }

    @Test func theEndpointOfAStoredReplySurvivesARestart() throws {
        let company = Company(realmId: "1")
        company.replies["r-1"] = StoredReply(status: 200, body: ["Invoice": ["Id": "9"]], endpoint: "POST invoice")
        let restored = try #require(Company.restore(company.snapshot()))
        #expect(restored.replies["r-1"]?.endpoint == "POST invoice")
        #expect(restored.replies["r-1"]?.body == ["Invoice": ["Id": "9"]])
    }
}
