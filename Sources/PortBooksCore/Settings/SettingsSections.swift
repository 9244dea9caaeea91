import Foundation

/// `[quickbooks]`: where and as whom to connect. Never holds a secret.
public struct QuickBooksConnectionSettings: Hashable, Sendable {
    /// `sandbox` or `production`.
    public enum Environment: String, Hashable, Sendable, CaseIterable {
        case sandbox, production
    }

    public var environment: Environment = .production
    /// The API base, up to and including `/v3` (`https://quickbooks.api.intuit.com/v3`).
    public var baseURL = "https://quickbooks.api.intuit.com/v3"
    /// The company id; empty until `portbooks connect` has run.
    public var realmID = ""
    public var minorVersion = 75
    public var clientID = ""
    public var redirectURI = "http://localhost:8765/callback"
    public var authURL = "https://appcenter.intuit.com/connect/oauth2"
    public var tokenURL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    public var revokeURL = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
    /// Where tokens are kept (mode 0600), relative to the settings file.
    public var tokenFile = "state/tokens.json"
    /// The client secret's file (mode 0600); the `PORTBOOKS_CLIENT_SECRET` variable wins over it.
    public var clientSecretFile = "state/client-secret"

    public init() {}
}

/// `[folders]`: the drop-folder layout, relative to the settings file's folder.
public struct FolderSettings: Hashable, Sendable {
    public var inbox = "inbox"
    public var resolutions = "resolutions"
    public var archive = "archive"
    public var rejected = "rejected"
    public var reports = "reports"
    public var state = "state"

    public init() {}
}

/// `[sync]`: what syncs at all (PortPro: "Invoices will not sync unless the box here is checked").
public struct SyncSettings: Hashable, Sendable {
    public var customers = true
    public var invoices = true
    public var payments = true
    public var creditMemos = true
    /// Compare the ledger with QuickBooks (CDC) before pushing.
    public var reconcileFirst = false

    public init() {}

    /// Whether records of `kind` are pushed.
    public func isEnabled(_ kind: RecordKind) -> Bool {
        switch kind {
        case .customer: customers
        case .invoice: invoices
        case .payment: payments
        case .creditMemo: creditMemos
        }
    }
}

/// `[push]`: how the push sends its creates.
public struct PushSettings: Hashable, Sendable {
    /// Records go as single requests beside the batches when the batches' 40 a minute are
    /// full (the most records a minute: 1,660); `false` sends every create in a batch of up
    /// to 30 (the fewest requests, at most 1,200 records a minute).
    public var singleRequests = true

    public init() {}
}

/// `[customers]`: matching and creating QuickBooks customers.
public struct CustomerSettings: Hashable, Sendable {
    /// A way to find an existing QuickBooks customer, tried in order.
    public enum Match: String, Hashable, Sendable, CaseIterable {
        /// PortPro's QuickBooks Email against `PrimaryEmailAddr`.
        case email
        /// The company name against `DisplayName`.
        case displayName = "display_name"
    }

    public var match: [Match] = [.email, .displayName]
    public var createMissing = true
    /// Empty: a `:`, tab or newline in a name is the problem `invalid-display-name`. Otherwise
    /// each is replaced by this text (e.g. `" - "`), and the change is visible in `map`.
    public var nameCharacterReplacement = ""
    /// Send the customer's currency (`CurrencyRef`; needs multi-currency in QuickBooks).
    public var sendCurrency = false

    public init() {}
}

/// `[invoices]`: how an invoice is laid out.
public struct InvoiceSettings: Hashable, Sendable {
    /// Who numbers invoices.
    public enum DocNumberPolicy: String, Hashable, Sendable, CaseIterable {
        /// PortPro's `reference_number` is the DocNumber (≤ 21 characters).
        case portpro
        /// QuickBooks numbers it (custom transaction numbers off).
        case quickbooks
    }

    /// Which PortPro date is the invoice date (`TxnDate`).
    public enum DateSource: String, Hashable, Sendable, CaseIterable {
        case billingDate
        case createdAt
    }

    /// How terms and due dates are sent.
    public enum Terms: Hashable, Sendable {
        /// `DueDate` only: PortPro's due date, or the billing date plus `payment_terms` days.
        case dueDate
        /// `SalesTermRef` named `Net N` from `payment_terms`, plus PortPro's due date when given.
        case fromPortPro
        /// Neither: QuickBooks applies the customer's terms.
        case none
        /// `SalesTermRef` with this QuickBooks term name on every invoice, plus PortPro's due date.
        case named(String)
    }

