import Foundation
import Testing

/// Payments go to QuickBooks in batches like invoices (#17), and a send a stopped run left
/// without its answers is sent again exactly, so nothing is written twice.
@Suite("payments in batches, end to end")
struct PaymentBatchesEndToEndTests {
    /// The payments QuickBooks holds, by PaymentRefNum.
    static func paymentReferences(_ sandbox: SandboxProcess) throws -> [String] {
        try sandbox.objects("Payment").compactMap { $0["PaymentRefNum"] as? String }
    }

    static func paymentCounts(_ config: String) throws -> [String: Int] {
        let status = try Binary.run(["status", "--json", "--config", config])
        let counts = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return (counts?["counts"] as? [String: Any])?["payment"] as? [String: Int] ?? [:]
    }

    @Test("with [push] single_requests = false every invoice and payment goes in a batch; each payment once")
    func everythingBatched() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml")
        try (String(contentsOf: config, encoding: .utf8) + "\n[push]\nsingle_requests = false\n").write(
            to: config, atomically: true, encoding: .utf8)
        let export = project.appendingPathComponent("paid.json").path
        let generated = try Binary.run([
            "generate", "--invoices", "70", "--seed", "3", "--payments-per-invoice", "1", "--out", export,
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        let run = try Binary.run(["import", "--config", config.path, export])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")

        let routes = try sandbox.stats()["byRoute"] as? [String: Int] ?? [:]
        #expect(routes["POST payment"] == nil, "\(routes)")
        #expect(routes["POST invoice"] == nil, "\(routes)")
        // 70 invoices and 70 payments: at least three batches of each kind.
        #expect((routes["POST batch"] ?? 0) >= 6, "\(routes)")
        let references = try Self.paymentReferences(sandbox)
        #expect(references.count == 70)
        #expect(Set(references).count == 70)
        #expect(try Self.paymentCounts(config.path) == ["synced": 70])
    }

    /// Every write is committed and its answer lost (the connection dropped), retries too, until
    /// the run gives up with payments unrecorded and their sends in the ledger. The next run
    /// sends exactly those requests again (QuickBooks answers them from their requestids) and
    /// the rest as usual: each payment is in QuickBooks once.
    @Test("a run that stops with payment batches unanswered: the next run sends them again exactly, nothing twice")
    func stoppedRunResends() throws {
        let sandbox = try SandboxProcess()
        let project = try Binary.connectedProject(sandbox)
        let config = project.appendingPathComponent("portbooks.toml").path
        let invoices = project.appendingPathComponent("invoices.json").path
        let receipts = project.appendingPathComponent("receipts.json").path
        let common = ["generate", "--invoices", "90", "--seed", "5"]
        #expect(try Binary.run(common + ["--payments-per-invoice", "0", "--out", invoices]).status == 0)
        #expect(
            try Binary.run(common + ["--payments-per-invoice", "1", "--payments-only", "--out", receipts]).status == 0)
        let first = try Binary.run(["import", "--config", config, invoices])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")

        _ = try sandbox.curl("/_sandbox/faults", method: "POST", body: #"{"dropAfterCommit":1.0,"seed":3}"#)
        let stopped = try Binary.run(["import", "--config", config, receipts])
        #expect(stopped.status != 0, "every answer was dropped, yet the run says it finished")
        let committed = try Self.paymentReferences(sandbox)
        #expect(!committed.isEmpty, "the dropped writes were committed")
        #expect((try Self.paymentCounts(config)["synced"] ?? 0) < 90)
        let ledger = project.appendingPathComponent("state/portbooks.sqlite").path
        let sends = try Binary.runTool("/usr/bin/sqlite3", [ledger, "SELECT count(*) FROM sends"])
        #expect((Int(String(decoding: sends, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0)

        _ = try sandbox.curl("/_sandbox/faults", method: "POST", body: #"{"dropAfterCommit":0}"#)
        let resumed = try Binary.run(["import", "--config", config, receipts])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        let references = try Self.paymentReferences(sandbox)
        #expect(references.count == 90, "payments written twice or missing")
        #expect(Set(references).count == 90)
        #expect(Set(committed).isSubset(of: Set(references)))
        #expect(try Self.paymentCounts(config) == ["synced": 90])
        let left = try Binary.runTool("/usr/bin/sqlite3", [ledger, "SELECT count(*) FROM sends"])
        #expect(String(decoding: left, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
