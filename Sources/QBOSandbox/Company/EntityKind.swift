/// What the sandbox knows about one QuickBooks entity type: its names and lifecycle rules.
struct EntityKind: Sendable, Equatable {
    /// Entity name as it appears in envelopes and queries (`Invoice`).
    let name: String
    /// Name lists (Customer, Item, …) are never deleted, only made inactive.
    let isNameList: Bool
    /// Invoice, CreditMemo and Payment: hard delete, void, ids from one shared counter.
    let isTransaction: Bool
    /// Whether `POST /{resource}` may create one.
    let creatable: Bool

    /// Lower-cased path segment (`creditmemo`).
    var resource: String { name.lowercased() }

    static let customer = EntityKind(name: "Customer", isNameList: true, isTransaction: false, creatable: true)
    static let vendor = EntityKind(name: "Vendor", isNameList: true, isTransaction: false, creatable: true)
    static let item = EntityKind(name: "Item", isNameList: true, isTransaction: false, creatable: true)
    static let account = EntityKind(name: "Account", isNameList: true, isTransaction: false, creatable: true)
    static let term = EntityKind(name: "Term", isNameList: true, isTransaction: false, creatable: true)
    static let taxCode = EntityKind(name: "TaxCode", isNameList: true, isTransaction: false, creatable: false)
    static let classKind = EntityKind(name: "Class", isNameList: true, isTransaction: false, creatable: true)
    static let department = EntityKind(name: "Department", isNameList: true, isTransaction: false, creatable: true)
    static let paymentMethod = EntityKind(
        name: "PaymentMethod", isNameList: true, isTransaction: false, creatable: true)
    static let invoice = EntityKind(name: "Invoice", isNameList: false, isTransaction: true, creatable: true)
    static let payment = EntityKind(name: "Payment", isNameList: false, isTransaction: true, creatable: true)
    static let creditMemo = EntityKind(name: "CreditMemo", isNameList: false, isTransaction: true, creatable: true)
    static let preferences = EntityKind(name: "Preferences", isNameList: false, isTransaction: false, creatable: false)
    static let companyInfo = EntityKind(name: "CompanyInfo", isNameList: false, isTransaction: false, creatable: false)

    static let all: [EntityKind] = [
        .customer, .vendor, .item, .account, .term, .taxCode, .classKind, .department, .paymentMethod, .invoice,
        .payment, .creditMemo, .preferences, .companyInfo,
    ]

    /// By envelope/query name, exact case (QuickBooks' query language is case-sensitive here).
    static func named(_ name: String) -> EntityKind? { all.first { $0.name == name } }

    /// By URL path segment, which SDKs send lower-cased.
    static func forResource(_ segment: String) -> EntityKind? {
        let lower = segment.lowercased()
        return all.first { $0.resource == lower }
    }

    /// Counter namespace for new ids: transactions share one sequence, like QuickBooks.
    var idSequence: String { isTransaction ? "Transaction" : name }
}
