import PortBooksCore

/// Why a record cannot be sent as it is: found before anything goes to QuickBooks.
///
/// `code` is stable (docs/MAPPING.md "Problem codes"; the `problem_code` column of
/// problems.csv); `message` is written for an accountant and names the field, the value's
/// length and the limit; `suggestion` is the likely fix.
public struct MappingProblem: Hashable, Sendable, Codable {
    /// The stable problem codes of mapping.
    public enum Code: String, Hashable, Sendable, Codable, CaseIterable {
        case docNumberTooLong = "doc-number-too-long"
        case descriptionTooLong = "description-too-long"
        case customerMemoTooLong = "customer-memo-too-long"
        case privateNoteTooLong = "private-note-too-long"
        case customFieldTooLong = "custom-field-too-long"
        case invalidDisplayName = "invalid-display-name"
        case displayNameTooLong = "display-name-too-long"
        case invalidEmail = "invalid-email"
        case phoneTooLong = "phone-too-long"
        case addressTooLong = "address-too-long"
        case unmappedChargeCode = "unmapped-charge-code"
        case totalMismatch = "total-mismatch"
        case amountPrecision = "amount-precision"
        case amountOutOfRange = "amount-out-of-range"
        case paymentApplicationMismatch = "payment-application-mismatch"
        case paymentRefTooLong = "payment-ref-too-long"
        case nonPositiveAmount = "non-positive-amount"
        case emptyPricing = "empty-pricing"
    }

    public var code: Code
    /// The QuickBooks field, with its position: `Line[3].Description`, `DocNumber`.
    public var field: String
    public var message: String
    public var suggestion: String

    public init(code: Code, field: String, message: String, suggestion: String) {
        self.code = code
        self.field = field
        self.message = message
        self.suggestion = suggestion
    }
}

/// What a mapper made of one PortPro record: the QuickBooks payload, and what stops it being sent.
///
/// A record with problems must not be pushed; the payload is kept so a person (or `map`) can
/// see everything else that would be sent.
public struct MappedRecord<Payload: Hashable & Sendable & Encodable>: Hashable, Sendable {
    public var payload: Payload
    public var problems: [MappingProblem]

    public init(payload: Payload, problems: [MappingProblem]) {
        self.payload = payload
        self.problems = problems
    }

    /// Whether the payload can be pushed (after its references are resolved).
    public var isClean: Bool { problems.isEmpty }
}
