import Foundation

/// Writing to the terminal's streams.
enum Terminal {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Whether standard error is a terminal (progress bars) or a log (periodic lines).
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
}
