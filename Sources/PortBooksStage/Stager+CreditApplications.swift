import Foundation
import PortBooksCore
import PortBooksLedger

extension Stager {
    /// The PortPro id of the credit PortBooks applies for a credit memo: `credit-application:<_id>`.
    public static let creditApplicationPrefix = "credit-application:"

    /// Credit memos PortPro has applied to an invoice are applied in QuickBooks the way
    /// QuickBooks applies credit through its API: a zero-total payment linking the invoice and
    /// the credit memo (Intuit API reference, Payment). Each such payment is staged here as a
    /// record of its own (`credit-application:<credit memo _id>`), so it has its own QuickBooks
    /// link, requestid and problem row, and waits for both documents like any payment.
    ///
    /// A credit memo that was applied and no longer is — voided, or no longer `APPLIED` — has its
    /// credit staged again as voided: the push voids that payment before it voids the credit memo.
    /// Only credit memos that changed are looked at (those pending or blocked).
    public func stageCreditApplications() throws {
        var derived: [ExportRecord] = []
        for record in try ledger.records(kind: .creditMemo, states: [.pending, .blocked], limit: nil) {
            guard case .creditMemo(let memo) = try record.decoded(memo: memo) else { continue }
            let id = Self.creditApplicationPrefix + memo.id
            if memo.status == .applied, let invoice = memo.invoiceReferenceNumber ?? memo.invoiceID {
                derived.append(.payment(Self.credit(of: memo, invoice: invoice, voided: false)))
            } else if let applied = try ledger.record(kind: .payment, portproID: id), applied.qbID != nil,
                case .payment(let payment) = try applied.decoded(memo: self.memo), payment.status == nil
            {
                derived.append(
                    .payment(
                        Self.credit(
                            of: memo, invoice: payment.invoices.first?.referenceNumber ?? invoice(of: memo),
                            voided: true)))
            }
        }
        guard !derived.isEmpty else { return }
        _ = try ledger.stageFile(
            hash: "credit-applications-\(runID)", name: "(credits of the credit memos PortPro applied)", size: 0,
            format: "derived", runID: runID
        ) { session in
            for record in derived {
                memo.insert(record, hash: try session.stage(record, sourceFile: Self.derivedCredit))
            }
            return true
        }
    }

    /// The source file a staged credit names.
    public static let derivedCredit = "(a credit memo PortPro applied)"

    private func invoice(of memo: CreditMemo) -> String {
        memo.invoiceReferenceNumber ?? memo.invoiceID ?? ""
    }

    /// The zero-total payment that applies `memo`'s credit to `invoice` (its number).
    static func credit(of memo: CreditMemo, invoice: String, voided: Bool) -> Payment {
        Payment(
            id: creditApplicationPrefix + memo.id, caller: memo.caller, paymentDate: memo.creditDate, amount: 0,
            referenceNo: memo.creditMemoNumber,
            notes: "Credit memo \(memo.creditMemoNumber) applied to invoice \(invoice)",
            invoices: [
                Payment.Application(
                    invoiceID: memo.invoiceReferenceNumber == nil ? memo.invoiceID : nil, referenceNumber: invoice,
                    amount: memo.totalAmount)
            ],
            credits: [
                Payment.Credit(
                    creditMemoID: memo.id, creditMemoNumber: memo.creditMemoNumber, amount: memo.totalAmount)
            ],
            status: voided ? .voided : nil)
    }
}
