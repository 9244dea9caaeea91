import PortBooksCore

/// A reference to a QuickBooks object (`CustomerRef`, `ItemRef`, `SalesTermRef`, …) that the
/// mapper knows by name and the sync engine turns into an Id at push time.
///
/// The mapper never sees QuickBooks: it writes `.unresolved(kind, key:, name:)`, which encodes
/// as `{"name": …}` only. The engine collects ``QuickBooksPayload/pendingReferences`` (ledger
/// lookups for customers and invoices, one bulk query per kind for items, terms, accounts…),
/// then calls ``QuickBooksPayload/resolving(_:)``; a resolved reference encodes as
/// `{"value": Id, "name": …}`, exactly QuickBooks' `ReferenceType`.
public struct QuickBooksReference: Hashable, Sendable, Encodable {
    /// The QuickBooks Id, once resolved.
    public private(set) var value: String?
    /// The QuickBooks name shown next to the Id (DisplayName, item name, term name).
    public var name: String?
    /// What to look up; `nil` for a reference built resolved.
    public let pending: PendingReference?

    /// A reference the engine must resolve before sending.
    public static func unresolved(_ kind: PendingReference.Kind, key: String, name: String? = nil) -> Self {
        Self(value: nil, name: name ?? key, pending: PendingReference(kind: kind, key: key, name: name ?? key))
    }

    /// A reference whose QuickBooks Id is known.
    public static func resolved(value: String, name: String? = nil) -> Self {
        Self(value: value, name: name, pending: nil)
    }

    /// Whether the QuickBooks Id is known.
    public var isResolved: Bool { value != nil }

    /// Fills the Id in; a no-op for a reference that was already resolved.
    public mutating func resolve(_ id: String) {
        value = id
    }

    enum CodingKeys: String, CodingKey {
        case value, name
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encodeIfPresent(name, forKey: .name)
    }
}

/// One lookup the sync engine must do before a payload can be sent.
public struct PendingReference: Hashable, Sendable, Codable {
    /// What is looked up, and where the engine finds it.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Key: the PortPro customer `_id` (the ledger holds its QuickBooks Id); name: DisplayName.
        case customer
        /// Key and name: the QuickBooks item (Products and Services) name.
        case item
        /// Key and name: the QuickBooks term name (`Net 30`).
        case term
        /// Key and name: the QuickBooks account name (`DepositToAccountRef`).
        case account
        /// Key and name: the QuickBooks payment method name.
        case paymentMethod = "payment_method"
        /// Key and name: the QuickBooks class name.
        case `class`
        /// Key and name: the QuickBooks location (Department) name.
        case location
        /// Key: the PortPro invoice `_id` when the export gives it, else `number:` + the invoice
        /// number; name: the invoice number. The Id comes from the ledger.
        case invoice
        /// Key: the PortPro credit memo `_id`; name: its number. The Id comes from the ledger.
        case creditMemo = "credit_memo"
        /// Key and name: the custom field's name in QuickBooks (`Preferences.SalesFormsPrefs`).
        case customFieldDefinition = "custom_field"
    }

    public var kind: Kind
    public var key: String
    public var name: String

    public init(kind: Kind, key: String, name: String) {
        self.kind = kind
        self.key = key
        self.name = name
    }
}
