import Foundation

/// The project's folders, resolved against the settings file's folder.
public struct ProjectFolders: Sendable {
    public let inbox: URL
    public let resolutions: URL
    public let archive: URL
    public let rejected: URL
    public let reports: URL
    public let state: URL

    public init(settings: Settings) {
        func url(_ folder: String) -> URL { URL(fileURLWithPath: settings.resolve(folder), isDirectory: true) }
        inbox = url(settings.folders.inbox)
        resolutions = url(settings.folders.resolutions)
        archive = url(settings.folders.archive)
        rejected = url(settings.folders.rejected)
        reports = url(settings.folders.reports)
        state = url(settings.folders.state)
    }

    public var ledgerPath: String { state.appendingPathComponent("portbooks.sqlite").path }
    public var lockPath: String { state.appendingPathComponent("portbooks.lock").path }
    /// The realm's recent requests, for the next run's pacer.
    public var pacerFile: URL { state.appendingPathComponent("pacer.json") }
    public var problemsFile: URL { reports.appendingPathComponent("problems.csv") }

    public func create() throws {
        for folder in [inbox, resolutions, archive, rejected, reports, state] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        chmod(state.path, 0o700)
    }
}
