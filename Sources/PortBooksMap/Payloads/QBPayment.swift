import Foundation
import PortBooksCore

/// The body of a QuickBooks Online `POST /payment`, applied to invoices through `LinkedTxn`.
///
/// Each line links one invoice; its `TxnId` is the invoice's QuickBooks Id, filled in at push
/// time from the ledger (``PendingReference/Kind/invoice``). Until then `TxnId` is left out.
public struct QBPayment: QuickBooksPayload {
    public static let entityName = "Payment"

    /// One application of the payment: to an invoice, or credit taken from a credit memo.
    public struct Line: Hashable, Sendable, Encodable {
        public var amount: Decimal
        /// The invoice or credit memo the line links (`LinkedTxn`).
        public var invoice: QuickBooksReference
        /// `Invoice` or `CreditMemo`.
        public var txnType: String

        public init(amount: Decimal, invoice: QuickBooksReference, txnType: String = "Invoice") {
            self.amount = amount
            self.invoice = invoice
            self.txnType = txnType
        }

        enum CodingKeys: String, CodingKey {
            case amount = "Amount"
            case linkedTxn = "LinkedTxn"
        }

        private struct LinkedTxn: Encodable {
            var txnID: String?
            var txnType: String
            enum CodingKeys: String, CodingKey {
                case txnID = "TxnId"
                case txnType = "TxnType"
            }
            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(txnID, forKey: .txnID)
                try container.encode(txnType, forKey: .txnType)
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(amount, forKey: .amount)
            try container.encode([LinkedTxn(txnID: invoice.value, txnType: txnType)], forKey: .linkedTxn)
        }
    }

    public var customerRef: QuickBooksReference
    public var totalAmt: Decimal
    public var txnDate: LocalDate
    public var paymentRefNum: String?
    public var paymentMethodRef: QuickBooksReference?
    public var depositToAccountRef: QuickBooksReference?
    public var privateNote: String?
    public var lines: [Line]

    public init(
        customerRef: QuickBooksReference, totalAmt: Decimal, txnDate: LocalDate, paymentRefNum: String? = nil,
        paymentMethodRef: QuickBooksReference? = nil, depositToAccountRef: QuickBooksReference? = nil,
        privateNote: String? = nil, lines: [Line]
    ) {
        self.customerRef = customerRef
        self.totalAmt = totalAmt
        self.txnDate = txnDate
        self.paymentRefNum = paymentRefNum
        self.paymentMethodRef = paymentMethodRef
        self.depositToAccountRef = depositToAccountRef
        self.privateNote = privateNote
        self.lines = lines
    }

    enum CodingKeys: String, CodingKey {
        case customerRef = "CustomerRef"
        case totalAmt = "TotalAmt"
        case txnDate = "TxnDate"
        case paymentRefNum = "PaymentRefNum"
        case paymentMethodRef = "PaymentMethodRef"
        case depositToAccountRef = "DepositToAccountRef"
        case privateNote = "PrivateNote"
        case lines = "Line"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customerRef, forKey: .customerRef)
        try container.encode(totalAmt, forKey: .totalAmt)
        try container.encode(txnDate, forKey: .txnDate)
        try container.encodeIfPresent(paymentRefNum, forKey: .paymentRefNum)
        try container.encodeIfPresent(paymentMethodRef, forKey: .paymentMethodRef)
        try container.encodeIfPresent(depositToAccountRef, forKey: .depositToAccountRef)
        try container.encodeIfPresent(privateNote, forKey: .privateNote)
        try container.encode(lines, forKey: .lines)
    }

    public mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void) {
        body(&customerRef)
        if var method = paymentMethodRef {
            body(&method)
            paymentMethodRef = method
        }
        if var account = depositToAccountRef {
            body(&account)
            depositToAccountRef = account
        }
        for index in lines.indices { body(&lines[index].invoice) }
    }
}
