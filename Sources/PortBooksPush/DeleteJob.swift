import Foundation
import PortBooksJSON
import PortBooksQuickBooks

/// QuickBooks' delete of one transaction (an undo's reversal of a create). ``LiveWriter`` sends
/// deletes in batches, under the batch's requestid; `requestID` is the single request's, for a
/// writer that sends them one by one.
public struct DeleteJob: Sendable, Hashable {
    /// The key its answer comes back under (an undo uses its journal row's id).
    public var recordID: Int64
    public var qbID: String
    public var syncToken: String
    public var requestID: RequestID

    public init(recordID: Int64, qbID: String, syncToken: String, requestID: RequestID) {
        self.recordID = recordID
        self.qbID = qbID
        self.syncToken = syncToken
        self.requestID = requestID
    }
}

/// The deletes of an undo, beside ``QuickBooksWriter``'s writes: ``LiveWriter`` sends them,
/// ``RehearsalWriter`` answers them as QuickBooks would and sends nothing.
public protocol QuickBooksDeleter: Sendable {
    /// Deletes; a fault of one object is its answer, a fault that stops the run is thrown.
    func delete(_ jobs: [DeleteJob], entity: String) async throws -> WriteAnswers
}

extension LiveWriter: QuickBooksDeleter {
    /// In batches of 30 (QuickBooks counts a batch as one request of the minute's 500, within 40
    /// batches a minute): a large undo goes well over twice as fast as one delete per request.
    /// Each batch's requestid is derived from its items (journal ids, object Ids, SyncTokens), so
    /// a re-run sending the same deletes replays; one whose objects are already gone no longer
    /// sends them (the undo reads QuickBooks first). Every job gets an answer (`no-answer` when
    /// the batch left it out); a fault that stops the run is thrown.
    public func delete(_ jobs: [DeleteJob], entity: String) async throws -> WriteAnswers {
        guard !jobs.isEmpty else { return [:] }
        let items = jobs.map { job in
            BatchItem(
                bId: String(job.recordID),
                .delete(QuickBooksEntity(entity), ["Id": .string(job.qbID), "SyncToken": .string(job.syncToken)]))
        }
        var answers: WriteAnswers = [:]
        for (bId, result) in try await client.batchAll(items) {
            guard let id = Int64(bId) else { continue }
            switch result {
            case .object(let object) where object["Id"]?.stringValue != nil: answers[id] = .success(object)
            case .fault(let fault): answers[id] = .failure(fault)
            default: continue
            }
        }
        for job in jobs where answers[job.recordID] == nil { answers[job.recordID] = .failure(Self.noAnswer) }
        return answers
    }
}

extension RehearsalWriter: QuickBooksDeleter {
    public func delete(_ jobs: [DeleteJob], entity: String) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs { answers[job.recordID] = .success(["Id": .string(job.qbID), "status": "Deleted"]) }
        return answers
    }
}
