import PortBooksCore

/// A QuickBooks Online request body built by a mapper, possibly with references still to resolve.
///
/// Conformers list their references through ``visitReferences(_:)``; everything else (what is
/// pending, resolving) is derived from it, so a new reference field cannot be forgotten by one
/// of the two.
public protocol QuickBooksPayload: Encodable, Sendable, Hashable {
    /// The QuickBooks entity name, as in the URL path and the envelope (`Invoice`, `Customer`).
    static var entityName: String { get }

    /// Calls `body` on every reference in the payload, in document order, letting it resolve them.
    mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void)
}

/// What could not be resolved at push time: the payload cannot be sent.
public struct UnresolvedReferencesError: Error, Hashable, Sendable, CustomStringConvertible {
    public var missing: [PendingReference]

    public var description: String {
        let names = missing.map { "\($0.kind.rawValue) \"\($0.name)\"" }
        return "not found in QuickBooks: " + names.joined(separator: ", ")
    }
}

extension QuickBooksPayload {
    /// The lookups still to do, de-duplicated, in document order.
    public var pendingReferences: [PendingReference] {
        var copy = self
        var seen = Set<PendingReference>()
        var result: [PendingReference] = []
        copy.visitReferences { reference in
            if !reference.isResolved, let pending = reference.pending, seen.insert(pending).inserted {
                result.append(pending)
            }
        }
        return result
    }

    /// The payload with every pending reference filled in from `lookup` (QuickBooks Id or `nil`).
    ///
    /// Throws ``UnresolvedReferencesError`` naming every reference `lookup` could not fill, so
    /// one problem row can list them all (e.g. two unsynced items).
    public func resolving(_ lookup: (PendingReference) -> String?) throws -> Self {
        var copy = self
        var missing: [PendingReference] = []
        copy.visitReferences { reference in
            guard !reference.isResolved, let pending = reference.pending else { return }
            if let id = lookup(pending) {
                reference.resolve(id)
            } else if !missing.contains(pending) {
                missing.append(pending)
            }
        }
        if !missing.isEmpty { throw UnresolvedReferencesError(missing: missing) }
        return copy
    }
}
