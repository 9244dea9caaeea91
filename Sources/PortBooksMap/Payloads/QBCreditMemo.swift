import Foundation
import PortBooksCore

/// The body of a QuickBooks Online `POST /creditmemo`: the same line model as an invoice.
public struct QBCreditMemo: QuickBooksPayload, SalesForm {
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

    public mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void) {
        body(&customerRef)
        if var department = departmentRef {
            body(&department)
            departmentRef = department
        }
        for index in lines.indices { lines[index].visitReferences(body) }
    }
}
