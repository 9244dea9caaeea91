import Foundation
import Testing

/// The `portbooks` built with these tests (beside the test bundle), else `.build/debug/portbooks`.
private let mapBinary: URL = {
    let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("portbooks")
    if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling }
    let bundle = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("portbooks")
    if FileManager.default.isExecutableFile(atPath: bundle.path) { return bundle }
    return Binary.portbooks
}()

private func runMap(_ arguments: [String], in directory: URL? = nil) throws -> Binary.Output {
    try ChildProcess.run(mapBinary, arguments, in: directory ?? Binary.root)
}

@Suite(
    "portbooks map and init", .timeLimit(.minutes(3)),
    .enabled(if: FileManager.default.isExecutableFile(atPath: mapBinary.path)))
struct MapCommandTests {
    static let names = ["credit-memos", "customers", "invoices-2026-11-a", "invoices-2026-11-b", "payments"]

    /// The records of a `map --json` document without their `file`.
    static func records(_ json: String) throws -> [NSDictionary] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let records = object?["records"] as? [[String: Any]] ?? []
        return records.map { record in
            var copy = record
            copy["file"] = nil
            return copy as NSDictionary
        }
    }

    @Test("the XML fixtures map to exactly what the JSON fixtures map to, which is the golden file")
    func xmlEqualsJSON() throws {
        let config = ["--config", "fixtures/drop-example/portbooks.toml", "--json"]
        let json = try runMap(["map"] + config + Self.names.map { "fixtures/drop-example/\($0).json" })
        let xml = try runMap(["map"] + config + Self.names.map { "fixtures/drop-example/\($0).xml" })
        #expect(json.status == 3, "\(json.stderr)")
        #expect(xml.status == 3, "\(xml.stderr)")
        let golden = try String(
            contentsOf: Binary.root.appendingPathComponent("fixtures/golden/map-drop-example.json"), encoding: .utf8)
        #expect(json.stdout.trimmingCharacters(in: .newlines) == golden.trimmingCharacters(in: .newlines))
        let fromXML = try Self.records(xml.stdout)
        #expect(fromXML.count == 60)
        #expect(fromXML == (try Self.records(json.stdout)))
    }

    @Test("init writes settings map accepts; a typo in them is exit 1 with the line")
    func initThenMap() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-map-\(UUID().uuidString)")
        let made = try runMap(["init", directory.path, "--sandbox", "http://127.0.0.1:9"])
        #expect(made.status == 0, "\(made.stderr)")
        let secret = try FileManager.default.attributesOfItem(
            atPath: directory.appendingPathComponent("state/client-secret").path)
        #expect((secret[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try runMap(["init", directory.path]).status == 1)
        let customers = Binary.root.appendingPathComponent("fixtures/drop-example/customers.json").path
        let mapped = try runMap(["map", customers], in: directory)
        #expect(mapped.status == 0, "\(mapped.stderr)")
        let config = directory.appendingPathComponent("portbooks.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "reconcile_first =", with: "reconcile_frist =").write(
            to: config, atomically: true, encoding: .utf8)
        let broken = try runMap(["map", customers], in: directory)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("portbooks.toml:"))
        #expect(broken.stderr.contains("unknown key \"reconcile_frist\""))
    }
}
