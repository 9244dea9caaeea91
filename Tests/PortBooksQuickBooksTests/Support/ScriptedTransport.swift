import Foundation
import PortBooksHTTP
import PortBooksJSON

/// A test double for `HTTPTransport`: answers each request with a handler (given the request
/// and its 0-based index) and records every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, Int) throws -> HTTPResponse

    private let lock = NSLock()
    private var recorded: [HTTPRequest] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// Answers with `steps` in order (a thrown `HTTPTransportError` for `.failure`); after the
    /// last step, repeats `fallback` (or fails the test with a 599).
    convenience init(_ steps: [Result<HTTPResponse, HTTPTransportError>], fallback: HTTPResponse? = nil) {
        self.init { _, index in
            if index < steps.count { return try steps[index].get() }
            return fallback ?? HTTPResponse(status: 599, body: Data("script exhausted".utf8))
        }
    }

    var requests: [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = lock.withLock {
            recorded.append(request)
            return recorded.count - 1
        }
        return try handler(request, index)
    }
}

/// Query items of a URL, percent-decoded.
func queryItems(_ url: String) -> [String: String] {
    guard let components = URLComponents(string: url) else { return [:] }
    var items: [String: String] = [:]
    for item in components.queryItems ?? [] { items[item.name] = item.value ?? "" }
    return items
}

func path(_ url: String) -> String {
    URLComponents(string: url)?.path ?? url
}

func json(_ status: Int = 200, _ text: String) -> HTTPResponse {
    HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Data(text.utf8))
}
