import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksPlan
import PortBooksReports

/// One invoice whose QuickBooks balance after the run is not what PortPro says is still owed.
struct BalanceDifference: Sendable {
    var record: LedgerRecord
    var qbID: String
    var portproRemain: Decimal
    var quickBooksBalance: Decimal

    var problem: SyncProblem {
        .portproBalanceMismatch(
            record.number ?? record.portproID, portproRemain: portproRemain, quickBooksBalance: quickBooksBalance)
    }
}

extension PushPipeline {
    /// PortPro's `remainAmount` (PortPro API responses carry it) against the `Balance`
    /// QuickBooks holds now, for every invoice this run left synced: the first check of
    /// PortBooks' balances against PortPro's own. Read in bulk after every push (payments
    /// included), reported in `balance-check.csv` when QuickBooks says more is owed than
    /// PortPro does; the records' states are left alone, so a difference never holds back the
    /// invoice's later payments.
    /// `totals` sums both sides over every invoice compared, for the run report's money table.
    func checkPortProBalances(since: String) async throws -> (differences: [BalanceDifference], totals: BalanceTotals) {
        var differences: [BalanceDifference] = []
        var totals = BalanceTotals()
        var afterID: Int64 = 0
        // A page at a time: a migration syncs hundreds of thousands of invoices in one run.
        while true {
            let page = try ledger.records(
                kind: .invoice, states: [.synced], updatedSince: since, afterID: afterID, limit: 1000)
            guard let last = page.last else { break }
            afterID = last.id
            var owed: [String: (LedgerRecord, Decimal)] = [:]
            for record in page {
                guard let qbID = record.qbID, case .invoice(let invoice) = try record.decoded(memo: memo),
                    let remain = invoice.portproRemainAmount, invoice.status != .voided
                else { continue }
                owed[qbID] = (record, remain)
            }
            guard !owed.isEmpty else { continue }
            let objects = try await reads.objects("Invoice", ids: Array(owed.keys))
            for (qbID, (record, remain)) in owed {
                // QuickBooks owing less than PortPro's snapshot says is what a payment made after
                // the snapshot looks like (an invoice page exported before its payments): not
                // reported. QuickBooks owing more is a payment or credit PortPro has and QuickBooks
                // lacks, which no snapshot's age explains.
                guard let balance = objects[qbID]?["Balance"]?.decimalValue else { continue }
                totals.invoicesChecked += 1
                totals.portproRemain += remain
                totals.quickBooksBalance += balance
                guard balance > remain else { continue }
                differences.append(
                    BalanceDifference(record: record, qbID: qbID, portproRemain: remain, quickBooksBalance: balance))
            }
        }
        return (differences.sorted { $0.record.id < $1.record.id }, totals)
    }
}
