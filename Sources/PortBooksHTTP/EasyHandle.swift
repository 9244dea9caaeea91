import CCurl
import Foundation

/// Owns one libcurl easy handle (https://curl.se/libcurl/c/curl_easy_init.html) and its error
/// buffer; frees both in `deinit`. Used by one worker thread at a time.
final class EasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one transfer to completion on the calling thread.
    func perform(
        _ job: TransferJob, configuration: CurlTransport.Configuration
    ) -> Result<HTTPResponse, HTTPTransportError> {
        let request = job.request
        // Keeps live connections, the DNS and TLS session caches; clears every option.
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let accumulator = TransferAccumulator(job: job)
        accumulator.upload = request.body
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        do {
            try configure(request, configuration: configuration)
            headerList = makeHeaderList(request.headers)
            try check(portbooks_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            let userData = Unmanaged.passUnretained(accumulator).toOpaque()
            try installCallbacks(userData: userData)
            let code = withExtendedLifetime(accumulator) { curl_easy_perform(handle) }
            let receivedAt = ContinuousClock.now
            if code != CURLE_OK {
                if code == CURLE_ABORTED_BY_CALLBACK && job.isCancelled { throw HTTPTransportError.cancelled }
                throw mapError(code)
            }
            var status = 0
            try check(portbooks_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
            return .success(
                HTTPResponse(
                    status: status, headers: accumulator.headers, body: accumulator.body, receivedAt: receivedAt))
        } catch let error as HTTPTransportError {
            return .failure(error)
        } catch {
            return .failure(.failed("\(error)"))
        }
    }

    private func configure(_ request: HTTPRequest, configuration: CurlTransport.Configuration) throws {
        try check(portbooks_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try setString(CURLOPT_URL, request.url)
        try setLong(CURLOPT_NOSIGNAL, 1)  // required with threads
        try setLong(CURLOPT_FOLLOWLOCATION, 0)
        try setLong(CURLOPT_SSL_VERIFYPEER, 1)
        try setLong(CURLOPT_SSL_VERIFYHOST, 2)
        if let path = configuration.caBundlePath { try setString(CURLOPT_CAINFO, path) }
        try setString(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        try setLong(CURLOPT_TCP_KEEPALIVE, 1)
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        try setLong(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? configuration.totalTimeout))
        switch request.method {
        case .get where request.body.isEmpty:
            try setLong(CURLOPT_HTTPGET, 1)
        case .post:
            try setBody(request.body)
        default:
            try setString(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            if !request.body.isEmpty { try setBody(request.body) }
        }
    }

    private func setBody(_ body: Data) throws {
        try setLong(CURLOPT_POST, 1)
        try check(portbooks_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        if body.isEmpty {
            try setString(CURLOPT_COPYPOSTFIELDS, "")
        }
        // Otherwise the body is read through CURLOPT_READFUNCTION (installCallbacks), with no
        // seek function on purpose. When a reused connection closes before any answer, libcurl
        // silently sends the request again on a new one if it can rewind the body; the server
        // may have received (and committed) the first, so that resend would be an arrival the
        // pacer never admitted, and the realm's windows could overflow (found by the sandbox's
        // commit-then-drop faults). Unable to rewind, libcurl fails the transfer instead
        // (CURLE_SEND_FAIL_REWIND), and the client resends it, paced, with the same requestid.
    }

    private func makeHeaderList(_ headers: HTTPHeaders) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for field in headers {
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        if headers["Expect"] == nil {
            list = curl_slist_append(list, "Expect:")  // no 100-continue round trip
        }
        return list
    }

    private func installCallbacks(userData: UnsafeMutableRawPointer) throws {
        try check(
            portbooks_curl_setopt_io_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userData in
                guard let data, let userData else { return 0 }
                let accumulator = Unmanaged<TransferAccumulator>.fromOpaque(userData).takeUnretainedValue()
                let length = size * count
                accumulator.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
                return length
            })
        try check(portbooks_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, userData))
        try check(
            portbooks_curl_setopt_io_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, userData in
                guard let data, let userData else { return 0 }
                let accumulator = Unmanaged<TransferAccumulator>.fromOpaque(userData).takeUnretainedValue()
                let length = size * count
                let line = String(
                    decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
                accumulator.headerLine(line)
                return length
            })
        try check(portbooks_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, userData))
        try check(
            portbooks_curl_setopt_io_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, userData in
                guard let buffer, let userData else { return 0 }
                let accumulator = Unmanaged<TransferAccumulator>.fromOpaque(userData).takeUnretainedValue()
                return accumulator.readUpload(into: buffer, capacity: size * count)
            })
        try check(portbooks_curl_setopt_pointer(handle, CURLOPT_READDATA, userData))
        try setLong(CURLOPT_NOPROGRESS, 0)
        try check(
            portbooks_curl_setopt_xferinfo_callback(handle) { userData, _, _, _, _ in
                guard let userData else { return 0 }
                let accumulator = Unmanaged<TransferAccumulator>.fromOpaque(userData).takeUnretainedValue()
                return accumulator.job.isCancelled ? 1 : 0
            })
        try check(portbooks_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, userData))
    }

    private func setLong(_ option: CURLoption, _ value: Int) throws {
        try check(portbooks_curl_setopt_long(handle, option, value))
    }

    private func setString(_ option: CURLoption, _ value: String) throws {
        try check(value.withCString { portbooks_curl_setopt_string(handle, option, $0) })
    }

    /// The one place a `CURLcode` is inspected.
    private func check(_ code: CURLcode) throws {
        if code != CURLE_OK { throw mapError(code) }
    }

    private func mapError(_ code: CURLcode) -> HTTPTransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .hostNotFound(detail)
        case CURLE_COULDNT_CONNECT:
            return .connectionFailed(detail)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return .connectionDropped(detail)
        case CURLE_SEND_FAIL_REWIND:
            // A reused connection closed before any answer; see setBody.
            return .connectionDropped("the connection closed before QuickBooks answered")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tlsFailure(detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION:
            return .invalidRequest(detail)
        default:
            return .failed(detail)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// What the callbacks write into during one transfer; reached through `Unmanaged` user data.
final class TransferAccumulator {
    let job: TransferJob
    var body = Data()
    var headers = HTTPHeaders()
    /// The request body, sent through CURLOPT_READFUNCTION, and how much of it has been sent.
    var upload = Data()
    private var uploaded = 0

    init(job: TransferJob) {
        self.job = job
    }

    /// Copies the next bytes of the body into libcurl's buffer; 0 at the end.
    func readUpload(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let length = min(capacity, upload.count - uploaded)
        guard length > 0 else { return 0 }
        upload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: bytes.baseAddress!.advanced(by: uploaded), byteCount: length)
        }
        uploaded += length
        return length
    }

    func headerLine(_ raw: String) {
        let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()  // a new response (after 100 Continue or a proxy CONNECT)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.add(name: name, value: value)
    }
}
