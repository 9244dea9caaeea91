import Foundation
import PortBooksCore
import Testing

@testable import PortBooksStage

/// Entries of the inbox that are not plain files, and names too long for what PortBooks adds
/// to them (README "Hostile input"). The limit names a hang; it is wide because the end-to-end
/// suites can hold the cooperative pool's threads for minutes in `make test` on 2 cores.
@Suite("Drop folder: FIFOs, folders, sockets and long names", .timeLimit(.minutes(10)))
struct DropFolderEntryTests {
    private func folder() throws -> DropFolder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drop-entries-\(UUID().uuidString)")
        for name in ["inbox", "archive", "rejected"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        return DropFolder(
            inbox: root.appendingPathComponent("inbox"), archive: root.appendingPathComponent("archive"),
            rejected: root.appendingPathComponent("rejected"), settleTime: 0)
    }

    /// A listening Unix socket at `path` (closed again; the entry stays).
    private func makeSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
    }

    @Test("a FIFO, a folder and a socket named like drop files are handed on to refuse, and moved aside unopened")
    func specialEntries() throws {
        let drop = try folder()
        let fifo = drop.inbox.appendingPathComponent("pipe.json").path
        #expect(mkfifo(fifo, 0o644) == 0)
        try FileManager.default.createDirectory(
            at: drop.inbox.appendingPathComponent("folder.xml"), withIntermediateDirectories: true)
        try makeSocket(at: drop.inbox.appendingPathComponent("s.json").path)
        try Data("{}".utf8).write(to: drop.inbox.appendingPathComponent("real.json"))

        let taken = try drop.takeStableFiles()
        let refused = taken.filter { $0.refusal != nil }
        #expect(refused.map(\.name).sorted() == ["folder.xml", "pipe.json", "s.json"])
        #expect(taken.filter { $0.refusal == nil }.map(\.name) == ["real.json"])
        #expect(refused.first { $0.name == "pipe.json" }?.refusal?.contains("a FIFO (named pipe)") == true)
        #expect(refused.first { $0.name == "folder.xml" }?.refusal?.contains("a folder") == true)

        // Refusing renames; it never opens (a FIFO opened for reading would block this test).
        for entry in refused {
            try drop.reject(entry, diagnostics: [], summary: entry.refusal ?? "")
        }
        #expect(
            DropFolder.Entry.of(path: drop.rejected.appendingPathComponent("pipe.json").path)
                == .special("a FIFO (named pipe)"))
        #expect(
            DropFolder.Entry.of(path: drop.rejected.appendingPathComponent("folder.xml").path) == .special("a folder"))
        let reason = try String(
            contentsOf: drop.rejected.appendingPathComponent("pipe.json.error.txt"), encoding: .utf8)
        #expect(reason.contains("never opens"))
        #expect(try drop.takeStableFiles().map(\.name) == ["real.json"], "not met again on the next run")
    }

    @Test("a 250-character name is refused with a reason file under a shortened name; archived twice, a shortened .2")
    func longNames() throws {
        let drop = try folder()
        let name = String(repeating: "n", count: 245) + ".json"
        #expect(name.utf8.count == 250)
        let url = drop.inbox.appendingPathComponent(name)
        try Data("{".utf8).write(to: url)
        let file = try #require(try drop.takeStableFiles().first)
        let moved = try drop.reject(
            file, diagnostics: ["\(name):1:2: error: broken [syntax-error]"], summary: "refused")
        #expect(moved.lastPathComponent == name)
        let reason = DropFolder.reasonFile(for: moved)
        #expect(reason.lastPathComponent.utf8.count <= 255)
        #expect(reason.lastPathComponent.hasSuffix(".json.error.txt"))
        #expect(reason.lastPathComponent.hasPrefix("nnnnnnnn"))
        #expect(try String(contentsOf: reason, encoding: .utf8).contains("[syntax-error]"))

        // The same long name archived twice on one day: the second gets a numbered, shortened name.
        var archived: [URL] = []
        for content in ["{\"a\":1}", "{\"a\":2}"] {
            try Data(content.utf8).write(to: url)
            let again = try #require(try drop.takeStableFiles().first)
            archived.append(try drop.archive(again))
        }
        #expect(archived[0].lastPathComponent == name)
        #expect(archived[1].lastPathComponent != name)
        #expect(archived[1].lastPathComponent.utf8.count <= 255)
        #expect(archived[1].pathExtension == "json")
        #expect(try Data(contentsOf: archived[1]) == Data("{\"a\":2}".utf8))
    }

    @Test("fittedName keeps short names, and cuts long ones at a character boundary with a tag that tells them apart")
    func fittedNames() throws {
        let folder = FileManager.default.temporaryDirectory
        #expect(DropFolder.fittedName("a.json", suffix: ".error.txt", in: folder) == "a.json.error.txt")
        let accented = String(repeating: "é", count: 125) + ".xml"  // 254 bytes
        let fitted = DropFolder.fittedName(accented, suffix: ".error.txt", in: folder)
        #expect(fitted.utf8.count <= 255)
        #expect(fitted.hasSuffix(".xml.error.txt"))
        #expect(String(validating: Array(fitted.utf8), as: UTF8.self) != nil)
        let other = String(repeating: "é", count: 124) + "e.xml"
        #expect(DropFolder.fittedName(other, suffix: ".error.txt", in: folder) != fitted)
    }
}
