import PortBooksCore

/// Turns the items of a PortPro API response's `data` into the model: an invoice envelope
/// into one invoice per invoice number it carries, a customer into a customer
/// (docs/FORMAT.md "PortPro API responses").
///
/// What an item is follows from its fields: an envelope has an `invoice` array of charge
/// sets, a customer a `company_name`. A list page's invoices are handed on as
/// ``ReadRecord/Extent/part``: PortPro's list holds one load per envelope, so an invoice
/// number whose charge sets span envelopes or pages comes in several parts, which the stage
/// (and `map`) combine. A single-invoice response holds every charge set of its number and
/// is handed on ``ReadRecord/Extent/whole``: it replaces what was known of the invoice.
///
/// Counts distinct invoice numbers (a hash each, like the export reader's duplicate check),
/// stops the read when one number gathers more than
/// ``ReaderLimits/maximumChargeSetsPerInvoice`` charge sets (`limit-exceeded`), and refuses a
/// customer `_id` seen before in the same file (`duplicate-id`). Not thread-safe: one per file.
struct PortProResponseDecoder {
    let file: String
    /// Charge sets read so far per invoice number (by hash).
    private var chargeSets: [Int: Int] = [:]
    private var seenCustomers: Set<Int> = []

    init(file: String) {
        self.file = file
    }

    /// Decodes the `index`th item of a list page (`nil`: a single response's `data`) and hands
    /// on its records when it has no problem. Throws ``JSONStop`` at a limit.
    mutating func accept(
        _ node: SourceNode, index: Int?, result: inout ExportReadResult, body: (ReadRecord) throws -> Void
    ) throws {
        let path = FieldPath("data", index: index)
        let context = DecodeContext(file: file, syntax: .json)
        guard case .object(let fields) = node.value else {
            context.report(
                .wrongType, "\(path) must be an object (an invoice envelope or a customer), found \(node.typeName)",
                at: node.position)
            append(context, to: &result)
            return
        }
        if fields.contains(where: { $0.name == "invoice" }) {
            note(index == nil ? .invoiceResponse : .invoiceListPage, in: &result)
            let invoices = context.invoices(fromEnvelope: node, path: path)
            append(context, to: &result)
            guard context.diagnostics.isEmpty else { return }
            for invoice in invoices {
                let key = invoice.id.hashValue
                let before = chargeSets[key]
                chargeSets[key] = (before ?? 0) + invoice.chargeSets.count
                if before == nil { result.counts[.invoice, default: 0] += 1 }
                if (chargeSets[key] ?? 0) > ReaderLimits.maximumChargeSetsPerInvoice {
                    throw JSONStop(
                        diagnostic: Diagnostic(
                            file: file, line: node.position.line, column: node.position.column, code: .limitExceeded,
                            message: ReaderLimits.tooManyChargeSetsMessage(invoice.referenceNumber)))
                }
                try body(ReadRecord(.invoice(invoice), extent: index == nil ? .whole : .part))
            }
        } else if fields.contains(where: { $0.name == "company_name" }) {
            note(index == nil ? .customerResponse : .customerListPage, in: &result)
            let customer = context.apiCustomer(node, path: path)
            append(context, to: &result)
            guard context.diagnostics.isEmpty, let customer else { return }
            guard seenCustomers.insert(customer.id.hashValue).inserted else {
                let position = fields.first(where: { $0.name == "_id" })?.node.position ?? node.position
                result.diagnostics.append(
                    Diagnostic(
                        file: file, line: position.line, column: position.column, code: .duplicateID,
                        message: "\(path): _id \"\(customer.id)\" is used by an earlier customer in this file"))
                return
            }
            result.counts[.customer, default: 0] += 1
            try body(ReadRecord(.customer(customer)))
        } else {
            context.report(
                .notAnExport,
                "\(path) is neither an invoice envelope (it has no \"invoice\" array) nor a customer (no "
                    + "\"company_name\"): PortBooks reads the responses of GET /v1/invoices and GET /v1/customer",
                at: node.position)
            append(context, to: &result)
        }
    }

    private func note(_ shape: DropFileShape, in result: inout ExportReadResult) {
        if result.shape == nil { result.shape = shape }
    }

    private func append(_ context: DecodeContext, to result: inout ExportReadResult) {
        for diagnostic in context.diagnostics { result.diagnostics.append(diagnostic) }
    }
}
