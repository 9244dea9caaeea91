/// Intuit's per-realm limits the pacer keeps under, all at once
/// (https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles;
/// reference/qbo-api.md §4).
///
/// The ceiling for single requests is `requestsPerMinute` (500/min ≈ 8.3/s, below the 10/s
/// limit); batches count once in it and also against `batchesPerMinute`, so 40 batches of 30
/// plus 460 single calls is the most a minute can carry. `timeScale` divides every window
/// (and the 429 back-off) to match a qbo-sandbox started with `--time-scale K`.
public struct PacingLimits: Sendable, Hashable {
    /// Requests (batches included) per sliding minute.
    public var requestsPerMinute: Int
    /// Requests per sliding second.
    public var requestsPerSecond: Int
    /// Batch requests per sliding minute.
    public var batchesPerMinute: Int
    /// Requests in flight at once.
    public var maxInFlight: Int
    /// Windows are divided by this (≥ 1 speeds time up).
    public var timeScale: Double
    /// Windows are stretched by this fraction. The pacer already counts a request until its
    /// response is read, so network delay cannot tip a window over; this only covers the
    /// server's clock running a little faster than ours (0.5% costs 0.5% of throughput).
    public var safetyMargin: Double
    /// A fixed stretch added to every window, for the same reason (not scaled).
    public var safetySlack: Duration
    /// How long to pause everything after a 429 (Intuit: 60 s), before scaling.
    public var throttleBackoff: Duration

    /// Intuit's production limits.
    public static let intuit = PacingLimits()

    /// Creates limits; defaults are Intuit's.
    public init(
        requestsPerMinute: Int = 500, requestsPerSecond: Int = 10, batchesPerMinute: Int = 40, maxInFlight: Int = 10,
        timeScale: Double = 1, safetyMargin: Double = 0.005, safetySlack: Duration = .zero,
        throttleBackoff: Duration = .seconds(60)
    ) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.requestsPerSecond = max(1, requestsPerSecond)
        self.batchesPerMinute = max(1, batchesPerMinute)
        // Never more in flight than any window holds, so an admission can always be booked.
        self.maxInFlight = max(1, min(maxInFlight, self.requestsPerSecond, self.batchesPerMinute))
        self.timeScale = timeScale > 0 ? timeScale : 1
        self.safetyMargin = max(0, safetyMargin)
        self.safetySlack = safetySlack
        self.throttleBackoff = throttleBackoff
    }

    /// Single requests per sliding minute: what the batches leave of `requestsPerMinute`
    /// (Intuit's 500 less 40), so that a stream of lookups and payments never delays a batch.
    public var singlesPerMinute: Int {
        max(1, requestsPerMinute - batchesPerMinute)
    }

    /// The effective (scaled, stretched) length of a window of `nominal`.
    func window(_ nominal: Duration) -> Duration {
        nominal * ((1 + safetyMargin) / timeScale) + safetySlack
    }

    /// The scaled length of `duration` (for back-offs).
    func scaled(_ duration: Duration) -> Duration {
        duration * (1 / timeScale)
    }
}
