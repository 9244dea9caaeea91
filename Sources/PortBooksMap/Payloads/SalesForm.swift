import PortBooksCore

/// A QuickBooks sales form (Intuit's `SalesTransaction`): the members invoices and credit memos
/// share. A form with no others is encoded by the default ``encode(to:)``; one with more adds
/// them after ``encodeSalesForm(into:)``.
protocol SalesForm: Encodable {
    var customerRef: QuickBooksReference { get }
    var docNumber: String? { get }
    var txnDate: LocalDate { get }
    var departmentRef: QuickBooksReference? { get }
    var lines: [QBLine] { get }
    var customerMemo: QBValue? { get }
    var privateNote: String? { get }
}

extension SalesForm {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: SalesFormKey.self)
        try encodeSalesForm(into: &container)
    }

    /// The shared members; `nil` ones are left out.
    func encodeSalesForm(into container: inout KeyedEncodingContainer<SalesFormKey>) throws {
        try container.encode(customerRef, forKey: .customerRef)
        try container.encodeIfPresent(docNumber, forKey: .docNumber)
        try container.encode(txnDate, forKey: .txnDate)
        try container.encodeIfPresent(departmentRef, forKey: .departmentRef)
        try container.encode(lines, forKey: .lines)
        try container.encodeIfPresent(customerMemo, forKey: .customerMemo)
        try container.encodeIfPresent(privateNote, forKey: .privateNote)
    }
}

/// The members of sales forms, by their QuickBooks names.
enum SalesFormKey: String, CodingKey {
    case customerRef = "CustomerRef"
    case docNumber = "DocNumber"
    case txnDate = "TxnDate"
    case dueDate = "DueDate"
    case salesTermRef = "SalesTermRef"
    case departmentRef = "DepartmentRef"
    case lines = "Line"
    case customFields = "CustomField"
    case customerMemo = "CustomerMemo"
    case privateNote = "PrivateNote"
}
