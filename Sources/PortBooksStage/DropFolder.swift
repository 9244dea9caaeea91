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
/// `rejected/`, its target is neither read nor touched. A FIFO, socket, device node or folder
/// with a drop file's name is handed on the same way (``Entry/special(_:)``) and never opened:
/// a FIFO would block the run until a writer came. File names come from the directory
/// listing and are used only as the last path component, so no name leads out of the folders;
/// a name too long to take `.error.txt` or a `.2` is shortened (``fittedName(_:suffix:in:)``).
///
/// Uploads that pause: a settled file that turns out to end early (``Stager``: the reader says
/// `truncated-file`) while its last change is younger than `graceTime` stays in `inbox/` — its
/// writer may only have paused — and is read again by later runs; once unchanged for
/// `graceTime` it is refused like any other. A file in `rejected/` whose content changed after
/// it was refused (a writer that kept writing to it there) is moved back to `inbox/` and taken
/// again (``reclaimChangedRejections()``).
public struct DropFolder: Sendable {
    public let inbox: URL
    public let archive: URL
    public let rejected: URL
    public let settleTime: TimeInterval
    /// How long a file that ends early waits in `inbox/` after its last change before it is
    /// refused (default 5 minutes).
    public let graceTime: TimeInterval

    public init(
        inbox: URL, archive: URL, rejected: URL, settleTime: TimeInterval = 2, graceTime: TimeInterval = 300
    ) {
        self.inbox = inbox
        self.archive = archive
        self.rejected = rejected
        self.settleTime = settleTime
        self.graceTime = graceTime
    }

    /// A drop file ready to be read, or an entry of the folder to refuse by name.
    public struct DropFile: Sendable, Hashable {
        public var url: URL
        public var size: Int
        /// What the directory entry is; only a regular file is ever opened.
        public var entry: Entry
        /// The file's last change as the folder listing saw it; `nil` when not known.
        public var modified: Date?
        public var name: String { url.lastPathComponent }

        /// A link in the folder, not a file: to be refused, never read.
        public var isSymbolicLink: Bool { entry == .symbolicLink }

        public init(url: URL, size: Int, isSymbolicLink: Bool = false) {
            self.init(url: url, size: size, entry: isSymbolicLink ? .symbolicLink : .regularFile)
        }

        public init(url: URL, size: Int, entry: Entry, modified: Date? = nil) {
            self.url = url
            self.size = size
            self.entry = entry
            self.modified = modified
        }

        /// Why the entry is refused without being read (a link, a FIFO, a folder…), or `nil`
        /// for a regular file.
        public var refusal: String? {
            switch entry {
            case .regularFile: nil
            case .symbolicLink: DropFolder.symbolicLinkRefusal(name)
            case .special(let what): DropFolder.specialEntryRefusal(name, what: what)
            }
        }
    }

    /// What a directory entry is, from `lstat` (links are not followed).
    public enum Entry: Sendable, Hashable {
        case regularFile
        case symbolicLink
        /// A FIFO, socket, device node or directory, described in words ("a FIFO (named pipe)").
        case special(String)

