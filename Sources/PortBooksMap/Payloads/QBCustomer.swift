import PortBooksCore

/// The body of a QuickBooks Online `POST /customer` (Intuit API reference, Customer).
public struct QBCustomer: QuickBooksPayload {
    public static let entityName = "Customer"

    /// Unique across customers, vendors and employees; ≤ 500 characters, no `:`, tab or newline.
    public var displayName: String
    /// ≤ 100 characters.
    public var companyName: String?
    public var primaryEmailAddr: QBEmailAddress?
    public var primaryPhone: QBPhone?
    public var billAddr: QBAddress?
    /// Immutable once the customer exists in QuickBooks.
    public var currencyRef: QBValue?
    public var salesTermRef: QuickBooksReference?
    public var notes: String?

    public init(
        displayName: String, companyName: String? = nil, primaryEmailAddr: QBEmailAddress? = nil,
        primaryPhone: QBPhone? = nil, billAddr: QBAddress? = nil, currencyRef: QBValue? = nil,
        salesTermRef: QuickBooksReference? = nil, notes: String? = nil
    ) {
        self.displayName = displayName
        self.companyName = companyName
        self.primaryEmailAddr = primaryEmailAddr
        self.primaryPhone = primaryPhone
        self.billAddr = billAddr
        self.currencyRef = currencyRef
        self.salesTermRef = salesTermRef
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case displayName = "DisplayName"
        case companyName = "CompanyName"
        case primaryEmailAddr = "PrimaryEmailAddr"
        case primaryPhone = "PrimaryPhone"
        case billAddr = "BillAddr"
        case currencyRef = "CurrencyRef"
        case salesTermRef = "SalesTermRef"
        case notes = "Notes"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(displayName, forKey: .displayName)
        try container.encodeIfPresent(companyName, forKey: .companyName)
        try container.encodeIfPresent(primaryEmailAddr, forKey: .primaryEmailAddr)
        try container.encodeIfPresent(primaryPhone, forKey: .primaryPhone)
        try container.encodeIfPresent(billAddr, forKey: .billAddr)
        try container.encodeIfPresent(currencyRef, forKey: .currencyRef)
        try container.encodeIfPresent(salesTermRef, forKey: .salesTermRef)
        try container.encodeIfPresent(notes, forKey: .notes)
    }

    public mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void) {
        if var term = salesTermRef {
            body(&term)
            salesTermRef = term
        }
    }
}
