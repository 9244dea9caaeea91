import PortBooksCore

/// The `requestid` QuickBooks uses to make a write idempotent: a repeat with the same id
/// replays the first response instead of writing again (reference/qbo-api.md §1.4).
///
/// The id must be the same for every retry and after a crash, so it is *derived*, never
/// random: from the record, its content and a generation that changes only when a person
/// asks for a new object (QuickBooks replays even after the object was deleted:
/// shared/PITFALLS.md 11). At most 50 characters; inside a batch, the requestid plus the
/// longest bId must also fit in 50.
/// See https://developer.intuit.com/app/developer/qbo/docs/learn/learn-basic-field-definitions
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    /// Intuit's limit for one request.
    public static let maximumLength = 50

    /// The id as sent on the wire.
    public let value: String

    /// Wraps an id chosen by the caller; `nil` if empty, longer than 50 characters, or not
    /// made of URL-safe characters (`A-Z a-z 0-9 - _ . : ~`).
    public init?(_ value: String) {
        guard !value.isEmpty, value.count <= Self.maximumLength,
            value.unicodeScalars.allSatisfy({ Self.allowed($0) })
        else { return nil }
        self.value = value
    }

    private init(unchecked value: String) {
        self.value = value
    }

    /// A stable id for one write of one record: the first `length` hex characters of
    /// SHA-256 over `kind`, `portproID`, `contentHash` and `generation`.
    ///
    /// The same inputs give the same id on every machine and every run. `length` defaults to
    /// 32 hex characters (128 bits), leaving room for batch ids of up to 18 characters.
    public static func derive(
        kind: String, portproID: String, contentHash: String, generation: Int, length: Int = 32
    ) -> RequestID {
        let input = [kind, portproID, contentHash, String(generation)].map { "\($0.utf8.count):\($0)" }.joined()
        return RequestID(unchecked: String(SHA256Digest.hexDigest(input).prefix(min(max(length, 16), 50))))
    }

    /// A new id derived from this one and `salt` — for a different request that must still be
    /// stable across retries, e.g. the re-sent update after a stale SyncToken (`salt` = the
    /// fresh SyncToken) or one chunk of a split batch.
    public func derived(salt: String, length: Int? = nil) -> RequestID {
        let hex = SHA256Digest.hexDigest("\(value.utf8.count):\(value)\(salt)")
        return RequestID(unchecked: String(hex.prefix(min(max(length ?? value.count, 16), 50))))
    }

    /// The same id shortened to `length` characters (for the batch budget); ids stay unique
    /// enough while `length` ≥ 16 hex characters.
    public func truncated(to length: Int) -> RequestID {
        RequestID(unchecked: String(value.prefix(max(1, length))))
    }

    public var description: String { value }

    private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "-", "_", ".", ":", "~": true
        default: false
        }
    }
}
