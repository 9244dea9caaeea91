/// A PortPro organization billed as a customer (`customers[]`, docs/FORMAT.md).
public struct Customer: Hashable, Sendable, Codable {
    /// Payment terms on a customer profile (`defaultPaymentTerms`).
    public struct PaymentTerms: Hashable, Sendable, Codable {
        public var paymentTermsMethod: String?
        public var days: Int?

        public init(paymentTermsMethod: String? = nil, days: Int? = nil) {
            self.paymentTermsMethod = paymentTermsMethod
            self.days = days
        }
    }

    public var id: String
    public var companyName: String
    /// PortPro's "QuickBooks Email": the key QuickBooks customers are matched by.
    public var quickbooksEmail: String?
    public var billingEmail: String?
    public var mainContactName: String?
    public var mobile: String?
    public var address1: String?
    public var city: String?
    public var state: String?
    public var country: String?
    public var zipCode: String?
    public var currency: String?
    public var defaultPaymentTerms: PaymentTerms?
    public var externalSystemID: String?

    public init(
        id: String, companyName: String, quickbooksEmail: String? = nil, billingEmail: String? = nil,
        mainContactName: String? = nil, mobile: String? = nil, address1: String? = nil, city: String? = nil,
        state: String? = nil, country: String? = nil, zipCode: String? = nil, currency: String? = nil,
        defaultPaymentTerms: PaymentTerms? = nil, externalSystemID: String? = nil
    ) {
        self.id = id
        self.companyName = companyName
        self.quickbooksEmail = quickbooksEmail
        self.billingEmail = billingEmail
        self.mainContactName = mainContactName
        self.mobile = mobile
        self.address1 = address1
        self.city = city
        self.state = state
        self.country = country
        self.zipCode = zipCode
        self.currency = currency
        self.defaultPaymentTerms = defaultPaymentTerms
        self.externalSystemID = externalSystemID
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case companyName = "company_name"
        case quickbooksEmail, billingEmail
        case mainContactName = "main_contact_name"
        case mobile, address1, city, state, country
        case zipCode = "zip_code"
        case currency, defaultPaymentTerms, externalSystemID
    }
}

/// The light customer reference PortPro embeds in invoices, payments and credit memos (`caller`).
public struct CustomerRef: Hashable, Sendable, Codable {
    public var id: String
    public var companyName: String
    public var currency: String?

    public init(id: String, companyName: String, currency: String? = nil) {
        self.id = id
        self.companyName = companyName
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case companyName = "company_name"
        case currency
    }
}
