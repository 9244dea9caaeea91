import Foundation
import PortBooksCore
import PortBooksRead
import Testing

@Suite("Canonical content")
struct CanonicalContentTests {
    private static func records(_ path: String) throws -> [ExportRecord] {
        var records: [ExportRecord] = []
        let result = try JSONExportReader(path: path, displayName: path).read { records.append($0) }
        #expect(result.isValid, "\(path)")
        return records
    }

    private static func synthetic(seed: UInt64, invoices: Int) throws -> [ExportRecord] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("canonical-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        let output = BufferedOutput(handle: handle)
        try SyntheticExport(seed: seed, invoiceCount: invoices).write(format: .json, to: output)
        try output.flush()
        try handle.close()
        return try records(file.path)
    }

    /// What makes the staged-records memo safe: a record staged and then decoded from the ledger
    /// is the record itself, and encodes to the same bytes (so to the same content hash).
    @Test("decoding a record's canonical JSON gives the record back, byte for byte")
    func roundTrip() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = root.appendingPathComponent("fixtures/drop-example")
        var all: [ExportRecord] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where name.hasSuffix(".json") {
            all += try Self.records(folder.appendingPathComponent(name).path)
        }
        all += try Self.synthetic(seed: 5, invoices: 400)
        #expect(all.count > 500)
        for record in all {
            let content = try CanonicalContent.encode(record)
            let decoded = try CanonicalContent.decode(kind: record.kind, content)
            #expect(decoded == record, "\(record.kind) \(record.portproID)")
            #expect(try CanonicalContent.encode(decoded) == content, "\(record.kind) \(record.portproID)")
        }
    }

    @Test("the memo returns what was staged under a hash, keeps the first records when full, and a new file empties it")
    func memo() throws {
        let memo = StagedMemo(capacity: 2)
        let records = try Self.synthetic(seed: 6, invoices: 3).filter { $0.kind == .invoice }
        memo.insert(records[0], hash: "a")
        memo.startFile()
        memo.insert(records[1], hash: "b")
        #expect(memo.record(hash: "a") == records[0])
        memo.insert(records[2], hash: "c")
        #expect(memo.record(hash: "a") == records[0])
        #expect(memo.record(hash: "b") == records[1])
        #expect(memo.record(hash: "c") == nil)
        memo.startFile()
        #expect(memo.record(hash: "a") == nil)
        memo.insert(records[2], hash: "c")
        #expect(memo.record(hash: "c") == records[2])
    }
}
