import Foundation
import PortBooksCore
import PortBooksJSON

/// The plan of an undo: for one journalled write of a run, how to reverse it — or why it is
/// left alone. Pure, like ``Planner``: a function of the write, the record, the object
/// QuickBooks holds now and the settings, so a dry run prints exactly what the undo does.
///
/// Safety first: an object changed in QuickBooks since PortBooks last wrote it (a member a
/// person edits differs from the journal's ``ObjectFingerprint``), or with a payment applied
/// that this undo does not remove, is left alone and reported — unless `force`.
public struct UndoPlanner: Sendable {
    /// Invoices and credit memos are voided rather than deleted.
    public var voidDocuments: Bool
    /// Reverse even what changed in QuickBooks since.
    public var force: Bool

    public init(voidDocuments: Bool = false, force: Bool = false) {
        self.voidDocuments = voidDocuments
        self.force = force
    }

    /// What puts an updated object back: the members to send, or why there are none.
    public enum Restore: Hashable, Sendable {
        case members(JSONValue)
        case cannot(SyncProblem)
    }

    /// What QuickBooks holds now for one write, as the undo read it.
    public struct Now: Sendable {
        /// The object (`nil`: not found — deleted, or a customer made inactive).
        public var object: JSONValue?
        /// PortBooks' last write of the object (any run): what it left there.
        public var lastWrite: RunWrite?
        /// Payments applied to it that this undo does not delete (not PortBooks', or not undone here).
        public var otherPayments: [String]
        /// For an update: the members to put back (the previous content mapped as the sync would
        /// map it), or why they cannot be.
        public var restore: Restore?
        /// For a later run's payment undone with the document it applies to: that document.
        public var dependentOf: String?

        public init(
            object: JSONValue?, lastWrite: RunWrite? = nil, otherPayments: [String] = [],
            restore: Restore? = nil, dependentOf: String? = nil
        ) {
            self.object = object
            self.lastWrite = lastWrite
            self.otherPayments = otherPayments
            self.restore = restore
            self.dependentOf = dependentOf
        }
    }

    public func plan(_ write: RunWrite, record: LedgerRecord, now: Now) -> UndoStep {
        func step(_ operation: UndoOperation, _ reason: String) -> UndoStep {
            UndoStep(write: write, record: record, operation: operation, reason: reason)
        }
        let entity = Planner.entity(write.kind)
        let what = "QuickBooks \(entity) \(write.qbID)"
        let ran = now.dependentOf.map { "applied to \($0), which this undo deletes (written by run \(write.runID))" }
        guard record.qbID == write.qbID else {
            let link = record.qbID.map { "it is now linked to \(entity) \($0)" } ?? "its QuickBooks link was removed"
            return step(.skip(reason: "\(link) since the run; \(what) is not touched"), "link changed since the run")
        }
        if write.operation == .void {
            return step(
                .skip(reason: "the run voided \(what); QuickBooks cannot un-void a transaction"),
                "QuickBooks has no un-void")
        }
        guard let object = now.object else {
            let gone =
                write.kind == .customer
                ? "\(what) is not an active customer any more" : "\(what) is not in QuickBooks any more (deleted)"
            return step(.unlink, "\(gone): nothing to send; the record is undone")
        }
        let token = object["SyncToken"]?.stringValue ?? record.syncToken ?? "0"
        var notes: [String] = ran.map { [$0] } ?? []
        // A write this undo (or a crashed one) already set out to send goes again, with the same
        // requestid: QuickBooks replays it if it was done, and does it if it was not.
        let resuming = write.undoIntent != nil
        if !resuming {
            var changes: [String] = []
            if let before = now.lastWrite?.fingerprint {
                let members = ObjectFingerprint.changedMembers(before, ObjectFingerprint.of(object))
                if !members.isEmpty {
                    let was = now.lastWrite?.syncToken ?? "?"
                    changes.append("\(members.joined(separator: ", ")) changed (SyncToken \(was) → \(token))")
                }
            } else if let known = record.syncToken, known != token {
                changes.append("its SyncToken moved from \(known) to \(token)")
            }
            if !now.otherPayments.isEmpty {
                changes.append("Payment \(now.otherPayments.joined(separator: ", ")) is applied to it")
            }
            if !changes.isEmpty {
                let said =
                    "\(what) was changed in QuickBooks since PortBooks wrote it: \(changes.joined(separator: "; "))"
                guard force else {
                    return step(
                        .leave(
                            SyncProblem(
                                code: SyncProblem.UndoCode.changedInQuickBooks.rawValue, message: said,
                                suggestion:
                                    "leave it (the rest of the run is undone), or reverse it anyway with `portbooks undo \(write.runID) --force`"
                            )), said)
                }
                notes.append("\(said) (--force)")
            }
        }
        if resuming { notes.append("resumes an undo that was interrupted (same requestid)") }
        let extra = notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")
        switch write.operation {
        case .create:
            switch write.kind {
            case .customer:
                return step(
                    .deactivate(qbID: write.qbID, syncToken: token),
                    "created by run \(write.runID): made inactive (QuickBooks deletes no names)\(extra)")
            case .payment:
                return step(.delete(qbID: write.qbID, syncToken: token), "created by run \(write.runID)\(extra)")
            case .invoice, .creditMemo:
                if voidDocuments {
                    return step(
                        .void(qbID: write.qbID, syncToken: token),
                        "created by run \(write.runID): voided ([undo] documents = \"void\")\(extra)")
                }
                return step(.delete(qbID: write.qbID, syncToken: token), "created by run \(write.runID)\(extra)")
            }
        case .update:
            switch now.restore {
            case .members(let changes)?:
                return step(
                    .restore(qbID: write.qbID, syncToken: token, changes: changes),
                    "updated by run \(write.runID): put back as it was before\(extra)")
            case .cannot(let problem)?:
                return step(.leave(problem), problem.message)
            case nil:
                let problem = SyncProblem(
                    code: SyncProblem.UndoCode.noPreviousContent.rawValue,
                    message: "the ledger does not hold what \(what) held before run \(write.runID) updated it",
                    suggestion: "put it back by hand in QuickBooks if needed")
                return step(.leave(problem), problem.message)
            }
        case .void:
            return step(.skip(reason: "QuickBooks cannot un-void a transaction"), "")
        }
    }
}
