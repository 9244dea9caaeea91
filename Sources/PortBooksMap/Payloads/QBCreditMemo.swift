import Foundation
import PortBooksCore

/// The body of a QuickBooks Online `POST /creditmemo`: the same line model as an invoice.
public struct QBCreditMemo: QuickBooksPayload {
    public static let entityName = "CreditMemo"

    public var customerRef: QuickBooksReference
    public var docNumber: String?
    public var txnDate: LocalDate
    public var departmentRef: QuickBooksReference?
    public var lines: [QBLine]
    public var customerMemo: QBValue?
    public var privateNote: String?

    public init(
        customerRef: QuickBooksReference, docNumber: String?, txnDate: LocalDate,
        departmentRef: QuickBooksReference? = nil, lines: [QBLine], customerMemo: QBValue? = nil,
        privateNote: String? = nil
    ) {
        self.customerRef = customerRef
        self.docNumber = docNumber
        self.txnDate = txnDate
        self.departmentRef = departmentRef
        self.lines = lines
        self.customerMemo = customerMemo
        self.privateNote = privateNote
    }

    /// The sum of the lines.
    public var linesTotal: Decimal {
        lines.reduce(Decimal(0)) { $0 + $1.amount }
    }

    enum CodingKeys: String, CodingKey {
        case customerRef = "CustomerRef"
        case docNumber = "DocNumber"
        case txnDate = "TxnDate"
        case departmentRef = "DepartmentRef"
        case lines = "Line"
        case customerMemo = "CustomerMemo"
        case privateNote = "PrivateNote"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customerRef, forKey: .customerRef)
        try container.encodeIfPresent(docNumber, forKey: .docNumber)
        try container.encode(txnDate, forKey: .txnDate)
        try container.encodeIfPresent(departmentRef, forKey: .departmentRef)
        try container.encode(lines, forKey: .lines)
        try container.encodeIfPresent(customerMemo, forKey: .customerMemo)
        try container.encodeIfPresent(privateNote, forKey: .privateNote)
    }

    public mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void) {
        body(&customerRef)
        if var department = departmentRef {
            body(&department)
            departmentRef = department
        }
        for index in lines.indices { lines[index].visitReferences(body) }
    }
}
