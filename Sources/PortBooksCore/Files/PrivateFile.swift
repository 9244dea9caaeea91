import Foundation

/// Files only their owner may read: the token file and the client secret. As ssh does for a
/// private key, PortBooks refuses to use one that group or others can read or write, and
/// says how to fix it — tokens that anyone on the machine could copy are tokens to the
/// company's books.
public enum PrivateFile {
    /// Why the file at `path` (described as `what`, e.g. "the token file") must not be used,
    /// with the command that fixes it; `nil` when only its owner has access (or there is no file).
    /// `afterwards` says what to do if the file may have been copied already.
    public static func exposure(of path: String, what: String, afterwards: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return nil }
        let shown = String(mode, radix: 8)
        return "\(what) \(DisplayText.escaped(path)) can be read or written by other users (mode \(shown)); "
            + "PortBooks will not use it, as ssh will not use an unprotected key. Fix it with `chmod 600 "
            + "\(DisplayText.escaped(path))`; if others may have copied it, \(afterwards)"
    }
}
