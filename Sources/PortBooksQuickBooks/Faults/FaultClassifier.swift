import Foundation
import PortBooksHTTP
import PortBooksJSON

/// One error entry from any of Intuit's three error shapes.
public struct QuickBooksErrorEntry: Sendable, Hashable {
    /// Intuit's code without leading zeros ("3200", not "003200").
    public var code: String
    /// The short message.
    public var message: String
    /// The longer detail, if any.
    public var detail: String?
    /// The field path the error is about, if any.
    public var element: String?
}

/// Turns responses and transport errors into `QuickBooksFault` — the one place faults are
/// classified (reference/qbo-api.md §3; shared/PITFALLS.md 12).
///
/// Three body shapes are understood: the capitalised `{"Fault":{"Error":[…]}}` envelope, the
/// lower-case gateway envelope of 401/403 (`{"fault":{"error":[…]}}`), and the XML
/// `<IntuitResponse><Fault><Error code="3001">` body of throttling, which arrives even when JSON
/// was asked for. Classification is by status *and* body: a Fault can come with HTTP 200.
public enum FaultClassifier {
    /// The fault in `response`, or `nil` when it is a success (2xx without a Fault).
    public static func fault(in response: HTTPResponse) -> QuickBooksFault? {
        fault(in: response, entries: errorEntries(in: response.body))
    }

    /// The fault in `response` whose body the caller has already parsed as `json` (`nil` when
    /// it is not JSON): a success is then not parsed twice.
    public static func fault(in response: HTTPResponse, json: JSONValue?) -> QuickBooksFault? {
        guard let json else { return fault(in: response) }
        return fault(in: response, entries: entries(in: json))
    }

    private static func fault(in response: HTTPResponse, entries: [QuickBooksErrorEntry]) -> QuickBooksFault? {
        let status = response.status
        if status == 429 || entries.contains(where: { $0.code == "3001" || $0.message.contains("ThrottleExceeded") }) {
            return .transient(.throttled, attempts: 0)
        }
        if status == 401 || entries.contains(where: { $0.code == "3200" }) {
            // Gateway details echo token fragments ("Token expired: AB01…"): keep only the code.
            return .auth(code: entries.first?.code ?? "401", message: "AuthenticationFailed")
        }
        if status == 403 || entries.contains(where: { $0.code == "3100" || $0.code == "120" }) {
            return .auth(code: entries.first?.code ?? "403", message: "the app is not authorised for this company")
        }
        if status >= 500 {
            return .transient(.serverError(status: status, code: entries.first?.code), attempts: 0)
        }
        if let first = entries.first {
            return classify(first, status: status)
        }
        if (200..<300).contains(status) { return nil }
        return .fatal("QuickBooks answered HTTP \(status) without a fault body")
    }

    /// The fault of one Fault object (a batch item's `Fault`, or a top-level one), or `nil`.
    public static func fault(inFaultObject object: JSONValue) -> QuickBooksFault? {
        guard let first = entries(fromFault: object).first else { return nil }
        return classify(first, status: 200)
    }

    /// A transport failure as a fault; `nil` for cancellation, which is rethrown as is.
    public static func fault(for error: HTTPTransportError) -> QuickBooksFault? {
        switch error {
        case .cancelled: nil
        case .timedOut: .transient(.timedOut, attempts: 0)
        case .invalidRequest(let message): .fatal("invalid request: \(message)")
        default: .transient(.network(error.description), attempts: 0)
        }
    }

    static func classify(_ entry: QuickBooksErrorEntry, status: Int) -> QuickBooksFault {
        let detail = entry.detail.flatMap { $0.isEmpty ? nil : $0 }
        let element = entry.element.flatMap { $0.isEmpty ? nil : $0 }
        switch entry.code {
        case "3001":
            return .transient(.throttled, attempts: 0)
        case "10000":
            return .transient(.serverError(status: status, code: entry.code), attempts: 0)
        case "6000" where (detail ?? "").contains("-30000") || (detail ?? "").lowercased().contains("try again"):
            return .transient(.serverError(status: status, code: entry.code), attempts: 0)
        case "3200", "3100", "120":
            return .auth(code: entry.code, message: entry.message)
        case "500", "1040", "6190":
            return .fatal("QuickBooks error \(entry.code): \(entry.message)" + (detail.map { " — \($0)" } ?? ""))
        default:
            return .recordProblem(code: entry.code, message: entry.message, detail: detail, element: element)
        }
    }

    /// Every error entry in a body of any of the three shapes (empty when none).
    public static func errorEntries(in body: Data) -> [QuickBooksErrorEntry] {
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.first == UInt8(ascii: "<") {
            return xmlEntries(String(decoding: trimmed, as: UTF8.self))
        }
        guard let json = try? JSONValue.decode(Data(trimmed)) else { return [] }
        return entries(in: json)
    }

    private static func entries(in json: JSONValue) -> [QuickBooksErrorEntry] {
        guard let fault = json["Fault"] ?? json["fault"] else { return [] }
        return entries(fromFault: fault)
    }

    static func entries(fromFault fault: JSONValue) -> [QuickBooksErrorEntry] {
        let list = (fault["Error"] ?? fault["error"])?.arrayValue ?? []
        return list.map { item in
            QuickBooksErrorEntry(
                code: normalised(code: text(item["code"] ?? item["Code"])),
                message: text(item["Message"] ?? item["message"]),
                detail: (item["Detail"] ?? item["detail"])?.stringValue,
                element: (item["element"] ?? item["Element"])?.stringValue)
        }
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let string): string
        case .number(let number): "\(number)"
        default: ""
        }
    }

    private static func normalised(code: String) -> String {
        let stripped = code.drop { $0 == "0" }
        return stripped.isEmpty ? code : String(stripped)
    }

    /// Minimal scan of `<Error code="…"><Message>…</Message><Detail>…</Detail></Error>`.
    private static func xmlEntries(_ xml: String) -> [QuickBooksErrorEntry] {
        var entries: [QuickBooksErrorEntry] = []
        var rest = xml[...]
        while let start = rest.range(of: "<Error") {
            let afterStart = rest[start.upperBound...]
            let end = afterStart.range(of: "</Error>")?.lowerBound ?? afterStart.endIndex
            let element = afterStart[..<end]
            var code = ""
            if let codeStart = element.range(of: "code=\"") {
                code = String(element[codeStart.upperBound...].prefix { $0 != "\"" })
            }
            entries.append(
                QuickBooksErrorEntry(
                    code: normalised(code: code), message: tagText("Message", in: element) ?? "",
                    detail: tagText("Detail", in: element), element: nil))
            rest = afterStart[end...]
            if rest.isEmpty { break }
            rest = rest.dropFirst()
        }
        return entries
    }

    private static func tagText(_ tag: String, in text: Substring) -> String? {
        guard let open = text.range(of: "<\(tag)>"), let close = text[open.upperBound...].range(of: "</\(tag)>")
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
