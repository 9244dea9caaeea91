import Foundation
import Logging
import PortBooksCore

/// The process's logging, set up once by the executable before any command runs: lines go to
/// stderr at the level `PORTBOOKS_LOG_LEVEL` names (`trace`, `debug`, `info` — the default —,
/// `notice`, `warning`, `error`, `critical`).
///
/// Libraries only accept a `Logger` (shared/STYLE.md); this is the one place that bootstraps.
/// Nothing at any level carries a token or secret: requests are logged as `METHOD path`,
/// tokens are ``SecretToken`` values that print `<redacted>`.
public enum LogSetup {
    /// The logger commands hand to the libraries (which accept one and never build their own).
    static var logger: Logger { Logger(label: "portbooks") }

    /// The environment variable holding the level.
    public static let variable = "PORTBOOKS_LOG_LEVEL"

    /// Bootstraps swift-log once; an unknown level is reported on stderr and `info` used.
    public static func bootstrap(environment: [String: String] = ProcessInfo.processInfo.environment) {
        var level = Logger.Level.info
        if let name = environment[variable]?.trimmingCharacters(in: .whitespaces).lowercased(), !name.isEmpty {
            if let named = Logger.Level(rawValue: name) {
                level = named
            } else {
                let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                Terminal.standardError("warning: \(variable)=\(name) is not one of \(known); using info")
            }
        }
        let chosen = level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler(label: label, stream: EscapedLogStream())
            handler.logLevel = chosen
            return handler
        }
    }
}

/// Standard error for log lines, each escaped by ``DisplayText`` before it is written: a file
/// name, id or QuickBooks message with a newline, carriage return, ANSI escape or bidi override
/// in it cannot forge a second log line or rewrite the terminal. One log event, one line.
struct EscapedLogStream: TextOutputStream, Sendable {
    mutating func write(_ string: String) {
        var scalars = string.unicodeScalars
        let endsLine = scalars.last == "\n"
        if endsLine { scalars.removeLast() }
        // Above a progress bar, if one is shown: never glued onto it.
        StatusLine.standardError.aboveRaw(DisplayText.escaped(String(scalars)) + "\n")
    }
}