    public var docNumber: DocNumberPolicy = .portpro
    public var date: DateSource = .billingDate
    public var terms: Terms = .dueDate
    /// A description-only header line before each charge set, on invoices with several.
    public var groupLinesByChargeSet = true

    public init() {}
}

/// `[items]`: the QuickBooks item (Products and Services) for each PortPro charge code.
public struct ItemSettings: Hashable, Sendable {
    /// Used for a charge code missing from `map`; empty means such a charge is a problem.
    public var defaultItem = ""
    /// Charge code → QuickBooks item name. Matched ignoring case and surrounding spaces.
    public var map: [String: String] = [:] {
        didSet { normalizedMap = Self.index(map) }
    }

    /// `map` keyed by normalized charge code, built once: the mapper looks up every charge.
    private var normalizedMap: [String: String] = [:]

    public init() {}

    /// The QuickBooks item for a charge code, or `nil` when unmapped and there is no default.
    public func item(for chargeCode: String) -> String? {
        if let found = normalizedMap[Self.normalize(chargeCode)] { return found }
        return defaultItem.isEmpty ? nil : defaultItem
    }

    static func normalize(_ code: String) -> String {
        // Charge codes rarely carry surrounding spaces; trimming through NSString is slow.
        let padded = code.first?.isWhitespace == true || code.last?.isWhitespace == true
        return (padded ? code.trimmingCharacters(in: .whitespaces) : code).lowercased()
    }

    /// Two codes that differ only in case or spaces map to the item of the one sorting first,
    /// so the choice does not depend on dictionary order.
    private static func index(_ map: [String: String]) -> [String: String] {
        var index: [String: String] = [:]
        for key in map.keys.sorted() {
            let normalized = normalize(key)
            if index[normalized] == nil { index[normalized] = map[key] }
        }
        return index
    }
}

/// `[tax]`: how PortPro tax charges (`HST (13 %)`) are sent.
public struct TaxSettings: Hashable, Sendable {
    /// What happens to a tax charge.
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        /// An ordinary line, with the item `[tax] item` (or the charge code's mapping).
        case line
        /// Left off: QuickBooks computes tax from its own tax codes (`TxnTaxDetail`); the total
        /// check then compares PortPro's total without the tax.
        case skip
    }

    public var mode: Mode = .line
    /// Charges whose `chargeType` is one of these are tax charges.
    public var chargeTypes: [String] = ["TAX"]
    /// Charges with one of these names are tax charges too.
    public var chargeNames: [String] = []
    /// The item for tax lines in `line` mode; empty: the charge code's own mapping.
    public var item = ""

    public init() {}

    /// Whether a charge is a tax charge.
    public func isTax(name: String, chargeType: String?) -> Bool {
        if let chargeType, chargeTypes.contains(where: { $0.caseInsensitiveCompare(chargeType) == .orderedSame }) {
            return true
        }
        return chargeNames.contains { ItemSettings.normalize($0) == ItemSettings.normalize(name) }
    }
}

/// `[payments]`: where payments are deposited and how their methods are named in QuickBooks.
public struct PaymentSettings: Hashable, Sendable {
    /// The QuickBooks account name; empty: QuickBooks' default (Undeposited Funds).
    public var depositAccount = ""
    /// PortPro method (`CHECK`, `ACH`, …) → QuickBooks payment method name.
    public var methods: [String: String] = [:]

    public init() {}
}

/// One `[custom_fields]` entry: a QuickBooks custom field's name and the template of its value.
public struct CustomFieldSetting: Sendable {
    public var name: String
    public var template: DescriptionTemplate

    public init(name: String, template: DescriptionTemplate) {
        self.name = name
        self.template = template
    }
}

/// `[templates]`: the Mustache templates of the texts PortBooks writes.
public struct TemplateSettings: Sendable {
    public var lineDescription: DescriptionTemplate
    public var chargeSetHeader: DescriptionTemplate
    public var customerMemo: DescriptionTemplate
    public var privateNote: DescriptionTemplate
    public var creditMemoLine: DescriptionTemplate
    public var creditMemoNote: DescriptionTemplate

    public init(
        lineDescription: DescriptionTemplate, chargeSetHeader: DescriptionTemplate,
        customerMemo: DescriptionTemplate, privateNote: DescriptionTemplate, creditMemoLine: DescriptionTemplate,
        creditMemoNote: DescriptionTemplate
    ) {
        self.lineDescription = lineDescription
        self.chargeSetHeader = chargeSetHeader
        self.customerMemo = customerMemo
        self.privateNote = privateNote
        self.creditMemoLine = creditMemoLine
        self.creditMemoNote = creditMemoNote
    }
}
