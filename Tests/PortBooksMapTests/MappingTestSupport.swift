import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap
import PortBooksRead

/// Paths inside the package, found from this file's location (Tests/PortBooksMapTests/…).
enum Package {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}

/// The example settings beside the drop-example fixtures.
func exampleSettings() throws -> Settings {
    try Settings.load(path: Package.path("fixtures/drop-example/portbooks.toml"))
}

/// The records of a fixture (path relative to the package root).
func fixtureRecords(_ relative: String) throws -> [ExportRecord] {
    var records: [ExportRecord] = []
    let result = try JSONExportReader(path: Package.path(relative), displayName: relative).read { records.append($0) }
    precondition(result.isValid, "fixture \(relative) is invalid")
    return records
}

/// The invoice with number `number` in a fixture.
func fixtureInvoice(_ relative: String, number: String) throws -> Invoice? {
    try fixtureRecords(relative).lazy.compactMap { record -> Invoice? in
        if case .invoice(let invoice) = record, invoice.referenceNumber == number { return invoice }
        return nil
    }.first
}

/// The descriptions of an invoice payload's sales lines, in order.
func salesLineDescriptions(_ payload: QBInvoice) -> [String] {
    payload.lines.compactMap { line in
        if case .salesItem(let item) = line { return item.description ?? "" }
        return nil
    }
}
