import Foundation

/// Intuit's per-realm limits as sliding windows: 500 requests/minute (batches included),
/// 10 requests/second, 40 batch requests/minute, and at most 10 requests in flight.
///
/// Only accepted requests count toward a window, so a client that keeps under the limits
/// never sees a 429 and one that exceeds them sees exactly the excess refused. Every window
/// is `timeScale` times shorter than Intuit's (`--time-scale K`).
/// See https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
struct ThrottleWindows {
    static let perMinute = 500
    static let perSecond = 10
    static let batchesPerMinute = 40
    static let concurrent = 10

    var timeScale: Double
    private var minute: [Date] = []
    private var second: [Date] = []
    private var batches: [Date] = []

    init(timeScale: Double) {
        self.timeScale = timeScale
    }

    private static func prune(_ stamps: inout [Date], before cutoff: Date) {
        var drop = 0
        while drop < stamps.count, stamps[drop] <= cutoff { drop += 1 }
        if drop > 0 { stamps.removeFirst(drop) }
    }

    /// The limit a refused request broke (the key in `GET /_sandbox/stats` `throttledBy`).
    enum Refusal: String {
        case concurrent, perSecond, perMinute, batchesPerMinute
    }

    /// Records the request and returns nil when it is within every window, or the limit it
    /// would break.
    mutating func admit(now: Date, isBatch: Bool, inFlight: Int) -> Refusal? {
        if inFlight >= ThrottleWindows.concurrent { return .concurrent }
        ThrottleWindows.prune(&minute, before: now.addingTimeInterval(-60 / timeScale))
        ThrottleWindows.prune(&second, before: now.addingTimeInterval(-1 / timeScale))
        ThrottleWindows.prune(&batches, before: now.addingTimeInterval(-60 / timeScale))
        if minute.count >= ThrottleWindows.perMinute { return .perMinute }
        if second.count >= ThrottleWindows.perSecond { return .perSecond }
        if isBatch, batches.count >= ThrottleWindows.batchesPerMinute { return .batchesPerMinute }
        minute.append(now)
        second.append(now)
        if isBatch { batches.append(now) }
        return nil
    }
}

/// The throttle answer: XML even when JSON was asked for, HTTP 429, code 3001.
enum ThrottleReply {
    static func body(time: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <IntuitResponse time="\(time)" xmlns="http://schema.intuit.com/finance/v3"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>
        """
    }
}
