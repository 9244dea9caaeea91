/// Where and how one `QuickBooksClient` talks to one company (realm).
public struct QuickBooksConfiguration: Sendable, Hashable {
    /// Intuit's production API base.
    public static let productionBaseURL = "https://quickbooks.api.intuit.com/v3"
    /// Intuit's sandbox-company API base.
    public static let sandboxBaseURL = "https://sandbox-quickbooks.api.intuit.com/v3"

    /// The API base up to and including `/v3` (a qbo-sandbox: `http://127.0.0.1:PORT/v3`).
    public var baseURL: String
    /// The company id.
    public var realmID: String
    /// Sent as `minorversion` on every call (75 is the oldest Intuit still honours).
    public var minorVersion: Int
    /// Retry budget and back-off for transient faults.
    public var retry: RetryPolicy
    /// Pacing limits (and the sandbox time scale).
    public var limits: PacingLimits

    /// Creates a configuration.
    public init(
        baseURL: String = QuickBooksConfiguration.productionBaseURL, realmID: String, minorVersion: Int = 75,
        retry: RetryPolicy = RetryPolicy(), limits: PacingLimits = .intuit
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.realmID = realmID
        self.minorVersion = minorVersion
        self.retry = retry
        self.limits = limits
    }
}

/// How transient faults are retried: every attempt with the same `requestid`, exponential
/// back-off with jitter (divided by the pacing time scale), at most `maxAttempts` sends.
/// A 429 instead pauses the whole realm for the throttle back-off (see `PacingLimits`).
public struct RetryPolicy: Sendable, Hashable {
    /// Sends per request, the first included.
    public var maxAttempts: Int
    /// The back-off before the second attempt; doubles each time.
    public var initialBackoff: Duration
    /// The longest back-off.
    public var maxBackoff: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 6, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The back-off after failed attempt `attempt` (1-based): full doubling, capped, with
    /// "equal jitter" (half fixed, half random) so retries of many requests spread out.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(initialBackoff * (1 << exponent), maxBackoff)
        return base / 2 + base / 2 * Double.random(in: 0...1)
    }
}
