import PortBooksJSON

/// One operation inside a `/batch` request
/// (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch).
public struct BatchItem: Sendable, Hashable {
    /// What the item does.
    public enum Operation: Sendable, Hashable {
        /// Create `payload` (an entity object).
        case create(QuickBooksEntity, JSONValue)
        /// Update with `payload` (must hold `Id` and `SyncToken`; add `"sparse": true` for sparse).
        case update(QuickBooksEntity, JSONValue)
        /// Delete the transaction in `payload` (`Id`, `SyncToken`).
        case delete(QuickBooksEntity, JSONValue)
        /// Void the transaction in `payload` (`Id`, `SyncToken`).
        case void(QuickBooksEntity, JSONValue)
        /// Run a query statement.
        case query(String)
    }

    /// The item's id inside the batch, unique in it; results are matched on it. Keep it short:
    /// the batch `requestid` plus the longest `bId` must fit in 50 characters.
    public var bId: String
    /// The operation.
    public var operation: Operation

    /// Creates an item.
    public init(bId: String, _ operation: Operation) {
        self.bId = bId
        self.operation = operation
    }

    var json: JSONValue {
        switch operation {
        case .create(let entity, let payload): ["bId": .string(bId), "operation": "create", entity.name: payload]
        case .update(let entity, let payload): ["bId": .string(bId), "operation": "update", entity.name: payload]
        case .delete(let entity, let payload): ["bId": .string(bId), "operation": "delete", entity.name: payload]
        case .void(let entity, let payload): ["bId": .string(bId), "operation": "void", entity.name: payload]
        case .query(let statement): ["bId": .string(bId), "Query": .string(statement)]
        }
    }

    var entity: QuickBooksEntity? {
        switch operation {
        case .create(let entity, _), .update(let entity, _), .delete(let entity, _), .void(let entity, _): entity
        case .query: nil
        }
    }
}

/// The result of one batch item.
public enum BatchItemResult: Sendable, Hashable {
    /// The entity object QuickBooks returned (created, updated, deleted stub or voided).
    case object(JSONValue)
    /// The `QueryResponse` of a query item.
    case queryResponse(JSONValue)
    /// The item failed, classified like any other fault.
    case fault(QuickBooksFault)
}
