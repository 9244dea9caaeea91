import Foundation

/// A customer payment and the invoices it applies to (`payments[]`, docs/FORMAT.md).
public struct Payment: Hashable, Sendable, Codable {
    /// How a payment was made, as PortPro names it: an open set (PortPro adds methods such as
    /// `ZELLE`), normalised to upper case with `_` for spaces and hyphens (``normalised(_:)``), so
    /// `zelle`, `Credit Card` and `CREDIT-CARD` are one method. Informational: the settings map
    /// names to QuickBooks payment methods, and a name they do not map goes with no method.
    public struct Method: RawRepresentable, Hashable, Sendable, Codable, CaseIterable {
        public let rawValue: String

        /// The method named `rawValue` as given; use ``normalised(_:)`` for text from a file.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public init(from decoder: Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public static let check = Method(rawValue: "CHECK")
        public static let ach = Method(rawValue: "ACH")
        public static let wire = Method(rawValue: "WIRE")
        public static let creditCard = Method(rawValue: "CREDIT_CARD")
        public static let cash = Method(rawValue: "CASH")
        public static let other = Method(rawValue: "OTHER")

        /// The methods docs/FORMAT.md names; others are accepted as written.
        public static let allCases: [Method] = [.check, .ach, .wire, .creditCard, .cash, .other]

        /// `text` trimmed, upper-cased, with runs of spaces and hyphens turned into one `_`;
        /// `nil` for text with nothing left.
        public static func normalised(_ text: String) -> Method? {
            var name = ""
            var pendingSeparator = false
            for character in text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() {
                if character == " " || character == "-" || character == "_" || character == "\t" {
                    pendingSeparator = true
                    continue
                }
                if pendingSeparator && !name.isEmpty { name.append("_") }
                pendingSeparator = false
                name.append(character)
            }
            return name.isEmpty ? nil : Method(rawValue: name)
        }
    }

    /// The part of a payment applied to one invoice.
    public struct Application: Hashable, Sendable, Codable {
        /// The PortPro `_id` of the invoice, when the export carries it.
        public var invoiceID: String?
        /// The invoice number.
        public var referenceNumber: String
        public var amount: Decimal

        public init(invoiceID: String? = nil, referenceNumber: String, amount: Decimal) {
            self.invoiceID = invoiceID
            self.referenceNumber = referenceNumber
            self.amount = amount
        }

        enum CodingKeys: String, CodingKey {
            case invoiceID = "invoiceId"
            case referenceNumber = "reference_number"
            case amount
        }
    }

    /// Credit taken from a credit memo: a payment that applies credit (QuickBooks' zero-total
    /// payment linking an invoice and a credit memo).
    public struct Credit: Hashable, Sendable, Codable {
        /// The PortPro `_id` of the credit memo.
        public var creditMemoID: String
        public var creditMemoNumber: String
        public var amount: Decimal

        public init(creditMemoID: String, creditMemoNumber: String, amount: Decimal) {
            self.creditMemoID = creditMemoID
            self.creditMemoNumber = creditMemoNumber
            self.amount = amount
        }

        enum CodingKeys: String, CodingKey {
            case creditMemoID = "creditMemoId"
            case creditMemoNumber = "credit_memo_number"
            case amount
        }
    }

    /// Whether a payment stands (`nil`) or was voided.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case voided = "VOIDED"

        /// Every spelling the readers accept.
        public static let spellings: [String: Status] = ["VOIDED": .voided]
    }

    public var id: String
    public var caller: CustomerRef
    public var paymentDate: LocalDate
    public var amount: Decimal
    public var paymentMethod: Method?
    /// Check or transfer reference.
    public var referenceNo: String?
    public var notes: String?
    public var invoices: [Application]
    /// The credit memos whose credit it applies (`nil` for a payment of money; PortBooks stages
    /// one such payment per credit memo PortPro applied). Left out of the canonical content
    /// when `nil`, so payments' content hashes do not move.
    public var credits: [Credit]?
    public var status: Status?

    public init(
        id: String, caller: CustomerRef, paymentDate: LocalDate, amount: Decimal, paymentMethod: Method? = nil,
        referenceNo: String? = nil, notes: String? = nil, invoices: [Application], credits: [Credit]? = nil,
        status: Status? = nil
    ) {
        self.id = id
        self.caller = caller
        self.paymentDate = paymentDate
        self.amount = amount
        self.paymentMethod = paymentMethod
        self.referenceNo = referenceNo
        self.notes = notes
        self.invoices = invoices
        self.credits = credits
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case caller, paymentDate, amount, paymentMethod, referenceNo, notes, invoices, credits, status
    }
}

