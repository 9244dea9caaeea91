import Foundation
import PortBooksCore
import PortBooksLedger

extension Stager {
    /// Invoices, payments and credit memos name their customer (`caller`) even when no export
    /// held a customer record for it: such customers are staged from that reference, so they are
    /// matched or created like any other and show up in the problem list. Only the kinds
    /// `kinds` (those the settings sync) are looked at.
    ///
    /// The ledger keeps each record's caller id: only a record naming an unknown customer is
    /// decoded (for the caller's name and currency), and no other record is even read.
    public func stageCustomersNamedOnlyByCallers(kinds: [RecordKind]) throws {
        var namedBy: [String: Int64] = [:]
        var undecided: [LedgerRecord] = []
        for kind in kinds where kind != .customer {
            let references = try ledger.customerReferences(kind: kind, states: [.pending, .blocked])
            for (customer, record) in references.named where namedBy[customer] == nil { namedBy[customer] = record }
            undecided += references.unnamed
        }
        var known = Set(try ledger.records(kind: .customer, portproIDs: Array(namedBy.keys)).map(\.portproID))
        var naming: [LedgerRecord] = []
        for id in namedBy.filter({ !known.contains($0.key) }).values.sorted() {
            if let record = try ledger.record(id: id) { naming.append(record) }
        }
        var callers: [String: CustomerRef] = [:]
        for record in naming + undecided {
            let caller: CustomerRef
            switch try record.decoded(memo: memo) {
            case .invoice(let invoice): caller = invoice.caller
            case .payment(let payment): caller = payment.caller
            case .creditMemo(let memo): caller = memo.caller
            case .customer: continue
            }
            callers[caller.id] = caller
        }
        known.formUnion(try ledger.records(kind: .customer, portproIDs: Array(callers.keys)).map(\.portproID))
        let missing = callers.values.filter { !known.contains($0.id) }.sorted { $0.id < $1.id }
        guard !missing.isEmpty else { return }
        _ = try ledger.stageFile(
            hash: "derived-customers-\(runID)", name: "(customers named by invoices, payments and credit memos)",
            size: 0, format: "derived", runID: runID
        ) { session in
            for caller in missing {
                let customer = Customer(id: caller.id, companyName: caller.companyName, currency: caller.currency)
                memo.insert(.customer(customer), hash: try session.stage(.customer(customer), sourceFile: Self.derived))
            }
            return true
        }
    }

    /// The source file a derived customer names.
    public static let derived = "(named by a transaction)"
}
