import Foundation

/// Injected trouble, set with `POST /_sandbox/faults`: probabilities per API request of a
/// server error, a throttle answer, or committing a write and then closing the connection
/// without answering; plus added latency. Draws come from a seeded generator, so a run
/// with the same seed and the same request sequence sees the same faults.
struct FaultSettings: Equatable {
    var serverError: Double = 0
    var dropAfterCommit: Double = 0
    var throttle: Double = 0
    var latencyMs: Int = 0
    var seed: UInt64 = 0

    var json: JSONValue {
        [
            "serverError": .number(Decimal(serverError)), "dropAfterCommit": .number(Decimal(dropAfterCommit)),
            "throttle": .number(Decimal(throttle)), "latencyMs": .number(Decimal(latencyMs)),
            "seed": .number(Decimal(seed)),
        ]
    }

    /// Applies the members present in a request body; others keep their value.
    mutating func apply(_ body: JSONObject) throws(QBOFault) {
        func probability(_ key: String) throws(QBOFault) -> Double? {
            guard let v = body[key] else { return nil }
            guard let d = v.decimalValue, d >= 0, d <= 1 else {
                throw QBOFault(code: "2010", message: "Invalid fault setting", detail: "\(key) must be between 0 and 1")
            }
            return NSDecimalNumber(decimal: d).doubleValue
        }
        if let p = try probability("serverError") { serverError = p }
        if let p = try probability("dropAfterCommit") { dropAfterCommit = p }
        if let p = try probability("throttle") { throttle = p }
        if let v = body["latencyMs"]?.decimalValue { latencyMs = max(0, NSDecimalNumber(decimal: v).intValue) }
        if let v = body["seed"]?.decimalValue { seed = UInt64(max(0, NSDecimalNumber(decimal: v).int64Value)) }
    }
}

/// SplitMix64: small, fast, seedable.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        guard p > 0 else { return false }
        return Double(next() >> 11) / Double(1 << 53) < p
    }
}

/// Counters behind `GET /_sandbox/stats`.
struct SandboxStats {
    var requests = 0
    var writes = 0
    var reads = 0
    var throttled = 0
    var peakConcurrency = 0
    var byRoute: [String: Int] = [:]
}
