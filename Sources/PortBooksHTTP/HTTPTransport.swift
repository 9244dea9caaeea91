/// Sends one HTTP request and returns its response.
///
/// The one seam between the QuickBooks client and the network: production uses
/// `CurlTransport`, tests use a scripted double. Implementations must be safe to call from
/// many tasks at once. Any HTTP status (including 4xx and 5xx) is a *response*, not an error;
/// only failures to get a response throw, as `HTTPTransportError`.
public protocol HTTPTransport: Sendable {
    /// Sends `request`, suspending until the whole response has arrived.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
