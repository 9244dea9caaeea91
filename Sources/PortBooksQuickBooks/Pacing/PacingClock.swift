/// The time source of the pacer and the retry backoff, injectable so tests can run hours of
/// pacing in microseconds.
public protocol PacingClock: Sendable {
    /// Time since an arbitrary fixed origin.
    func now() -> Duration
    /// Suspends until `now() >= deadline` (returns at once if it already is).
    func sleep(until deadline: Duration) async throws
    /// `instant` on this clock, if this clock runs on `ContinuousClock` (the real one does).
    func time(of instant: ContinuousClock.Instant) -> Duration?
}

extension PacingClock {
    public func time(of instant: ContinuousClock.Instant) -> Duration? { nil }
}

/// The real clock: `ContinuousClock`.
public struct SystemPacingClock: PacingClock {
    private let origin = ContinuousClock.now

    /// Creates a clock whose origin is now.
    public init() {}

    public func now() -> Duration { origin.duration(to: ContinuousClock.now) }

    public func time(of instant: ContinuousClock.Instant) -> Duration? { origin.duration(to: instant) }

    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin + deadline, clock: .continuous)
    }
}
