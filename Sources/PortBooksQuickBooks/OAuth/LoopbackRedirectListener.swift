import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the authorization redirect delivered.
public struct AuthorizationCallback: Sendable, Hashable, CustomStringConvertible {
    /// The one-time authorization code (exchange it once: `OAuthClient.exchange(code:realmID:)`).
    public var code: SecretToken
    /// The QuickBooks company id.
    public var realmID: String
    /// The `state` echoed back (already checked against the expected one).
    public var state: String

    public var description: String { "AuthorizationCallback(realm: \(realmID), code redacted)" }
}

/// A one-shot HTTP listener on `127.0.0.1` that receives the OAuth redirect
/// (`GET /callback?code=…&state=…&realmId=…`), checks `state`, answers a small HTML page and
/// returns the code. POSIX sockets, blocking; nothing else is served (other paths get 404 and
/// the listener keeps waiting).
///
/// Bind with port 0 to let the system choose, then read `port` to build the redirect URI.
/// Only sandbox (development) keys may redirect to localhost; production needs an https page
/// (reference/qbo-api.md §6.4).
public final class LoopbackRedirectListener: @unchecked Sendable {
    /// The port actually bound.
    public let port: UInt16
    /// The path expected, `/callback` by default.
    public let path: String
    private let socketDescriptor: Int32

    /// Binds and listens on `127.0.0.1:port`.
    public init(port: UInt16 = 0, path: String = "/callback") throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            let error = Self.failure("bind 127.0.0.1:\(port)")
            close(descriptor)
            throw error
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.socketDescriptor = descriptor
        self.port = UInt16(bigEndian: actual.sin_port)
        self.path = path
    }

    deinit {
        close(socketDescriptor)
    }

    /// The redirect URI for this listener: `http://localhost:PORT/callback`.
    public var redirectURI: String { "http://localhost:\(port)\(path)" }

    /// Blocks until the redirect arrives (or `timeout` passes), validates `state`, answers the
    /// browser and returns the code and realm. Throws `auth` for a refused consent or a
    /// mismatched state, `fatal` for a timeout or socket failure.
    public func waitForCallback(expectedState: String, timeout: Duration = .seconds(300)) throws
        -> AuthorizationCallback
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw QuickBooksFault.fatal("no authorization redirect arrived in time") }
            var poller = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining.components.seconds * 1000 + 1, 60_000)))
            if ready < 0 && errno != EINTR { throw Self.failure("poll") }
            guard ready > 0 else { continue }
            let client = accept(socketDescriptor, nil, nil)
            guard client >= 0 else { continue }
            defer { close(client) }
            guard let target = Self.readRequestTarget(client) else {
                Self.respond(client, status: "400 Bad Request", message: "Bad request.")
                continue
            }
            let parts = target.split(separator: "?", maxSplits: 1)
            guard parts.first.map(String.init) == path else {
                Self.respond(client, status: "404 Not Found", message: "Not found.")
                continue
            }
            let query = parts.count > 1 ? FormEncoding.decode(parts[1]) : [:]
            guard query["state"] == expectedState else {
                Self.respond(client, status: "400 Bad Request", message: "This sign-in link is stale; start again.")
                throw QuickBooksFault.auth(code: "state_mismatch", message: "the redirect's state did not match")
            }
            if let error = query["error"] {
                Self.respond(client, status: "200 OK", message: "QuickBooks was not connected (\(Self.html(error))).")
                throw QuickBooksFault.auth(code: error, message: "the authorization was not granted")
            }
            guard let code = query["code"], !code.isEmpty, let realm = query["realmId"], !realm.isEmpty else {
                Self.respond(client, status: "400 Bad Request", message: "The redirect had no code or realmId.")
                throw QuickBooksFault.auth(code: "invalid_request", message: "the redirect had no code or realmId")
            }
            Self.respond(
                client, status: "200 OK", message: "PortBooks is connected to QuickBooks. You can close this tab.")
            return AuthorizationCallback(code: SecretToken(code), realmID: realm, state: expectedState)
        }
    }

    /// Runs `waitForCallback` on its own thread, so an async caller is not blocked.
    public func callback(expectedState: String, timeout: Duration = .seconds(300)) async throws
        -> AuthorizationCallback
    {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try self.waitForCallback(expectedState: expectedState, timeout: timeout) })
            }
            thread.start()
        }
    }

    private static func readRequestTarget(_ client: Int32) -> String? {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 16_384 {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
            if String(decoding: received, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let requestLine = text.split(separator: "\r\n", maxSplits: 1).first else { return nil }
        let fields = requestLine.split(separator: " ")
        guard fields.count == 3, fields[0] == "GET" else { return nil }
        return String(fields[1])
    }

    private static func respond(_ client: Int32, status: String, message: String) {
        let body = """
            <!doctype html><html><head><meta charset="utf-8"><title>PortBooks</title></head>\
            <body><p>\(message)</p></body></html>
            """
        let response =
            "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\nCache-Control: no-store\r\n\r\n" + body
        let bytes = Array(response.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    private static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func failure(_ operation: String) -> QuickBooksFault {
        .fatal("the redirect listener could not \(operation): \(String(cString: strerror(errno)))")
    }
}
