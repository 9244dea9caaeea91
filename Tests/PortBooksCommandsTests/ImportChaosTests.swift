import Foundation
import Testing

/// `portbooks import` killed with SIGKILL at arbitrary moments, then re-run until it
/// finishes: every invoice exactly once in QuickBooks, amounts equal. (`make bench` runs the
/// same over 5,000 invoices; the suite uses a small export.)
@Suite(
    "import survives SIGKILL",
    .enabled(
        if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
            && FileManager.default.fileExists(
                atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
    )
)
struct ImportChaosTests {
    @Test("killed three times mid-run, re-run to the end: each invoice once, totals equal")
    func killAndResume() throws {
        let invoices = 240
        let sandbox = try SandboxProcess(arguments: ["--limits", "off"])
        _ = try sandbox.curl(
            "/_sandbox/faults", method: "POST", body: #"{"serverError":0.03,"dropAfterCommit":0.03,"seed":11}"#)
        let project = try Binary.connectedProject(sandbox)
        let export = project.appendingPathComponent("history.json").path
        #expect(try Binary.run(["generate", "--invoices", "\(invoices)", "--seed", "3", "--out", export]).status == 0)
        let config = project.appendingPathComponent("portbooks.toml").path
        let before = try sandbox.objects("Invoice").count

        // Kill after increasing delays, so some kills land in staging and some in pushing.
        for delay in [0.4, 0.9, 1.6] {
            let process = Process()
            process.executableURL = Binary.portbooks
            process.arguments = ["import", "--config", config, export]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var finished = false
        for _ in 0..<5 where !finished {
            let run = try Binary.run(["import", "--config", config, export])
            finished = run.status == 0 || run.status == 3
        }
        #expect(finished)

        let created = try sandbox.objects("Invoice")
        let numbers = created.compactMap { $0["DocNumber"] as? String }
        #expect(Set(numbers).count == numbers.count, "an invoice number twice in QuickBooks")
        // The seeded RSRE_000150 clashes with the export's own RSRE_000150 (a problem, not a duplicate).
        #expect(created.count - before == invoices - 1)
        let stats = try sandbox.stats()
        #expect((stats["duplicateDocNumbers"] as? Int) == 0)

        // Amounts: QuickBooks' totals equal PortPro's, decoded exactly on both sides.
        struct Export: Decodable {
            struct Invoice: Decodable {
                var reference_number: String
                var totalAmount: String
            }
            var invoices: [Invoice]
        }
        let exported = try JSONDecoder().decode(Export.self, from: Data(contentsOf: URL(fileURLWithPath: export)))
        let expected = Dictionary(
            uniqueKeysWithValues: exported.invoices.map { ($0.reference_number, Decimal(string: $0.totalAmount)) })
        for (number, total) in try sandbox.invoiceTotals() where number != "RSRE_000150" {
            #expect(total == expected[number] ?? nil, "\(number)")
        }
    }
}
