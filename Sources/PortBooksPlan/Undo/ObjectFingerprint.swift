import Foundation
import PortBooksCore
import PortBooksJSON

/// What a person could have changed in a QuickBooks object, in a few bytes: a short hash per
/// top-level member (`DocNumber:1a2b3c4d;Line:…`), without the members QuickBooks moves on its
/// own when other objects change — `SyncToken` and `MetaData`, balances, the `LinkedTxn` of
/// applied payments, a payment line's `LineEx`.
///
/// The undo journal keeps the fingerprint of the object each write left; an undo compares it
/// with the object's fingerprint now: a member that differs was changed in QuickBooks since
/// PortBooks wrote it (its payments, which move an invoice's SyncToken, do not count — they are
/// checked on their own).
public enum ObjectFingerprint {
    /// Members QuickBooks changes without anyone editing the object.
    static let moving: Set<String> = [
        "SyncToken", "MetaData", "Balance", "HomeBalance", "BalanceWithJobs", "LinkedTxn", "RemainingCredit",
        "UnappliedAmt", "domain", "sparse", "time",
    ]

    /// The fingerprint of `object` (as QuickBooks returned it).
    public static func of(_ object: JSONValue) -> String {
        guard let members = object.objectValue else { return "" }
        return members.keys.filter { !moving.contains($0) }.sorted().compactMap { name -> String? in
            guard let value = members[name] else { return nil }
            let digest = SHA256Digest.hexDigest(bytes: Array(stripped(value).serialized().utf8))
            return "\(name):\(digest.prefix(8))"
        }.joined(separator: ";")
    }

    /// The members whose value differs between two fingerprints, by name.
    public static func changedMembers(_ before: String, _ now: String) -> [String] {
        func parse(_ text: String) -> [String: Substring] {
            var found: [String: Substring] = [:]
            for part in text.split(separator: ";") {
                guard let colon = part.lastIndex(of: ":") else { continue }
                found[String(part[..<colon])] = part[part.index(after: colon)...]
            }
            return found
        }
        let a = parse(before)
        let b = parse(now)
        return Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// `value` without the line extras QuickBooks refreshes (`LineEx`) at any depth.
    private static func stripped(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (name, member) in members where name != "LineEx" { kept[name] = stripped(member) }
            return .object(kept)
        case .array(let elements):
            return .array(elements.map(stripped))
        default:
            return value
        }
    }
}
