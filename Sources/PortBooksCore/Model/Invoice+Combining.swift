import Foundation

extension Invoice {
    /// The `_id` of an invoice read from PortPro's API: its invoice number.
    ///
    /// PortPro's API has no id for an invoice as a whole: a list page's `_id` belongs to the
    /// load an envelope wraps, and one invoice number can span several envelopes (a combined
    /// invoice). The number is what `GET /v1/invoices/{referenceNumber}` is keyed by, and the
    /// same in every envelope, page and endpoint, so it is the ledger's key for such invoices.
    /// A number that is not a valid id (docs/FORMAT.md "Conventions": 1–64 of
    /// `A-Z a-z 0-9 _ . : -`) becomes `ref-` and the first 32 hex digits of its SHA-256, which
    /// is as stable.
    public static func portproID(referenceNumber number: String) -> String {
        let valid =
            !number.isEmpty && number.utf8.count <= 64
            && number.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
                    UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }
        return valid ? number : "ref-" + SHA256Digest.hexDigest(number).prefix(32)
    }

    /// What PortPro says was paid on the invoice: the sum of its charge sets' `paidAmount`,
    /// or `nil` when no charge set carries one (the export format never does).
    public var portproPaidAmount: Decimal? {
        Self.sum(chargeSets.map(\.paidAmount))
    }

    /// What PortPro says is still owed on the invoice: the sum of its charge sets'
    /// `remainAmount`, or `nil` when no charge set carries one.
    public var portproRemainAmount: Decimal? {
        Self.sum(chargeSets.map(\.remainAmount))
    }

    private static func sum(_ amounts: [Decimal?]) -> Decimal? {
        let present = amounts.compactMap { $0 }
        return present.isEmpty ? nil : present.reduce(Decimal(0), +)
    }

    /// This invoice with `part` read after it: the charge sets of one envelope of a PortPro
    /// invoice list (docs/FORMAT.md "PortPro API responses").
    ///
    /// `part` is taken as the whole truth about the loads it names: every charge set of
    /// those loads is replaced by `part`'s (in place, where the load's first charge set
    /// stood), the charge sets of other loads are kept, and loads new to the invoice are
    /// appended in `part`'s order. The invoice's own fields (customer, dates, status, terms,
    /// notes) come from `part`, the later read; the total is the sum of the charge sets.
    /// Combining is idempotent: reading the same envelope again changes nothing.
    public func combining(_ part: Invoice) -> Invoice {
        let partLoads = Set(part.chargeSets.map(\.loadReferenceNumber))
        var sets: [ChargeSet] = []
        var placed = Set<String>()
        for set in chargeSets {
            let load = set.loadReferenceNumber
            guard partLoads.contains(load) else {
                sets.append(set)
                continue
            }
            if placed.insert(load).inserted {
                sets += part.chargeSets.filter { $0.loadReferenceNumber == load }
            }
        }
        sets += part.chargeSets.filter { !placed.contains($0.loadReferenceNumber) }
        var combined = part
        combined.chargeSets = sets
        combined.totalAmount = sets.reduce(Decimal(0)) { $0 + $1.totalAmount }
        return combined
    }
}
