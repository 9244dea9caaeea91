import Foundation
import Testing

@testable import QBOSandbox

/// Batch, requestid replay and change data capture.
@Suite(.timeLimit(.minutes(3))) struct BatchReplayCDCTests {
    @Test func batchAnswersEachItemByBId() async throws {
        try await withSandbox { api in
            let body = #"""
                {"BatchItemRequest":[
                 {"bId":"bid1","operation":"create","Vendor":{"DisplayName":"Boraski Family Store"}},
                 {"bId":"bid2","operation":"delete","Invoice":{"Id":"129","SyncToken":"0"}},
                 {"bId":"bid3","operation":"update","Invoice":{"sparse":true,"Id":"1","SyncToken":"7","PrivateNote":"x"}},
                 {"bId":"bid4","Query":"select * from Invoice where TotalAmt > '300.00'"},
                 {"bId":"bid5","operation":"create","Customer":{"DisplayName":"Batch Customer"}}
                ]}
                """#
            let r = try await api.post("batch", body)
            #expect(r.status == 200)
            #expect(isIntuitTime(r.json["time"]))
            let items = try #require(r.json["BatchItemResponse"]?.arrayValue)
            #expect(items.map { $0["bId"]?.stringValue } == ["bid1", "bid2", "bid3", "bid4", "bid5"])
            #expect(items[0]["Vendor"]?["DisplayName"] == "Boraski Family Store")
            #expect(items[1]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "610")
            #expect(items[2]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "5010")
            #expect(items[3]["QueryResponse"]?["Invoice"]?.arrayValue?.count == 1)
            #expect(items[4]["Customer"]?["Id"] != nil)
            let stats = try await api.sandbox(.get, "stats")
            #expect(stats.json["writes"]?.decimalValue == 2)
            #expect(stats.json["byRoute"]?["POST batch"]?.decimalValue == 1)
        }
    }

    @Test func batchItemsCannotSeeEachOthersCreates() async throws {
        try await withSandbox { api in
            let body = #"""
                {"BatchItemRequest":[
                 {"bId":"1","operation":"create","Customer":{"Id":"","DisplayName":"New In Batch"}},
                 {"bId":"2","operation":"create","Invoice":{"CustomerRef":{"value":"2"},"Line":[{"Amount":5,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]}}
                ]}
                """#
            let r = try await api.post("batch", body)
            let items = try #require(r.json["BatchItemResponse"]?.arrayValue)
            #expect(items[0]["Customer"]?["Id"] == "2")
            #expect(items[1]["Fault"]?["Error"]?.arrayValue?.first?["code"] == "2500")
        }
    }

    @Test func batchOfMoreThanThirtyIsRefused() async throws {
        try await withSandbox { api in
            let items = (1...31).map { #"{"bId":"\#($0)","Query":"select * from Term"}"# }.joined(separator: ",")
            let r = try await api.post("batch", #"{"BatchItemRequest":[\#(items)]}"#)
            #expect(r.status == 400)
            #expect(r.faultCode == "1040")
            let thirty = (1...30).map { #"{"bId":"\#($0)","Query":"select * from Term"}"# }.joined(separator: ",")
            let ok = try await api.post("batch", #"{"BatchItemRequest":[\#(thirty)]}"#)
            #expect(ok.json["BatchItemResponse"]?.arrayValue?.count == 30)
        }
    }

    @Test func requestIdPlusBIdOverFiftyFailsEachItem() async throws {
        try await withSandbox { api in
            let rid = String(repeating: "a", count: 32)
            let bid = String(repeating: "b", count: 36)
            let r = try await api.post(
                "batch?requestid=\(rid)",
                #"{"BatchItemRequest":[{"bId":"\#(bid)","operation":"create","Customer":{"DisplayName":"Z"}}]}"#)
            let item = try #require(r.json["BatchItemResponse"]?.arrayValue?.first)
            #expect(item["Fault"]?["Error"]?.arrayValue?.first?["code"] == "6000")
            #expect(
                item["Fault"]?["Error"]?.arrayValue?.first?["Detail"]?.stringValue?.contains("which is 68 characters")
                    == true)
        }
    }

    @Test func requestIdReplaysEvenAfterDelete() async throws {
        try await withSandbox { api in
            let body =
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":10,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]}"#
            let first = try await api.post("invoice?requestid=inv-42", body)
            let id = try #require(first.json["Invoice"]?["Id"]?.stringValue)
            let again = try await api.post("invoice?requestid=inv-42", body)
            #expect(again.text == first.text)
            _ = try await api.post("invoice?operation=delete", #"{"Id":"\#(id)","SyncToken":"0"}"#)
            let replay = try await api.post("invoice?requestid=inv-42", body)
            #expect(replay.json["Invoice"]?["Id"]?.stringValue == id)
            #expect(replay.text == first.text)
            let other = try await api.post("invoice?requestid=inv-42", body, realm: "123145")
            #expect(other.json["Invoice"]?["Id"]?.stringValue != nil)
            #expect(other.text != first.text)
            let count = try await api.query("select count(*) from Invoice")
            #expect(count.json["QueryResponse"]?["totalCount"]?.decimalValue == 1)
            let long = try await api.post("invoice?requestid=\(String(repeating: "r", count: 51))", body)
            #expect(long.faultCode == "6000")
        }
    }

    @Test func cdcShowsChangesAndDeletedStubs() async throws {
        let clock = ManualClock()
        try await withSandbox(SandboxConfiguration(enforceLimits: false, clock: clock)) { api in
            clock.advance(by: 600)
            let since = CompanyTime().metaTime(clock.now())
            clock.advance(by: 5)
            let inv = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":10,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]}"#
            )
            let id = try #require(inv.json["Invoice"]?["Id"]?.stringValue)
            _ = try await api.post("invoice?operation=delete", #"{"Id":"\#(id)","SyncToken":"0"}"#)
            _ = try await api.post("customer", #"{"DisplayName":"Changed Later"}"#)
            let encoded = since.replacingOccurrences(of: "+", with: "%2B")
            let r = try await api.get("cdc?entities=Invoice,Customer&changedSince=\(encoded)")
            #expect(r.status == 200)
            let responses = try #require(r.json["CDCResponse"]?.arrayValue?.first?["QueryResponse"]?.arrayValue)
            #expect(responses.count == 2)
            let invoices = try #require(responses[0]["Invoice"]?.arrayValue)
            #expect(invoices.count == 1)
            #expect(invoices[0]["status"] == "Deleted")
            #expect(invoices[0]["Id"]?.stringValue == id)
            #expect(responses[1]["Customer"]?.arrayValue?.first?["DisplayName"] == "Changed Later")
            let batch = try await api.post(
                "batch",
                #"{"BatchItemRequest":[{"bId":"c","CDCQuery":{"Entities":"Invoice","ChangedSince":"\#(since)"}}]}"#)
            let stub = batch.json["BatchItemResponse"]?.arrayValue?.first?["CDCResponse"]?.arrayValue?.first?[
                "QueryResponse"]?
                .arrayValue?.first?["Invoice"]?.arrayValue?.first
            #expect(stub?["status"] == "Deleted")
            let old = CompanyTime().metaTime(clock.now().addingTimeInterval(-31 * 86400)).replacingOccurrences(
                of: "+", with: "%2B")
            let tooOld = try await api.get("cdc?entities=Invoice&changedSince=\(old)")
            #expect(tooOld.status == 400)
            #expect(
                tooOld.json["Fault"]?["Error"]?.arrayValue?.first?["Detail"]?.stringValue?.contains(
                    "older than fixed days") == true)
        }
    }

    @Test func cdcReturnsAtMostOneThousandObjects() async throws {
        let company = Company(realmId: "1")
        let now = Date()
        let options = WriteOptions(now: now, time: CompanyTime())
        company.seed(SeedOptions(level: .standard), options)
        for i in 0..<600 {
            _ = try company.create(.classKind, ["Name": .string("C\(i)")], options)
            _ = try company.create(.department, ["Name": .string("D\(i)")], options)
        }
        let r = company.changes(
            entities: [.classKind, .department], since: now.addingTimeInterval(-60), time: CompanyTime())
        let qrs = r.arrayValue?.first?["QueryResponse"]?.arrayValue ?? []
        let total = qrs.reduce(0) {
            $0 + ($1["Class"]?.arrayValue?.count ?? 0) + ($1["Department"]?.arrayValue?.count ?? 0)
        }
        #expect(total == 1000)
    }
}
