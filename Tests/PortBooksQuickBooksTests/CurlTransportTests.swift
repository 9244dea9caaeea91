import Foundation
import PortBooksJSON
import Testing

@testable import PortBooksHTTP
@testable import PortBooksQuickBooks

@Suite(.timeLimit(.minutes(3))) struct CurlTransportTests {
    @Test func getAndPostRoundTripOverOneKeptAliveConnection() async throws {
        let server = try TinyHTTPServer { request in
            let echo = "\(request.method) \(request.target) \(request.headers["x-probe"] ?? "-") \(request.body.count)"
            return .init(headers: [("X-Echo", "yes")], body: Data(echo.utf8))
        }
        defer { server.stop() }
        let transport = CurlTransport()
        let get = try await transport.send(
            HTTPRequest(method: .get, url: server.baseURL + "/v3/a?x=1", headers: HTTPHeaders([("X-Probe", "p1")])))
        #expect(get.status == 200)
        #expect(get.bodyText == "GET /v3/a?x=1 p1 0")
        #expect(get.headers["x-echo"] == "yes")
        let body = Data(String(repeating: "é", count: 5000).utf8)
        for _ in 0..<4 {
            let post = try await transport.send(HTTPRequest(method: .post, url: server.baseURL + "/b", body: body))
            #expect(post.bodyText == "POST /b - \(body.count)")
        }
        #expect(server.connectionCount == 1)
    }

    @Test func gzipIsAskedForAndDecoded() async throws {
        let gzipped = Data([
            31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 203, 72, 205, 201, 201, 215, 81, 72, 175, 202, 44, 0, 0, 74, 155, 177, 92,
            11, 0, 0, 0,
        ])
        let seen = LockedBox<String?>(nil)
        let server = try TinyHTTPServer { request in
            seen.value = request.headers["accept-encoding"]
            return .init(headers: [("Content-Encoding", "gzip")], body: gzipped)
        }
        defer { server.stop() }
        let response = try await CurlTransport().send(HTTPRequest(method: .get, url: server.baseURL + "/z"))
        #expect(response.bodyText == "hello, gzip")
        #expect(seen.value?.contains("gzip") == true)
    }

    @Test func manyRequestsInFlightAtOnce() async throws {
        let gauge = InFlightGauge()
        let server = try TinyHTTPServer { _ in
            gauge.enter()
            Thread.sleep(forTimeInterval: 0.05)
            gauge.leave()
            return .init(body: Data("ok".utf8))
        }
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(maxConcurrentRequests: 4))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask { try await transport.send(HTTPRequest(method: .get, url: server.baseURL + "/")).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(gauge.peak >= 2)
        #expect(gauge.peak <= 4)
    }

    /// A thread that is idle but already signalled for the first of two jobs queued together
    /// must not leave the second waiting behind the first.
    @Test func aJobNoIdleThreadWillTakeGetsAThread() {
        #expect(WorkerPool.needsThread(queued: 2, idle: 1, threads: 1, limit: 10))
        #expect(!WorkerPool.needsThread(queued: 1, idle: 1, threads: 1, limit: 10))
        #expect(WorkerPool.needsThread(queued: 1, idle: 0, threads: 3, limit: 10))
        #expect(!WorkerPool.needsThread(queued: 5, idle: 0, threads: 10, limit: 10))
    }

    @Test func timeoutAndRefusedConnectionAreTypedErrors() async throws {
        let server = try TinyHTTPServer { _ in .init(body: Data(), delay: 2) }
        defer { server.stop() }
        let transport = CurlTransport()
        await #expect(throws: HTTPTransportError.timedOut) {
            _ = try await transport.send(
                HTTPRequest(method: .get, url: server.baseURL + "/slow", timeout: .milliseconds(200)))
        }
        let closed = try LoopbackRedirectListener(port: 0)
        let port = closed.port
        _ = consume closed
        do {
            _ = try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/"))
            Issue.record("expected a connection failure")
        } catch let error as HTTPTransportError {
            guard case .connectionFailed = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        await #expect(throws: HTTPTransportError.self) {
            _ = try await transport.send(HTTPRequest(method: .get, url: "notascheme://x"))
        }
    }

    @Test func cancellationAbortsTheTransfer() async throws {
        let server = try TinyHTTPServer { _ in .init(body: Data(), delay: 3) }
        defer { server.stop() }
        let transport = CurlTransport()
        let task = Task { try await transport.send(HTTPRequest(method: .get, url: server.baseURL + "/slow")) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        // The server answers only after 3 s: a transfer that was not aborted would succeed.
        await #expect(throws: HTTPTransportError.cancelled) { _ = try await task.value }
    }

    @Test func loopbackListenerReturnsTheCodeAndChecksState() async throws {
        let listener = try LoopbackRedirectListener(port: 0)
        #expect(listener.redirectURI == "http://localhost:\(listener.port)/callback")
        async let callback = listener.callback(expectedState: "st4te", timeout: .seconds(10))
        let transport = CurlTransport()
        let base = "http://127.0.0.1:\(listener.port)"
        let stray = try await transport.send(HTTPRequest(method: .get, url: base + "/favicon.ico"))
        #expect(stray.status == 404)
        let page = try await transport.send(
            HTTPRequest(method: .get, url: base + "/callback?code=AB%2Bc&state=st4te&realmId=9130"))
        #expect(page.status == 200)
        #expect(page.bodyText.contains("connected"))
        let result = try await callback
        #expect(result.code.exposedValue == "AB+c")
        #expect(result.realmID == "9130")

        let second = try LoopbackRedirectListener(port: 0)
        async let rejected = second.callback(expectedState: "good", timeout: .seconds(10))
        let bad = try await transport.send(
            HTTPRequest(method: .get, url: "http://127.0.0.1:\(second.port)/callback?code=x&state=evil&realmId=1"))
        #expect(bad.status == 400)
        do {
            _ = try await rejected
            Issue.record("expected a state mismatch")
        } catch {
            #expect(error is QuickBooksFault)
        }
    }
}
