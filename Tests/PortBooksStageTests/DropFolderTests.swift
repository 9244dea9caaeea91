import Foundation
import PortBooksCore
import Testing

@testable import PortBooksStage

@Suite("Drop folder")
struct DropFolderTests {
    private func folder() throws -> DropFolder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drop-\(UUID().uuidString)")
        for name in ["inbox", "archive", "rejected"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        return DropFolder(
            inbox: root.appendingPathComponent("inbox"), archive: root.appendingPathComponent("archive"),
            rejected: root.appendingPathComponent("rejected"), settleTime: 5)
    }

    @Test("only settled *.json and *.xml are taken; temporary and hidden names never")
    func takesSettledFiles() throws {
        let drop = try folder()
        let old = Date().addingTimeInterval(-60)
        for name in ["a.json", "b.XML", "c.json.tmp", ".hidden.json", "d.csv", "e.json.part"] {
            let url = drop.inbox.appendingPathComponent(name)
            try Data("{}".utf8).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: url.path)
        }
        try Data("{".utf8).write(to: drop.inbox.appendingPathComponent("fresh.json"))
        let taken = try drop.takeStableFiles().map(\.name).sorted()
        #expect(taken == ["a.json", "b.XML"])
    }

    @Test("archive never overwrites; a refused file gets NAME.error.txt beside it")
    func archiveAndReject() throws {
        let drop = try folder()
        for _ in 0..<2 {
            let url = drop.inbox.appendingPathComponent("a.json")
            try Data("{}".utf8).write(to: url)
            try drop.archive(DropFolder.DropFile(url: url, size: 2))
        }
        let day = try FileManager.default.contentsOfDirectory(atPath: drop.archive.path)
        #expect(day.count == 1)
        let archived = try FileManager.default.contentsOfDirectory(
            atPath: drop.archive.appendingPathComponent(day[0]).path)
        #expect(archived.sorted() == ["a.2.json", "a.json"])
        let bad = drop.inbox.appendingPathComponent("bad.json")
        try Data("{".utf8).write(to: bad)
        try drop.reject(
            DropFolder.DropFile(url: bad, size: 1), diagnostics: ["bad.json:1:2: error: x"], summary: "refused")
        let report = try String(
            contentsOf: drop.rejected.appendingPathComponent("bad.json.error.txt"), encoding: .utf8)
        #expect(report.contains("bad.json:1:2: error: x"))
    }
}
