import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksSync

/// `portbooks ids`: the QuickBooks ID area — every synced record's QuickBooks ID, and removing
/// or overriding one, with the same checks as a resolution file.
struct Ids: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, remove or set the QuickBooks ID linked to a PortPro record.",
        subcommands: [IdsList.self, IdsRemove.self, IdsSet.self]
    )
}

struct IdsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List records with their QuickBooks IDs and states.",
        discussion: """
            Examples:
              portbooks ids list --entity invoice --missing
              portbooks ids list --json | jq -r '.[] | select(.state == "synced") | .qb_id'
            """)

    @OptionGroup var config: ConfigOptions

    @Option(help: "Only this entity: customer, invoice, payment or credit_memo.")
    var entity: String?

    @Flag(help: "Only records without a QuickBooks ID.")
    var missing = false

    @Flag(help: "Print the records as a JSON array of objects (entity, portpro_id, number, customer, qb_id, state).")
    var json = false

    func validate() throws {
        if let entity, RecordKind(entitySpelling: entity) == nil {
            throw ValidationError("Unknown entity \(escaping: entity): use customer, invoice, payment or credit_memo.")
        }
    }

    func run() throws {
        let settings = try config.loadSettings()
        let engine = try SyncEngine(settings: settings, logger: LogSetup.logger)
        let records = try engine.ledger.allRecords(
            kind: entity.flatMap { RecordKind(entitySpelling: $0) }, onlyWithoutQBID: missing)
        if json {
            let objects = records.map { record -> [String: Any] in
                [
                    "entity": record.kind.rawValue, "portpro_id": record.portproID, "number": record.number ?? "",
                    "customer": record.customerName ?? "", "qb_id": record.qbID ?? NSNull(),
                    "state": record.state.rawValue,
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            Terminal.standardOutputJSON(String(decoding: data, as: UTF8.self))
            return
        }
        let header = ["entity", "portpro_id", "number", "customer", "qb_id", "state"]
        let rows = records.map {
            [
                $0.kind.rawValue, $0.portproID, $0.number ?? "", $0.customerName ?? "", $0.qbID ?? "-",
                $0.state.rawValue,
            ]
        }
        let widths = header.indices.map { column in
            min(40, ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0)
        }
        for row in [header] + rows {
            Terminal.standardOutput(
                row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        Terminal.standardOutput("\(records.count) record(s)")
    }
}

/// The one-row resolution `ids remove` and `ids set` apply.
private func applyOne(
    _ config: ConfigOptions, entity: String, portproID: String, action: ResolutionAction, newQBID: String,
    note: String, force: Bool
) async throws {
    let settings = try config.loadSettings()
    let engine = try SyncEngine(settings: settings, logger: LogSetup.logger)
    let row = ResolutionFile.Row(
        line: 1, entity: entity, portproID: portproID, action: action.rawValue, newQBID: newQBID, note: note)
    let file = ResolutionFile(
        name: "portbooks ids \(action == .setQBID ? "set" : "remove")", rows: [row], origin: .command)
    let outcome = try await engine.resolve(
        file, options: .init(force: force),
        connect: { try engine.connectedClient(logger: LogSetup.logger) })
    guard let result = outcome.rows.first else { return }
    if result.result == .rejected {
        Terminal.standardError("error: \(result.message)")
        throw CommandEnd.needsAttention
    }
    Terminal.standardOutput("\(result.entity) \(result.portproID): \(result.message)")
}

struct IdsRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Unlink a record from QuickBooks so the next sync sends it again.",
        discussion: """
            Safe against duplicates: before creating, the next sync looks the record's number up in \
            QuickBooks and adopts the same invoice if it is still there (or reports duplicate-doc-number).
            """)

    @OptionGroup var config: ConfigOptions

    @Argument(help: "customer, invoice, payment or credit_memo.")
    var entity: String

    @Argument(help: "The record's PortPro _id.")
    var portproID: String

    @Option(help: "Why, for the audit log.")
    var note = ""

    func run() async throws {
        try await applyOne(
            config, entity: entity, portproID: portproID, action: .removeQBID, newQBID: "", note: note, force: false)
    }
}

struct IdsSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Link a record to an existing QuickBooks object.",
        discussion: """
            The object is read from QuickBooks: it must exist as that entity and, for invoices and credit \
            memos, carry the record's number and customer (payments: the customer) unless --force.
            """)

    @OptionGroup var config: ConfigOptions

    @Argument(help: "customer, invoice, payment or credit_memo.")
    var entity: String

    @Argument(help: "The record's PortPro _id.")
    var portproID: String

    @Argument(help: "The QuickBooks Id to link.")
    var qbID: String

    @Flag(help: "Link even when the number or customer differ.")
    var force = false

    @Option(help: "Why, for the audit log.")
    var note = ""

    func run() async throws {
        try await applyOne(
            config, entity: entity, portproID: portproID, action: .setQBID, newQBID: qbID, note: note, force: force)
    }
}
