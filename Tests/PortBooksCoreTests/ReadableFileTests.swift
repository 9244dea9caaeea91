import Foundation
import PortBooksCore
import Testing

/// ``ReadableFile``: what PortBooks is given to read is opened only when it is a file — a FIFO,
/// a folder or a device is refused at once, by what it is (README "Hostile input").
@Suite("Readable files: FIFOs, folders and devices are refused, never read")
struct ReadableFileTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("readable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func refusal(_ path: String) -> ReadableFile.Refusal? {
        do {
            close(try ReadableFile.openForReading(path))
            return nil
        } catch {
            return error
        }
    }

    @Test("a FIFO with no writer is refused at once (opening it for reading would wait for ever)")
    func fifo() throws {
        let path = try folder().appendingPathComponent("pipe.json").path
        #expect(mkfifo(path, 0o644) == 0)
        #expect(refusal(path) == .notAFile(path: path, what: "a FIFO (named pipe)"))
        #expect(refusal(path)?.reason == "it is a FIFO (named pipe), not a regular file; nothing was read from it")
    }

    @Test("a folder, a character device and a socket are refused by what they are")
    func others() throws {
        let base = try folder()
        let sub = base.appendingPathComponent("export.json").path
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        #expect(refusal(sub) == .notAFile(path: sub, what: "a folder"))
        #expect(refusal("/dev/zero") == .notAFile(path: "/dev/zero", what: "a character device"))
        #expect(refusal("/dev/null") == .notAFile(path: "/dev/null", what: "a character device"))
        let missing = base.appendingPathComponent("missing.json").path
        #expect(refusal(missing) == .cannotOpen(path: missing, reason: "No such file or directory"))
    }

    @Test("a regular file, and a link to one, are read as they are")
    func regular() throws {
        let base = try folder()
        let file = base.appendingPathComponent("export.json")
        try Data("{\"formatVersion\": \"1.0\"}".utf8).write(to: file)
        let link = base.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        for path in [file.path, link.path] {
            let handle = try ReadableFile.handle(path)
            #expect(try handle.readToEnd() == Data("{\"formatVersion\": \"1.0\"}".utf8))
            // Reads block as usual: the non-blocking open is undone.
            #expect(fcntl(handle.fileDescriptor, F_GETFL) & O_NONBLOCK == 0)
        }
    }
}
