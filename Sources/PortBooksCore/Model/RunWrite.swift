import Foundation

/// One QuickBooks write a run made for one record, as the ledger's undo journal keeps it
/// (`portbooks undo RUN_ID`): what the run did, the link it left, and what the record held
/// before — so an undo knows what to delete, and what content to put back.
public struct RunWrite: Hashable, Sendable {
    /// What the run did to the QuickBooks object.
    public enum Operation: String, Hashable, Sendable, CaseIterable {
        case create, update, void
    }

    /// The journal row's id: stable, so an undo's requestids survive a crash.
    public var id: Int64
    public var runID: String
    public var recordID: Int64
    public var kind: RecordKind
    public var portproID: String
    public var operation: Operation
    /// The QuickBooks object the run wrote, and its SyncToken after the write.
    public var qbID: String
    public var syncToken: String?
    /// What a person could change in the object the write left (`ObjectFingerprint`): an undo
    /// compares it with the object now.
    public var fingerprint: String?
    /// The record before the write: its state, QuickBooks link, and the content last synced.
    public var previousState: RecordState?
    public var previousQBID: String?
    public var previousSyncToken: String?
    public var previousSyncedContent: Data?
    public var previousSyncedHash: String?
    /// The undo that set out to reverse it (written before the reversing write is sent), and
    /// what that write was: a re-run after a crash re-sends it with the same requestid.
    public var undoRunID: String?
    public var undoIntent: String?
    /// When an undo reversed it, and how (`deleted`, `voided`, `deactivated`, `restored`, `gone`).
    public var undoneAt: String?
    public var undoResult: String?

    public init(
        id: Int64, runID: String, recordID: Int64, kind: RecordKind, portproID: String, operation: Operation,
        qbID: String, syncToken: String? = nil, fingerprint: String? = nil, previousState: RecordState? = nil,
        previousQBID: String? = nil,
        previousSyncToken: String? = nil, previousSyncedContent: Data? = nil, previousSyncedHash: String? = nil,
        undoRunID: String? = nil, undoIntent: String? = nil, undoneAt: String? = nil, undoResult: String? = nil
    ) {
        self.id = id
        self.runID = runID
        self.recordID = recordID
        self.kind = kind
        self.portproID = portproID
        self.operation = operation
        self.qbID = qbID
        self.syncToken = syncToken
        self.fingerprint = fingerprint
        self.previousState = previousState
        self.previousQBID = previousQBID
        self.previousSyncToken = previousSyncToken
        self.previousSyncedContent = previousSyncedContent
        self.previousSyncedHash = previousSyncedHash
        self.undoRunID = undoRunID
        self.undoIntent = undoIntent
        self.undoneAt = undoneAt
        self.undoResult = undoResult
    }
}