/// A credit memo against an invoice's charges (`creditMemos[]`, docs/FORMAT.md).
public struct CreditMemo: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case drafted = "DRAFTED"
        case approved = "APPROVED"
        case issued = "ISSUED"
        case applied = "APPLIED"
        case voided = "VOIDED"
    }

    /// One credited charge.
    public struct Line: Hashable, Sendable, Codable {
        public var name: String
        public var description: String?
        public var amount: Decimal

        public init(name: String, description: String? = nil, amount: Decimal) {
            self.name = name
            self.description = description
            self.amount = amount
        }
    }

    public var id: String
    public var creditMemoNumber: String
    public var caller: CustomerRef
    public var creditDate: LocalDate
    public var invoiceID: String?
    public var invoiceReferenceNumber: String?
    public var status: Status?
    public var note: String?
    public var totalAmount: Decimal
    public var lines: [Line]

    public init(
        id: String, creditMemoNumber: String, caller: CustomerRef, creditDate: LocalDate, invoiceID: String? = nil,
        invoiceReferenceNumber: String? = nil, status: Status? = nil, note: String? = nil, totalAmount: Decimal,
        lines: [Line]
    ) {
        self.id = id
        self.creditMemoNumber = creditMemoNumber
        self.caller = caller
        self.creditDate = creditDate
        self.invoiceID = invoiceID
        self.invoiceReferenceNumber = invoiceReferenceNumber
        self.status = status
        self.note = note
        self.totalAmount = totalAmount
        self.lines = lines
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case creditMemoNumber = "credit_memo_number"
        case caller, creditDate
        case invoiceID = "invoiceId"
        case invoiceReferenceNumber = "invoice_reference_number"
        case status, note, totalAmount, lines
    }
}

/// One record of an export file, in file order.
public enum ExportRecord: Hashable, Sendable {
    case customer(Customer)
    case invoice(Invoice)
    case payment(Payment)
    case creditMemo(CreditMemo)

    /// The record's kind.
    public var kind: RecordKind {
        switch self {
        case .customer: .customer
        case .invoice: .invoice
        case .payment: .payment
        case .creditMemo: .creditMemo
        }
    }

    /// The PortPro `_id`.
    public var portproID: String {
        switch self {
        case .customer(let value): value.id
        case .invoice(let value): value.id
        case .payment(let value): value.id
        case .creditMemo(let value): value.id
        }
    }
}

/// The four kinds of record PortBooks syncs, named as in the CSV files' `entity` column.
public enum RecordKind: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case customer
    case invoice
    case payment
    case creditMemo = "credit_memo"

    /// The export array that holds this kind (`customers`, `creditMemos`, …).
    public var arrayName: String {
        switch self {
        case .customer: "customers"
        case .invoice: "invoices"
        case .payment: "payments"
        case .creditMemo: "creditMemos"
        }
    }

    /// The XML item element inside that array.
    public var itemElementName: String {
        switch self {
        case .customer: "customer"
        case .invoice: "invoice"
        case .payment: "payment"
        case .creditMemo: "creditMemo"
        }
    }

    /// Dependency order: customers first, payments last.
    public static func < (lhs: RecordKind, rhs: RecordKind) -> Bool {
        lhs.order < rhs.order
    }

    private var order: Int {
        switch self {
        case .customer: 0
        case .invoice: 1
        case .creditMemo: 2
        case .payment: 3
        }
    }

    /// The kind whose array is named `name`, if any.
    public init?(arrayName name: String) {
        guard let kind = RecordKind.allCases.first(where: { $0.arrayName == name }) else { return nil }
        self = kind
    }
}
