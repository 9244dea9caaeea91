import PortBooksCore
import PortBooksJSON

/// QuickBooks' customers by email and by DisplayName (case-insensitive), for matching.
public struct QuickBooksCustomerIndex: Sendable {
    private var byEmail: [String: JSONValue] = [:]
    private var byName: [String: JSONValue] = [:]

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
            if let name = row["DisplayName"]?.stringValue?.lowercased() { byName[name] = row }
        }
    }

    /// The QuickBooks customer with this DisplayName, any case.
    public func customer(named name: String) -> JSONValue? {
        byName[name.lowercased()]
    }

    /// The QuickBooks customer that is `customer`, trying `order`'s ways in turn.
    public func match(customer: Customer, displayName: String?, by order: [CustomerSettings.Match]) -> Match? {
        for method in order {
            switch method {
            case .email:
                if let email = customer.quickbooksEmail?.lowercased(), let row = byEmail[email] { return .email(row) }
            case .displayName:
                if let row = byName[(displayName ?? customer.companyName).lowercased()] { return .displayName(row) }
            }
        }
        return nil
    }
}
