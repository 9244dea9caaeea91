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
        }
    }
}
