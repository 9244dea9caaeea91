import Foundation
import PortBooksJSON

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
            guard let d = v.looseDecimal, d >= 0, d <= 1 else {
                throw QBOFault(code: "2010", message: "Invalid fault setting", detail: "\(key) must be between 0 and 1")
            }
            return NSDecimalNumber(decimal: d).doubleValue
        }
        if let p = try probability("serverError") { serverError = p }
        if let p = try probability("dropAfterCommit") { dropAfterCommit = p }
        if let p = try probability("throttle") { throttle = p }
        if let v = body["latencyMs"]?.looseDecimal { latencyMs = max(0, NSDecimalNumber(decimal: v).intValue) }
        if let v = body["seed"]?.looseDecimal { seed = UInt64(max(0, NSDecimalNumber(decimal: v).int64Value)) }
    }
}
