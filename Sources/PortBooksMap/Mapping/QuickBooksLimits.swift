import Foundation
import PortBooksCore

/// QuickBooks Online field limits checked before sending (shared/reference/qbo-api.md §5).
public enum QuickBooksLimits {
    public static let docNumber = 21
    public static let lineDescription = 4000
    public static let customerMemo = 1000
    public static let privateNote = 4000
    public static let displayName = 500
    public static let companyName = 100
    public static let email = 100
    public static let phone = 30
    public static let addressLine = 500
    public static let city = 255
    public static let postalCode = 30
    /// Not stated in Intuit's reference; the limit the QuickBooks UI enforces.
    public static let customFieldValue = 31
    /// Not stated in Intuit's reference; QuickBooks' form field takes 21.
    public static let paymentRefNum = 21
    /// "Max 15 digits in 10.5 format": at most 10 integer digits.
    public static let maximumAmount = Decimal(string: "9999999999.99") ?? 0
    /// Characters QuickBooks refuses in names.
    public static let forbiddenNameCharacters: Set<Character> = [":", "\t", "\n", "\r", "\r\n"]

    /// "1,234" for messages.
    static func count(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0 && offset % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    /// A length problem, worded the same way for every field.
    static func tooLong(
        _ code: MappingProblem.Code, field: String, what: String, value: String, limit: Int, suggestion: String
    ) -> MappingProblem? {
        guard value.count > limit else { return nil }
        return MappingProblem(
            code: code, field: field,
            message: "\(what) is \(count(value.count)) characters long; QuickBooks allows at most \(count(limit)).",
            suggestion: suggestion)
    }
}
