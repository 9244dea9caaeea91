import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

/// A ledger holds the links of one QuickBooks company: its records' QuickBooks Ids mean objects
/// of that company only.
public struct RealmMismatch: Error, Sendable, CustomStringConvertible {
    public var ledgerRealm: String
    public var connectedRealm: String

    public var description: String {
        "this folder's ledger belongs to QuickBooks company \(ledgerRealm), but the connection is to company "
            + "\(connectedRealm); its QuickBooks ids would name that company's objects, so nothing is written. "
            + "To sync another company, set up a folder of its own (`portbooks init DIR`, then `portbooks connect` "
            + "there); to go on with this one, run `portbooks connect` again and choose company \(ledgerRealm)"
    }
}

extension SyncEngine {
    /// The ledger's meta key for the company it belongs to.
    static let realmKey = "realm_id"

    /// The QuickBooks client of the connected company, once the ledger is known to belong to
    /// it: a ledger that has none yet is bound to it (not a dry run's copy: its binding is
    /// thrown away with it); one bound to another company refuses with ``RealmMismatch``.
    public func connectedClient(logger: Logger) throws -> QuickBooksClient {
        let client = try QuickBooksConnection(settings: settings).client(logger: logger).0
        try bind(toRealm: client.configuration.realmID)
        return client
    }

    /// Binds the ledger to `realm`, or refuses when it belongs to another company.
    public func bind(toRealm realm: String) throws {
        if let bound = try ledger.value(forMeta: Self.realmKey), !bound.isEmpty {
            guard bound == realm else { throw RealmMismatch(ledgerRealm: bound, connectedRealm: realm) }
            return
        }
        try ledger.setMeta(Self.realmKey, realm)
    }
}
