import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksRecord
import PortBooksReports
import PortBooksStage

/// One run of PortBooks over a project folder. It wires the stages (docs/ARCHITECTURE.md):
/// lock; apply dropped resolution files; read and stage the drop files, each whole or not at
/// all; plan, push and record what the ledger holds (``PushPipeline``); write the reports.
///
/// The same engine serves `sync` (the inbox) and `import FILE…` (named files); both are
/// resumable because every step works from the ledger: a crashed run leaves staged records
/// pending, and the next run pushes them with the same requestids.
///
/// A dry run goes through the same stages on a copy of the ledger, with files left where they
/// are and a push that sends nothing (``RehearsalWriter``): it reads QuickBooks (to resolve
/// references and look numbers up) but changes nothing — no file moved, no ledger row, no
/// QuickBooks write — and prints the plan the real run would carry out.
public final class SyncEngine {
    public let settings: Settings
    /// The project's ledger — or, for a dry run, a private copy of it.
    public let ledger: LedgerStore
    public let folders: ProjectFolders
    /// A dry run's engine: its ledger is a copy, and it moves no file and sends nothing.
    public let isRehearsal: Bool
    let logger: Logger

    /// The engine of a project: its folders are created and its ledger opened (created and
    /// migrated when needed).
    public convenience init(settings: Settings, logger: Logger) throws {
        let folders = ProjectFolders(settings: settings)
        try folders.create()
        self.init(
            settings: settings, ledger: try LedgerStore.open(path: folders.ledgerPath), folders: folders,
            isRehearsal: false, logger: logger)
    }

    private init(
        settings: Settings, ledger: LedgerStore, folders: ProjectFolders, isRehearsal: Bool, logger: Logger
    ) {
        self.settings = settings
        self.ledger = ledger
        self.folders = folders
        self.isRehearsal = isRehearsal
        self.logger = logger
    }

    /// The engine of a dry run: over a copy of the project's ledger (``LedgerCopy``), which the
    /// caller removes when done. Nothing of the project is created, opened for writing or locked.
    public static func rehearsal(settings: Settings, logger: Logger) throws -> (SyncEngine, LedgerCopy) {
        let folders = ProjectFolders(settings: settings)
        let copy = try LedgerCopy(path: folders.ledgerPath, lockPath: folders.lockPath)
        let engine = SyncEngine(
            settings: settings, ledger: copy.ledger, folders: folders, isRehearsal: true, logger: logger)
        return (engine, copy)
    }

    /// What a run is asked to do.
    public struct Options: Sendable {
        /// Named files (`import`); `nil` means the inbox (`sync`).
        public var files: [String]?
        /// Seconds a drop file must be unchanged before it is taken.
        public var settleTime: TimeInterval = 2
        /// Seconds a drop file that ends early waits in `inbox/` after its last change before it
        /// is refused (``PortBooksStage/DropFolder/graceTime``).
        public var graceTime: TimeInterval = 300
        public var command = "sync"

        public init(files: [String]? = nil, command: String = "sync") {
            self.files = files
            self.command = command
        }
    }

    /// How a run ended: what the summary prints and the exit code is decided from.
    public struct Summary: Sendable {
        public var runID: String
        /// `reports/runs/<run-id>/`, or `reports/dry-run/<timestamp>/` for a dry run.
        public var reportFolder: URL
        public var results: RunResults
        /// Records in problems.csv after the run (for a dry run: after the real run would end).
        public var problemCount: Int
        public var rejectedFiles: Int
        /// Set when QuickBooks stopped the run (unreachable, throttled past the budget, auth).
        public var stoppedBy: QuickBooksFault?
        public var dryRun: Bool
        /// What the plan decided, per entity and operation.
        public var plan: PlanSummary
        /// plan.csv, when anything was planned (always for a dry run).
        public var planFile: URL?
        /// HTTP requests sent to QuickBooks (a dry run's are reads only).
        public var apiCalls: Int
        /// Invoices whose QuickBooks balance after the run is not PortPro's `remainAmount`
        /// (`balance-check.csv` in the run's folder); 0 when none carried one.
        public var balanceDifferences: Int = 0
        /// The run did nothing (no file, no record, no resolution): it left no run folder.
        public var idle = false
    }

