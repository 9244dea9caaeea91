import Foundation
import PortBooksJSON
import Testing

@testable import QBOSandbox

/// The query language subset and the QueryResponse envelope.
@Suite struct QueryTests {
    @Test func queryEnvelopeCountsAndEmptyResult() async throws {
        try await withSandbox { api in
            let all = try await api.query("select * from Term")
            let qr = try #require(all.json["QueryResponse"]?.objectValue)
            #expect(qr["Term"]?.arrayValue?.count == 4)
            #expect(qr["startPosition"]?.decimalValue == 1)
            #expect(qr["maxResults"]?.decimalValue == 4)
            #expect(qr["totalCount"] == nil)
            #expect(isIntuitTime(all.json["time"]))
            let count = try await api.query("SELECT COUNT(*) FROM Item")
            #expect(count.json["QueryResponse"] == ["totalCount": 12])
            let none = try await api.query("select * from Customer where DisplayName = 'Amy\\'s Bird Sanctuary'")
            #expect(none.status == 200)
            #expect(none.json["QueryResponse"] == .object(JSONObject()))
        }
    }

    @Test func whereOperatorsOrderingAndPaging() async throws {
        try await withSandbox { api in
            _ = try await api.post("customer", #"{"DisplayName":"Amy's Bird Sanctuary"}"#)
            let escaped = try await api.query("select * from Customer where DisplayName = 'Amy\\'s Bird Sanctuary'")
            #expect(escaped.json["QueryResponse"]?["Customer"]?.arrayValue?.count == 1)
            let like = try await api.query("select * from Item where Name LIKE '%Surch%'")
            #expect(like.json["QueryResponse"]?["Item"]?.arrayValue?.first?["Name"] == "Fuel Surcharge")
            let inList = try await api.query("select * from Item where Name IN ('Chassis Rental', 'Hazmat', 'Nope')")
            #expect(inList.json["QueryResponse"]?["Item"]?.arrayValue?.count == 2)
            let ordered = try await api.query("select * from Term where DueDays >= 15 ORDERBY DueDays DESC")
            let names = ordered.json["QueryResponse"]?["Term"]?.arrayValue?.compactMap { $0["Name"]?.stringValue }
            #expect(names == ["Net 60", "Net 30", "Net 15"])
            let page = try await api.query("select * from Item ORDER BY Name ASC STARTPOSITION 3 MAXRESULTS 2")
            let qr = try #require(page.json["QueryResponse"]?.objectValue)
            #expect(qr["startPosition"]?.decimalValue == 3)
            #expect(qr["maxResults"]?.decimalValue == 2)
            #expect(qr["Item"]?.arrayValue?.map { $0["Name"] } == ["Drayage", "Dry Run"])
            let money = try await api.query("select * from Invoice where TotalAmt > '500.00' AND Balance < 600")
            #expect(money.json["QueryResponse"]?["Invoice"]?.arrayValue?.count == 1)
            let byRef = try await api.query("select * from Invoice where CustomerRef = '1'")
            #expect(byRef.json["QueryResponse"]?["Invoice"]?.arrayValue?.count == 1)
            let since = try await api.query("select * from Invoice where MetaData.LastUpdatedTime > '2000-01-01'")
            #expect(since.json["QueryResponse"]?["Invoice"]?.arrayValue?.count == 1)
        }
    }

    @Test func namedFieldsAreProjected() async throws {
        try await withSandbox { api in
            let r = try await api.query("select Id, DisplayName from Customer")
            let c = try #require(r.json["QueryResponse"]?["Customer"]?.arrayValue?.first?.objectValue)
            #expect(c["DisplayName"] == "Pacific Coast Imports")
            #expect(c["Id"] == "1")
            #expect(c["sparse"] == true)
            #expect(c["PrimaryEmailAddr"] == nil)
        }
    }

    @Test func postFormWithApplicationText() async throws {
        try await withSandbox { api in
            let r = try await api.call(
                .post, "/v3/company/\(Sandbox.realm)/query?minorversion=75",
                body: "select * from Invoice where DocNumber IN ('RSRE_000150', 'X')", contentType: "application/text")
            #expect(r.json["QueryResponse"]?["Invoice"]?.arrayValue?.first?["DocNumber"] == "RSRE_000150")
        }
    }

    @Test func badQueriesAnswer4000And4001() async throws {
        try await withSandbox { api in
            let or = try await api.query("select * from Customer where DisplayName = 'a' OR DisplayName = 'b'")
            #expect(or.status == 400)
            #expect(or.faultCode == "4000")
            #expect(
                or.json["Fault"]?["Error"]?.arrayValue?.first?["Detail"]?.stringValue?.hasPrefix(
                    "QueryParserError: Encountered") == true)
            let curly = try await api.query("select * from Customer where DisplayName = 'Amy\u{2019}s'")
            #expect(curly.faultCode == "4000")
            let unknown = try await api.query("select * from Custmoer")
            #expect(unknown.faultCode == "4001")
            #expect(
                unknown.json["Fault"]?["Error"]?.arrayValue?.first?["Detail"]
                    == "QueryValidationError: invalid context declaration: Custmoer")
        }
    }

    @Test func maxResultsAboveOneThousandIsRefusedAsQuickBooksDoes() async throws {
        let company = Company(realmId: "1")
        let options = WriteOptions(now: Date(), time: CompanyTime())
        company.seed(SeedOptions(level: .standard), options)
        for i in 0..<1005 {
            _ = try company.create(.classKind, ["Name": .string("Class \(i)")], options)
        }
        #expect(throws: QBOFault.queryInvalid("value 5000 is too large. Max allowed value is 1000")) {
            try company.query("select * from Class MAXRESULTS 5000", time: CompanyTime())
        }
        let page = try company.query("select * from Class MAXRESULTS 1000", time: CompanyTime())
        #expect(page["maxResults"]?.decimalValue == 1000)
        let rest = try company.query("select * from Class STARTPOSITION 1001 MAXRESULTS 1000", time: CompanyTime())
        #expect(rest["maxResults"]?.decimalValue == 5)
        let defaultPage = try company.query("select * from Class", time: CompanyTime())
        #expect(defaultPage["maxResults"]?.decimalValue == 100)
    }

    /// Recorded by ruckus/quickbooks-ruby#24: "Invalid query: QueryValidationError: value 1500
    /// is too large. Max allowed value is 1000", as an HTTP 400 fault (also inside a batch).
    @Test func maxResultsOverOneThousandAnswersTheQueryValidationFault() async throws {
        try await withSandbox { api in
            let r = try await api.query("select * from Customer MAXRESULTS 1500")
            #expect(r.status == 400)
            let error = try #require(r.json["Fault"]?["Error"]?.arrayValue?.first)
            #expect(error["code"] == "4001")
            #expect(error["Message"] == "Invalid query")
            #expect(error["Detail"] == "QueryValidationError: value 1500 is too large. Max allowed value is 1000")
            #expect(r.json["Fault"]?["type"] == "ValidationFault")
            let ok = try await api.query("select * from Customer STARTPOSITION 1 MAXRESULTS 1000")
            #expect(ok.status == 200)
            let batch = try await api.post(
                "batch", #"{"BatchItemRequest":[{"bId":"q","Query":"select * from Item MAXRESULTS 1001"}]}"#)
            let item = batch.json["BatchItemResponse"]?.arrayValue?.first
            #expect(item?["Fault"]?["Error"]?.arrayValue?.first?["code"] == "4001")
        }
    }
}
