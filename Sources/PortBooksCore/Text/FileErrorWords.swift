import Foundation

/// An error in words a person can act on, without Foundation's domains and code numbers.
///
/// Foundation's file errors print as `Error Domain=NSCocoaErrorDomain Code=514 "…"
/// UserInfo={…}`; what a user needs is the file and the system's reason ("File name too
/// long", "Permission denied"). PortBooks' own errors already say what happened and are
/// kept as they are. The result is escaped (``DisplayText``): a path may hold a newline.
public enum FileErrorWords {
    /// `path: reason` for Foundation and POSIX errors; the error's own description otherwise.
    public static func describe(_ error: any Error) -> String {
        DisplayText.escaped(words(error))
    }

    private static func words(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            let reason = (cocoa.userInfo[NSUnderlyingErrorKey] as? NSError).map(systemReason) ?? plainReason(cocoa)
            return cocoa.filePath.map { "\($0): \(reason)" } ?? reason
        }
        if let posix = error as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        let bridged = error as NSError
        if bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain {
            let path = bridged.userInfo[NSFilePathErrorKey] as? String
            let reason = systemReason(bridged)
            return path.map { "\($0): \(reason)" } ?? reason
        }
        return String(describing: error)
    }

    /// The system's words for an underlying error: `strerror` for a POSIX code.
    private static func systemReason(_ error: NSError) -> String {
        if error.domain == NSPOSIXErrorDomain, let code = Int32(exactly: error.code) {
            return String(cString: strerror(code))
        }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return systemReason(underlying) }
        return plainReason(error)
    }

    /// Foundation's sentence, which on Linux never carries the domain or code.
    private static func plainReason(_ error: any Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.contains("NSCocoaErrorDomain") || text.isEmpty ? "the file system refused it" : text
    }
}
