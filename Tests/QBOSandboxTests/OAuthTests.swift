import Foundation
import Testing

@testable import QBOSandbox

/// Authorization-code flow, rotating refresh tokens, revoke, and the 401 gateway body.
@Suite struct OAuthTests {
    static let basic = "Basic " + Data("portbooks-demo:portbooks-demo-secret".utf8).base64EncodedString()

    static func form(_ api: Sandbox, _ body: String, authorization: String = basic) async throws -> Reply {
        try await api.call(
            .post, "/oauth2/v1/tokens/bearer", body: body, contentType: "application/x-www-form-urlencoded",
            authorization: authorization)
    }

    @Test func authorizationCodeFlowWithRotatingRefreshTokens() async throws {
        try await withSandbox { api in
            let auth = try await api.call(
                .get,
                "/connect/oauth2?client_id=portbooks-demo&response_type=code&scope=com.intuit.quickbooks.accounting&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback&state=xyz",
                auth: false)
            #expect(auth.status == 302)
            let location = try #require(auth.headers[.location])
            #expect(location.hasPrefix("http://localhost:8765/callback?code="))
            #expect(location.contains("&state=xyz&realmId=9341453050000000"))
            let comps = try #require(URLComponents(string: location))
            let code = try #require(comps.queryItems?.first { $0.name == "code" }?.value)

            let redirect = "redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback"
            let tokens = try await Self.form(api, "grant_type=authorization_code&code=\(code)&\(redirect)")
            #expect(tokens.status == 200)
            #expect(tokens.json["token_type"] == "bearer")
            #expect(tokens.json["expires_in"]?.decimalValue == 3600)
            let access = try #require(tokens.json["access_token"]?.stringValue)
            let refresh = try #require(tokens.json["refresh_token"]?.stringValue)
            let reused = try await Self.form(api, "grant_type=authorization_code&code=\(code)&\(redirect)")
            #expect(reused.status == 400)
            #expect(reused.json["error"] == "invalid_grant")

            let ok = try await api.call(
                .get, "/v3/company/\(Sandbox.realm)/customer/1", authorization: "Bearer \(access)")
            #expect(ok.status == 200)

            let refreshed = try await Self.form(api, "grant_type=refresh_token&refresh_token=\(refresh)")
            #expect(refreshed.status == 200)
            let newRefresh = try #require(refreshed.json["refresh_token"]?.stringValue)
            #expect(newRefresh != refresh)
            let superseded = try await Self.form(api, "grant_type=refresh_token&refresh_token=\(refresh)")
            #expect(superseded.json["error"] == "invalid_grant")

            let wrongSecret = "Basic " + Data("portbooks-demo:nope".utf8).base64EncodedString()
            let badClient = try await Self.form(
                api, "grant_type=refresh_token&refresh_token=\(newRefresh)", authorization: wrongSecret)
            #expect(badClient.status == 401)
            #expect(badClient.json["error"] == "invalid_client")

            let revoke = try await api.call(
                .post, "/oauth2/v1/tokens/revoke", body: #"{"token":"\#(newRefresh)"}"#, authorization: Self.basic)
            #expect(revoke.status == 200)
            let afterRevoke = try await Self.form(api, "grant_type=refresh_token&refresh_token=\(newRefresh)")
            #expect(afterRevoke.json["error"] == "invalid_grant")
            let newAccess = try #require(refreshed.json["access_token"]?.stringValue)
            let denied = try await api.call(
                .get, "/v3/company/\(Sandbox.realm)/customer/1", authorization: "Bearer \(newAccess)")
            #expect(denied.status == 401)
        }
    }

    @Test func testAPICanExpireAccessTokens() async throws {
        try await withSandbox { api in
            #expect(try await api.get("customer/1").status == 200)
            _ = try await api.sandbox(.post, "tokens/expire")
            let r = try await api.get("customer/1")
            #expect(r.status == 401)
            #expect(r.json["fault"]?["error"]?.arrayValue?.first?["code"] == "3200")
        }
    }

    @Test func registeredClientsCanAuthorize() async throws {
        try await withSandbox { api in
            let reg = try await api.sandbox(.post, "clients", body: #"{"client_id":"acme","client_secret":"s3cret"}"#)
            #expect(reg.status == 201)
            let auth = try await api.call(
                .get, "/connect/oauth2?client_id=acme&response_type=code&redirect_uri=http://x/cb&state=s&realmId=555",
                auth: false)
            #expect(auth.headers[.location]?.contains("realmId=555") == true)
            let unknown = try await api.call(
                .get, "/connect/oauth2?client_id=ghost&response_type=code&redirect_uri=http://x/cb", auth: false)
            #expect(unknown.status == 400)
        }
    }

    @Test func missingOrExpiredTokensGetTheGatewayBody() async throws {
        let clock = ManualClock()
        try await withSandbox(SandboxConfiguration(enforceLimits: false, clock: clock)) { api in
            let missing = try await api.call(.get, "/v3/company/\(Sandbox.realm)/customer/1", auth: false)
            #expect(missing.status == 401)
            #expect(missing.json["fault"]?["error"]?.arrayValue?.first?["code"] == "3200")
            #expect(missing.json["fault"]?["type"] == "AUTHENTICATION")
            #expect(missing.json["time"]?.decimalValue != nil)
            clock.advance(by: 3599)
            #expect(try await api.get("customer/1").status == 200)
            clock.advance(by: 2)
            let expired = try await api.get("customer/1")
            #expect(expired.status == 401)
            #expect(
                expired.json["fault"]?["error"]?.arrayValue?.first?["detail"]?.stringValue?.hasPrefix("Token expired")
                    == true)
        }
    }
}
