import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksMap
import PortBooksPlan

extension PushPipeline {
    /// Customers: matched to QuickBooks by the QuickBooks email, then by DisplayName (QuickBooks'
    /// customer list is read once, in pages of 1,000, only when one needs matching), adopted when
    /// found, created when the settings say so (in batches of 30, ten batches a group, each group
    /// recorded before the next goes, so an interrupted import loses at most one group's links,
    /// and those replay by requestid); changed ones get a sparse update.
    func pushCustomers() async throws {
        let pending = try ledger.records(kind: .customer, states: [.pending, .blocked], limit: nil)
        guard !pending.isEmpty else { return }
        let records = try mapped(pending)
        var facts = try await facts(for: records)
        let unlinked = records.filter { $0.record.qbID == nil && $0.mapping.isClean }
        if !unlinked.isEmpty {
            facts.quickBooksCustomers = try await reads.quickBooksCustomers()
            facts.namesInUse = try await reads.namesInUse(
                unlinked.compactMap { entry in
                    guard case .customer(let payload) = entry.mapping.payload else { return nil }
                    return payload.displayName
                })
        }
        let planned = records.map { planner.plan($0.record, $0.exported, mapping: $0.mapping, facts: facts) }
        try recorder.record(planned.filter { !$0.operation.writes })
        let creates = planned.filter { if case .create = $0.operation { true } else { false } }
        let phase = "pushing Customer"
        if !creates.isEmpty { progress?.update(phase: phase, done: 0, total: creates.count) }
        for start in stride(from: 0, to: creates.count, by: 300) {
            let group = Array(creates[start..<min(start + 300, creates.count)])
            let answers = try await writer.createInBatches(Self.creates(group), entity: "Customer")
            try recorder.record(group, answers: answers)
            progress?.update(phase: phase, done: start + group.count, total: creates.count)
        }
        progress?.finish(phase: phase)
        try await pushLinked(planned, entity: "Customer")
    }
}
