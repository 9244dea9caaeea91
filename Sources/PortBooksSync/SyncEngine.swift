import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

/// One run of PortBooks over a project folder: lock, take drop files, stage them whole or
/// not at all, push what the ledger holds, write the reports.
///
/// The same engine serves `sync` (the inbox) and `import FILE…` (named files); both are
/// resumable because every step works from the ledger: a crashed run leaves staged records
/// pending, and the next run pushes them with the same requestids.
public final class SyncEngine {
    public let settings: Settings
    public let ledger: LedgerStore
    public let folders: ProjectFolders
    let logger: Logger

    public init(settings: Settings, logger: Logger = Logger(label: "portbooks.sync")) throws {
        self.settings = settings
        self.folders = ProjectFolders(settings: settings)
        try folders.create()
        self.ledger = try LedgerStore.open(path: folders.ledgerPath)
        self.logger = logger
    }

    /// What a run is asked to do.
    public struct Options: Sendable {
        /// Named files (`import`); `nil` means the inbox (`sync`).
        public var files: [String]?
        /// Stage and plan, but write nothing to QuickBooks.
        public var dryRun = false
        /// Seconds a drop file must be unchanged before it is taken.
        public var settleTime: TimeInterval = 2
        public var command = "sync"

        public init(files: [String]? = nil, dryRun: Bool = false, command: String = "sync") {
            self.files = files
            self.dryRun = dryRun
            self.command = command
        }
    }

    /// How a run ended, for the exit code.
    public struct Summary: Sendable {
        public var runID: String
        public var reportFolder: URL
        public var results: RunResults
        public var problemCount: Int
        public var rejectedFiles: Int
        /// Set when QuickBooks stopped the run (unreachable, throttled past the budget, auth).
        public var stoppedBy: QuickBooksFault?

        /// Exit code per DESIGN.md: 0 clean, 3 problems, 1 reconnect needed / fatal, 75 try later.
        public var exitCode: Int32 {
            if let stoppedBy {
                switch stoppedBy.category {
                case .transient: return 75
                case .auth, .fatal, .recordProblem: return 1
                }
            }
            return problemCount > 0 || rejectedFiles > 0 ? 3 : 0
        }
    }

    /// Runs once. `connect` builds the QuickBooks client only when there is something to push.
    public func run(
        _ options: Options, progress: ProgressReporter? = nil,
        connect: () throws -> QuickBooksClient
    ) async throws -> Summary {
        let lock = try RunLock(path: folders.lockPath)
        defer { withExtendedLifetime(lock) {} }
        // One client (one pacer, one OAuth session) for the whole run, made when first needed
        // (resolution files may need it before the push); the push counts the realm's requests
        // of earlier runs before it sends anything.
        var connected: QuickBooksClient?
        var remembered = false
        func client() throws -> QuickBooksClient {
            if let connected { return connected }
            let made = try connect()
            connected = made
            return made
        }
        func rememberEarlierRuns() async throws {
            guard let connected, !remembered else { return }
            remembered = true
            try await PacerMemory.restore(into: connected.pacer, from: ledger)
        }
        let results = RunResults()
        let runID = try ledger.beginRun(command: options.command)
        let stager = Stager(ledger: ledger, runID: runID, results: results, logger: logger)
        let drop = DropFolder(
            inbox: folders.inbox, archive: folders.archive, rejected: folders.rejected,
            settleTime: options.settleTime)
        // Resolution files dropped in resolutions/ apply first (Resolution/SyncEngine+Resolutions.swift).
        if options.files == nil && !options.dryRun {
            try await applyDroppedResolutions(runID: runID, settleTime: options.settleTime, results: results) {
                try client()
            }
        }
        if let files = options.files {
            for file in files { try stager.stageNamedFile(URL(fileURLWithPath: file), progress: progress) }
        } else {
            for file in try drop.takeStableFiles() { try stager.stageDropFile(file, folder: drop, progress: progress) }
        }
        var stoppedBy: QuickBooksFault?
        if !options.dryRun, try settings.sync.reconcileFirst || hasWorkToPush() {
            do {
                let client = try client()
                try await rememberEarlierRuns()
                // [sync] reconcile_first: what changed in QuickBooks, before pushing (Resolution/Reconciler.swift).
                if settings.sync.reconcileFirst { try await reconcileFirst(feed: client, runID: runID) }
                let pusher = Pusher(
                    ledger: ledger, client: client, settings: settings, runID: runID, results: results,
                    logger: logger, progress: progress)
                let pushStarted = Date()
                try await pusher.pushAll()
                results.pushSeconds = Date().timeIntervalSince(pushStarted)
                try ledger.setMeta("reconnect_needed", nil)
            } catch let fault as QuickBooksFault {
                stoppedBy = fault
                if case .reconnectNeeded = fault { try ledger.setMeta("reconnect_needed", "true") }
                logger.error("QuickBooks stopped the run: \(fault)")
            }
        }
        if let connected { try await PacerMemory.save(from: connected.pacer, to: ledger) }
        let reports = ReportWriter(folders: folders, ledger: ledger)
        let folder = try reports.write(runID: runID, results: results, stoppedBy: stoppedBy)
        let problemCount = try ledger.problemRecords().count
        let summary = Summary(
            runID: runID, reportFolder: folder, results: results, problemCount: problemCount,
            rejectedFiles: results.filesRejected.count, stoppedBy: stoppedBy)
        try ledger.finishRun(id: runID, status: "exit \(summary.exitCode)", summaryJSON: reports.summaryJSON)
        return summary
    }
}

extension SyncEngine {
    /// Whether any record waits to be pushed (pending, or blocked on something that may have synced).
    func hasWorkToPush() throws -> Bool {
        try ledger.counts().values.contains { ($0[.pending] ?? 0) + ($0[.blocked] ?? 0) > 0 }
    }
}

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
    public var problemsFile: URL { reports.appendingPathComponent("problems.csv") }

    public func create() throws {
        for folder in [inbox, resolutions, archive, rejected, reports, state] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        chmod(state.path, 0o700)
    }
}

/// Progress of a long run: a bar with rate and ETA on a terminal, periodic lines otherwise.
public protocol ProgressReporter: AnyObject {
    func update(phase: String, done: Int, total: Int?)
    func finish(phase: String)
}
