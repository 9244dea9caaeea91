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

    /// The generation in a batch item id made by ``batchID`` (0 when it has none).
    public static func generation(inBatchID bId: String) -> Int {
        Int(bId.split(separator: ".", maxSplits: 1).dropFirst().first ?? "") ?? 0
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
public protocol QuickBooksWriter: LaneWriter {
    /// Creates in batches of 30 (their requestids derived from the batch's content).
    func createInBatches(_ jobs: [WriteJob], entity: String) async throws -> WriteAnswers
    /// Single creates, each with its own requestid, `concurrency` at a time.
    func createEach(_ jobs: [WriteJob], entity: String, concurrency: Int) async throws -> WriteAnswers
    /// Sparse updates, one after another; the first fault that stops the run ends the step.
    func update(_ jobs: [UpdateJob], entity: String) async throws -> WriteAnswers
    /// Voids, one after another; the first fault that stops the run ends the step.
    func void(_ jobs: [VoidJob], entity: String) async throws -> WriteAnswers
}

/// One request of the push's write lanes, its identity fixed before it is admitted to the wire
/// (and written to the ledger): a `/batch` of up to 30 creates, or one create alone.
public struct WireSend: Sendable {
    public enum Route: String, Sendable {
        case batch
        case single
    }

    public var route: Route
    public var requestID: RequestID
    /// Exactly the bytes to send: the `BatchItemRequest` array, or the object.
    public var body: Data
    /// The creates it carries, with their entities (a batch may carry several kinds).
    public var jobs: [(entity: String, job: WriteJob)]

    public init(route: Route, requestID: RequestID, body: Data, jobs: [(entity: String, job: WriteJob)]) {
        self.route = route
        self.requestID = requestID
        self.body = body
        self.jobs = jobs
    }

    /// A batch of `jobs` (at most 30): each item's `bId` is its record's ledger id, and the
    /// requestid is derived from the items' bytes.
    public static func batch(_ jobs: [(entity: String, job: WriteJob)]) throws -> WireSend {
        let items = jobs.map {
            BatchItem(bId: $0.job.batchID, .create(QuickBooksEntity($0.entity), $0.job.json))
        }
        let body = QuickBooksClient.encoded(items)
        return WireSend(
            route: .batch, requestID: try QuickBooksClient.requestID(forBatch: items, encodedItems: body), body: body,
            jobs: jobs)
    }

    /// One create alone, with the record's own requestid.
    public static func single(_ job: WriteJob, entity: String) -> WireSend {
        WireSend(route: .single, requestID: job.requestID, body: job.json.encoded(), jobs: [(entity, job)])
    }
}

/// The pacer's admission of one request of the write lanes (none for a writer that sends
/// nothing).
public struct WriteAdmission: Sendable {
    let permit: RealmPacer.Permit?

    init(permit: RealmPacer.Permit?) {
        self.permit = permit
    }
}

/// The write lanes' side of a writer: admission first, then the send chosen for it.
public protocol LaneWriter: Sendable {
    /// Waits until a request of `route` may go.
    func admit(_ route: WireSend.Route) async throws -> WriteAdmission
    /// Gives back an admission that was not used.
    func unused(_ admission: WriteAdmission) async
    /// Sends `send` under `admission` (or a fresh one when nil): an answer for each of its
    /// jobs — the object, or that record's fault; throws what stops the run.
    func send(_ send: WireSend, admission: WriteAdmission?) async throws -> WriteAnswers
}
