import Foundation

/// The ledger's one error type: every SQLite failure leaves the ledger as one of these, with
/// the ledger's path and SQLite's own words.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// Not a ledger, damaged, or cannot be created (a missing folder, no permission).
    case cannotOpen(path: String, reason: String)
    /// Migrated by a newer PortBooks: this one does not know its schema.
    case newerSchema(path: String)
    /// A read or write failed (disk full, locked for longer than the busy timeout, …); a
    /// failed write changed nothing.
    case failed(path: String, reason: String)
    case corrupt(String)
    /// A run holds the ledger's lock; a dry run cannot take a consistent copy until it ends.
    case busy(path: String)
    case noSuchRecord(Int64)
    /// A change the ledger refuses (``LedgerChange``); with `apply`, nothing of the list changed.
    case invalidChange(id: Int64, reason: String)
    /// A file is where the ledger belongs but is not a ledger PortBooks can use — empty (0
    /// bytes), damaged, or another application's database — so it is never taken for a new
    /// ledger (that would forget what was synced). `problem` says which, in words.
    case notALedger(path: String, problem: String)
    /// A record whose text SQLite would cut (a NUL): the ledger's columns, which the CSVs
    /// show, would then differ from what is sent to QuickBooks. The readers refuse such text
    /// first; this is the ledger's own guard.
    case unstorableText(kind: String, portproID: String, field: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "the ledger \(path) cannot be opened: \(reason)"
        case .newerSchema(let path):
            "the ledger \(path) was updated by a newer PortBooks; use that version (this one does not know its format)"
        case .failed(let path, let reason): "the ledger \(path) could not be read or written: \(reason)"
        case .corrupt(let detail): "the ledger holds something unexpected: \(detail)"
        case .busy(let path): "a PortBooks run holds the lock \(path); try the dry run again when it has finished"
        case .noSuchRecord(let id): "the ledger has no record #\(id)"
        case .invalidChange(let id, let reason): "record #\(id) cannot take this change: \(reason)"
        case .notALedger(let path, let problem):
            "the ledger \(path) \(problem). PortBooks does not start a new ledger over it: that would forget what was "
                + "synced. To recover: put back a copy of the ledger if you have one; otherwise move this file aside "
                + "(mv \(path) \(path).damaged) and re-import the processed files with `portbooks import` "
                + "(archive/*/*.json archive/*/*.xml): records already in QuickBooks are found by number and adopted, or "
                + "their requests replayed, so nothing is created twice (README, \"Recovering the ledger\")"
        case .unstorableText(let kind, let portproID, let field):
            "the \(kind) \(portproID) holds a NUL character in its \(field); it is not staged (the ledger would keep "
                + "only the text before it)"
        }
    }
}
