import Foundation
import PortBooksHTTP
import PortBooksJSON
import Testing

@testable import PortBooksQuickBooks

@Suite(.timeLimit(.minutes(3))) struct QuickBooksClientTests {
    func makeClient(_ transport: ScriptedTransport, retry: RetryPolicy = RetryPolicy()) -> QuickBooksClient {
        QuickBooksClient(
            configuration: QuickBooksConfiguration(baseURL: "http://qbo.test/v3/", realmID: "9130", retry: retry),
            transport: transport, tokens: StaticTokens(), clock: FakeClock(), logger: .quiet)
    }

    let requestID = RequestID.derive(kind: "invoice", portproID: "6501", contentHash: "h1", generation: 0)

    @Test func createSendsMinorVersionRequestIDAndJSON() async throws {
        let transport = ScriptedTransport([
            .success(json(200, #"{"Invoice":{"Id":"266","SyncToken":"0","TotalAmt":337.50}}"#))
        ])
        let client = makeClient(transport)
        let payload: JSONValue = ["DocNumber": "M-1001", "Line": [["Amount": .number(Decimal(string: "337.50")!)]]]
        let invoice = try await client.create(.invoice, payload, requestID: requestID)
        #expect(invoice["Id"]?.stringValue == "266")
        #expect(invoice["TotalAmt"]?.decimalValue == Decimal(string: "337.50"))
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(path(request.url) == "/v3/company/9130/invoice")
        #expect(queryItems(request.url)["minorversion"] == "75")
        #expect(queryItems(request.url)["requestid"] == requestID.value)
        #expect(request.headers["Authorization"] == "Bearer access-static")
        #expect(request.headers["Accept"] == "application/json")
        #expect(try JSONValue.decode(request.body) == payload)
        #expect(!request.description.contains("access-static"))
    }

    @Test func everyRetryCarriesTheSameRequestID() async throws {
        let transport = ScriptedTransport([
            .success(HTTPResponse(status: 503)), .failure(.timedOut), .failure(.connectionDropped("reset")),
            .success(json(502, "{}")), .success(json(200, #"{"Invoice":{"Id":"1"}}"#)),
        ])
        _ = try await makeClient(transport).create(.invoice, ["DocNumber": "1"], requestID: requestID)
        #expect(transport.requests.count == 5)
        #expect(Set(transport.requests.map { queryItems($0.url)["requestid"] }) == [requestID.value])
        #expect(Set(transport.requests.map(\.body)).count == 1)
    }

    @Test func retriesAreBoundedThenUnreachable() async throws {
        let transport = ScriptedTransport([], fallback: HTTPResponse(status: 500))
        do {
            _ = try await makeClient(transport).create(.invoice, ["DocNumber": "1"], requestID: requestID)
            Issue.record("expected a transient fault")
        } catch let fault as QuickBooksFault {
            #expect(fault.category == .transient)
            #expect(fault == .transient(.serverError(status: 500, code: nil), attempts: 6))
            #expect(fault.description.contains("QuickBooks unreachable"))
        }
        #expect(transport.requests.count == 6)
    }

    @Test func backoffGrowsWithJitterAndIsScaled() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(8))
        for attempt in 1...6 {
            let base = min(Duration.seconds(1) * (1 << (attempt - 1)), .seconds(8))
            let delay = policy.backoff(afterAttempt: attempt)
            #expect(delay >= base / 2 && delay <= base)
        }
        #expect(PacingLimits(timeScale: 60).scaled(.seconds(60)) == .seconds(1))
    }

    @Test func recordProblemsAreNotRetried() async throws {
        let transport = ScriptedTransport([
            .success(
                json(
                    400,
                    #"{"Fault":{"Error":[{"Message":"Invalid Reference Id","Detail":"Invalid Reference Id : Line.SalesItemLineDetail.ItemRef","code":"2500","element":"Line.SalesItemLineDetail.ItemRef"}],"type":"ValidationFault"}}"#
                ))
        ])
        await #expect(
            throws: QuickBooksFault.recordProblem(
                code: "2500", message: "Invalid Reference Id",
                detail: "Invalid Reference Id : Line.SalesItemLineDetail.ItemRef",
                element: "Line.SalesItemLineDetail.ItemRef")
        ) {
            _ = try await makeClient(transport).create(.invoice, ["DocNumber": "1"], requestID: requestID)
        }
        #expect(transport.requests.count == 1)
    }

    @Test func throttlePausesTheRealmThenResumes() async throws {
        let throttle = HTTPResponse(
            status: 429,
            body: Data(
                #"<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded</Message></Error></Fault></IntuitResponse>"#
                    .utf8))
        let clock = FakeClock()
        let transport = ScriptedTransport([.success(throttle), .success(json(200, #"{"Invoice":{"Id":"1"}}"#))])
        let client = QuickBooksClient(
            configuration: QuickBooksConfiguration(
                baseURL: "http://qbo.test/v3", realmID: "9130", limits: PacingLimits(timeScale: 10)),
            transport: transport, tokens: StaticTokens(), clock: clock, logger: .quiet)
        _ = try await client.create(.invoice, ["DocNumber": "1"], requestID: requestID)
        #expect(transport.requests.count == 2)
        // 60 s / time scale 10 = 6 s of pause before the second attempt.
        #expect(clock.now() >= .seconds(6))
    }

    @Test func staleSyncTokenIsReReadOnceAndRetried() async throws {
        let stale = json(
            400, #"{"Fault":{"Error":[{"Message":"Stale Object Error","code":"5010"}],"type":"ValidationFault"}}"#)
        let transport = ScriptedTransport([
            .success(stale),
            .success(json(200, #"{"Invoice":{"Id":"42","SyncToken":"3"}}"#)),
            .success(json(200, #"{"Invoice":{"Id":"42","SyncToken":"4","PrivateNote":"x"}}"#)),
        ])
        let updated = try await makeClient(transport).sparseUpdate(
            .invoice, id: "42", syncToken: "1", changes: ["PrivateNote": "x"], requestID: requestID)
        #expect(updated["SyncToken"]?.stringValue == "4")
        let requests = transport.requests
        #expect(requests.count == 3)
        #expect(requests[1].method == .get && path(requests[1].url) == "/v3/company/9130/invoice/42")
        let first = try JSONValue.decode(requests[0].body)
        let retried = try JSONValue.decode(requests[2].body)
        #expect(first["SyncToken"] == "1" && first["sparse"] == true && first["Id"] == "42")
        #expect(retried["SyncToken"] == "3")
        let retryID = try #require(queryItems(requests[2].url)["requestid"])
        #expect(retryID != requestID.value)
        #expect(retryID == requestID.derived(salt: "synctoken:3").value)
    }

    @Test func secondStaleSyncTokenBecomesARecordProblem() async throws {
        let stale = json(
            400, #"{"Fault":{"Error":[{"Message":"Stale Object Error","code":"5010"}],"type":"ValidationFault"}}"#)
        let transport = ScriptedTransport([
            .success(stale), .success(json(200, #"{"Invoice":{"Id":"42","SyncToken":"3"}}"#)), .success(stale),
        ])
        await #expect(throws: QuickBooksFault.self) {
            _ = try await makeClient(transport).sparseUpdate(
                .invoice, id: "42", syncToken: "1", changes: [:], requestID: requestID)
        }
        #expect(transport.requests.count == 3)
    }

    @Test func voidAndDeleteUseTheRightOperations() async throws {
        let transport = ScriptedTransport { request, _ in
            json(200, #"{"Invoice":{"Id":"1"},"Payment":{"Id":"2"}}"#)
        }
        let client = makeClient(transport)
        _ = try await client.void(.invoice, id: "1", syncToken: "0", requestID: requestID)
        _ = try await client.void(.payment, id: "2", syncToken: "5", requestID: requestID)
        _ = try await client.delete(.invoice, id: "1", syncToken: "1", requestID: requestID)
        let requests = transport.requests
        #expect(queryItems(requests[0].url)["operation"] == "void")
        #expect(queryItems(requests[1].url)["operation"] == "update")
        #expect(queryItems(requests[1].url)["include"] == "void")
        #expect(try JSONValue.decode(requests[1].body)["sparse"] == true)
        #expect(queryItems(requests[2].url)["operation"] == "delete")
        #expect(requests.allSatisfy { queryItems($0.url)["requestid"] != nil })
    }

    @Test func queryEscapesQuotesAndPages() async throws {
        let condition = QuickBooksQuery.inList("DisplayName", ["Amy's Bird Sanctuary", "Plain"])
        #expect(condition == #"DisplayName IN ('Amy\'s Bird Sanctuary', 'Plain')"#)
        #expect(QuickBooksQuery.literal("O'Brien & Sons") == #"'O\'Brien & Sons'"#)

        let transport = ScriptedTransport { request, _ in
            let statement = queryItems(request.url)["query"] ?? ""
            let start =
                Int(statement.components(separatedBy: "STARTPOSITION ").last?.split(separator: " ").first ?? "") ?? 0
            let remaining = max(0, 2345 - (start - 1))
            let count = min(1000, remaining)
            let rows = (0..<count).map { #"{"Id":"\#(start + $0)"}"# }.joined(separator: ",")
            return json(
                200,
                count == 0
                    ? #"{"QueryResponse":{}}"#
                    : #"{"QueryResponse":{"Customer":[\#(rows)],"startPosition":\#(start),"maxResults":\#(count)}}"#)
        }
        let rows = try await makeClient(transport).queryAll(.customer, where: condition)
        #expect(rows.count == 2345)
        #expect(Set(rows.compactMap { $0["Id"]?.stringValue }).count == 2345)
        let statements = transport.requests.map { queryItems($0.url)["query"] ?? "" }
        #expect(statements.count == 3)
        #expect(
            statements[0]
                == #"SELECT * FROM Customer WHERE DisplayName IN ('Amy\'s Bird Sanctuary', 'Plain') ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000"#
        )
        #expect(statements[1].hasSuffix("STARTPOSITION 1001 MAXRESULTS 1000"))
        #expect(statements[2].hasSuffix("STARTPOSITION 2001 MAXRESULTS 1000"))
        #expect(transport.requests.allSatisfy { $0.method == .get && queryItems($0.url)["requestid"] == nil })
        // The statement is percent-encoded on the wire (no raw quote or space in the URL).
        #expect(!transport.requests[0].url.contains("'") && !transport.requests[0].url.contains(" "))
    }

    @Test func emptyQueryResponseIsNoRows() async throws {
        let transport = ScriptedTransport([
            .success(json(200, #"{"QueryResponse":{},"time":"2020-01-01T00:00:00-07:00"}"#))
        ])
        #expect(try await makeClient(transport).queryAll(.invoice, where: "DocNumber = '1'").isEmpty)
    }

    @Test func batchSplitsIntoThirtiesWithPerItemResults() async throws {
        let transport = ScriptedTransport { request, _ in
            let body = try JSONValue.decode(request.body)
            let items = body["BatchItemRequest"]?.arrayValue ?? []
            let responses: [String] = items.compactMap { item in
                guard let bId = item["bId"]?.stringValue else { return nil }
                if bId == "inv-7" {
                    return
                        #"{"bId":"inv-7","Fault":{"Error":[{"Message":"Duplicate Document Number Error","code":"6140"}],"type":"ValidationFault"}}"#
                }
                return #"{"bId":"\#(bId)","Invoice":{"Id":"\#(bId.dropFirst(4))","SyncToken":"0"}}"#
            }
            return json(200, #"{"BatchItemResponse":[\#(responses.joined(separator: ","))]}"#)
        }
        let items = (0..<65).map { index in
            BatchItem(bId: "inv-\(index)", .create(.invoice, ["DocNumber": .string("D\(index)")]))
        }
        let client = makeClient(transport)
        let results = try await client.batchAll(items)
        #expect(results.count == 65)
        #expect(
            results["inv-7"]
                == .fault(
                    .recordProblem(code: "6140", message: "Duplicate Document Number Error", detail: nil, element: nil))
        )
        #expect(results["inv-64"] == .object(["Id": "64", "SyncToken": "0"]))
        let sizes = try transport.requests.map {
            try JSONValue.decode($0.body)["BatchItemRequest"]?.arrayValue?.count ?? 0
        }
        #expect(sizes.sorted() == [5, 30, 30])
        for request in transport.requests {
            #expect(path(request.url) == "/v3/company/9130/batch")
            let id = try #require(queryItems(request.url)["requestid"])
            let longest =
                try JSONValue.decode(request.body)["BatchItemRequest"]?.arrayValue?.compactMap {
                    $0["bId"]?.stringValue?.count
                }.max() ?? 0
            #expect(id.count + longest <= 50)
        }
        // The same items give the same batch requestids (replay after a crash).
        let again = makeClient(ScriptedTransport([], fallback: json(200, #"{"BatchItemResponse":[]}"#)))
        _ = try await again.batchAll(items)
        #expect(
            try QuickBooksClient.batchRequestID(for: Array(items[0..<30]))
                == QuickBooksClient.batchRequestID(for: Array(items[0..<30])))
        await #expect(throws: QuickBooksFault.self) {
            _ = try await client.batch(Array(repeating: items[0], count: 31), requestID: requestID)
        }
    }

    @Test func batchRequestIDIsShortenedToFitTheBudget() async throws {
        let transport = ScriptedTransport([], fallback: json(200, #"{"BatchItemResponse":[]}"#))
        let longBId = String(repeating: "b", count: 30)
        let results = try await makeClient(transport).batch(
            [BatchItem(bId: longBId, .query("SELECT * FROM Term"))], requestID: requestID)
        let sent = try #require(queryItems(transport.requests[0].url)["requestid"])
        #expect(sent.count == 20)
        #expect(requestID.value.hasPrefix(sent))
        // No response for the item: reported, never silently dropped.
        #expect(results[longBId]?.isTransientFault == true)
    }

    @Test func changeDataCaptureGroupsByEntity() async throws {
        let transport = ScriptedTransport([
            .success(
                json(
                    200,
                    #"{"CDCResponse":[{"QueryResponse":[{"Invoice":[{"Id":"1"},{"Id":"2","status":"Deleted"}]},{"Payment":[{"Id":"9"}]}]}],"time":"2020-09-29T08:02:53.512-07:00"}"#
                ))
        ])
        let changes = try await makeClient(transport).changeDataCapture(
            entities: [.invoice, .payment], changedSince: "2020-09-01T00:00:00-07:00")
        #expect(changes["Invoice"]?.count == 2)
        #expect(changes["Payment"]?.count == 1)
        let items = queryItems(transport.requests[0].url)
        #expect(items["entities"] == "Invoice,Payment")
        #expect(items["changedSince"] == "2020-09-01T00:00:00-07:00")
    }
}

extension BatchItemResult {
    var isTransientFault: Bool {
        if case .fault(let fault) = self { return fault.category == .transient }
        return false
    }
}
