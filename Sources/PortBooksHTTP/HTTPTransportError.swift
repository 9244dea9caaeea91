/// Why a request got no HTTP response. The only error `PortBooksHTTP` throws.
///
/// libcurl's `CURLcode` values are mapped here (see
/// https://curl.se/libcurl/c/libcurl-errors.html) and never escape the module.
public enum HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connect or total timeout elapsed (`CURLE_OPERATION_TIMEDOUT`).
    case timedOut
    /// The host name (or proxy name) did not resolve.
    case hostNotFound(String)
    /// The TCP connection was refused or could not be made (`CURLE_COULDNT_CONNECT`).
    case connectionFailed(String)
    /// The connection broke while sending or receiving (send/recv errors, empty reply,
    /// partial body). The server may or may not have acted on the request.
    case connectionDropped(String)
    /// TLS failed: handshake, certificate verification or CA bundle.
    case tlsFailure(String)
    /// The request was malformed (bad URL, unsupported scheme) — a programming or config error.
    case invalidRequest(String)
    /// The calling task was cancelled before the response arrived.
    case cancelled
    /// Any other libcurl failure, with libcurl's message.
    case failed(String)

    /// Whether trying again later could succeed (everything but invalid requests and cancellation).
    public var isRetryable: Bool {
        switch self {
        case .invalidRequest, .cancelled: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .timedOut: "the request timed out"
        case .hostNotFound(let message): "host not found: \(message)"
        case .connectionFailed(let message): "could not connect: \(message)"
        case .connectionDropped(let message): "the connection dropped: \(message)"
        case .tlsFailure(let message): "TLS failed: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .cancelled: "the request was cancelled"
        case .failed(let message): "the request failed: \(message)"
        }
    }
}
