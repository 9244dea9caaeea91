import Foundation
import PortBooksCore

/// PortPro invoice → QuickBooks `Invoice` (docs/MAPPING.md "Invoices").
///
/// One QuickBooks invoice per PortPro invoice number. Lines follow the charge sets in order,
/// one line per charge; on an invoice with several charge sets (combined invoices, sub-bills)
/// each set can open with a description-only header line, and every line's description comes
/// from `[templates] line_description`, which sees the line's own load, so an accountant can
/// tell every line's load and container apart. Pure: no I/O, no QuickBooks; thread-safe.
public struct InvoiceMapper: Sendable {
    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func map(_ invoice: Invoice) -> MappedRecord<QBInvoice> {
        var problems: [MappingProblem] = []
        let invoiceContext = TemplateContext.invoice(invoice)
        let lines = LineBuilder(settings: settings)
        var qbLines: [QBLine] = []
        var unmapped: [String: [String]] = [:]
        var unmappedOrder: [String] = []
        let headers = settings.invoices.groupLinesByChargeSet && invoice.chargeSets.count > 1

        for (setIndex, chargeSet) in invoice.chargeSets.enumerated() {
            let setContext = invoiceContext.merging(
                .chargeSet(chargeSet, index: setIndex + 1, count: invoice.chargeSets.count))
            if headers {
                let text = settings.templates.chargeSetHeader.render(setContext)
                if !text.isEmpty {
                    let field = "Line[\(qbLines.count)].Description"
                    if let problem = QuickBooksLimits.tooLong(
                        .descriptionTooLong, field: field,
                        what: "The header line of load \(chargeSet.loadReferenceNumber) (line \(qbLines.count + 1))",
                        value: text, limit: QuickBooksLimits.lineDescription,
                        suggestion: "Shorten [templates] charge_set_header in portbooks.toml, then retry.")
                    {
                        problems.append(problem)
                    }
                    qbLines.append(.descriptionOnly(description: text))
                }
            }
            if chargeSet.pricing.isEmpty {
                // PortPro exports a charge set whose charges were all removed with an empty
                // pricing array: a problem of this invoice, never of its file.
                problems.append(
                    MappingProblem(
                        code: .emptyPricing, field: "chargeSets[\(setIndex)].pricing",
                        message: "Load \(chargeSet.loadReferenceNumber) of invoice \(invoice.referenceNumber) has no "
                            + "charges (its pricing list is empty); there is nothing to bill for it.",
                        suggestion: "Add the load's charges in PortPro (or remove the load from the invoice) and "
                            + "export the invoice again."))
            }
            var setSum = Decimal(0)
            for (chargeIndex, charge) in chargeSet.pricing.enumerated() {
                setSum += charge.finalAmount
                let isTax = settings.tax.isTax(name: charge.name, chargeType: charge.chargeType)
                if isTax && settings.tax.mode == .skip {
                    continue
                }
                let context = setContext.merging(.charge(charge, index: chargeIndex + 1))
                let label = "line \(qbLines.count + 1) (\(charge.name), load \(chargeSet.loadReferenceNumber))"
                let itemName =
                    isTax && !settings.tax.item.isEmpty ? settings.tax.item : settings.items.item(for: charge.name)
                if itemName == nil {
                    if unmapped[charge.name] == nil { unmappedOrder.append(charge.name) }
                    unmapped[charge.name, default: []].append("line \(qbLines.count + 1)")
                }
                let built = lines.salesLine(
                    index: qbLines.count, label: label, itemName: itemName ?? charge.name,
                    amount: charge.finalAmount, quantity: charge.perType == .percentage ? nil : charge.unit,
                    rate: charge.perType == .percentage ? nil : charge.chargePerUnit,
                    description: settings.templates.lineDescription.render(context),
                    templateKey: "line_description")
                qbLines.append(built.line)
                problems += built.problems
            }
            if setSum != chargeSet.totalAmount {
                problems.append(
                    MappingProblem(
                        code: .totalMismatch, field: "chargeSets[\(setIndex)].totalAmount",
                        message: "The charges of load \(chargeSet.loadReferenceNumber) add up to "
                            + "\(Money.format(setSum)), but PortPro's charge set total is "
                            + "\(Money.format(chargeSet.totalAmount)).",
                        suggestion: "Correct the charge set in PortPro and export it again."))
            }
        }
        for name in unmappedOrder {
            problems.append(LineBuilder.unmappedProblem(name, lines: unmapped[name] ?? []))
        }

        // PortPro's own amounts, before any rounding (a rounded amount is already `amount-precision`).
        let linesTotal = invoice.chargeSets.flatMap(\.pricing).reduce(Decimal(0)) { $0 + $1.finalAmount }
        if linesTotal != invoice.totalAmount {
            let difference = invoice.totalAmount - linesTotal
            problems.append(
                MappingProblem(
                    code: .totalMismatch, field: "Line",
                    message: "The charges add up to \(Money.format(linesTotal)), but PortPro's invoice total is "
                        + "\(Money.format(invoice.totalAmount)) (difference \(Money.format(difference))).",
                    suggestion:
                        "Correct the invoice in PortPro so its charges add up to its total, and export it again."
                ))
        }

        let payload = QBInvoice(
            customerRef: .unresolved(.customer, key: invoice.caller.id, name: invoice.caller.companyName),
            docNumber: docNumber(invoice, problems: &problems), txnDate: txnDate(invoice),
            dueDate: dueDate(invoice), salesTermRef: salesTerm(invoice),
            departmentRef: settings.locationName.map { .unresolved(.location, key: $0) }, lines: qbLines,
            customFields: customFields(invoiceContext, problems: &problems),
            customerMemo: memo(invoiceContext, problems: &problems),
            privateNote: privateNote(invoiceContext, problems: &problems))
        return MappedRecord(payload: payload, problems: problems)
    }

