/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
/// a tiny, fast, well-distributed generator, the same numbers for a seed on every machine.
///
/// The one seeded generator of the package: `portbooks generate` derives an independent stream
/// per record from it, qbo-sandbox draws its injected faults from it, and the fuzz tests their
/// cases. Not for anything secret.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state: a copy continues the same sequence.
    public var state: UInt64

    /// A generator that starts at `state`.
    public init(state: UInt64) {
        self.state = state
    }

    /// One independent stream per (seed, stream, index): record `index` of a generated export
    /// is the same whatever was generated before it, so an export is written as a stream.
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ stream &* 0xBF58_476D_1CE4_E5B9 ^ index &* 0x94D0_49BB_1331_11EB
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (0 for a bound under 1).
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(bound, 1)))
    }

    /// A value in `[0, 1)`.
    public mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && unit() < probability
    }
}