    /// Runs once. `connect` builds the QuickBooks client only when there is something to push.
    /// A real run holds the project's lock (a second run exits 75); a dry run needs none, as it
    /// changes nothing.
    public func run(
        _ options: Options, progress: ProgressReporter? = nil,
        connect: () throws -> QuickBooksClient
    ) async throws -> Summary {
        let lock = isRehearsal ? nil : try RunLock(path: folders.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let runID = try ledger.beginRun(command: options.command)
        do {
            return try await run(options, runID: runID, progress: progress, connect: connect)
        } catch {
            // A run that could not finish says so in the ledger (`portbooks status`), instead of
            // staying "running or interrupted" as a killed one does.
            if !isRehearsal {
                try? ledger.finishRun(
                    id: runID, status: "failed: \(FileErrorWords.describe(error))", summaryJSON: "{}")
            }
            throw error
        }
    }

    /// The stages of one run, under the lock, in the run `runID`.
    private func run(
        _ options: Options, runID: String, progress: ProgressReporter?, connect: () throws -> QuickBooksClient
    ) async throws -> Summary {
        let rehearsal = isRehearsal
        // One client (one pacer, one OAuth session) for the whole run, made when first needed
        // (resolution files may need it before the push); the push counts the realm's requests
        // of earlier runs before it sends anything.
        var connected: QuickBooksClient?
        func client() throws -> QuickBooksClient {
            if let connected { return connected }
            let made = try connect()
            connected = made
            return made
        }
        let memo = StagedMemo()
        // A real run's results go to its folder as they come; a dry run only counts them.
        let results = RunResults(folder: rehearsal ? nil : runFolderURL(runID))
        var logger = logger
        logger[metadataKey: "run"] = "\(runID)"
        let planFile = PlanFile(
            url: rehearsal
                ? folders.reports.appendingPathComponent("dry-run/\(Self.timestamp())/plan.csv")
                : runFolderURL(runID).appendingPathComponent("plan.csv"))
        // Resolution files dropped in resolutions/ apply first (Resolution/SyncEngine+Resolutions.swift).
        let hasFolders = FileManager.default.fileExists(atPath: folders.inbox.path)
        if options.files == nil && hasFolders {
            try await applyDroppedResolutions(
                runID: runID, movesFiles: !rehearsal, settleTime: options.settleTime,
                results: results
            ) { try client() }
        }
        var stager = Stager(
            ledger: ledger, runID: runID, results: results, memo: memo, movesFiles: !rehearsal, logger: logger)
        stager.mappedPaymentMethods = Set(settings.payments.methods.keys)
        if let files = options.files {
            for file in files { try stager.stageNamedFile(URL(fileURLWithPath: file), progress: progress) }
        } else if hasFolders {
            let drop = DropFolder(
                inbox: folders.inbox, archive: folders.archive, rejected: folders.rejected,
                settleTime: options.settleTime, graceTime: options.graceTime)
            if !rehearsal {
                for name in try drop.reclaimChangedRejections() {
                    logger.info("\(escaping: name) changed in rejected/ after it was refused: taken again")
                }
            }
            let now = Date()
            let files = try drop.takeStableFiles(now: now)
            results.filesWaiting = drop.unsettledFileCount(now: now)
            for file in files { try stager.stageDropFile(file, folder: drop, progress: progress) }
        }
        if settings.sync.isEnabled(.creditMemo) && settings.sync.isEnabled(.payment) {
            try stager.stageCreditApplications()
        }
        if settings.sync.isEnabled(.customer) {
            try stager.stageCustomersNamedOnlyByCallers(kinds: RecordKind.allCases.filter(settings.sync.isEnabled))
        }
        // Records whose export breaks a rule are problems from the stage on: in plan.csv and the results too.
        var seenUnreadable = Set<String>()
        let unreadable = try memo.invalidRecords.filter {
            seenUnreadable.insert("\($0.kind.rawValue) \($0.portproID)").inserted
        }
        .compactMap { try ledger.record(kind: $0.kind, portproID: $0.portproID) }
        .filter { $0.problemCode == LedgerRecord.invalidRecordCode }
        if !unreadable.isEmpty {
            try Recorder(ledger: ledger, runID: runID, results: results, plan: planFile).recordStagedProblems(
                unreadable)
        }
        var stoppedBy: QuickBooksFault?
        var balanceDifferences = 0
        var balance: BalanceTotals?
        var balanceRows: [BalanceRow] = []
        if try settings.sync.reconcileFirst || Self.hasWorkToPush(ledger) {
            do {
                let client = try client()
                await PacerMemory.restore(into: client.pacer, from: folders.pacerFile)
                // [sync] reconcile_first: what changed in QuickBooks, before pushing (Resolution/Reconciler.swift).
                if settings.sync.reconcileFirst { try await reconcileFirst(feed: client, runID: runID) }
                let recorder = Recorder(ledger: ledger, runID: runID, results: results, plan: planFile)
                let pipeline = PushPipeline(
                    ledger: ledger, settings: settings, memo: memo, client: client,
                    writer: rehearsal ? RehearsalWriter() : LiveWriter(client: client), recorder: recorder,
                    progress: progress, logger: logger)
                progress?.expect(try Self.pushTotals(ledger))
                let pushStarted = Date()
                let since = LedgerStore.now()
                try await pipeline.run()
                results.pushSeconds = Date().timeIntervalSince(pushStarted)
                // A dry run's invoices are not in QuickBooks: nothing to compare.
                if !rehearsal {
                    let (differences, totals) = try await pipeline.checkPortProBalances(since: since)
                    balance = totals
                    balanceRows = differences.map(\.row)
                    if !differences.isEmpty {
                        try writeBalanceCheck(differences, runID: runID)
                        balanceDifferences = differences.count
                        logger.warning(
                            "\(differences.count) invoice(s): QuickBooks' balance is not PortPro's remainAmount (balance-check.csv)"
                        )
                    }
                }
                try ledger.setMeta("reconnect_needed", nil)
            } catch let fault as QuickBooksFault {
                stoppedBy = fault
                if case .reconnectNeeded = fault { try ledger.setMeta("reconnect_needed", "true") }
                logger.error("QuickBooks stopped the run: \(fault)")
            }
        }
        if let connected, FileManager.default.fileExists(atPath: folders.state.path) {
            try await PacerMemory.save(from: connected.pacer, to: folders.pacerFile)
        }
        let apiCalls = connected?.requestsSent ?? 0
        results.apiCalls = apiCalls
        let wrotePlan = try planFile.finish(keepingEmpty: rehearsal)
        let problemCount = try ledger.problemRecords().count
        let folder: URL
        var idle = false
        if rehearsal {
            folder = planFile.url.deletingLastPathComponent()
        } else {
            let reports = RunReports(folders: folders, ledger: ledger)
            folder = try reports.write(runID: runID, results: results, stoppedBy: stoppedBy.map { "\($0)" })
            writeRunReport(
                RunReportInput(
                    runID: runID, command: options.command, results: results, stoppedBy: stoppedBy,
                    apiCalls: apiCalls, balance: balance, balanceRows: balanceRows),
                folder: folder)
            try ledger.finishRun(
                id: runID, status: Self.status(problemCount, results, stoppedBy),
                summaryJSON: reports.summaryJSON)
            idle = stoppedBy == nil && !wrotePlan && Self.didNothing(results, folder: folder)
            keepRunFoldersInBounds(runID: runID, folder: folder, idle: idle)
        }
        return Summary(
            runID: runID, reportFolder: folder, results: results, problemCount: problemCount,
            rejectedFiles: results.filesRejected.count, stoppedBy: stoppedBy, dryRun: rehearsal,
            plan: planFile.summary, planFile: wrotePlan ? planFile.url : nil, apiCalls: apiCalls,
            balanceDifferences: balanceDifferences, idle: idle)
    }

    /// `reports/runs/<run-id>/balance-check.csv`: one row per invoice whose QuickBooks balance
    /// is not what PortPro says is still owed.
    private func writeBalanceCheck(_ differences: [BalanceDifference], runID: String) throws {
        let rows = differences.map { difference -> [String] in
            let problem = difference.problem
            return [
                "invoice", difference.record.portproID, difference.record.number ?? "",
                difference.record.customerName ?? "", difference.qbID, Money.format(difference.portproRemain),
                Money.format(difference.quickBooksBalance),
                Money.format(difference.quickBooksBalance - difference.portproRemain), problem.code, problem.message,
                problem.suggestion,
            ]
        }
        try CSVWriter.write(
            header: [
                "entity", "portpro_id", "number", "customer", "qb_id", "portpro_remain", "quickbooks_balance",
                "difference", "problem_code", "problem", "suggestion",
            ],
            rows: rows, to: try runFolder(runID).appendingPathComponent("balance-check.csv"))
    }

    /// How the run's row in the ledger reads: `done`, `problems` or `stopped`.
    private static func status(_ problems: Int, _ results: RunResults, _ stoppedBy: QuickBooksFault?) -> String {
        if stoppedBy != nil { return "stopped" }
        return problems > 0 || !results.filesRejected.isEmpty || results.recordsLeftOut > 0 ? "problems" : "done"
    }

    /// `20261201T221354Z`, for a dry run's folder.
    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// Records waiting to be pushed per QuickBooks entity, in push order (the progress bar's total).
    static func pushTotals(_ ledger: LedgerStore) throws -> [(entity: String, total: Int)] {
        let counts = try ledger.counts()
        return [RecordKind.customer, .invoice, .creditMemo, .payment].map { kind in
            (Planner.entity(kind), (counts[kind]?[.pending] ?? 0) + (counts[kind]?[.blocked] ?? 0))
        }
    }

    /// Whether any record waits to be pushed (pending, or blocked on something that may have synced).
    static func hasWorkToPush(_ ledger: LedgerStore) throws -> Bool {
        try ledger.counts().values.contains { ($0[.pending] ?? 0) + ($0[.blocked] ?? 0) > 0 }
    }
}
