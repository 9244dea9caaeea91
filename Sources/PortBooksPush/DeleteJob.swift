import Foundation
import PortBooksJSON
import PortBooksQuickBooks

/// QuickBooks' delete of one transaction (an undo's reversal of a create).
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
    /// Deletes, one after another, each with its own requestid; the first fault that stops the
    /// run ends the step (a fault of one object is its answer).
    func delete(_ jobs: [DeleteJob], entity: String) async throws -> WriteAnswers
}

extension LiveWriter: QuickBooksDeleter {
    public func delete(_ jobs: [DeleteJob], entity: String) async throws -> WriteAnswers {
        var answers: WriteAnswers = [:]
        for job in jobs {
            do {
                answers[job.recordID] = .success(
                    try await client.delete(
                        QuickBooksEntity(entity), id: job.qbID, syncToken: job.syncToken, requestID: job.requestID))
            } catch let fault as QuickBooksFault {
                answers[job.recordID] = .failure(fault)
                if fault.category != .recordProblem { break }
            }
        }
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
