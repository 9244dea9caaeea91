import Foundation
import PortBooksJSON

extension QuickBooksClient {
    /// Reads the company's `CompanyInfo` — the cheapest read that proves the API answers, the
    /// token is accepted and the realm is the one connected — and QuickBooks' clock: the `time`
    /// every response carries (`nil` when the answer had none).
    /// `GET /company/{realm}/companyinfo/{realm}`
    public func companyInfo() async throws -> (info: JSONValue, serverTime: Date?) {
        let response = try await send(.get, "companyinfo/\(FormEncoding.percentEncode(configuration.realmID))")
        let info = try Self.member("CompanyInfo", of: response)
        return (info, response["time"]?.stringValue.flatMap(Self.responseTime))
    }

    /// `2026-12-01T13:36:07.123-08:00` (with or without the fraction).
    static func responseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
