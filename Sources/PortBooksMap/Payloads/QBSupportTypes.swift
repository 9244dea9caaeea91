import PortBooksCore

/// `CustomField` on a sales form: QuickBooks' REST API takes at most three `StringType` fields.
///
/// `DefinitionId` comes from the company's `Preferences` at push time: the field is resolved by
/// its name (``PendingReference/Kind/customFieldDefinition``) and `DefinitionId` is only written
/// once known.
public struct QBCustomField: Hashable, Sendable, Encodable {
    public var definition: QuickBooksReference
    public var name: String
    public var stringValue: String

    public init(name: String, stringValue: String) {
        self.definition = .unresolved(.customFieldDefinition, key: name)
        self.name = name
        self.stringValue = stringValue
    }

    enum CodingKeys: String, CodingKey {
        case definitionID = "DefinitionId"
        case name = "Name"
        case type = "Type"
        case stringValue = "StringValue"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(definition.value, forKey: .definitionID)
        try container.encode(name, forKey: .name)
        try container.encode("StringType", forKey: .type)
        try container.encode(stringValue, forKey: .stringValue)
    }
}

/// `{ "value": … }`: QuickBooks' `MemoRef` (`CustomerMemo`) and `CurrencyRef` by code.
public struct QBValue: Hashable, Sendable, Encodable {
    public var value: String

    public init(_ value: String) {
        self.value = value
    }
}

/// `PrimaryEmailAddr`: `{ "Address": … }`.
public struct QBEmailAddress: Hashable, Sendable, Encodable {
    public var address: String

    public init(_ address: String) {
        self.address = address
    }

    enum CodingKeys: String, CodingKey {
        case address = "Address"
    }
}

/// `PrimaryPhone`: `{ "FreeFormNumber": … }`.
public struct QBPhone: Hashable, Sendable, Encodable {
    public var freeFormNumber: String

    public init(_ number: String) {
        self.freeFormNumber = number
    }

    enum CodingKeys: String, CodingKey {
        case freeFormNumber = "FreeFormNumber"
    }
}

/// `PhysicalAddress` (`BillAddr`).
public struct QBAddress: Hashable, Sendable, Encodable {
    public var line1: String?
    public var city: String?
    public var countrySubDivisionCode: String?
    public var postalCode: String?
    public var country: String?

    public init(
        line1: String? = nil, city: String? = nil, countrySubDivisionCode: String? = nil, postalCode: String? = nil,
        country: String? = nil
    ) {
        self.line1 = line1
        self.city = city
        self.countrySubDivisionCode = countrySubDivisionCode
        self.postalCode = postalCode
        self.country = country
    }

    /// Whether no part of the address is known.
    public var isEmpty: Bool {
        [line1, city, countrySubDivisionCode, postalCode, country].allSatisfy { $0 == nil }
    }

    enum CodingKeys: String, CodingKey {
        case line1 = "Line1"
        case city = "City"
        case countrySubDivisionCode = "CountrySubDivisionCode"
        case postalCode = "PostalCode"
        case country = "Country"
    }
}
