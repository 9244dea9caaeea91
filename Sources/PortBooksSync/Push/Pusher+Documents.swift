import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

extension Pusher {
    /// Invoices and credit memos: mapped, references resolved in bulk, looked up by number
    /// before they are created (adopted when the same document is already there, a
    /// `duplicate-doc-number` problem when another one uses the number), created in batches.
    func pushDocuments(_ kind: RecordKind) async throws {
        let entity = kind == .invoice ? "Invoice" : "CreditMemo"
        let pending = try ledger.records(kind: kind, states: [.pending, .blocked], limit: nil)
        guard !pending.isEmpty else { return }
        var prepared: [(LedgerRecord, MappedPayload)] = []
        for record in pending {
            if let payload = try mapped(record) { prepared.append((record, payload)) }
        }
        try await prefetch(prepared.map(\.1))
        var creates: [(LedgerRecord, JSONValue)] = []
        var updates: [(LedgerRecord, JSONValue)] = []
        for (record, payload) in prepared {
            guard let json = try resolve(record, payload) else { continue }
            if record.qbID != nil { updates.append((record, json)) } else { creates.append((record, json)) }
        }
        let fresh = try await adoptOrRefuseExistingNumbers(creates, entity: entity)
        if settings.invoices.docNumber == .quickbooks {
            // Without a number to look up, only the per-record requestid protects a re-run.
            try await createOneByOne(fresh, entity: entity)
        } else {
            try await create(fresh, entity: entity)
        }
        try await update(updates, entity: entity)
    }

    /// Looks the numbers up in QuickBooks (`DocNumber IN (…)`, 40 at a time) and returns the
    /// creates whose number is free.
    private func adoptOrRefuseExistingNumbers(_ creates: [(LedgerRecord, JSONValue)], entity: String) async throws
        -> [(LedgerRecord, JSONValue)]
    {
        let numbers = Array(Set(creates.compactMap { $0.1["DocNumber"]?.stringValue })).sorted()
        guard !numbers.isEmpty else { return creates }
        var existing: [String: [JSONValue]] = [:]
        for start in stride(from: 0, to: numbers.count, by: 40) {
            let chunk = Array(numbers[start..<min(start + 40, numbers.count)])
            results.apiCalls += 1
            let rows =
                try await client.query(
                    "SELECT * FROM \(entity) WHERE \(QuickBooksQuery.inList("DocNumber", chunk))")[entity]?.arrayValue
                ?? []
            for row in rows {
                if let number = row["DocNumber"]?.stringValue { existing[number, default: []].append(row) }
            }
        }
        var fresh: [(LedgerRecord, JSONValue)] = []
        for (record, json) in creates {
            guard let number = json["DocNumber"]?.stringValue, let rows = existing[number], !rows.isEmpty else {
                fresh.append((record, json))
                continue
            }
            let customer = json["CustomerRef"]?["value"]?.stringValue
            let total = record.amount.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
            if let same = rows.first(where: {
                $0["CustomerRef"]?["value"]?.stringValue == customer && $0["TotalAmt"]?.decimalValue == total
            }) {
                // The same document: created by an earlier run that did not live to record it,
                // or entered by hand identically. Link it; never create a second one.
                try synced(record, object: same, outcome: .adopted)
            } else {
                try problem(
                    record, .duplicateDocNumber(number, existingID: rows[0]["Id"]?.stringValue ?? "?", entity: entity))
            }
        }
        return fresh
    }

    /// Single creates, each with its own requestid, up to the pacer's concurrency; recorded
    /// in groups of 300.
    func createOneByOne(_ creates: [(LedgerRecord, JSONValue)], entity: String) async throws {
        if !creates.isEmpty { progress?.update(phase: "pushing \(entity)", done: 0, total: creates.count) }
        for start in stride(from: 0, to: creates.count, by: 300) {
            try await createOneByOneGroup(Array(creates[start..<min(start + 300, creates.count)]), entity: entity)
            progress?.update(phase: "pushing \(entity)", done: min(start + 300, creates.count), total: creates.count)
        }
        progress?.finish(phase: "pushing \(entity)")
    }

    private func createOneByOneGroup(_ creates: [(LedgerRecord, JSONValue)], entity: String) async throws {
        guard !creates.isEmpty else { return }
        let client = self.client
        let jobs = creates.map { (record: $0.0, json: $0.1, requestID: requestID($0.0, operation: "create")) }
        var outcomes: [Int64: Result<JSONValue, QuickBooksFault>] = [:]
        try await withThrowingTaskGroup(of: (Int64, Result<JSONValue, QuickBooksFault>).self) { group in
            var next = 0
            func launch() {
                let job = jobs[next]
                next += 1
                group.addTask {
                    do {
                        return (
                            job.record.id,
                            .success(
                                try await client.create(QuickBooksEntity(entity), job.json, requestID: job.requestID))
                        )
                    } catch let fault as QuickBooksFault {
                        return (job.record.id, .failure(fault))
                    }
                }
            }
            for _ in 0..<min(10, jobs.count) { launch() }
            while let (id, outcome) = try await group.next() {
                outcomes[id] = outcome
                if next < jobs.count { launch() }
            }
        }
        results.apiCalls += jobs.count
        var links: [LedgerChange] = []
        var created: [(LedgerRecord, String)] = []
        for job in jobs {
            guard case .success(let object)? = outcomes[job.record.id], let qbID = object["Id"]?.stringValue else {
                continue
            }
            links.append(
                .synced(
                    id: job.record.id, qbID: qbID, syncToken: object["SyncToken"]?.stringValue,
                    contentHash: job.record.contentHash))
            created.append((job.record, qbID))
        }
        try ledger.apply(links, runID: runID)
        for (record, qbID) in created { row(record, .created, qbID: qbID) }
        for job in jobs {
            if case .failure(let fault)? = outcomes[job.record.id] { try self.fault(job.record, fault) }
        }
    }
}
