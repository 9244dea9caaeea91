import Foundation
import PortBooksJSON
import Testing

@testable import QBOSandbox

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Throttles under a time scale (driven by a manual clock, so counts are exact), injected
/// faults, stats and the test API.
@Suite(.timeLimit(.minutes(3))) struct ThrottleAndFaultTests {
    static func limited(_ clock: ManualClock, scale: Double = 60) -> SandboxConfiguration {
        SandboxConfiguration(enforceLimits: true, timeScale: scale, clock: clock)
    }

    @Test func tenPerScaledSecond() async throws {
        let clock = ManualClock()
        try await withSandbox(Self.limited(clock)) { api in
            var statuses: [Int] = []
            for _ in 0..<12 { statuses.append(try await api.get("customer/1").status) }
            #expect(statuses == Array(repeating: 200, count: 10) + [429, 429])
            let throttled = try await api.get("customer/1")
            #expect(throttled.contentType.contains("xml"))
            #expect(throttled.text.contains("<Error code=\"3001\">"))
            #expect(throttled.text.contains("message=ThrottleExceeded; errorCode=003001; statusCode=429"))
            clock.advance(by: 1.0 / 60 + 0.001)
            #expect(try await api.get("customer/1").status == 200)
            let stats = try await api.sandbox(.get, "stats")
            #expect(stats.json["throttled"]?.decimalValue == 3)
        }
    }

    @Test func fiveHundredPerScaledMinuteIncludingBatches() async throws {
        let clock = ManualClock()
        try await withSandbox(Self.limited(clock)) { api in
            var ok = 0
            var refused = 0
            for i in 0..<510 {
                if i % 10 == 0 { clock.advance(by: 0.0171) }
                let r: Reply
                if i % 50 == 0 {
                    r = try await api.post("batch", #"{"BatchItemRequest":[{"bId":"1","Query":"select * from Term"}]}"#)
                } else {
                    r = try await api.get("customer/1")
                }
                if r.status == 200 { ok += 1 } else if r.status == 429 { refused += 1 }
            }
            #expect(ok == 500)
            #expect(refused == 10)
            clock.advance(by: 0.2)
            #expect(try await api.get("customer/1").status == 200)
        }
    }

    @Test func fortyBatchesPerScaledMinute() async throws {
        let clock = ManualClock()
        try await withSandbox(Self.limited(clock)) { api in
            var statuses: [Int] = []
            for i in 0..<42 {
                if i % 10 == 0 { clock.advance(by: 0.02) }
                statuses.append(
                    try await api.post("batch", #"{"BatchItemRequest":[{"bId":"1","Query":"select * from Term"}]}"#)
                        .status)
            }
            #expect(statuses.filter { $0 == 200 }.count == 40)
            #expect(statuses.suffix(2) == [429, 429])
            #expect(try await api.get("customer/1").status == 200)
        }
    }

    @Test func limitsOffNeverThrottles() async throws {
        try await withSandbox(SandboxConfiguration(enforceLimits: false, clock: ManualClock())) { api in
            var statuses: [Int] = []
            for _ in 0..<40 { statuses.append(try await api.get("customer/1").status) }
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    /// A request served in one turn of the engine stays in flight until its reply has been
    /// written and it is released; then the count is back to zero.
    @Test func aServedRequestStaysInFlightUntilReleased() async throws {
        let clock = ManualClock()
        let engine = SandboxEngine(
            configuration: SandboxConfiguration(enforceLimits: true, timeScale: 1, clock: clock), logger: .quiet)
        let token = await engine.mintTokens(body: []).body
        let access = (try JSONValue.decode(token))["access_token"]?.stringValue ?? ""
        let request = APIRequest(
            method: "GET", realm: "1", segments: ["customer", "1"], query: [:], body: [], contentType: nil,
            authorization: "Bearer \(access)", path: "/v3/company/1/customer/1")
        for _ in 0..<10 {
            guard case .performed(let reply, _) = await engine.serve(request) else {
                Issue.record("an admitted request was not performed")
                return
            }
            #expect(!reply.serialized().body.isEmpty)
        }
        #expect(engine.inFlight.count("1") == 10)
        guard case .refused(let refusal) = await engine.serve(request) else {
            Issue.record("an eleventh request in flight was not refused")
            return
        }
        #expect(refusal.status == 429)
        #expect(engine.inFlight.count("1") == 10)
        for _ in 0..<10 { engine.release(realm: "1") }
        #expect(engine.inFlight.count("1") == 0)
        clock.advance(by: 2)  // past the 10-a-second window the ten filled
        guard case .performed = await engine.serve(request) else {
            Issue.record("a request after the releases was not performed")
            return
        }
        engine.release(realm: "1")
        #expect(engine.inFlight.count("1") == 0)
    }

    @Test func moreThanTenInFlightIsThrottled() async throws {
        let engine = SandboxEngine(
            configuration: SandboxConfiguration(enforceLimits: true, timeScale: 1, clock: ManualClock()), logger: .quiet
        )
        let token = await engine.mintTokens(body: []).body
        let access = (try JSONValue.decode(token))["access_token"]?.stringValue ?? ""
        let request = APIRequest(
            method: "GET", realm: "1", segments: ["customer", "1"], query: [:], body: [], contentType: nil,
            authorization: "Bearer \(access)", path: "/v3/company/1/customer/1")
        var admitted = 0
        for _ in 0..<10 {
            if case .proceed = await engine.admit(request) { admitted += 1 }
        }
        #expect(admitted == 10)
        var eleventh: Int?
        if case .reply(let r) = await engine.admit(request) { eleventh = r.status }
        #expect(eleventh == 429)
        engine.release(realm: "1")
        let stats = await engine.statsReply()
        #expect((try JSONValue.decode(stats.body))["peakConcurrency"]?.decimalValue == 10)
    }

    @Test func injectedServerErrorsAndThrottles() async throws {
        try await withSandbox { api in
            _ = try await api.sandbox(.post, "faults", body: #"{"serverError":1,"seed":7}"#)
            let r = try await api.post("customer", #"{"DisplayName":"Never Written"}"#)
            #expect(r.status == 500)
            #expect(r.faultCode == "10000")
            #expect(r.json["Fault"]?["type"] == "SystemFault")
            _ = try await api.sandbox(.post, "faults", body: #"{"serverError":0,"throttle":1}"#)
            let t = try await api.get("customer/1")
            #expect(t.status == 429)
            _ = try await api.sandbox(.post, "faults", body: #"{"throttle":0}"#)
            let dump = try await api.sandbox(.get, "realms/\(Sandbox.realm)/Customer")
            #expect(dump.json.arrayValue?.contains { $0["DisplayName"] == "Never Written" } == false)
            let bad = try await api.sandbox(.post, "faults", body: #"{"serverError":2}"#)
            #expect(bad.status == 400)
        }
    }

    @Test func dropAfterCommitWritesThenHangsUpAndReplayAnswers() async throws {
        try await withSandbox(mode: .live) { api in
            let port = try #require(api.client.port)
            // A fresh connection per request: the dropped one cannot be reused.
            func post(_ path: String, _ body: String) async throws -> (Int, String) {
                var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
                request.httpMethod = "POST"
                request.setValue("Bearer \(api.token)", forHTTPHeaderField: "Authorization")
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(body.utf8)
                let session = URLSession(configuration: .ephemeral)
                defer { session.finishTasksAndInvalidate() }
                let (data, response) = try await session.data(for: request)
                return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
            }
            _ = try await post("/_sandbox/faults", #"{"dropAfterCommit":1,"seed":1}"#)
            let path = "/v3/company/\(Sandbox.realm)/customer?requestid=cust-77"
            await #expect(throws: (any Error).self) {
                _ = try await post(path, #"{"DisplayName":"Dropped But Saved"}"#)
            }
            _ = try await post("/_sandbox/faults", #"{"dropAfterCommit":0}"#)
            let (status, text) = try await post(path, #"{"DisplayName":"Dropped But Saved"}"#)
            #expect(status == 200)
            let id = try JSONValue.decode(text)["Customer"]?["Id"]?.stringValue
            #expect(id != nil)
            let dumpURL = try #require(
                URL(string: "http://127.0.0.1:\(port)/_sandbox/realms/\(Sandbox.realm)/Customer"))
            let (dump, _) = try await URLSession(configuration: .ephemeral).data(from: dumpURL)
            let saved = try JSONValue.decode(Array(dump)).arrayValue?.filter {
                $0["DisplayName"] == "Dropped But Saved"
            }
            #expect(saved?.count == 1)
            #expect(saved?.first?["Id"]?.stringValue == id)
        }
    }

    @Test func testAPIResetRealmsAndStats() async throws {
        try await withSandbox { api in
            #expect(try await api.sandbox(.get, "health").status == 200)
            _ = try await api.get("customer/1", realm: "4620816365000000")
            let realms = try await api.sandbox(.get, "realms")
            #expect(realms.json == ["4620816365000000", "9341453050000000"])
            let vendors = try await api.sandbox(.get, "realms/\(Sandbox.realm)/Vendor")
            #expect(vendors.json.arrayValue?.first?["DisplayName"] == "Harbor Freight Logistics")
            _ = try await api.post("customer", #"{"DisplayName":"Counted"}"#)
            let stats = try await api.sandbox(.get, "stats")
            #expect(stats.json["requests"]?.decimalValue == 2)
            #expect(stats.json["writes"]?.decimalValue == 1)
            #expect(stats.json["reads"]?.decimalValue == 1)
            #expect(stats.json["byRoute"]?["POST customer"]?.decimalValue == 1)
            let reset = try await api.sandbox(.post, "reset")
            #expect(reset.status == 200)
            #expect(try await api.sandbox(.get, "realms").json == ["9341453050000000"])
            #expect(try await api.sandbox(.get, "stats").json["requests"]?.decimalValue == 0)
            _ = try await api.sandbox(.post, "reset", body: #"{"realms":["777"],"seed":"none"}"#)
            let empty = try await api.sandbox(.get, "realms/777/Customer")
            #expect(empty.json == .array([]))
            #expect(try await api.sandbox(.get, "realms/777/Preferences").json.arrayValue?.count == 1)
        }
    }
}
