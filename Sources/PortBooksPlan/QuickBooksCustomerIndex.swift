import PortBooksCore
import PortBooksJSON

/// QuickBooks' customers by email (any case) and by DisplayName, for matching.
///
/// A customer is adopted on the same QuickBooks email or the exact same name (unless both
/// sides have e-mails and they differ). A name that
/// differs only in case or spacing ("BLUE HARBOR IMPORTS" against "Blue Harbor Imports") is
/// not the same company for certain — it is reported for a person to decide (and QuickBooks
/// itself would refuse a second customer of that name).
public struct QuickBooksCustomerIndex: Sendable {
    private var byEmail: [String: JSONValue] = [:]
    private var byName: [String: JSONValue] = [:]
    private var byFoldedName: [String: JSONValue] = [:]

    /// How a customer was found.
    public enum Match: Sendable {
        case email(JSONValue)
        case displayName(JSONValue)

        public var object: JSONValue {
            switch self {
            case .email(let object), .displayName(let object): object
            }
        }
    }

    public init(rows: [JSONValue] = []) {
        for row in rows {
            if let email = row["PrimaryEmailAddr"]?["Address"]?.stringValue?.lowercased(), !email.isEmpty {
                byEmail[email] = byEmail[email] ?? row
            }
            if let name = row["DisplayName"]?.stringValue {
                byName[name] = row
                byFoldedName[Self.folded(name)] = row
            }
        }
    }

    /// The QuickBooks customer whose DisplayName is this one but for case and spacing.
    public func customer(named name: String) -> JSONValue? {
        byFoldedName[Self.folded(name)]
    }

    /// Both e-mails are known and are not the same address (any case).
    static func emailsDiffer(_ ours: String?, _ theirs: String?) -> Bool {
        guard let ours = ours?.lowercased(), !ours.isEmpty, let theirs = theirs?.lowercased(), !theirs.isEmpty else {
            return false
        }
        return ours != theirs
    }

    /// A name in lower case with runs of white space made one space, ends trimmed.
    public static func folded(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The QuickBooks customer that is `customer`, trying `order`'s ways in turn.
    public func match(customer: Customer, displayName: String?, by order: [CustomerSettings.Match]) -> Match? {
        for method in order {
            switch method {
            case .email:
                if let email = customer.quickbooksEmail?.lowercased(), let row = byEmail[email] { return .email(row) }
            case .displayName:
                // The same name with another e-mail on both sides is two companies' books.
                if let row = byName[displayName ?? customer.companyName],
                    !Self.emailsDiffer(customer.quickbooksEmail, row["PrimaryEmailAddr"]?["Address"]?.stringValue)
                {
                    return .displayName(row)
                }
            }
        }
        return nil
    }
}
