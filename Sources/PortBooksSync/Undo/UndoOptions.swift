import Foundation
import PortBooksCore

/// What `portbooks undo RUN_ID` is asked to do.
public struct UndoOptions: Sendable {
    /// The run whose QuickBooks writes are reversed.
    public var runID: String
    /// Only these kinds (`--only invoices,payments`); `nil`: every kind.
    public var kinds: Set<RecordKind>?
    /// Reverse even objects changed in QuickBooks since the run.
    public var force = false
    /// Undone records go to `cleared` (never pushed again) instead of `pending`.
    public var clear = false

    public init(runID: String, kinds: Set<RecordKind>? = nil, force: Bool = false, clear: Bool = false) {
        self.runID = runID
        self.kinds = kinds
        self.force = force
        self.clear = clear
    }
}

/// Why an undo cannot start (exit 1; nothing changed).
public enum UndoError: Error, Sendable, CustomStringConvertible {
    case noSuchRun(String)
    case undoOfUndo(String)

    public var description: String {
        switch self {
        case .noSuchRun(let id):
            "the ledger has no run \(id) (`portbooks status` lists the last runs; reports/runs/ holds their folders)"
        case .undoOfUndo(let id):
            "run \(id) is itself an undo; an undo is not undone — a sync recreates what it removed"
        }
    }
}
