import Foundation
import GRDB
import PortBooksCore
import Testing

@testable import PortBooksLedger

/// The ledger's file (README "Hostile input", "Recovering the ledger"): an empty, damaged or
/// foreign file where the ledger belongs is an error with recovery steps, never a new ledger;
/// a new ledger is made whole with mode 0600.
@Suite("Ledger file: empty, damaged, foreign; mode 0600")
struct LedgerFileTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// A real ledger with one staged record, its file's bytes, and its path.
    private func ledgerWithARecord(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("portbooks.sqlite").path
        let ledger = try LedgerStore.open(path: path)
        try ledger.stageFile(hash: "h", name: "f.json", size: 1, format: "json", runID: "r") { session in
            try session.stage(.customer(Customer(id: "c1", companyName: "Acme")), sourceFile: "f.json")
            return true
        }
        return path
    }

    private func expectRefused(_ path: String, saying words: String) {
        do {
            _ = try LedgerStore.open(path: path)
            Issue.record("\(words): opened as a ledger")
        } catch let error as LedgerError {
            guard case .notALedger = error else {
                Issue.record("\(words): \(error)")
                return
            }
            let text = "\(error)"
            #expect(text.contains(words), "\(text)")
            #expect(text.contains("To recover"), "\(text)")
            #expect(text.contains("portbooks import"), "\(text)")
        } catch {
            Issue.record("\(words): \(error)")
        }
    }

    @Test("a ledger truncated to 0 bytes is refused, and stays 0 bytes (no new ledger made over it)")
    func emptyFile() throws {
        let path = try ledgerWithARecord(in: try folder())
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        expectRefused(path, saying: "is empty (0 bytes)")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
    }

    @Test("a damaged ledger is refused: garbage, a cut-off file, another header")
    func damaged() throws {
        let base = try folder()
        let real = try ledgerWithARecord(in: base)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: real))
        #expect(bytes.count >= 8192)

        let garbage = base.appendingPathComponent("garbage.sqlite").path
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x41, count: 8192)))
        expectRefused(garbage, saying: "is not an SQLite database")

        let cut = base.appendingPathComponent("cut.sqlite").path
        #expect(FileManager.default.createFile(atPath: cut, contents: bytes.prefix(bytes.count / 2)))
        expectRefused(cut, saying: "was it cut off?")

        let text = base.appendingPathComponent("text.sqlite").path
        #expect(FileManager.default.createFile(atPath: text, contents: Data("hello\n".utf8)))
        expectRefused(text, saying: "is not an SQLite database")
    }

    @Test("another application's database, and an empty SQLite database, are not taken for a ledger")
    func foreign() throws {
        let base = try folder()
        let other = base.appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: other).write { db in
            try db.execute(sql: "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
            try db.execute(sql: "INSERT INTO contacts (name) VALUES ('Lee')")
        }
        expectRefused(other, saying: "is not a PortBooks ledger (it holds the tables contacts")
        #expect(try DatabaseQueue(path: other).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM contacts") } == 1)

        let stamped = base.appendingPathComponent("stamped.sqlite").path
        try DatabaseQueue(path: stamped).write { db in
            try db.execute(sql: "PRAGMA application_id = 1234")
            try db.execute(sql: "CREATE TABLE t (x)")
        }
        expectRefused(stamped, saying: "belongs to another application")

        let empty = base.appendingPathComponent("empty.sqlite").path
        try DatabaseQueue(path: empty).write { db in try db.execute(sql: "PRAGMA user_version = 1") }
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int ?? 0 > 0)
        expectRefused(empty, saying: "is an empty database")
    }

    @Test("a new ledger is made with mode 0600, stamped as PortBooks', and reopens with its records")
    func newLedger() throws {
        let base = try folder()
        let path = try ledgerWithARecord(in: base)
        #expect(try mode(path) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            #expect(try mode(path + suffix) == 0o600, "\(suffix)")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: base.path).allSatisfy { !$0.contains(".new-") },
            "no temporary file is left")
        let reopened = try LedgerStore.open(path: path)
        #expect(try reopened.record(kind: .customer, portproID: "c1") != nil)
        let application = try DatabaseQueue(path: path).read { try Int32.fetchOne($0, sql: "PRAGMA application_id") }
        #expect(application == LedgerFile.applicationID)
    }

    @Test("an older ledger readable by others is narrowed to 0600 when opened")
    func narrowed() throws {
        let path = try ledgerWithARecord(in: try folder())
        #expect(chmod(path, 0o644) == 0)
        _ = try LedgerStore.open(path: path)
        #expect(try mode(path) == 0o600)
    }

    @Test("a record whose number or customer holds a NUL is not staged: the ledger's columns could not hold it")
    func nulNeverStaged() throws {
        let ledger = try LedgerStore.inMemory()
        #expect(throws: LedgerError.self) {
            try ledger.stageFile(hash: "h", name: "f.json", size: 1, format: "json", runID: "r") { session in
                try session.stage(.customer(Customer(id: "c1", companyName: "Acme\u{0}Evil")), sourceFile: "f.json")
                return true
            }
        }
        #expect(try ledger.record(kind: .customer, portproID: "c1") == nil)
    }

    @Test("a dry run's copy that cannot be made says why in words, not as Foundation's error domain and code")
    func copyFailureInWords() throws {
        let base = try folder()
        let path = try ledgerWithARecord(in: base)
        // A socket where the write-ahead log belongs: it exists, and no file system can copy it.
        try? FileManager.default.removeItem(atPath: path + "-wal")
        let socketDescriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(socketDescriptor >= 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array((path + "-wal").utf8)
        try #require(name.count < MemoryLayout.size(ofValue: address.sun_path))
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in name.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        do {
            let copy = try LedgerCopy(path: path, lockPath: base.appendingPathComponent("lock").path)
            copy.remove()
            Issue.record("a socket was copied as the write-ahead log")
        } catch let error as LedgerError {
            let text = "\(error)"
            #expect(text.contains("a copy for the dry run could not be made"), "\(text)")
            #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("Error Domain="), "\(text)")
        }
    }
}
