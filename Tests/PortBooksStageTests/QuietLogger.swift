import Logging

extension Logger {
    /// A logger that writes nothing: libraries take a logger, and the tests' output stays readable.
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
}
