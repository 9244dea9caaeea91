import Foundation
import PortBooksCore
import PortBooksQuickBooks

/// QuickBooks Ids for the names settings and mappers refer to (items, terms, accounts,
/// payment methods, classes, departments, custom-field definitions), looked up in bulk —
/// one query per entity per run (`… WHERE Name IN (…)`), never one per record.
///
/// Customers and invoices are not resolved here: their Ids come from the ledger.
final class ReferenceResolver {
    private let client: QuickBooksClient
    private var ids: [PendingReference.Kind: [String: String]] = [:]
    private var looked: [PendingReference.Kind: Set<String>] = [:]
    private var customFieldDefinitions: [String: String]?
    private(set) var queries = 0

    init(client: QuickBooksClient) {
        self.client = client
    }

    /// The QuickBooks entity behind each name-list reference kind.
    static func entity(for kind: PendingReference.Kind) -> String? {
        switch kind {
        case .item: "Item"
        case .term: "Term"
        case .account: "Account"
        case .paymentMethod: "PaymentMethod"
        case .class: "Class"
        case .location: "Department"
        case .customer, .invoice, .customFieldDefinition: nil
        }
    }

    /// Looks up every not-yet-known name among `references`, one query per entity.
    func prefetch(_ references: [PendingReference]) async throws {
        var wanted: [PendingReference.Kind: Set<String>] = [:]
        for reference in references {
            if reference.kind == .customFieldDefinition {
                if customFieldDefinitions == nil { try await loadCustomFieldDefinitions() }
                continue
            }
            guard Self.entity(for: reference.kind) != nil else { continue }
            if looked[reference.kind, default: []].contains(reference.key) { continue }
            wanted[reference.kind, default: []].insert(reference.key)
        }
        for (kind, names) in wanted {
            guard let entity = Self.entity(for: kind) else { continue }
            let sorted = names.sorted()
            for start in stride(from: 0, to: sorted.count, by: 40) {
                let chunk = Array(sorted[start..<min(start + 40, sorted.count)])
                let statement = "SELECT * FROM \(entity) WHERE \(QuickBooksQuery.inList("Name", chunk))"
                queries += 1
                let rows: [JSONValue]
                do {
                    rows = try await client.query(statement)[entity]?.arrayValue ?? []
                } catch let fault as QuickBooksFault where fault.category == .recordProblem {
                    // An entity this company does not support reads as "none found".
                    rows = []
                }
                for row in rows {
                    if let name = row["Name"]?.stringValue, let id = row["Id"]?.stringValue {
                        ids[kind, default: [:]][name] = id
                    }
                }
                looked[kind, default: []].formUnion(chunk)
            }
        }
    }

    /// The Id for a name-list reference, once prefetched.
    func id(for reference: PendingReference) -> String? {
        if reference.kind == .customFieldDefinition { return customFieldDefinitions?[reference.key] }
        return ids[reference.kind]?[reference.key]
    }

    /// Custom fields are defined in Preferences (SalesFormsPrefs.SalesCustomName1…3).
    private func loadCustomFieldDefinitions() async throws {
        queries += 1
        let rows = try await client.query("SELECT * FROM Preferences")["Preferences"]?.arrayValue ?? []
        var definitions: [String: String] = [:]
        for group in rows.first?["SalesFormsPrefs"]?["CustomField"]?.arrayValue ?? [] {
            for field in group["CustomField"]?.arrayValue ?? [] {
                guard let name = field["Name"]?.stringValue, name.hasPrefix("SalesFormsPrefs.SalesCustomName"),
                    let label = field["StringValue"]?.stringValue, !label.isEmpty
                else { continue }
                definitions[label] = String(name.dropFirst("SalesFormsPrefs.SalesCustomName".count))
            }
        }
        customFieldDefinitions = definitions
    }
}
