import Foundation
import PortBooksCore
import PortBooksJSON

/// What an undo does to one write of the undone run (``UndoPlanner``): the reversing write,
/// or why nothing is sent.
public enum UndoOperation: Hashable, Sendable {
    /// A payment, credit application, invoice or credit memo the run created: deleted.
    case delete(qbID: String, syncToken: String)
    /// An invoice or credit memo the run created, voided instead of deleted (`[undo]
    /// documents = "void"`).
    case void(qbID: String, syncToken: String)
    /// A customer the run created: made inactive (QuickBooks deletes no names).
    case deactivate(qbID: String, syncToken: String)
    /// An object the run updated: these members put back as they were before (a sparse update).
    case restore(qbID: String, syncToken: String, changes: JSONValue)
    /// Already not in QuickBooks (deleted, or a customer already inactive): the undo is
    /// recorded, nothing is sent.
    case unlink
    /// Left alone, reported: changed in QuickBooks since PortBooks wrote it, or not reversible
    /// as things stand.
    case leave(SyncProblem)
    /// Nothing to reverse (QuickBooks cannot un-void a transaction; the record's link changed).
    case skip(reason: String)

    /// The operation's name in plan.csv.
    public var name: String {
        switch self {
        case .delete: "delete"
        case .void: "void"
        case .deactivate: "deactivate"
        case .restore: "restore"
        case .unlink: "unlink"
        case .leave: "problem"
        case .skip: "skip"
        }
    }

    /// The `requestid` salt of the reversing write (`nil`: nothing is sent).
    public var intent: String? {
        switch self {
        case .delete: "delete"
        case .void: "void"
        case .deactivate: "deactivate"
        case .restore: "restore"
        case .unlink, .leave, .skip: nil
        }
    }

    public var problem: SyncProblem? {
        if case .leave(let problem) = self { return problem }
        return nil
    }
}

/// One journalled write of the undone run (or a later run's payment that hangs on it), with
/// what the undo does about it.
public struct UndoStep: Hashable, Sendable {
    public var write: RunWrite
    /// The record as the ledger holds it now.
    public var record: LedgerRecord
    public var operation: UndoOperation
    /// Why, in words: what the run did, what QuickBooks holds now.
    public var reason: String

    public init(write: RunWrite, record: LedgerRecord, operation: UndoOperation, reason: String) {
        self.write = write
        self.record = record
        self.operation = operation
        self.reason = reason
    }

    /// The order writes are reversed in: payments and credit applications, then invoices and
    /// credit memos, then customers (the reverse of the sync's dependency order).
    public var phase: Int {
        switch write.kind {
        case .payment: 0
        case .invoice, .creditMemo: 1
        case .customer: 2
        }
    }
}
