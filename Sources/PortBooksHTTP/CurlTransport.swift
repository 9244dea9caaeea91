import CCurl
import Foundation

/// `HTTPTransport` over libcurl easy handles (https://curl.se/libcurl/c/libcurl-easy.html).
///
/// Requests run on a bounded pool of worker threads, each owning one easy handle for its
/// whole life, so connections are kept alive and reused between requests
/// (`curl_easy_reset` keeps the connection cache). At most `maxConcurrentRequests` requests
/// are in flight; the rest wait in FIFO order. Every request has TLS peer and host
/// verification on, a connect and a total timeout, accepts gzip/deflate
/// (`CURLOPT_ACCEPT_ENCODING ""`), never follows redirects, and uses the proxy from the usual
/// environment variables (`http_proxy`, `https_proxy`, `no_proxy`; libcurl's default).
///
/// Thread-safety: `send(_:)` may be called from any number of tasks at once. Cancelling the
/// calling task aborts the transfer (`CURLOPT_XFERINFOFUNCTION`) and throws
/// `HTTPTransportError.cancelled`. Dropping the last reference stops the workers once their
/// current transfer ends.
public final class CurlTransport: HTTPTransport {
    /// Timeouts and concurrency for a transport.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connectTimeout: Duration
        /// Time allowed for a whole request (`CURLOPT_TIMEOUT_MS`); Intuit's server side gives up
        /// at 120 s, so waiting longer is pointless.
        public var totalTimeout: Duration
        /// Worker threads, hence easy handles and requests in flight.
        public var maxConcurrentRequests: Int
        /// A CA bundle to trust instead of the system's (`CURLOPT_CAINFO`), e.g. for a test server.
        public var caBundlePath: String?

        /// Creates a configuration; defaults suit QuickBooks Online.
        public init(
            connectTimeout: Duration = .seconds(15), totalTimeout: Duration = .seconds(120),
            maxConcurrentRequests: Int = 10, caBundlePath: String? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maxConcurrentRequests = max(1, maxConcurrentRequests)
            self.caBundlePath = caBundlePath
        }
    }

    private let pool: WorkerPool

    /// Creates a transport. Threads start lazily, on the first requests.
    public init(configuration: Configuration = Configuration()) {
        CurlGlobal.ensureInitialised()
        self.pool = WorkerPool(configuration: configuration)
    }

    deinit {
        pool.shutdown()
    }

    /// Sends `request` on a pooled easy handle. See `HTTPTransport.send(_:)`.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let job = TransferJob(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                if job.attach(continuation) {
                    pool.enqueue(job)
                }
            }
        } onCancel: {
            job.cancel()
        }
    }
}

/// `curl_global_init` exactly once per process (https://curl.se/libcurl/c/curl_global_init.html).
enum CurlGlobal {
    private static let initialised: Bool = portbooks_curl_global_init_all() == CURLE_OK

    static func ensureInitialised() {
        _ = initialised
    }
}

/// One request waiting for, or running on, a worker. Resumes its continuation exactly once.
final class TransferJob: @unchecked Sendable {
    private enum State {
        case created
        case queued(CheckedContinuation<HTTPResponse, Error>)
        case running(CheckedContinuation<HTTPResponse, Error>)
        case finished
    }

    let request: HTTPRequest
    private let lock = NSLock()
    private var state = State.created
    private var cancelled = false

    init(request: HTTPRequest) {
        self.request = request
    }

    /// Stores the continuation; returns false (having resumed it) if already cancelled.
    func attach(_ continuation: CheckedContinuation<HTTPResponse, Error>) -> Bool {
        lock.lock()
        if cancelled {
            state = .finished
            lock.unlock()
            continuation.resume(throwing: HTTPTransportError.cancelled)
            return false
        }
        state = .queued(continuation)
        lock.unlock()
        return true
    }

    /// Moves a queued job to running; false when it was cancelled while queued.
    func markRunning() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard case .queued(let continuation) = state else { return false }
        state = .running(continuation)
        return true
    }

    /// Whether the transfer should stop; polled from the progress callback.
    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    func cancel() {
        lock.lock()
        cancelled = true
        if case .queued(let continuation) = state {
            state = .finished
            lock.unlock()
            continuation.resume(throwing: HTTPTransportError.cancelled)
            return
        }
        lock.unlock()
    }

    func finish(_ result: Result<HTTPResponse, HTTPTransportError>) {
        lock.lock()
        guard case .running(let continuation) = state else {
            lock.unlock()
            return
        }
        state = .finished
        lock.unlock()
        continuation.resume(with: result.mapError { $0 as Error })
    }
}

/// A FIFO of jobs served by up to `maxConcurrentRequests` threads, each with its own handle.
final class WorkerPool: @unchecked Sendable {
    private let configuration: CurlTransport.Configuration
    private let condition = NSCondition()
    private var queue: [TransferJob] = []
    private var queueHead = 0
    private var threads = 0
    private var idle = 0
    private var stopping = false

    init(configuration: CurlTransport.Configuration) {
        self.configuration = configuration
    }

    func enqueue(_ job: TransferJob) {
        condition.lock()
        if stopping {
            condition.unlock()
            job.cancel()
            return
        }
        queue.append(job)
        let spawn = Self.needsThread(
            queued: queue.count - queueHead, idle: idle, threads: threads, limit: configuration.maxConcurrentRequests)
        if spawn { threads += 1 }
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in self.work() }
            thread.name = "portbooks-curl"
            thread.start()
        }
    }

    /// Whether a job just queued needs a new thread: when more jobs wait than threads are idle
    /// (and the limit allows). `idle` still counts a thread already signalled for an earlier job,
    /// so "no idle thread" alone left a second job queued behind the first whenever two came
    /// close together.
    static func needsThread(queued: Int, idle: Int, threads: Int, limit: Int) -> Bool {
        queued > idle && threads < limit
    }

    func shutdown() {
        condition.lock()
        stopping = true
        let pending = queue[queueHead...]
        queue = []
        queueHead = 0
        condition.broadcast()
        condition.unlock()
        for job in pending { job.cancel() }
    }

    private func next() -> TransferJob? {
        condition.lock()
        defer { condition.unlock() }
        while queueHead == queue.count && !stopping {
            idle += 1
            condition.wait()
            idle -= 1
        }
        if stopping {
            threads -= 1
            return nil
        }
        let job = queue[queueHead]
        queueHead += 1
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return job
    }

    private func work() {
        let handle = EasyHandle()
        while let job = next() {
            guard job.markRunning() else { continue }
            guard let handle else {
                job.finish(.failure(.failed("curl_easy_init returned NULL")))
                continue
            }
            job.finish(handle.perform(job, configuration: configuration))
        }
    }
}
