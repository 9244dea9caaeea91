import ArgumentParser
import Foundation
import PortBooksCore

/// `--config PATH`, shared by every command that reads `portbooks.toml`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The settings file (default ./portbooks.toml).")
    var path = "portbooks.toml"

    /// The loaded settings; on a settings error prints every issue and exits 1.
    func loadSettings() throws -> Settings {
        do {
            return try Settings.load(path: path)
        } catch let error as SettingsError {
            for issue in error.issues { Terminal.standardError(issue.description) }
            throw PortBooksExit.couldNotRun
        }
    }
}
