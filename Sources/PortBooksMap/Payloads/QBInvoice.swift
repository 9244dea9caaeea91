import Foundation
import PortBooksCore

/// The body of a QuickBooks Online `POST /invoice` (Intuit API reference, Invoice).
///
/// Field names and casing are QuickBooks' own; `nil` fields are left out. Built by
/// ``InvoiceMapper``; references are resolved by the sync engine (``QuickBooksPayload``).
public struct QBInvoice: QuickBooksPayload, SalesForm {
    public static let entityName = "Invoice"

    public var customerRef: QuickBooksReference
    /// `nil` when QuickBooks numbers the invoice (`[invoices] doc_number = "quickbooks"`).
    public var docNumber: String?
    public var txnDate: LocalDate
    public var dueDate: LocalDate?
    public var salesTermRef: QuickBooksReference?
    public var departmentRef: QuickBooksReference?
    public var lines: [QBLine]
    public var customFields: [QBCustomField]
    public var customerMemo: QBValue?
    public var privateNote: String?

    public init(
        customerRef: QuickBooksReference, docNumber: String?, txnDate: LocalDate, dueDate: LocalDate? = nil,
        salesTermRef: QuickBooksReference? = nil, departmentRef: QuickBooksReference? = nil, lines: [QBLine],
        customFields: [QBCustomField] = [], customerMemo: QBValue? = nil, privateNote: String? = nil
    ) {
        self.customerRef = customerRef
        self.docNumber = docNumber
        self.txnDate = txnDate
        self.dueDate = dueDate
        self.salesTermRef = salesTermRef
        self.departmentRef = departmentRef
        self.lines = lines
        self.customFields = customFields
        self.customerMemo = customerMemo
        self.privateNote = privateNote
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: SalesFormKey.self)
        try encodeSalesForm(into: &container)
        try container.encodeIfPresent(dueDate, forKey: .dueDate)
        try container.encodeIfPresent(salesTermRef, forKey: .salesTermRef)
        if !customFields.isEmpty { try container.encode(customFields, forKey: .customFields) }
    }

    public mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void) {
        body(&customerRef)
        if var term = salesTermRef {
            body(&term)
            salesTermRef = term
        }
        if var department = departmentRef {
            body(&department)
            departmentRef = department
        }
        for index in lines.indices { lines[index].visitReferences(body) }
        for index in customFields.indices { body(&customFields[index].definition) }
    }
}
