import Foundation

/// `[undo]`: how `portbooks undo RUN_ID` reverses the invoices and credit memos a run created.
public struct UndoSettings: Hashable, Sendable {
    public enum Documents: String, Hashable, Sendable, CaseIterable {
        /// Deleted (QuickBooks keeps them in its audit log); voided only where QuickBooks
        /// refuses the delete.
        case delete
        /// Voided: the documents stay, with amounts zeroed (some companies' policy: never delete).
        case void
    }

    public var documents: Documents = .delete

    /// Whether invoices and credit memos are voided rather than deleted.
    public var voidDocuments: Bool { documents == .void }

    public init() {}
}
