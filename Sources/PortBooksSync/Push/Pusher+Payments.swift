import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

extension Pusher {
    /// Payments: each applies to invoices that must already be in QuickBooks. A payment may
    /// arrive before its invoice: it waits (`blocked`, naming the invoice) and goes on the run
    /// after the invoice syncs. A payment for an invoice marked paid outside QuickBooks is
    /// skipped with the reason. Payments are created one by one, each with its own requestid
    /// (a payment has no number to look up, so the requestid is what makes a re-run safe).
    func pushPayments() async throws {
        let pending = try ledger.records(kind: .payment, states: [.pending, .blocked], limit: nil)
        guard !pending.isEmpty else { return }
        var prepared: [(LedgerRecord, MappedPayload)] = []
        for record in pending {
            guard case .payment(let payment) = try record.decoded() else { continue }
            guard try invoicesReady(for: payment, record: record) else { continue }
            if let payload = try mapped(record) { prepared.append((record, payload)) }
        }
        try await prefetch(prepared.map(\.1))
        var creates: [(LedgerRecord, JSONValue)] = []
        var updates: [(LedgerRecord, JSONValue)] = []
        for (record, payload) in prepared {
            guard let json = try resolve(record, payload) else { continue }
            if record.qbID != nil { updates.append((record, json)) } else { creates.append((record, json)) }
        }
        try await createOneByOne(creates, entity: "Payment")
        try await update(updates, entity: "Payment")
    }

    /// Whether every invoice the payment applies to is in QuickBooks; otherwise records why not.
    private func invoicesReady(for payment: Payment, record: LedgerRecord) throws -> Bool {
        for application in payment.invoices {
            let reference = PendingReference(
                kind: .invoice, key: application.invoiceID ?? "number:\(application.referenceNumber)",
                name: application.referenceNumber)
            guard let invoice = try invoiceRecord(reference) else {
                try blocked(
                    record, by: "invoice:\(application.referenceNumber)", .invoiceMissing(application.referenceNumber))
                return false
            }
            switch invoice.state {
            case .synced:
                continue
            case .paidOutside:
                let reason =
                    "invoice \(application.referenceNumber) was marked paid outside QuickBooks; this payment is not sent"
                try ledger.markCleared(id: record.id, note: reason, source: "mark-paid of the invoice", runID: runID)
                row(record, .skipped, message: reason)
                return false
            default:
                try blocked(
                    record, by: "invoice:\(application.referenceNumber)",
                    .invoiceNotSynced(application.referenceNumber, state: invoice.state))
                return false
            }
        }
        return true
    }
}
