import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap

/// Everything the plan knows of the world besides the record itself: what the ledger holds of
/// the records it depends on, and what bulk reads of QuickBooks found. The engine gathers these
/// (ledger reads, `… WHERE Name IN (…)`, `… WHERE DocNumber IN (…)`, the customer list) before
/// planning; the plan only reads them, so it is a pure function and is tested without a network.
public struct PlanFacts: Sendable {
    /// Where another record stands: its state in the ledger (`nil`: in no drop file yet) and
    /// its QuickBooks Id.
    public struct Link: Hashable, Sendable {
        public var state: RecordState?
        public var qbID: String?
        /// The name or number a sentence uses for it.
        public var name: String

        public init(state: RecordState?, qbID: String?, name: String) {
            self.state = state
            self.qbID = qbID
            self.name = name
        }

        /// The record as the ledger holds it.
        public init(_ record: LedgerRecord) {
            self.init(state: record.state, qbID: record.qbID, name: record.number ?? record.portproID)
        }
    }

    /// The customers records name, by PortPro `_id`.
    public var customers: [String: Link] = [:]
    /// The invoices payments apply to, by PortPro `_id` and by `number:<invoice number>`.
    public var invoices: [String: Link] = [:]
    /// The credit memos whose credit payments apply, by PortPro `_id`.
    public var creditMemos: [String: Link] = [:]
    /// QuickBooks Ids of the names settings and mappers refer to (items, terms, accounts,
    /// payment methods, classes, departments, custom-field definitions), by kind and name.
    public var names: [PendingReference.Kind: [String: String]] = [:]
    /// QuickBooks' customers, for matching customers not linked yet (read once per run, only
    /// when there is one to match).
    public var quickBooksCustomers = QuickBooksCustomerIndex()
    /// The vendors and employees QuickBooks has with the names of customers about to be created,
    /// by name lower-cased (`Vendor 12 "Harbor Freight Logistics"`): QuickBooks' display names
    /// are unique across customers, vendors and employees, so creating one would fail (6240).
    public var namesInUse: [String: String] = [:]
    /// Whether the QuickBooks company has multicurrency on (`Preferences.CurrencyPrefs`).
    public var multiCurrency = false
    /// The company's home currency (`nil`: not known, currencies are not checked).
    public var homeCurrency: String?
    /// The content each linked record had when it was last synced, by ledger id: what an
    /// update changes.
    public var previousContent: [Int64: Data] = [:]

    public init() {}

    /// The QuickBooks Id for a reference, from these facts.
    func id(for reference: PendingReference) -> String? {
        switch reference.kind {
        case .customer: customers[reference.key]?.qbID
        case .invoice: invoice(reference)?.qbID
        case .creditMemo: creditMemos[reference.key]?.qbID
        default: names[reference.kind]?[reference.key]
        }
    }

    /// The invoice a payment's reference names: by `_id` first, then by number.
    func invoice(_ reference: PendingReference) -> Link? {
        invoices[reference.key] ?? invoices["number:\(reference.name)"]
    }
}
