import Foundation
import PortBooksCore
import PortBooksJSON

/// What the plan decided for one record: the one place where "what happens to this record" is
/// decided (shared/DESIGN.md "Architecture"). The push carries out the operation; the record
/// stage writes its outcome; a dry run prints it.
public enum PlanOperation: Hashable, Sendable {
    /// A new QuickBooks object with this payload (references resolved).
    case create(JSONValue)
    /// A sparse update of the linked object: these members (without `Id` and `SyncToken`).
    case update(qbID: String, syncToken: String, changes: JSONValue)
    /// The object QuickBooks already holds is this record: link it, create nothing.
    case adopt(JSONValue)
    /// QuickBooks' void of the linked object (PortPro voided it): amounts zeroed, the document kept.
    case void(qbID: String, syncToken: String)
    /// Nothing is sent and the record stays pending, for this reason: it is not ready in PortPro
    /// yet (a credit memo not issued); the sync after PortPro changes it sends it.
    case hold(reason: String)
    /// Nothing is sent, and the record is settled in the ledger (cleared) for this reason.
    case skip(reason: String)
    /// Nothing is sent: the record waits for another (`dependency`, e.g. `customer:<id>`).
    case blocked(dependency: String, SyncProblem)
    /// Nothing is sent: the record is a problem row until someone acts on it.
    case problem(SyncProblem)

    /// The operation's name in plan.csv: `create`, `update`, `adopt`, `skip`, `blocked`, `problem`.
    public var name: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .adopt: "adopt"
        case .void: "void"
        case .hold: "hold"
        case .skip: "skip"
        case .blocked: "blocked"
        case .problem: "problem"
        }
    }

    /// Whether carrying it out writes to QuickBooks.
    public var writes: Bool {
        switch self {
        case .create, .update, .void: true
        case .adopt, .hold, .skip, .blocked, .problem: false
        }
    }

    /// The problem, for `blocked` and `problem`.
    public var problem: SyncProblem? {
        switch self {
        case .blocked(_, let problem), .problem(let problem): problem
        case .create, .update, .adopt, .void, .hold, .skip: nil
        }
    }
}

/// One record with its planned operation, the QuickBooks references it resolved, and why.
public struct PlannedRecord: Hashable, Sendable {
    public var record: LedgerRecord
    public var operation: PlanOperation
    /// The QuickBooks references the payload carries, resolved (`CustomerRef` → `58`, …).
    public var references: [ResolvedReference]
    /// Why this operation, in words: what changed, what was found in QuickBooks, what it waits for.
    public var reason: String

    public init(
        record: LedgerRecord, operation: PlanOperation, references: [ResolvedReference] = [], reason: String = ""
    ) {
        self.record = record
        self.operation = operation
        self.references = references
        self.reason = reason
    }

    /// The QuickBooks Id the record is (or will be) linked to, when known before the push.
    public var qbID: String? {
        switch operation {
        case .update(let qbID, _, _), .void(let qbID, _): qbID
        case .adopt(let object): object["Id"]?.stringValue
        case .create, .hold, .skip, .blocked, .problem: record.qbID
        }
    }
}

/// A reference in a payload after resolution: `CustomerRef` `58` (`Acme Drayage`).
public struct ResolvedReference: Hashable, Sendable, CustomStringConvertible {
    /// The payload's member: `CustomerRef`, `ItemRef`, `SalesTermRef`, `LinkedTxn` (`TxnId`), …
    public var field: String
    public var id: String
    public var name: String?

    public init(field: String, id: String, name: String? = nil) {
        self.field = field
        self.id = id
        self.name = name
    }

    public var description: String {
        guard let name, !name.isEmpty else { return "\(field)=\(id)" }
        return "\(field)=\(id) (\(name))"
    }

    /// Every reference in a resolved payload, each once, in a stable order (members by name,
    /// elements in order): members named
    /// `…Ref` with a `value`, and the `TxnId` of linked transactions (a payment's invoices).
    public static func all(in payload: JSONValue) -> [ResolvedReference] {
        var found: [ResolvedReference] = []
        var seen = Set<ResolvedReference>()
        func visit(_ value: JSONValue, key: String?) {
            switch value {
            case .object(let members):
                if let key, key.hasSuffix("Ref"), let id = members["value"]?.stringValue {
                    let reference = ResolvedReference(field: key, id: id, name: members["name"]?.stringValue)
                    if seen.insert(reference).inserted { found.append(reference) }
                    return
                }
                if let id = members["TxnId"]?.stringValue, let type = members["TxnType"]?.stringValue {
                    let reference = ResolvedReference(field: type + "Ref", id: id)
                    if seen.insert(reference).inserted { found.append(reference) }
                }
                for name in members.keys.sorted() {
                    if let member = members[name] { visit(member, key: name) }
                }
            case .array(let elements):
                for element in elements { visit(element, key: key) }
            default:
                break
            }
        }
        visit(payload, key: nil)
        return found
    }
}
