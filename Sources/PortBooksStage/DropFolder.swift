import Foundation
import PortBooksCore

/// The inbox, archive and rejected folders (shared/DESIGN.md "Folders").
///
/// A file is taken only when complete: its size and modification time have not changed for
/// `settleTime` (a writer still appending keeps touching it), or it was renamed in (a
/// rename keeps the old modification time, so it is settled at once). Hidden files and
/// names ending in `.tmp`, `.part`, `.partial`, `.crdownload` or `~` are never taken.
///
/// A symbolic link is never followed: it could make a run read any file the user can (the
/// token file, another company's exports) or a directory. It is handed on marked
/// ``DropFile/isSymbolicLink`` so that the run refuses it by name — the link itself moves to
/// `rejected/`, its target is neither read nor touched. File names come from the directory
/// listing and are used only as the last path component, so no name leads out of the folders.
public struct DropFolder: Sendable {
    public let inbox: URL
    public let archive: URL
    public let rejected: URL
    public let settleTime: TimeInterval

    public init(inbox: URL, archive: URL, rejected: URL, settleTime: TimeInterval = 2) {
        self.inbox = inbox
        self.archive = archive
        self.rejected = rejected
        self.settleTime = settleTime
    }

    /// A drop file ready to be read.
    public struct DropFile: Sendable, Hashable {
        public var url: URL
        public var size: Int
        /// A link in the folder, not a file: to be refused, never read.
        public var isSymbolicLink = false
        public var name: String { url.lastPathComponent }

        public init(url: URL, size: Int, isSymbolicLink: Bool = false) {
            self.url = url
            self.size = size
            self.isSymbolicLink = isSymbolicLink
        }
    }

    /// Why a symbolic link in a drop folder is refused, for `NAME.error.txt` and the log.
    public static func symbolicLinkRefusal(_ name: String) -> String {
        "\(name) is a symbolic link; PortBooks does not follow links out of its folders (one could read any file). "
            + "Nothing was read from it. Copy or move the file itself into the folder."
    }

    static let ignoredSuffixes = [".tmp", ".part", ".partial", ".crdownload", "~", ".swp"]

    /// The complete `*.json` / `*.xml` files of the inbox, oldest first.
    public func takeStableFiles(now: Date = Date()) throws -> [DropFile] {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey, .isRegularFileKey, .isSymbolicLinkKey]
        let entries = try FileManager.default.contentsOfDirectory(
            at: inbox, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        var ready: [(DropFile, Date)] = []
        for url in entries {
            let name = url.lastPathComponent.lowercased()
            guard name.hasSuffix(".json") || name.hasSuffix(".xml"),
                !Self.ignoredSuffixes.contains(where: { name.hasSuffix($0) })
            else { continue }
            let first = try url.resourceValues(forKeys: Set(keys))
            if first.isSymbolicLink == true {
                ready.append((DropFile(url: url, size: 0, isSymbolicLink: true), .distantPast))
                continue
            }
            guard first.isRegularFile == true, let size = first.fileSize, let modified = first.contentModificationDate
            else { continue }
            guard now.timeIntervalSince(modified) >= settleTime else { continue }
            // Stat again: a writer that is between two writes changes size or time here.
            var url = url
            url.removeAllCachedResourceValues()
            let second = try url.resourceValues(forKeys: Set(keys))
            guard second.fileSize == size, second.contentModificationDate == modified else { continue }
            ready.append((DropFile(url: url, size: size), modified))
        }
        return ready.sorted { ($0.1, $0.0.name) < ($1.1, $1.0.name) }.map(\.0)
    }

    /// Moves a processed file to `archive/YYYY-MM-DD/`, never overwriting an earlier one.
    @discardableResult
    public func archive(_ file: DropFile, on day: Date = Date()) throws -> URL {
        let folder = archive.appendingPathComponent(Self.dayStamp(day), isDirectory: true)
        return try Self.move(file.url, into: folder)
    }

    /// Moves a refused file to `rejected/` and writes `NAME.error.txt` beside it.
    @discardableResult
    public func reject(_ file: DropFile, diagnostics: [String], summary: String) throws -> URL {
        let moved = try Self.move(file.url, into: rejected)
        let report = moved.deletingLastPathComponent().appendingPathComponent(moved.lastPathComponent + ".error.txt")
        let text = ([summary, ""] + diagnostics + [""]).joined(separator: "\n")
        try Data(text.utf8).write(to: report, options: .atomic)
        return moved
    }

    static func move(_ source: URL, into folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var target = folder.appendingPathComponent(source.lastPathComponent)
        var counter = 1
        while FileManager.default.fileExists(atPath: target.path) {
            counter += 1
            let base = source.deletingPathExtension().lastPathComponent
            target = folder.appendingPathComponent("\(base).\(counter).\(source.pathExtension)")
        }
        try FileManager.default.moveItem(at: source, to: target)
        return target
    }

    static func dayStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}
