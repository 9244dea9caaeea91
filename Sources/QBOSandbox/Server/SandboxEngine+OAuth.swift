import Foundation
import PortBooksJSON

extension SandboxEngine {
    /// `GET /connect/oauth2`: auto-approves and redirects with `code`, `state`, `realmId`.
    /// A non-standard `realmId` parameter picks the company (default realm otherwise).
    func authorize(query: [String: String]) -> SandboxReply {
        guard let clientId = query["client_id"], oauth.clients[clientId] != nil else {
            return .text("invalid_client: unknown client_id", status: 400)
        }
        guard let redirect = query["redirect_uri"], !redirect.isEmpty else {
            return .text("The redirect_uri query parameter value is invalid.", status: 400)
        }
        guard query["response_type"] == "code" else {
            return .text("unsupported_response_type: response_type must be code", status: 400)
        }
        let realm = query["realmId"] ?? configuration.defaultRealm
        _ = company(realm)
        let code = oauth.issueCode(clientId: clientId, redirectUri: redirect, realmId: realm, now: now)
        var params = [("code", code)]
        if let state = query["state"] { params.append(("state", state)) }
        params.append(("realmId", realm))
        let encoded = params.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let location = redirect + (redirect.contains("?") ? "&" : "?") + encoded
        var reply = SandboxReply.text("Redirecting to \(location)", status: 302)
        reply.headers["Location"] = location
        return reply
    }

    /// `POST /oauth2/v1/tokens/bearer`.
    func token(authorization: String?, body: [UInt8]) -> SandboxReply {
        let form = Self.parseForm(String(decoding: body, as: UTF8.self))
        guard let client = oauth.authenticateClient(authorization: authorization, form: form) else {
            return .json(["error": "invalid_client"], status: 401)
        }
        let (status, json) = oauth.exchange(clientId: client, form: form, now: now)
        if let realm = json["realmId"]?.stringValue { _ = company(realm) }
        var reply = SandboxReply.json(json, status: status)
        reply.headers["Cache-Control"] = "no-cache, no-store"
        return reply
    }

    /// `POST /oauth2/v1/tokens/revoke` (and Intuit's `/v2/oauth2/tokens/revoke`).
    func revoke(authorization: String?, body: [UInt8], contentType: String?) -> SandboxReply {
        let text = String(decoding: body, as: UTF8.self)
        var form = Self.parseForm(text)
        if let obj = try? JSONValue.decode(body).objectValue, let t = obj["token"]?.stringValue { form["token"] = t }
        guard oauth.authenticateClient(authorization: authorization, form: form) != nil else {
            return .json(["error": "invalid_client"], status: 401)
        }
        guard let token = form["token"] else { return .json(["error": "invalid_request"], status: 400) }
        _ = oauth.revoke(token: token)
        return SandboxReply(status: 200, contentType: "application/json", body: [])
    }

    /// Decodes `a=b&c=d` with `+` as space.
    static func parseForm(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key =
                String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
            let raw = parts.count > 1 ? String(parts[1]) : ""
            out[key] = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        }
        return out
    }

    static func formEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