        /// The entry at `path`, or `nil` when it is gone.
        public static func of(path: String) -> Entry? {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .regularFile
            case S_IFLNK: return .symbolicLink
            default: return .special(ReadableFile.kind(ofMode: info.st_mode) ?? "not a regular file")
            }
        }
    }

    /// Why a symbolic link in a drop folder is refused, for `NAME.error.txt` and the log.
    public static func symbolicLinkRefusal(_ name: String) -> String {
        "\(DisplayText.escaped(name)) is a symbolic link; PortBooks does not follow links out of its folders (one could "
            + "read any file). Nothing was read from it. Copy or move the file itself into the folder."
    }

    /// Why a FIFO, socket, device node or folder with a drop file's name is refused: opening a
    /// FIFO would wait for a writer for ever, a device could be read without end.
    public static func specialEntryRefusal(_ name: String, what: String) -> String {
        "\(DisplayText.escaped(name)) is \(what), not a regular file; PortBooks never opens such an entry "
            + "(a FIFO would wait for ever). Nothing was read from it. Put the export file itself into the folder."
    }

    static let ignoredSuffixes = [".tmp", ".part", ".partial", ".crdownload", "~", ".swp"]

    /// The complete `*.json` / `*.xml` files of the inbox, oldest first; symbolic links and
    /// other entries that are not regular files (FIFOs, sockets, device nodes, folders) with
    /// such a name come first, to be refused by name without being opened.
    public func takeStableFiles(now: Date = Date()) throws -> [DropFile] {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
        let entries = try FileManager.default.contentsOfDirectory(
            at: inbox, includingPropertiesForKeys: [], options: [.skipsHiddenFiles])
        var ready: [(DropFile, Date)] = []
        for url in entries {
            let name = url.lastPathComponent.lowercased()
            guard name.hasSuffix(".json") || name.hasSuffix(".xml"),
                !Self.ignoredSuffixes.contains(where: { name.hasSuffix($0) })
            else { continue }
            guard let entry = Entry.of(path: url.path) else { continue }
            guard entry == .regularFile else {
                ready.append((DropFile(url: url, size: 0, entry: entry), .distantPast))
                continue
            }
            guard let first = try? url.resourceValues(forKeys: Set(keys)), let size = first.fileSize,
                let modified = first.contentModificationDate
            else { continue }
            guard now.timeIntervalSince(modified) >= settleTime else { continue }
            // Stat again: a writer that is between two writes changes size or time here.
            var url = url
            url.removeAllCachedResourceValues()
            guard let second = try? url.resourceValues(forKeys: Set(keys)), second.fileSize == size,
                second.contentModificationDate == modified
            else { continue }
            ready.append((DropFile(url: url, size: size, entry: .regularFile, modified: modified), modified))
        }
        return ready.sorted { ($0.1, $0.0.name) < ($1.1, $1.0.name) }.map(\.0)
    }

    /// Whether `file`, which ends early, may still be being written: changed less than
    /// ``graceTime`` before `now`.
    public func mayStillGrow(_ file: DropFile, now: Date = Date()) -> Bool {
        guard let modified = file.modified else { return false }
        return now.timeIntervalSince(modified) < graceTime
    }

    /// Moves back to `inbox/` every `*.json` / `*.xml` of `rejected/` changed after it was
    /// refused — later than its `NAME.error.txt` was written — and removes that reason file:
    /// a writer that paused, had its half file refused, then finished writing into
    /// `rejected/`. Returns the names moved back. Links and other entries are left alone.
    @discardableResult
    public func reclaimChangedRejections() throws -> [String] {
        guard FileManager.default.fileExists(atPath: rejected.path) else { return [] }
        let entries = try FileManager.default.contentsOfDirectory(
            at: rejected, includingPropertiesForKeys: [], options: [.skipsHiddenFiles])
        var reclaimed: [String] = []
        for url in entries {
            let name = url.lastPathComponent.lowercased()
            guard name.hasSuffix(".json") || name.hasSuffix(".xml"), Entry.of(path: url.path) == .regularFile else {
                continue
            }
            let reason = Self.reasonFile(for: url)
            guard let changed = Self.modificationDate(url.path), let refused = Self.modificationDate(reason.path),
                changed > refused
            else { continue }
            _ = try Self.move(url, into: inbox)
            try? FileManager.default.removeItem(at: reason)
            reclaimed.append(url.lastPathComponent)
        }
        return reclaimed
    }

    /// `lstat`'s modification time, to the nanosecond; `nil` when the entry is gone.
    static func modificationDate(_ path: String) -> Date? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Date(
            timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec) + TimeInterval(info.st_mtim.tv_nsec) / 1e9)
    }

    /// How many `*.json` / `*.xml` files of the inbox ``takeStableFiles(now:)`` left for being
    /// still written (changed within the settle time): the run says so, and the next run takes them.
    public func unsettledFileCount(now: Date = Date()) -> Int {
        let entries =
            (try? FileManager.default.contentsOfDirectory(
                at: inbox, includingPropertiesForKeys: [.contentModificationDateKey], options: [.skipsHiddenFiles]))
            ?? []
        return entries.filter { url in
            let name = url.lastPathComponent.lowercased()
            guard name.hasSuffix(".json") || name.hasSuffix(".xml"),
                !Self.ignoredSuffixes.contains(where: { name.hasSuffix($0) }), Entry.of(path: url.path) == .regularFile,
                let modified = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
            else { return false }
            return now.timeIntervalSince(modified) < settleTime
        }.count
    }

    /// Moves a processed file to `archive/YYYY-MM-DD/`, never overwriting an earlier one.
    @discardableResult
    public func archive(_ file: DropFile, on day: Date = Date()) throws -> URL {
        let folder = archive.appendingPathComponent(Self.dayStamp(day), isDirectory: true)
        return try Self.move(file.url, into: folder, copying: file.entry == .regularFile)
    }

    /// Moves a refused file to `rejected/` and writes `NAME.error.txt` beside it; both names
    /// are shortened when the file system could not hold them (``fittedName(_:suffix:in:)``).
    /// Every line of the reason file goes through ``DisplayText``: it is read in a terminal.
    @discardableResult
    public func reject(_ file: DropFile, diagnostics: [String], summary: String) throws -> URL {
        let moved = try Self.move(file.url, into: rejected, copying: file.entry == .regularFile)
        try Self.writeReason(for: moved, lines: [summary, ""] + diagnostics + [""])
        return moved
    }

    /// The reason file of `moved` (a file in `rejected/`): `NAME.error.txt`, shortened to fit.
    public static func reasonFile(for moved: URL) -> URL {
        let folder = moved.deletingLastPathComponent()
        return folder.appendingPathComponent(fittedName(moved.lastPathComponent, suffix: ".error.txt", in: folder))
    }

    static func writeReason(for moved: URL, lines: [String]) throws {
        let text = lines.map(DisplayText.escaped).joined(separator: "\n")
        try Data(text.utf8).write(to: reasonFile(for: moved), options: .atomic)
    }

    /// `name` + `suffix`, shortened when longer than the folder's file system allows a name
    /// to be (`NAME_MAX`, 255 bytes on Linux): the base is cut at a character boundary and
    /// followed by `~` and 8 hex digits of the full name's SHA-256, so two long names that
    /// share a beginning stay apart; the extension is kept. A file dropped with a 250-character
    /// name still gets its `.error.txt`, and its `.2.json` when archived a second time.
    public static func fittedName(_ name: String, suffix: String = "", in folder: URL) -> String {
        let limit = nameLimit(of: folder)
        let whole = name + suffix
        guard whole.utf8.count > limit else { return whole }
        let url = URL(fileURLWithPath: name)
        let ext = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        let tag = "~" + SHA256Digest.hexDigest(name).prefix(8)
        let room = limit - ext.utf8.count - suffix.utf8.count - tag.utf8.count
        var base = ""
        var used = 0
        for character in url.deletingPathExtension().lastPathComponent {
            let size = String(character).utf8.count
            guard used + size <= max(room, 0) else { break }
            base.append(character)
            used += size
        }
        return base + tag + ext + suffix
    }

    /// The longest file name `folder`'s file system takes, in bytes (`pathconf(_PC_NAME_MAX)`).
    static func nameLimit(of folder: URL) -> Int {
        let limit = pathconf(folder.path, Int32(_PC_NAME_MAX))
        return limit > 0 ? min(limit, 255) : 255
    }

    /// Moves `source` into `folder` under its own name (shortened to fit, numbered when taken).
    /// With `copying` false — a link, FIFO, device node or folder — only `rename(2)` is used:
    /// Foundation's fallback across file systems copies, and copying a FIFO would open it.
    static func move(_ source: URL, into folder: URL, copying: Bool = true) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = source.lastPathComponent
        var target = folder.appendingPathComponent(fittedName(name, in: folder))
        var counter = 1
        while Entry.of(path: target.path) != nil {
            counter += 1
            let base = source.deletingPathExtension().lastPathComponent
            let ext = source.pathExtension.isEmpty ? "" : ".\(source.pathExtension)"
            target = folder.appendingPathComponent(
                fittedName(base + ".\(counter)" + ext, in: folder))
        }
        if copying {
            try FileManager.default.moveItem(at: source, to: target)
        } else if rename(source.path, target.path) != 0 {
            throw DropFolderError.cannotMove(name: name, to: folder.path, reason: String(cString: strerror(errno)))
        }
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

/// Why a drop folder's entry could not be moved aside.
public enum DropFolderError: Error, Sendable, CustomStringConvertible {
    case cannotMove(name: String, to: String, reason: String)

    public var description: String {
        switch self {
        case .cannotMove(let name, let folder, let reason):
            "\(DisplayText.escaped(name)) could not be moved to \(DisplayText.escaped(folder)): \(reason)"
        }
    }
}
