/// Counters behind `GET /_sandbox/stats`.
struct SandboxStats {
    var requests = 0
    var writes = 0
    var reads = 0
    var throttled = 0
    var peakConcurrency = 0
    var byRoute: [String: Int] = [:]
    /// 429s by the limit broken: concurrent, perSecond, perMinute, batchesPerMinute, injected.
    var throttledBy: [String: Int] = [:]
}
