import ArgumentParser
import Foundation
import PortBooksCore

/// `--config PATH`, shared by every command that reads `portbooks.toml`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The settings file (default ./portbooks.toml).")
    var path = "portbooks.toml"

    /// The loaded settings; a ``SettingsError`` lists every issue (exit 1).
    func loadSettings() throws -> Settings {
        try Settings.load(path: path)
    }
}
