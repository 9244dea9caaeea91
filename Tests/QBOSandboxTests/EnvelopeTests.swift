import Foundation
import PortBooksJSON
import Testing

@testable import QBOSandbox

/// Create, read, update and fault envelopes as Intuit's recorded exchanges show them.
@Suite struct EnvelopeTests {
    @Test func serializedTextEscapesWhatJSONNeedsAndKeepsEverythingElse() throws {
        let text = "Doe \"Jr\" \\ A&B <x>\n\r\t\u{01}\u{1F}\u{7F} é 😀 \u{2028}"
        let value: JSONValue = ["Name": .string(text), "Amt": .number(Decimal(string: "1265.50")!), "Ok": true]
        let serialized = value.serialized()
        #expect(serialized.contains(#"Doe \"Jr\" \\ A&B <x>\n\r\t\u0001\u001f"#))
        #expect(serialized.contains("\u{7F} é 😀 \u{2028}"))
        #expect(try JSONValue.decode(serialized) == value)
        let foundation = try JSONSerialization.jsonObject(with: Data(value.serializedBytes())) as? [String: Any]
        #expect(foundation?["Name"] as? String == text)
    }

    @Test func createCustomerAnswersTheRecordedEnvelope() async throws {
        try await withSandbox { api in
            let r = try await api.post("customer?minorversion=75", #"{"DisplayName":"Doe5, Jane"}"#)
            #expect(r.status == 200)
            #expect(r.contentType.hasPrefix("application/json"))
            #expect(isIntuitTime(r.json["time"]))
            let c = try #require(r.json["Customer"]?.objectValue)
            #expect(c["SyncToken"] == "0")
            #expect(c["domain"] == "QBO")
            #expect(c["sparse"] == false)
            #expect(c["DisplayName"] == "Doe5, Jane")
            #expect(c["FullyQualifiedName"] == "Doe5, Jane")
            #expect(c["PrintOnCheckName"] == "Doe5, Jane")
            #expect(c["Active"] == true)
            #expect(c["Balance"]?.decimalValue == 0)
            #expect(c["MetaData"]?["CreateTime"]?.stringValue?.count == 25)
            let id = try #require(c["Id"]?.stringValue)
            let read = try await api.get("customer/\(id)")
            #expect(read.json["Customer"]?["DisplayName"] == "Doe5, Jane")
        }
    }

    @Test func duplicateNamesClashAcrossCustomersAndVendors() async throws {
        try await withSandbox { api in
            let r = try await api.post("customer", #"{"DisplayName":"harbor freight logistics"}"#)
            #expect(r.status == 400)
            #expect(r.faultCode == "6240")
            #expect(r.json["Fault"]?["type"] == "ValidationFault")
            #expect(isIntuitTime(r.json["time"]))
            let v = try await api.post("vendor", #"{"DisplayName":"Pacific Coast Imports"}"#)
            #expect(v.faultCode == "6240")
        }
    }

    @Test func displayNameCharactersAndLengthAreChecked() async throws {
        try await withSandbox { api in
            for bad in ["A:B", "A\tB", "A\nB"] {
                let r = try await api.post("customer", "{\"DisplayName\":\(quoted(bad))}")
                #expect(r.faultCode == "2040", "\(bad.debugDescription)")
            }
            let long = try await api.post("customer", "{\"DisplayName\":\(quoted(String(repeating: "x", count: 501)))}")
            #expect(long.faultCode == "2050")
            #expect(
                long.json["Fault"]?["Error"]?.arrayValue?.first?["Detail"]?.stringValue?.contains("Max:500") == true)
            let ok = try await api.post("customer", "{\"DisplayName\":\(quoted(String(repeating: "x", count: 500)))}")
            #expect(ok.status == 200)
        }
    }

    @Test func sdkDefaultsOfEmptyStringsAndZerosAreAccepted() async throws {
        try await withSandbox { api in
            let r = try await api.post(
                "customer",
                #"{"Title":"","GivenName":"Ann","MiddleName":"","FamilyName":"Lee","Suffix":"","DisplayName":"","Balance":0,"Notes":""}"#
            )
            #expect(r.status == 200)
            #expect(r.json["Customer"]?["DisplayName"] == "Ann Lee")
        }
    }

    @Test func unknownPathAndBadIdAnswerLikeIntuit() async throws {
        try await withSandbox { api in
            let bad = try await api.get("customer/1.5")
            #expect(bad.status == 400)
            #expect(bad.faultCode == "2030")
            #expect(bad.json["time"] == nil)
            let unknown = try await api.get("customer/1/5")
            #expect(unknown.status == 400)
            #expect(unknown.faultCode == "500")
            let missing = try await api.get("invoice/9999")
            #expect(missing.faultCode == "610")
        }
    }

    @Test func sparseAndFullUpdatesFollowSyncToken() async throws {
        try await withSandbox { api in
            let created = try await api.post("customer", #"{"DisplayName":"Jack Moe","CompanyName":"Moe Co"}"#)
            let id = try #require(created.json["Customer"]?["Id"]?.stringValue)
            let sparse = try await api.post(
                "customer",
                #"{"Id":"\#(id)","SyncToken":"0","sparse":true,"PrimaryPhone":{"FreeFormNumber":"(415) 444-1234"}}"#)
            #expect(sparse.json["Customer"]?["SyncToken"] == "1")
            #expect(sparse.json["Customer"]?["CompanyName"] == "Moe Co")
            let stale = try await api.post("customer", #"{"Id":"\#(id)","SyncToken":"0","sparse":true,"Notes":"x"}"#)
            #expect(stale.status == 400)
            #expect(stale.faultCode == "5010")
            let full = try await api.post("customer", #"{"Id":"\#(id)","SyncToken":"1","DisplayName":"Jack Moe Jr"}"#)
            let c = try #require(full.json["Customer"]?.objectValue)
            #expect(c["SyncToken"] == "2")
            #expect(c["CompanyName"] == nil)
            #expect(c["FullyQualifiedName"] == "Jack Moe Jr")
        }
    }

    @Test func nameListsAreDeactivatedNotDeleted() async throws {
        try await withSandbox { api in
            let del = try await api.post("customer?operation=delete", #"{"Id":"1","SyncToken":"0"}"#)
            #expect(del.faultCode == "500")
            let off = try await api.post("customer", #"{"Id":"1","SyncToken":"0","sparse":true,"Active":false}"#)
            #expect(off.json["Customer"]?["Active"] == false)
            let listed = try await api.query("select * from Customer")
            #expect(listed.json["QueryResponse"]?["Customer"] == nil)
            let all = try await api.query("select * from Customer where Active IN (true, false)")
            #expect(all.json["QueryResponse"]?["Customer"]?.arrayValue?.count == 1)
            let inv = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"1"},"Line":[{"Amount":5,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]}"#
            )
            #expect(inv.faultCode == "610")
        }
    }

    @Test func itemsNeedNameTypeAndIncomeAccount() async throws {
        try await withSandbox { api in
            #expect(
                try await api.post("item", #"{"Name":"Tolls","IncomeAccountRef":{"value":"1"}}"#).faultCode == "2020")
            #expect(try await api.post("item", #"{"Name":"Tolls","Type":"Service"}"#).faultCode == "2020")
            #expect(
                try await api.post("item", #"{"Name":"Tolls","Type":"Service","IncomeAccountRef":{"value":"77"}}"#)
                    .faultCode == "2500")
            #expect(
                try await api.post(
                    "item", #"{"Name":"Chassis Rental","Type":"Service","IncomeAccountRef":{"value":"1"}}"#
                )
                .faultCode == "6240")
            let ok = try await api.post("item", #"{"Name":"Tolls","Type":"Service","IncomeAccountRef":{"value":"1"}}"#)
            #expect(ok.json["Item"]?["IncomeAccountRef"]?["name"] == "Services")
        }
    }

    @Test func preferencesAndCompanyInfoAreReadable() async throws {
        try await withSandbox { api in
            let prefs = try await api.get("preferences")
            #expect(prefs.json["Preferences"]?["SalesFormsPrefs"]?["CustomTxnNumbers"] == true)
            let info = try await api.get("companyinfo/\(Sandbox.realm)")
            #expect(info.json["CompanyInfo"]?["CompanyName"] == "PortBooks Sandbox Company")
            let update = try await api.post(
                "preferences", #"{"Id":"1","SyncToken":"0","sparse":true,"SalesFormsPrefs":{"CustomTxnNumbers":false}}"#
            )
            #expect(update.json["Preferences"]?["SalesFormsPrefs"]?["CustomTxnNumbers"] == false)
            #expect(update.json["Preferences"]?["SalesFormsPrefs"]?["DefaultTerms"]?["value"] == "3")
        }
    }
}
