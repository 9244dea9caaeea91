/// The objects a description template can name, and each object's documented variables.
///
/// This list is the contract of docs/MAPPING.md "Template variables": a name that is not here
/// is refused when the settings load, so a typo never renders as nothing.
public enum TemplateScope: String, Hashable, Sendable, CaseIterable {
    case invoice
    case chargeSet = "charge_set"
    case load
    case charge
    case customer
    case creditMemo = "credit_memo"
    case creditLine = "credit_line"

    /// The variables of this object, as written after the dot (`load.container` → `container`).
    public var variables: [String] {
        switch self {
        case .invoice:
            [
                "id", "number", "date", "due_date", "terms_days", "status", "total", "currency", "notes",
                "load_count", "load_references", "containers", "charge_set_count", "is_combined",
            ]
        case .chargeSet:
            ["id", "number", "index", "count", "bill_type", "is_sub_bill", "total", "load_reference"]
        case .load:
            [
                "reference", "type", "container", "container_size", "container_type", "chassis", "seal", "booking",
                "mbl", "hbl", "po", "pickup_no", "shipment", "reference_no", "shipper", "consignee", "terminal",
                "pickup_date", "delivery_date",
            ]
        case .charge:
            [
                "index", "name", "description", "charge_type", "quantity", "rate", "amount", "per_type",
                "free_units", "gl_code",
            ]
        case .customer:
            ["id", "name", "currency"]
        case .creditMemo:
            ["id", "number", "date", "status", "invoice_number", "note", "total"]
        case .creditLine:
            ["index", "name", "description", "amount"]
        }
    }

    /// Every `object.variable` name of the given scopes, sorted.
    public static func names(in scopes: Set<TemplateScope>) -> [String] {
        scopes.flatMap { scope in scope.variables.map { "\(scope.rawValue).\($0)" } }.sorted()
    }
}

/// Which objects each configurable template may use.
public enum TemplateUse: String, Hashable, Sendable, CaseIterable {
    /// `[templates] line_description`: one invoice line per charge.
    case lineDescription
    /// `[templates] charge_set_header`: the description-only line before a charge set.
    case chargeSetHeader
    /// `[templates] customer_memo`, `private_note` and `[custom_fields]`: invoice-level texts.
    /// `load.*` there holds only the values every charge set of the invoice shares.
    case invoiceText
    /// `[templates] credit_memo_line`: one credit memo line.
    case creditMemoLine
    /// `[templates] credit_memo_note`: the credit memo's PrivateNote.
    case creditMemoNote

    public var scopes: Set<TemplateScope> {
        switch self {
        case .lineDescription: [.invoice, .chargeSet, .load, .charge, .customer]
        case .chargeSetHeader: [.invoice, .chargeSet, .load, .customer]
        case .invoiceText: [.invoice, .load, .customer]
        case .creditMemoLine: [.creditMemo, .creditLine, .customer]
        case .creditMemoNote: [.creditMemo, .customer]
        }
    }
}
