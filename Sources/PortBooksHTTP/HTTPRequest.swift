import Foundation

/// An HTTP method. Only the methods the QuickBooks Online API and its OAuth endpoints use.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
}

/// Header fields in send order; lookups are case-insensitive (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Hashable, Sequence {
    /// One header field.
    public struct Field: Sendable, Hashable {
        /// The field name as given.
        public var name: String
        /// The field value.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates a header list, keeping the given order.
    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, compared case-insensitively, or `nil`.
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// Appends a field (a repeated name is kept as a second field).
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field called `name` with one field.
    public mutating func replace(name: String, value: String) {
        let lowered = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lowered }
        fields.append(Field(name: name, value: value))
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// One HTTP request as a value: what `HTTPTransport.send(_:)` needs and nothing more.
///
/// `description` deliberately leaves out headers and body: they may carry bearer tokens or
/// client secrets, which must never reach a log line.
public struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
    /// The method.
    public var method: HTTPMethod
    /// The absolute URL, already percent-encoded.
    public var url: String
    /// Header fields.
    public var headers: HTTPHeaders
    /// The body; empty for none.
    public var body: Data
    /// A total timeout for this request, overriding the transport's default.
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: HTTPMethod, url: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// `METHOD url-without-query` — safe to log.
    public var description: String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        return "\(method.rawValue) \(path)"
    }
}

/// One HTTP response: the final status line, its headers and the (decoded) body.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Response header fields of the final response (not of any `100 Continue`).
    public var headers: HTTPHeaders
    /// The body, already content-decoded (gzip) by the transport.
    public var body: Data
    /// When the transport had the whole response (`nil` from transports that do not say).
    public var receivedAt: ContinuousClock.Instant?

    /// Creates a response.
    public init(
        status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(),
        receivedAt: ContinuousClock.Instant? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }

    /// The body as UTF-8 text (invalid bytes replaced), for diagnostics and parsing.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
