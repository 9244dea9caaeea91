import Foundation
import PortBooksCore

/// Builds one `SalesItemLineDetail` line and checks it, for invoices and credit memos alike.
///
/// Quantity and unit price: PortPro's `unit` × `chargePerUnit` is sent as `Qty` × `UnitPrice`
/// when it gives the amount exactly at 2 decimals; otherwise (and for percentage charges, whose
/// "quantity" is the base amount) the line is sent as `Qty 1 × UnitPrice = amount`, so QuickBooks'
/// rule Amount = Qty × UnitPrice always holds. An amount with more than 2 decimals is the problem
/// `amount-precision`: QuickBooks would round it, and nothing is changed silently.
struct LineBuilder {
    let settings: Settings

    struct Built {
        var line: QBLine
        var problems: [MappingProblem]
    }

    func salesLine(
        index: Int, label: String, itemName: String, amount: Decimal, quantity: Decimal?, rate: Decimal?,
        description: String, templateKey: String
    ) -> Built {
        var problems: [MappingProblem] = []
        let rounded = Money.rounded(amount)
        if rounded != amount {
            problems.append(
                MappingProblem(
                    code: .amountPrecision, field: "Line[\(index)].Amount",
                    message: "The amount of \(label) is \(TemplateContext.plain(amount)); QuickBooks keeps line "
                        + "amounts to 2 decimals and would change it to \(Money.format(rounded)).",
                    suggestion: "Round the charge to cents in PortPro and export it again."))
        }
        if abs(rounded) > QuickBooksLimits.maximumAmount {
            problems.append(
                MappingProblem(
                    code: .amountOutOfRange, field: "Line[\(index)].Amount",
                    message: "The amount of \(label) is \(Money.format(rounded)); QuickBooks takes at most "
                        + "10 digits before the decimal point.",
                    suggestion: "Check the charge in PortPro; split it if it is right."))
        }
        var qty = Decimal(1)
        var unitPrice = rounded
        if let quantity, let rate, quantity != 0, Money.rounded(quantity * rate) == rounded {
            qty = quantity
            unitPrice = rate
        }
        if let problem = QuickBooksLimits.tooLong(
            .descriptionTooLong, field: "Line[\(index)].Description", what: "The description of \(label)",
            value: description, limit: QuickBooksLimits.lineDescription,
            suggestion: "Shorten the PortPro charge description or [templates] \(templateKey) in portbooks.toml.")
        {
            problems.append(problem)
        }
        let detail = QBSalesItemLine.Detail(
            itemRef: .unresolved(.item, key: itemName), quantity: qty, unitPrice: unitPrice,
            classRef: settings.className.map { .unresolved(.class, key: $0) })
        let line = QBSalesItemLine(
            amount: rounded, description: description.isEmpty ? nil : description, detail: detail)
        return Built(line: .salesItem(line), problems: problems)
    }

    /// One problem per unmapped charge code, naming the lines that use it.
    static func unmappedProblem(_ chargeCode: String, lines: [String]) -> MappingProblem {
        MappingProblem(
            code: .unmappedChargeCode, field: "Line.SalesItemLineDetail.ItemRef",
            message: "The charge code \"\(chargeCode)\" (\(lines.joined(separator: ", "))) has no QuickBooks item: "
                + "it is not in [items.map] and [items] default is empty.",
            suggestion: "Add \"\(chargeCode)\" = \"<QuickBooks item name>\" under [items.map] in portbooks.toml "
                + "(the item must exist in QuickBooks Products and Services), then retry.")
    }
}