    private func docNumber(_ invoice: Invoice, problems: inout [MappingProblem]) -> String? {
        guard settings.invoices.docNumber == .portpro else { return nil }
        let number = invoice.referenceNumber
        if let problem = QuickBooksLimits.tooLong(
            .docNumberTooLong, field: "DocNumber", what: "The invoice number \(number)", value: number,
            limit: QuickBooksLimits.docNumber,
            suggestion: "Renumber the invoice in PortPro with at most 21 characters, or set "
                + "[invoices] doc_number = \"quickbooks\" to let QuickBooks number invoices.")
        {
            problems.append(problem)
        }
        return number
    }

    private func txnDate(_ invoice: Invoice) -> LocalDate {
        switch settings.invoices.date {
        case .billingDate: invoice.billingDate
        case .createdAt: invoice.createdAt.flatMap(LocalDate.init(parsing:)) ?? invoice.billingDate
        }
    }

    private func dueDate(_ invoice: Invoice) -> LocalDate? {
        switch settings.invoices.terms {
        case .dueDate:
            invoice.invoiceDueDate ?? invoice.paymentTerms.map { txnDate(invoice).adding(days: $0) }
        case .fromPortPro, .named:
            invoice.invoiceDueDate
        case .none:
            nil
        }
    }

    private func salesTerm(_ invoice: Invoice) -> QuickBooksReference? {
        switch settings.invoices.terms {
        case .fromPortPro: invoice.paymentTerms.map { .unresolved(.term, key: "Net \($0)") }
        case .named(let name): .unresolved(.term, key: name)
        case .dueDate, .none: nil
        }
    }

    private func customFields(_ context: TemplateContext, problems: inout [MappingProblem]) -> [QBCustomField] {
        settings.customFields.compactMap { field in
            let value = field.template.render(context)
            guard !value.isEmpty else { return nil }
            if let problem = QuickBooksLimits.tooLong(
                .customFieldTooLong, field: "CustomField[\(field.name)]",
                what: "The custom field \"\(field.name)\" (\"\(value)\")", value: value,
                limit: QuickBooksLimits.customFieldValue,
                suggestion: "Change the template of \"\(field.name)\" under [custom_fields] so the value is shorter.")
            {
                problems.append(problem)
            }
            return QBCustomField(name: field.name, stringValue: value)
        }
    }

    private func memo(_ context: TemplateContext, problems: inout [MappingProblem]) -> QBValue? {
        let text = settings.templates.customerMemo.render(context)
        guard !text.isEmpty else { return nil }
        if let problem = QuickBooksLimits.tooLong(
            .customerMemoTooLong, field: "CustomerMemo", what: "The message on the invoice (CustomerMemo)",
            value: text, limit: QuickBooksLimits.customerMemo,
            suggestion: "Shorten the invoice notes in PortPro or [templates] customer_memo in portbooks.toml.")
        {
            problems.append(problem)
        }
        return QBValue(text)
    }

    private func privateNote(_ context: TemplateContext, problems: inout [MappingProblem]) -> String? {
        let text = settings.templates.privateNote.render(context)
        guard !text.isEmpty else { return nil }
        if let problem = QuickBooksLimits.tooLong(
            .privateNoteTooLong, field: "PrivateNote", what: "The statement memo (PrivateNote)", value: text,
            limit: QuickBooksLimits.privateNote, suggestion: "Shorten [templates] private_note in portbooks.toml.")
        {
            problems.append(problem)
        }
        return text
    }
}
