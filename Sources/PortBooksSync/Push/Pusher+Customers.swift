import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

extension Pusher {
    /// Customers: matched to QuickBooks by the QuickBooks email, then by DisplayName (in
    /// bulk: QuickBooks' customer list is read once, in pages of 1,000), adopted when found,
    /// created when the settings say so; changed ones get a sparse update.
    func pushCustomers() async throws {
        try stageCustomersNamedOnlyByCallers()
        let pending = try ledger.records(kind: .customer, states: [.pending, .blocked], limit: nil)
        guard !pending.isEmpty else { return }
        var prepared: [(LedgerRecord, Customer, MappedPayload)] = []
        for record in pending {
            guard case .customer(let customer) = try record.decoded(), let payload = try mapped(record) else {
                continue
            }
            prepared.append((record, customer, payload))
        }
        try await prefetch(prepared.map(\.2))
        let unlinked = prepared.filter { $0.0.qbID == nil }
        var index = QuickBooksCustomerIndex()
        if !unlinked.isEmpty {
            let rows = try await client.queryAll(QuickBooksEntity("Customer"), where: nil)
            results.apiCalls += rows.count / QuickBooksQuery.maxPageSize + 1
            index = QuickBooksCustomerIndex(rows: rows)
        }
        var creates: [(LedgerRecord, JSONValue)] = []
        var updates: [(LedgerRecord, JSONValue)] = []
        for (record, customer, payload) in prepared {
            guard let json = try resolve(record, payload) else { continue }
            if record.qbID != nil {
                updates.append((record, json))
                continue
            }
            if let match = index.match(
                customer: customer, displayName: json["DisplayName"]?.stringValue, by: settings.customers.match)
            {
                try synced(record, object: match, outcome: .adopted)
                continue
            }
            if settings.customers.createMissing {
                creates.append((record, json))
            } else {
                try problem(record, .customerNotInQuickBooks(customer.companyName))
            }
        }
        try await create(creates, entity: "Customer")
        try await update(updates, entity: "Customer")
    }

    /// Invoices, payments and credit memos name their customer (`caller`) even when the export
    /// holds no customer record for it: such customers are staged from that reference, so
    /// they are matched or created like any other and show up in the problem list.
    private func stageCustomersNamedOnlyByCallers() throws {
        // The ledger keeps each record's caller id: only a record naming an unknown customer is
        // decoded (for the caller's name and currency), and no other record is even read.
        var namedBy: [String: Int64] = [:]
        var undecided: [LedgerRecord] = []
        for kind in [RecordKind.invoice, .creditMemo, .payment] where settings.sync.isEnabled(kind) {
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
            switch try record.decoded() {
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
                try session.stage(.customer(customer), sourceFile: "(named by a transaction)")
            }
            return true
        }
    }

    /// Creates in batches of 30, ten batches at a time; each group's results are recorded
    /// before the next group goes, so an interrupted import loses at most one group's links
    /// (and those replay by requestid).
    func create(_ creates: [(LedgerRecord, JSONValue)], entity: String) async throws {
        if !creates.isEmpty { progress?.update(phase: "pushing \(entity)", done: 0, total: creates.count) }
        for start in stride(from: 0, to: creates.count, by: 300) {
            try await createGroup(Array(creates[start..<min(start + 300, creates.count)]), entity: entity)
            progress?.update(phase: "pushing \(entity)", done: min(start + 300, creates.count), total: creates.count)
        }
        progress?.finish(phase: "pushing \(entity)")
    }

    private func createGroup(_ creates: [(LedgerRecord, JSONValue)], entity: String) async throws {
        guard !creates.isEmpty else { return }
        results.apiCalls += Self.batchCount(creates.count)
        let outcomes = try await Self.createInBatches(creates.map { ($0.0.id, $0.1) }, entity: entity, client: client)
        // Every created object's link goes to the ledger in one transaction per call.
        try recordCreated(outcomes, records: Dictionary(uniqueKeysWithValues: creates.map { ($0.0.id, $0.0) }))
    }

    /// Sparse updates of records already in QuickBooks whose content changed; a stale
    /// SyncToken is re-read once by the client.
    func update(_ updates: [(LedgerRecord, JSONValue)], entity: String) async throws {
        for (record, json) in updates {
            guard let qbID = record.qbID else { continue }
            var changes = json.objectValue ?? [:]
            changes.removeValue(forKey: "Id")
            changes.removeValue(forKey: "SyncToken")
            do {
                results.apiCalls += 1
                let object = try await client.sparseUpdate(
                    QuickBooksEntity(entity), id: qbID, syncToken: record.syncToken ?? "0", changes: changes,
                    requestID: requestID(record, operation: "update"))
                try synced(record, object: object, outcome: .updated)
            } catch let error as QuickBooksFault {
                try fault(record, error)
            }
        }
    }
}

/// QuickBooks' customers by email and by DisplayName (case-insensitive), for matching.
struct QuickBooksCustomerIndex {
    private var byEmail: [String: JSONValue] = [:]
    private var byName: [String: JSONValue] = [:]

    init(rows: [JSONValue] = []) {
        for row in rows {
            if let email = row["PrimaryEmailAddr"]?["Address"]?.stringValue?.lowercased(), !email.isEmpty {
                byEmail[email] = byEmail[email] ?? row
            }
            if let name = row["DisplayName"]?.stringValue?.lowercased() { byName[name] = row }
        }
    }

    func match(customer: Customer, displayName: String?, by order: [CustomerSettings.Match]) -> JSONValue? {
        for method in order {
            switch method {
            case .email:
                if let email = customer.quickbooksEmail?.lowercased(), let row = byEmail[email] { return row }
            case .displayName:
                if let name = (displayName ?? customer.companyName).lowercased() as String?, let row = byName[name] {
                    return row
                }
            }
        }
        return nil
    }
}
