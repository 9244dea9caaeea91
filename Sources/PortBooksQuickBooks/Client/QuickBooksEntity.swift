/// A QuickBooks Online entity: its JSON name (`Invoice`) and URL resource (`invoice`).
/// See https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features
public struct QuickBooksEntity: Sendable, Hashable, CustomStringConvertible {
    /// The entity name as it appears in JSON and queries, e.g. `CreditMemo`.
    public let name: String

    /// An entity by its JSON name.
    public init(_ name: String) {
        self.name = name
    }

    /// The lower-cased path segment, e.g. `creditmemo`.
    public var resource: String { name.lowercased() }

    public var description: String { name }

    public static let customer = QuickBooksEntity("Customer")
    public static let invoice = QuickBooksEntity("Invoice")
    public static let payment = QuickBooksEntity("Payment")
    public static let creditMemo = QuickBooksEntity("CreditMemo")
    public static let item = QuickBooksEntity("Item")
    public static let account = QuickBooksEntity("Account")
    public static let term = QuickBooksEntity("Term")
}
