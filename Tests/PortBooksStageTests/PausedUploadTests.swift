import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksReports
import Testing

@testable import PortBooksStage

/// Uploads that pause (#22): a half-written file is not refused while its writer may come back,
/// and a refused file that its writer finished in `rejected/` is taken again. Times are set on
/// the files (`modificationDate`), never waited for.
@Suite("Uploads that pause")
struct PausedUploadTests {
    private static let payments = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "fixtures/drop-example/payments")

    private func folder() throws -> DropFolder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("paused-\(UUID().uuidString)")
        for name in ["inbox", "archive", "rejected"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        return DropFolder(
            inbox: root.appendingPathComponent("inbox"), archive: root.appendingPathComponent("archive"),
            rejected: root.appendingPathComponent("rejected"), settleTime: 5, graceTime: 300)
    }

    /// Writes the first `bytes` of the example payments file as `name` in `folder`, last changed
    /// `age` seconds ago.
    private func halfFile(_ ext: String, bytes: Int, in folder: URL, age: TimeInterval) throws -> URL {
        let whole = try Data(contentsOf: Self.payments.appendingPathExtension(ext))
        let url = folder.appendingPathComponent("payments.\(ext)")
        try whole.prefix(bytes).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        return url
    }

    private func run(_ drop: DropFolder, ledger: LedgerStore) throws -> RunResults {
        let results = RunResults()
        let stager = Stager(
            ledger: ledger, runID: "run-\(UUID().uuidString)", results: results, memo: StagedMemo(), logger: .quiet)
        try drop.reclaimChangedRejections()
        for file in try drop.takeStableFiles() { try stager.stageDropFile(file, folder: drop, progress: nil) }
        return results
    }

    private func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test(
        "a file cut inside a tag or a value, changed recently, stays in inbox/; once old it is refused as truncated-file",
        arguments: [("json", 1027), ("xml", 1027), ("xml", 1133), ("xml", 126)])
    func cutOffFileWaits(ext: String, bytes: Int) throws {
        let drop = try folder()
        let ledger = try LedgerStore.inMemory()
        _ = try halfFile(ext, bytes: bytes, in: drop.inbox, age: 60)
        let early = try run(drop, ledger: ledger)
        #expect(early.filesRejected.isEmpty)
        #expect(try names(drop.inbox) == ["payments.\(ext)"])
        #expect(try names(drop.rejected).isEmpty)
        #expect(early.warnings.contains { $0.contains("ends early") })

        _ = try halfFile(ext, bytes: bytes, in: drop.inbox, age: 301)
        let late = try run(drop, ledger: ledger)
        #expect(late.filesRejected == ["payments.\(ext)"])
        let reason = try String(
            contentsOf: drop.rejected.appendingPathComponent("payments.\(ext).error.txt"), encoding: .utf8)
        #expect(reason.contains("[truncated-file]"), "\(reason)")
        #expect(!reason.contains("[syntax-error]") && !reason.contains("[schema-violation]"), "\(reason)")
    }

    @Test("an informational value left out is a warning of the run, and the file is staged")
    func informationalWarningIsReported() throws {
        let drop = try folder()
        let ledger = try LedgerStore.inMemory()
        let url = drop.inbox.appendingPathComponent("odd.json")
        try Data(
            """
            {"formatVersion": "1.0", "invoices": [{"_id": "i1", "reference_number": "HDX-1",
              "caller": {"_id": "c1", "company_name": "Acme"}, "billingDate": "2026-11-03", "totalAmount": 10,
              "chargeSets": [{"load_reference_number": "L1", "totalAmount": 10,
                "pricing": [{"name": "BASE", "unit": "two", "finalAmount": "10.00"}]}]}]}
            """.utf8
        ).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: url.path)
        let results = try run(drop, ledger: ledger)
        #expect(results.filesRejected.isEmpty)
        #expect(try ledger.record(kind: .invoice, portproID: "i1") != nil)
        #expect(
            results.warnings.contains { $0.contains("odd.json") && $0.contains("[informational-value]") },
            "\(results.warnings)")
    }

    @Test("a writer that finishes a refused file in rejected/ gets it taken again, and staged")
    func changedRejectionIsTakenAgain() throws {
        let drop = try folder()
        let ledger = try LedgerStore.inMemory()
        _ = try halfFile("json", bytes: 1027, in: drop.inbox, age: 400)
        #expect(try run(drop, ledger: ledger).filesRejected == ["payments.json"])
        #expect(try names(drop.rejected) == ["payments.json", "payments.json.error.txt"])

        // A run with nothing changed leaves rejected/ alone.
        _ = try run(drop, ledger: ledger)
        #expect(try names(drop.rejected) == ["payments.json", "payments.json.error.txt"])

        // The file was refused an hour ago; its writer then carried on writing to its open file,
        // which lives in rejected/ now, and finished a minute ago.
        let rejected = drop.rejected.appendingPathComponent("payments.json")
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-3600)],
            ofItemAtPath: drop.rejected.appendingPathComponent("payments.json.error.txt").path)
        try Data(contentsOf: Self.payments.appendingPathExtension("json")).write(to: rejected)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: rejected.path)
        let again = try run(drop, ledger: ledger)
        #expect(again.filesRejected.isEmpty)
        #expect(try names(drop.rejected).isEmpty)
        #expect(try ledger.record(kind: .payment, portproID: "6aeb0838c69c54b9c194ebcb") != nil)
    }
}
