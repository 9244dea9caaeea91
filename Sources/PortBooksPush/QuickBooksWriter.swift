import Foundation
import PortBooksJSON
import PortBooksQuickBooks

/// What QuickBooks answered for each write of a step, by the record's ledger id: the object it
/// wrote, or the fault of that one record. A write the step never attempted (the run stopped
/// first) has no answer and stays pending.
public typealias WriteAnswers = [Int64: Result<JSONValue, QuickBooksFault>]

/// One write of one record: its payload and the `requestid` that makes a retry replay.
public struct WriteJob: Sendable, Hashable {
    public var recordID: Int64
    public var json: JSONValue
    public var requestID: RequestID
    /// The record's generation (bumped by `remove-qb-id` and `undo`): part of a batch item's id
    /// when above 0, so a batch re-creating what was deleted is a new request, never a replay
    /// of the deleted objects' batch.
    public var generation: Int

    public init(recordID: Int64, json: JSONValue, requestID: RequestID, generation: Int = 0) {
        self.recordID = recordID
        self.json = json
        self.requestID = requestID
        self.generation = generation
    }

    /// The batch item id: the record's ledger id, with `.generation` when above 0.
    public var batchID: String { generation > 0 ? "\(recordID).\(generation)" : String(recordID) }

    /// The record's ledger id in a batch item id made by ``batchID``.
    public static func recordID(inBatchID bId: String) -> Int64? {
        Int64(bId.split(separator: ".", maxSplits: 1).first ?? "")
    }
}

/// A sparse update of one linked object.
public struct UpdateJob: Sendable, Hashable {
    public var recordID: Int64
    public var qbID: String
    public var syncToken: String
    /// The members to write, without `Id` and `SyncToken`.
    public var changes: [String: JSONValue]
    public var requestID: RequestID

    public init(recordID: Int64, qbID: String, syncToken: String, changes: [String: JSONValue], requestID: RequestID) {
        self.recordID = recordID
        self.qbID = qbID
        self.syncToken = syncToken
        self.changes = changes
        self.requestID = requestID
    }
}

/// QuickBooks' void of one linked transaction.
public struct VoidJob: Sendable, Hashable {
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

/// The push: carries out a plan's writes. ``LiveWriter`` sends them to QuickBooks;
/// ``RehearsalWriter`` answers as QuickBooks would without sending anything, for a dry run.
///
/// Every method returns an answer per attempted job; a fault of one record is its answer, and
/// a fault that stops the run (auth, fatal, transient past the retry budget) is thrown — or,
/// inside a batch, answered for its items, so the links of what did succeed are recorded
/// before the run stops.
public protocol QuickBooksWriter: Sendable {
    /// Creates in batches of 30 (their requestids derived from the batch's content).
    func createInBatches(_ jobs: [WriteJob], entity: String) async throws -> WriteAnswers
    /// Single creates, each with its own requestid, `concurrency` at a time.
    func createEach(_ jobs: [WriteJob], entity: String, concurrency: Int) async throws -> WriteAnswers
    /// Sparse updates, one after another; the first fault that stops the run ends the step.
    func update(_ jobs: [UpdateJob], entity: String) async throws -> WriteAnswers
    /// Voids, one after another; the first fault that stops the run ends the step.
    func void(_ jobs: [VoidJob], entity: String) async throws -> WriteAnswers
}
