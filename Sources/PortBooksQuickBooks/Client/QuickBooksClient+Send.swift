import Foundation
import PortBooksHTTP
import PortBooksJSON

extension QuickBooksClient {
    /// Sends one API call with pacing, retries, token refresh and fault classification, and
    /// returns the parsed JSON body.
    func send(
        _ method: HTTPMethod, _ path: String, extraQuery: [(String, String)] = [], body: JSONValue? = nil,
        requestID: RequestID? = nil, kind: RealmPacer.Kind = .single, permit: RealmPacer.Permit? = nil
    ) async throws -> JSONValue {
        try await send(
            method, path, extraQuery: extraQuery, encodedBody: body?.encoded(), requestID: requestID, kind: kind,
            permit: permit)
    }

    /// `send` with a body already serialised (a batch's items are serialised once, for its
    /// requestid and for the wire). `permit`, when given, is the pacer's admission for the
    /// first attempt, taken by the caller (``admit(_:)``) before it chose what to send; retries
    /// are admitted as usual.
    func send(
        _ method: HTTPMethod, _ path: String, extraQuery: [(String, String)] = [], encodedBody: Data?,
        requestID: RequestID? = nil, kind: RealmPacer.Kind = .single, permit: RealmPacer.Permit? = nil
    ) async throws -> JSONValue {
        var admitted = permit
        var query = extraQuery
        query.append(("minorversion", String(configuration.minorVersion)))
        if let requestID { query.append(("requestid", requestID.value)) }
        let url =
            "\(configuration.baseURL)/company/\(FormEncoding.percentEncode(configuration.realmID))/\(path)?"
            + FormEncoding.encode(query)
        let bodyData = encodedBody ?? Data()
        let retry = configuration.retry
        var token: SecretToken
        do {
            token = try await tokens.accessToken()
        } catch {
            if let permit { await pacer.unused(permit) }
            throw error
        }
        var refreshed = false
        var attempt = 0
        while true {
            attempt += 1
            var headers = HTTPHeaders([
                ("Accept", "application/json"), ("Authorization", "Bearer " + token.exposedValue),
            ])
            if encodedBody != nil { headers.add(name: "Content-Type", value: "application/json") }
            let request = HTTPRequest(method: method, url: url, headers: headers, body: bodyData)
            let fault: QuickBooksFault
            do {
                let given = admitted
                admitted = nil
                let response = try await paced(request, kind: kind, permit: given)
                logger.debug(
                    "\(request) → \(response.status)",
                    metadata: ["attempt": "\(attempt)", "requestid": "\(requestID?.value ?? "-")"])
                // Parsed once: a success's body is both checked for a Fault and returned.
                let json = try? JSONValue.decode(response.body)
                if let classified = FaultClassifier.fault(in: response, json: json) {
                    fault = classified
                } else if let json {
                    return json
                } else {
                    fault = .transient(.network("unreadable response body"), attempts: 0)
                }
            } catch let error as HTTPTransportError {
                logger.debug("\(request) failed: \(error)", metadata: ["attempt": "\(attempt)"])
                guard let classified = FaultClassifier.fault(for: error) else { throw CancellationError() }
                fault = classified
            }

            switch fault {
            case .auth(let code, _) where !refreshed && (code == "3200" || code == "401"):
                refreshed = true
                attempt -= 1  // the refresh-and-retry is not a transient retry
                token = try await tokens.tokenRejected(token)
            case .transient(.throttled, _):
                await pacer.throttled()
                guard attempt < retry.maxAttempts else {
                    throw QuickBooksFault.transient(.throttled, attempts: attempt)
                }
                logger.info("QuickBooks throttled the realm; pausing", metadata: ["attempt": "\(attempt)"])
            case .transient(let reason, _):
                guard attempt < retry.maxAttempts else { throw QuickBooksFault.transient(reason, attempts: attempt) }
                let delay = configuration.limits.scaled(retry.backoff(afterAttempt: attempt))
                logger.debug("retrying after \(reason)", metadata: ["attempt": "\(attempt)"])
                try await clock.sleep(until: clock.now() + delay)
            default:
                throw fault
            }
        }
    }

    /// One attempt through the pacer. Reads (lookups and queries, which pipelines wait on) are
    /// admitted before queued writes; the windows count the request from when its response
    /// arrived, not from when this task was next scheduled.
    private func paced(_ request: HTTPRequest, kind: RealmPacer.Kind, permit given: RealmPacer.Permit?) async throws
        -> HTTPResponse
    {
        let permit: RealmPacer.Permit
        if let given {
            permit = given
        } else {
            permit = try await pacer.acquire(kind, read: request.method == .get)
        }
        requests.increment()
        do {
            let response = try await transport.send(request)
            await pacer.release(permit, responseAt: response.receivedAt, serviceTime: Self.serviceTime(of: response))
            return response
        } catch {
            await pacer.release(permit)
            throw error
        }
    }

    /// The time QuickBooks says it spent on a request after counting it: the `total` of its
    /// `Service-Time` header (`total=161, db=57`, whole milliseconds), or nil without one.
    static func serviceTime(of response: HTTPResponse) -> Duration? {
        guard let header = response.headers["Service-Time"] else { return nil }
        for field in header.split(separator: ",") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "total",
                let milliseconds = Int64(parts[1].trimmingCharacters(in: .whitespaces)), milliseconds >= 0
            else { continue }
            return .milliseconds(milliseconds)
        }
        return nil
    }
}
