import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksReports

extension UndoRun {
    /// Carries out one phase: notes the intents, re-reads the SyncTokens the earlier phase moved
    /// (deleting a payment moves its invoice's), sends the writes, and records every outcome in
    /// one ledger transaction. A fault that stops the run is thrown after what succeeded is
    /// recorded. Returns how many steps were left alone or refused.
    func carryOut(_ steps: [UndoStep], refresh: Bool) async throws -> Int {
        var steps = steps
        let writing = steps.filter { $0.operation.intent != nil }
        if !writing.isEmpty {
            var intents: [Int64: String] = [:]
            for step in writing { intents[step.write.id] = step.operation.intent }
            try ledger.markUndoIntents(intents, undoRunID: undoRunID)
            for index in steps.indices { steps[index].write.undoIntent = intents[steps[index].write.id] }
        }
        if refresh && !writing.isEmpty { try await refreshTokens(&steps) }
        var answers: WriteAnswers = [:]
        var stop: QuickBooksFault?
        do {
            answers = try await send(steps)
        } catch let partial as PartialAnswers {
            answers = partial.answers
            stop = partial.fault
        } catch let fault as QuickBooksFault {
            stop = fault
        }
        // QuickBooks refused a delete (a payment applied that the undo could not see): void instead.
        var fallback: [UndoStep] = []
        for step in steps {
            guard case .delete(let qbID, let token) = step.operation, step.phase == 1,
                case .failure(let fault)? = answers[step.write.id], fault.category == .recordProblem,
                fault.code != "610", fault.code != "no-answer"
            else { continue }
            var voiding = step
            voiding.operation = .void(qbID: qbID, syncToken: token)
            voiding.reason = "QuickBooks refused the delete (\(fault)): voided instead"
            fallback.append(voiding)
        }
        if stop == nil && !fallback.isEmpty {
            var intents: [Int64: String] = [:]
            for step in fallback { intents[step.write.id] = "void" }
            try ledger.markUndoIntents(intents, undoRunID: undoRunID)
            var voided: WriteAnswers = [:]
            do {
                voided = try await send(fallback)
            } catch let partial as PartialAnswers {
                voided = partial.answers
                stop = partial.fault
            } catch let fault as QuickBooksFault {
                stop = fault
            }
            for step in fallback {
                guard case .success(let object)? = voided[step.write.id],
                    let index = steps.firstIndex(where: { $0.write.id == step.write.id })
                else { continue }
                steps[index] = step
                answers[step.write.id] = .success(object)
            }
        }
        let left = try record(steps, answers: answers)
        if let stop { throw stop }
        return left
    }

    /// The current SyncTokens of the objects `steps` write, read in bulk.
    private func refreshTokens(_ steps: inout [UndoStep]) async throws {
        for kind in RecordKind.allCases {
            let ids = steps.filter { $0.write.kind == kind && $0.operation.intent != nil }.map(\.write.qbID)
            guard !ids.isEmpty else { continue }
            let objects = try await pipeline.reads.objects(Planner.entity(kind), ids: ids)
            for index in steps.indices where steps[index].write.kind == kind {
                guard let token = objects[steps[index].write.qbID]?["SyncToken"]?.stringValue else { continue }
                switch steps[index].operation {
                case .delete(let id, _): steps[index].operation = .delete(qbID: id, syncToken: token)
                case .void(let id, _): steps[index].operation = .void(qbID: id, syncToken: token)
                case .deactivate(let id, _): steps[index].operation = .deactivate(qbID: id, syncToken: token)
                case .restore(let id, _, let changes):
                    steps[index].operation = .restore(qbID: id, syncToken: token, changes: changes)
                default: break
                }
            }
        }
    }

    /// The requestid of an undo's write: from its journal row, so it is the same in every undo
    /// that sends it (a re-run after a crash replays, never writes twice).
    static func requestID(_ write: RunWrite, intent: String) -> RequestID {
        RequestID.derive(
            kind: "\(write.kind.rawValue).undo-\(intent)", portproID: write.portproID,
            contentHash: "run-write-\(write.id)", generation: 0)
    }

    /// Sends the writes among `steps`, by entity; answers by journal row id.
    private func send(_ steps: [UndoStep]) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for kind in RecordKind.allCases {
            let entity = Planner.entity(kind)
            var deletes: [DeleteJob] = []
            var voids: [VoidJob] = []
            var updates: [UpdateJob] = []
            for step in steps where step.write.kind == kind {
                let write = step.write
                switch step.operation {
                case .delete(let qbID, let token):
                    deletes.append(
                        DeleteJob(
                            recordID: write.id, qbID: qbID, syncToken: token,
                            requestID: Self.requestID(write, intent: "delete")))
                case .void(let qbID, let token):
                    voids.append(
                        VoidJob(
                            recordID: write.id, qbID: qbID, syncToken: token,
                            requestID: Self.requestID(write, intent: "void")))
                case .deactivate(let qbID, let token):
                    updates.append(
                        UpdateJob(
                            recordID: write.id, qbID: qbID, syncToken: token, changes: ["Active": false],
                            requestID: Self.requestID(write, intent: "deactivate")))
                case .restore(let qbID, let token, let changes):
                    updates.append(
                        UpdateJob(
                            recordID: write.id, qbID: qbID, syncToken: token, changes: changes.objectValue ?? [:],
                            requestID: Self.requestID(write, intent: "restore")))
                case .unlink, .leave, .skip:
                    continue
                }
            }
            // Each step's answers are kept even when a later step stops the run.
            for (jobs, send) in [
                (deletes.count, { try await self.writer.delete(deletes, entity: entity) }),
                (voids.count, { try await self.writer.void(voids, entity: entity) }),
                (updates.count, { try await self.writer.update(updates, entity: entity) }),
            ] as [(Int, () async throws -> WriteAnswers)] where jobs > 0 {
                let got = try await send()
                answers.merge(got) { _, new in new }
                if let fault = got.values.compactMap({ answer -> QuickBooksFault? in
                    if case .failure(let fault) = answer, fault.category != .recordProblem { return fault }
                    return nil
                }).first {
                    throw PartialAnswers(answers: answers, fault: fault)
                }
            }
        }
        return answers
    }
}

/// A phase stopped by QuickBooks part-way: the answers so far, and the fault.
struct PartialAnswers: Error {
    var answers: WriteAnswers
    var fault: QuickBooksFault
}
