/// Every failure of the QuickBooks client, classified once into what the caller should do.
///
/// - `transient`: try later (5xx, timeouts, dropped connections, 429 throttling). After the
///   client's bounded retries it surfaces as "QuickBooks unreachable" (the CLI exits 75).
/// - `recordProblem`: QuickBooks refused this record (validation 2xxx/6xxx, 610, 5010 after its
///   one re-read, …); becomes a row in problems.csv with `code`.
/// - `auth`: the access token was refused even after a refresh, or the app lacks access;
///   `reconnectNeeded` when the refresh token itself is dead (`invalid_grant`).
/// - `fatal`: the client or its configuration is wrong (bad path, token file unwritable, …).
///
/// No case ever carries a token: gateway auth details (which echo token fragments) are dropped.
/// See https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
public enum QuickBooksFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// Try again later. `attempts` is how many times the request was sent (0 if unknown).
    case transient(TransientReason, attempts: Int)
    /// QuickBooks refused the record: `code` is Intuit's error code as a string ("6240").
    case recordProblem(code: String, message: String, detail: String?, element: String?)
    /// Authentication or authorization failed after the one refresh-and-retry.
    case auth(code: String, message: String)
    /// The refresh token is expired or revoked (`invalid_grant`): a person must reconnect.
    case reconnectNeeded(reason: String)
    /// A configuration or programming error; retrying cannot help.
    case fatal(String)

    /// The four classes a caller branches on.
    public enum Category: String, Sendable, Hashable {
        case transient, recordProblem, auth, fatal
    }

    /// Why a request is worth retrying.
    public enum TransientReason: Sendable, Hashable, CustomStringConvertible {
        /// HTTP 429 / ThrottleExceeded (3001).
        case throttled
        /// HTTP 5xx, or a Fault Intuit documents as retryable (10000, 6000 "-30000").
        case serverError(status: Int, code: String?)
        /// The connect or total timeout elapsed.
        case timedOut
        /// No response: connection refused, dropped, DNS, TLS.
        case network(String)

        public var description: String {
            switch self {
            case .throttled: "throttled by QuickBooks (429)"
            case .serverError(let status, let code):
                "server error HTTP \(status)" + (code.map { " (code \($0))" } ?? "")
            case .timedOut: "timed out"
            case .network(let message): message
            }
        }
    }

    /// The class of this fault.
    public var category: Category {
        switch self {
        case .transient: .transient
        case .recordProblem: .recordProblem
        case .auth, .reconnectNeeded: .auth
        case .fatal: .fatal
        }
    }

    /// Intuit's error code, where there is one.
    public var code: String? {
        switch self {
        case .recordProblem(let code, _, _, _), .auth(let code, _): code
        case .transient(.serverError(_, let code), _): code
        case .transient(.throttled, _): "3001"
        default: nil
        }
    }

    /// True for a stale SyncToken (5010), which the client answers by re-reading once.
    public var isStaleObject: Bool { code == "5010" && category == .recordProblem }

    public var description: String {
        switch self {
        case .transient(let reason, let attempts):
            attempts > 1
                ? "QuickBooks unreachable after \(attempts) attempts: \(reason)" : "QuickBooks unreachable: \(reason)"
        case .recordProblem(let code, let message, let detail, let element):
            "QuickBooks error \(code): \(message)" + (detail.map { " — \($0)" } ?? "")
                + (element.map { $0.isEmpty ? "" : " [\($0)]" } ?? "")
        case .auth(let code, let message):
            "QuickBooks refused the credentials (\(code)): \(message)"
        case .reconnectNeeded(let reason):
            "the QuickBooks connection has expired or was revoked (\(reason)): run `portbooks connect`"
        case .fatal(let message):
            message
        }
    }
}
