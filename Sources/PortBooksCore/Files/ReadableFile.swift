import Foundation

/// Opens a file PortBooks was given to read — a drop file, a resolution file — so that what is
/// not a file is refused, never read: a FIFO would block the command until a writer came (for
/// ever, under cron), a device such as `/dev/zero` would be read without end, and a folder
/// cannot be read at all.
///
/// The path is opened with `O_NONBLOCK` (opening a FIFO that has no writer returns at once) and
/// its type checked with `fstat` on the open descriptor, so nothing can be swapped in between
/// the check and the reads. Symbolic links are followed: a file named on the command line may
/// be a link to an export (the drop folders refuse links themselves, by name, before this).
/// See open(2) `O_NONBLOCK`, fstat(2).
public enum ReadableFile {
    /// Why a path cannot be read.
    public enum Refusal: Error, Hashable, Sendable {
        /// The path names something that is not a regular file (`what`: "a FIFO (named pipe)").
        case notAFile(path: String, what: String)
        /// The path cannot be opened: missing, no permission (`reason`: the system's words).
        case cannotOpen(path: String, reason: String)

        /// Why, in words, without the path: for messages that name the file already.
        public var reason: String {
            switch self {
            case .notAFile(_, let what): "it is \(what), not a regular file; nothing was read from it"
            case .cannotOpen(_, let reason): reason
            }
        }
    }

    /// A descriptor open for reading (blocking reads) on the regular file at `path`; the caller
    /// closes it.
    public static func openForReading(_ path: String) throws(Refusal) -> Int32 {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotOpen(path: path, reason: reason)
        }
        if let what = kind(ofMode: info.st_mode) {
            close(descriptor)
            throw .notAFile(path: path, what: what)
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return descriptor
    }

    /// A `FileHandle` on the regular file at `path` (closed when the handle is released).
    public static func handle(_ path: String) throws(Refusal) -> FileHandle {
        FileHandle(fileDescriptor: try openForReading(path), closeOnDealloc: true)
    }

    /// What a file of mode `mode` (`st_mode`) is, in words ("a FIFO (named pipe)", "a folder");
    /// `nil` for a regular file.
    public static func kind(ofMode mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFDIR: "a folder"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a regular file"
        }
    }
}
