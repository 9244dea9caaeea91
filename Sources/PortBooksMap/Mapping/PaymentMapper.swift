import Foundation
import PortBooksCore

/// PortPro payment → QuickBooks `Payment`, one `LinkedTxn` line per invoice it pays — and, for
/// credit taken from credit memos, one line per credit memo: QuickBooks applies a credit memo to
/// an invoice through a zero-total payment linking both (Intuit API reference, Payment).
///
/// The invoices' QuickBooks Ids are filled in at push time (``PendingReference/Kind/invoice``,
/// keyed by the PortPro invoice `_id` when the export gives it, else `number:` + the invoice
/// number). Pure; thread-safe.
public struct PaymentMapper: Sendable {
    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func map(_ payment: Payment) -> MappedRecord<QBPayment> {
        var problems: [MappingProblem] = []
        let credits = payment.credits ?? []
        if payment.amount < 0 || (payment.amount == 0 && credits.isEmpty) {
            problems.append(
                MappingProblem(
                    code: .nonPositiveAmount, field: "TotalAmt",
                    message: "The payment amount is \(Money.format(payment.amount)); QuickBooks payments must be "
                        + "more than zero.",
                    suggestion: "Correct the payment in PortPro; record refunds in QuickBooks directly."))
        }
        for (field, value) in [("TotalAmt", payment.amount)]
            + payment.invoices.enumerated().map({
                ("Line[\($0.offset)].Amount", $0.element.amount)
            }) where Money.rounded(value) != value
        {
            problems.append(
                MappingProblem(
                    code: .amountPrecision, field: field,
                    message: "The amount \(TemplateContext.plain(value)) has more than 2 decimals; QuickBooks would "
                        + "round it to \(Money.format(value)).",
                    suggestion: "Round the payment to cents in PortPro and export it again."))
        }
        let applied =
            payment.invoices.reduce(Decimal(0)) { $0 + $1.amount } - credits.reduce(Decimal(0)) { $0 + $1.amount }
        // A payment larger than what it applies leaves the rest as the customer's unapplied
        // credit (QuickBooks' UnappliedAmt), as a customer who pays too much does; applications
        // beyond the payment are an error QuickBooks refuses.
        if applied > payment.amount {
            problems.append(
                MappingProblem(
                    code: .paymentApplicationMismatch, field: "Line",
                    message: "The payment is \(Money.format(payment.amount)) but its applications to invoices add "
                        + "up to \(Money.format(applied)), \(Money.format(applied - payment.amount)) more than was paid.",
                    suggestion: "Correct how the payment is applied in PortPro and export it again."))
        }
        let reference = payment.referenceNo?.trimmingWhitespace()
        if let reference,
            let problem = QuickBooksLimits.tooLong(
                .paymentRefTooLong, field: "PaymentRefNum", what: "The payment reference \(reference)",
                value: reference,
                limit: QuickBooksLimits.paymentRefNum, suggestion: "Shorten the check or transfer reference in PortPro."
            )
        {
            problems.append(problem)
        }
        let note = payment.notes?.trimmingWhitespace()
        if let note,
            let problem = QuickBooksLimits.tooLong(
                .privateNoteTooLong, field: "PrivateNote", what: "The payment note", value: note,
                limit: QuickBooksLimits.privateNote, suggestion: "Shorten the payment note in PortPro.")
        {
            problems.append(problem)
        }
        let method = payment.paymentMethod.flatMap { settings.payments.methods[$0.rawValue] }
        let deposit = settings.payments.depositAccount
        var lines = payment.invoices.map { application in
            QBPayment.Line(
                amount: Money.rounded(application.amount),
                invoice: .unresolved(
                    .invoice, key: application.invoiceID ?? "number:\(application.referenceNumber)",
                    name: application.referenceNumber))
        }
        lines += credits.map { credit in
            QBPayment.Line(
                amount: Money.rounded(credit.amount),
                invoice: .unresolved(.creditMemo, key: credit.creditMemoID, name: credit.creditMemoNumber),
                txnType: "CreditMemo")
        }
        let payload = QBPayment(
            customerRef: .unresolved(.customer, key: payment.caller.id, name: payment.caller.companyName),
            totalAmt: Money.rounded(payment.amount), txnDate: payment.paymentDate,
            paymentRefNum: reference?.isEmpty == false ? reference : nil,
            paymentMethodRef: method.map { .unresolved(.paymentMethod, key: $0) },
            depositToAccountRef: deposit.isEmpty ? nil : .unresolved(.account, key: deposit),
            privateNote: note?.isEmpty == false ? note : nil, lines: lines)
        return MappedRecord(payload: payload, problems: problems)
    }
}
