import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap
import PortBooksPlan
import PortBooksQuickBooks

/// The bulk reads of QuickBooks that feed the plan (``PlanFacts``), the same in a dry run and a
/// real run: the QuickBooks Ids of the names settings and mappers refer to (items, terms,
/// accounts, payment methods, classes, departments, custom-field definitions) — one query per
/// entity per 40 names (`… WHERE Name IN (…)`), each name asked once per run, never one query
/// per record —; QuickBooks' customer list, in pages of 1,000, once per run; and the documents
/// holding the numbers about to be created (`… WHERE DocNumber IN (…)`).
///
/// Customers and invoices are not looked up here: their Ids come from the ledger.
///
/// Not thread-safe: the pipeline reads names from one task.
final class PlanReads {
    let client: QuickBooksClient
    private(set) var names: [PendingReference.Kind: [String: String]] = [:]
    private var looked: [PendingReference.Kind: Set<String>] = [:]
    private var customFieldsLoaded = false
    private var preferences: JSONValue?
    private var customers: QuickBooksCustomerIndex?

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
        case .customer, .invoice, .creditMemo, .customFieldDefinition: nil
        }
    }

    /// Looks up every not-yet-known name among `references`, one query per entity and 40 names.
    func prefetch(_ references: [PendingReference]) async throws {
        var wanted: [PendingReference.Kind: Set<String>] = [:]
        for reference in references {
            if reference.kind == .customFieldDefinition {
                if !customFieldsLoaded { try await loadCustomFieldDefinitions() }
                continue
            }
            guard Self.entity(for: reference.kind) != nil else { continue }
            if looked[reference.kind, default: []].contains(reference.key) { continue }
            wanted[reference.kind, default: []].insert(reference.key)
        }
        for (kind, wantedNames) in wanted {
            guard let entity = Self.entity(for: kind) else { continue }
            let sorted = wantedNames.sorted()
            for start in stride(from: 0, to: sorted.count, by: 40) {
                let chunk = Array(sorted[start..<min(start + 40, sorted.count)])
                for row in try await rows(entity, where: QuickBooksQuery.inList("Name", chunk)) {
                    if let name = row["Name"]?.stringValue, let id = row["Id"]?.stringValue {
                        names[kind, default: [:]][name] = id
                    }
                }
                looked[kind, default: []].formUnion(chunk)
            }
        }
    }

    /// The `entity` rows matching `condition` (one page: at most 40 names are asked at once);
    /// an entity this company does not have (QuickBooks refuses the query) reads as none found.
    private func rows(_ entity: String, where condition: String) async throws -> [JSONValue] {
        do {
            return try await client.query("SELECT * FROM \(entity) WHERE \(condition)")[entity]?.arrayValue ?? []
        } catch let fault as QuickBooksFault where fault.category == .recordProblem {
            return []
        }
    }

    /// The company's Preferences, read once per run.
    private func companyPreferences() async throws -> JSONValue {
        if let preferences { return preferences }
        let rows = try await client.query("SELECT * FROM Preferences")["Preferences"]?.arrayValue ?? []
        let read = rows.first ?? .null
        preferences = read
        return read
    }

    /// Whether the company has multicurrency on, and its home currency
    /// (`Preferences.CurrencyPrefs`; a company without them: off, home currency unknown).
    func currencies() async throws -> (multiCurrency: Bool, home: String?) {
        let prefs = try await companyPreferences()["CurrencyPrefs"]
        return (prefs?["MultiCurrencyEnabled"]?.boolValue ?? false, prefs?["HomeCurrency"]?["value"]?.stringValue)
    }

    /// Custom fields are defined in Preferences (SalesFormsPrefs.SalesCustomName1…3).
    private func loadCustomFieldDefinitions() async throws {
        var definitions: [String: String] = [:]
        for group in try await companyPreferences()["SalesFormsPrefs"]?["CustomField"]?.arrayValue ?? [] {
            for field in group["CustomField"]?.arrayValue ?? [] {
                guard let name = field["Name"]?.stringValue, name.hasPrefix("SalesFormsPrefs.SalesCustomName"),
                    let label = field["StringValue"]?.stringValue, !label.isEmpty
                else { continue }
                definitions[label] = String(name.dropFirst("SalesFormsPrefs.SalesCustomName".count))
            }
        }
        names[.customFieldDefinition] = definitions
        customFieldsLoaded = true
    }

    /// QuickBooks' customers, read once per run in pages of 1,000.
    func quickBooksCustomers() async throws -> QuickBooksCustomerIndex {
        if let customers { return customers }
        let index = QuickBooksCustomerIndex(rows: try await client.queryAll(QuickBooksEntity("Customer"), where: nil))
        customers = index
        return index
    }

    /// The vendors and employees QuickBooks has with any of `names` (display names are unique
    /// across customers, vendors and employees), by name lower-cased: `Vendor 12 "Acme"`. One
    /// query per entity and 40 names; an entity the company does not have reads as none.
    func namesInUse(_ names: [String]) async throws -> [String: String] {
        let wanted = Array(Set(names.filter { !$0.isEmpty })).sorted()
        var found: [String: String] = [:]
        for entity in ["Vendor", "Employee"] {
            for start in stride(from: 0, to: wanted.count, by: 40) {
                let chunk = Array(wanted[start..<min(start + 40, wanted.count)])
                for row in try await rows(entity, where: QuickBooksQuery.inList("DisplayName", chunk)) {
                    guard let name = row["DisplayName"]?.stringValue else { continue }
                    found[QuickBooksCustomerIndex.folded(name)] =
                        "\(entity) \(row["Id"]?.stringValue ?? "?") \"\(name)\""
                }
            }
        }
        return found
    }

    /// The `entity` objects with these Ids, by Id (100 to a query, in pages of 1,000).
    func objects(_ entity: String, ids: [String]) async throws -> [String: JSONValue] {
        let wanted = Array(Set(ids)).sorted()
        var found: [String: JSONValue] = [:]
        for start in stride(from: 0, to: wanted.count, by: 100) {
            let chunk = Array(wanted[start..<min(start + 100, wanted.count)])
            for row in try await client.queryAll(QuickBooksEntity(entity), where: QuickBooksQuery.inList("Id", chunk)) {
                if let id = row["Id"]?.stringValue { found[id] = row }
            }
        }
        return found
    }

    /// The payments QuickBooks holds for `customer` dated `date` (to find one again after its
    /// link was removed).
    func payments(customer: String, date: String) async throws -> [JSONValue] {
        try await client.queryAll(
            QuickBooksEntity("Payment"),
            where: "CustomerRef = \(QuickBooksQuery.literal(customer)) AND TxnDate = \(QuickBooksQuery.literal(date))")
    }

    /// Document numbers per lookup. A chunk of 300 takes 3 lookups (at 40 it took 8, and each
    /// lookup is a request from the minute's budget and a round trip the chunk's batches wait
    /// on); 100 quoted numbers of 21 characters make about 3.3 KB of URL. Each lookup asks for
    /// pages of 1,000 rows and reads on while they come back full, so no row is missed however
    /// often QuickBooks holds a number (the default page is 100).
    static let numbersPerLookup = 100

    /// The `entity` objects QuickBooks holds with each of `numbers`, by number; the lookups go
    /// out together (each is one round trip a chunk's batches wait on).
    static func documents(numbers: [String], entity: String, client: QuickBooksClient) async throws
        -> [String: [JSONValue]]
    {
        let numbers = Array(Set(numbers)).sorted()
        let per = numbersPerLookup
        let lists = stride(from: 0, to: numbers.count, by: per).map {
            Array(numbers[$0..<min($0 + per, numbers.count)])
        }
        var byNumber: [String: [JSONValue]] = [:]
        try await withThrowingTaskGroup(of: [JSONValue].self) { group in
            for list in lists {
                group.addTask {
                    try await client.queryAll(
                        QuickBooksEntity(entity), where: QuickBooksQuery.inList("DocNumber", list))
                }
            }
            for try await rows in group {
                for row in rows {
                    if let number = row["DocNumber"]?.stringValue { byNumber[number, default: []].append(row) }
                }
            }
        }
        return byNumber
    }
}
