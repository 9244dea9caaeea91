import Foundation
import PortBooksCore

/// PortPro credit memo → QuickBooks `CreditMemo` (docs/MAPPING.md "Credit memos").
///
/// One line per credited charge, with the item of its charge code (as on invoices) and the
/// description from `[templates] credit_memo_line`; the note goes to PrivateNote through
/// `[templates] credit_memo_note`. Pure; thread-safe.
public struct CreditMemoMapper: Sendable {
    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func map(_ memo: CreditMemo) -> MappedRecord<QBCreditMemo> {
        var problems: [MappingProblem] = []
        let context = TemplateContext.creditMemo(memo)
        let builder = LineBuilder(settings: settings)
        var lines: [QBLine] = []
        var unmapped: [String: [String]] = [:]
        var unmappedOrder: [String] = []
        for (index, line) in memo.lines.enumerated() {
            let isTax = settings.tax.isTax(name: line.name, chargeType: nil)
            if isTax && settings.tax.mode == .skip {
                continue
            }
            let itemName = isTax && !settings.tax.item.isEmpty ? settings.tax.item : settings.items.item(for: line.name)
            if itemName == nil {
                if unmapped[line.name] == nil { unmappedOrder.append(line.name) }
                unmapped[line.name, default: []].append("line \(lines.count + 1)")
            }
            let built = builder.salesLine(
                index: lines.count, label: "line \(lines.count + 1) (\(line.name))", itemName: itemName ?? line.name,
                amount: line.amount, quantity: nil, rate: nil,
                description: settings.templates.creditMemoLine.render(
                    context.merging(.creditLine(line, index: index + 1))),
                templateKey: "credit_memo_line")
            lines.append(built.line)
            problems += built.problems
        }
        for name in unmappedOrder {
            problems.append(LineBuilder.unmappedProblem(name, lines: unmapped[name] ?? []))
        }
        let total = memo.lines.reduce(Decimal(0)) { $0 + $1.amount }
        if total != memo.totalAmount {
            problems.append(
                MappingProblem(
                    code: .totalMismatch, field: "Line",
                    message: "The credit memo lines add up to \(Money.format(total)), but PortPro's total is "
                        + "\(Money.format(memo.totalAmount)) (difference \(Money.format(memo.totalAmount - total))).",
                    suggestion: "Correct the credit memo in PortPro and export it again."))
        }
        let number = memo.creditMemoNumber
        if let problem = QuickBooksLimits.tooLong(
            .docNumberTooLong, field: "DocNumber", what: "The credit memo number \(number)", value: number,
            limit: QuickBooksLimits.docNumber,
            suggestion: "Renumber the credit memo in PortPro with at most 21 characters, or set "
                + "[invoices] doc_number = \"quickbooks\".")
        {
            problems.append(problem)
        }
        let note = settings.templates.creditMemoNote.render(context)
        if let problem = QuickBooksLimits.tooLong(
            .privateNoteTooLong, field: "PrivateNote", what: "The credit memo's statement memo (PrivateNote)",
            value: note, limit: QuickBooksLimits.privateNote,
            suggestion: "Shorten the note in PortPro or [templates] credit_memo_note in portbooks.toml.")
        {
            problems.append(problem)
        }
        let payload = QBCreditMemo(
            customerRef: .unresolved(.customer, key: memo.caller.id, name: memo.caller.companyName),
            docNumber: settings.invoices.docNumber == .portpro ? number : nil, txnDate: memo.creditDate,
            departmentRef: settings.locationName.map { .unresolved(.location, key: $0) }, lines: lines,
            privateNote: note.isEmpty ? nil : note)
        return MappedRecord(payload: payload, problems: problems)
    }
}
