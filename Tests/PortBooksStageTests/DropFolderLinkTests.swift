import Foundation
import PortBooksCore
import Testing

@testable import PortBooksStage

@Suite("Drop folder: links and names")
struct DropFolderLinkTests {
    private func folders() throws -> (DropFolder, outside: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drop-links-\(UUID().uuidString)")
        for name in ["project/inbox", "project/archive", "project/rejected", "outside/folder"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let project = root.appendingPathComponent("project")
        return (
            DropFolder(
                inbox: project.appendingPathComponent("inbox"), archive: project.appendingPathComponent("archive"),
                rejected: project.appendingPathComponent("rejected"), settleTime: 0),
            root.appendingPathComponent("outside")
        )
    }

    @Test("links are handed on as links (to refuse), never as files; refusing moves the link, not its target")
    func links() throws {
        let (drop, outside) = try folders()
        let secret = outside.appendingPathComponent("secret.json")
        try Data(#"{"access_token": "s3cr3t"}"#.utf8).write(to: secret)
        let manager = FileManager.default
        try manager.createSymbolicLink(
            at: drop.inbox.appendingPathComponent("secret.json"), withDestinationURL: secret)
        try manager.createSymbolicLink(
            at: drop.inbox.appendingPathComponent("folder.json"),
            withDestinationURL: outside.appendingPathComponent("folder"))
        try manager.createSymbolicLink(
            at: drop.inbox.appendingPathComponent("dangling.xml"),
            withDestinationURL: outside.appendingPathComponent("missing.xml"))
        try manager.createSymbolicLink(
            atPath: drop.inbox.appendingPathComponent("relative.json").path,
            withDestinationPath: "../../outside/secret.json")
        try Data("{}".utf8).write(to: drop.inbox.appendingPathComponent("real.json"))
        let old = Date().addingTimeInterval(-60)
        try manager.setAttributes(
            [.modificationDate: old], ofItemAtPath: drop.inbox.appendingPathComponent("real.json").path)

        let taken = try drop.takeStableFiles()
        #expect(
            taken.filter(\.isSymbolicLink).map(\.name).sorted() == [
                "dangling.xml", "folder.json", "relative.json", "secret.json",
            ])
        #expect(taken.filter { !$0.isSymbolicLink }.map(\.name) == ["real.json"])

        for link in taken where link.isSymbolicLink {
            try drop.reject(link, diagnostics: [], summary: DropFolder.symbolicLinkRefusal(link.name))
        }
        #expect(try Data(contentsOf: secret) == Data(#"{"access_token": "s3cr3t"}"#.utf8), "the target is untouched")
        #expect(manager.fileExists(atPath: outside.appendingPathComponent("folder").path))
        let moved = drop.rejected.appendingPathComponent("secret.json")
        #expect(try manager.destinationOfSymbolicLink(atPath: moved.path) == secret.path, "the link itself moved")
        let report = try String(
            contentsOf: drop.rejected.appendingPathComponent("secret.json.error.txt"), encoding: .utf8)
        #expect(report.contains("symbolic link"))
        #expect(!report.contains("s3cr3t"))
        #expect(try manager.contentsOfDirectory(atPath: outside.path).sorted() == ["folder", "secret.json"])
    }

    @Test("names that look like paths stay names: archived and refused inside their folders")
    func pathLikeNames() throws {
        let (drop, outside) = try folders()
        let names = ["..%2F..%2Foutside.json", "..\\..\\outside.json", "...json", "a..json", "=cmd|' calc'!A0.json"]
        for name in names {
            let url = drop.inbox.appendingPathComponent(name)
            try Data("{}".utf8).write(to: url)
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: url.path)
        }
        let taken = try drop.takeStableFiles()
        #expect(Set(taken.map(\.name)) == Set(names.filter { !$0.hasPrefix(".") }))
        for (index, file) in taken.enumerated() {
            let moved =
                index.isMultiple(of: 2)
                ? try drop.archive(file) : try drop.reject(file, diagnostics: ["x"], summary: "refused")
            let folder = index.isMultiple(of: 2) ? drop.archive : drop.rejected
            #expect(moved.path.hasPrefix(folder.standardizedFileURL.path + "/"), "\(moved.path)")
            #expect(moved.lastPathComponent == file.name)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["folder"])
    }
}
