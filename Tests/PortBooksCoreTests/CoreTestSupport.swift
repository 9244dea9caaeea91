import Foundation
import PortBooksCore

/// Paths inside the package, found from this file's location (Tests/PortBooksCoreTests/…).
enum Package {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}

/// The example drop set's settings.
func exampleSettings() throws -> Settings {
    try Settings.load(path: Package.path("fixtures/drop-example/portbooks.toml"))
}
