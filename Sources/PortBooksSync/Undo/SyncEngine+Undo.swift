import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksPlan
import PortBooksPush
import PortBooksQuickBooks
import PortBooksReports

extension SyncEngine {
    /// `portbooks undo RUN_ID`: reverses in QuickBooks what run `options.runID` wrote, as a run
    /// of its own (docs/OPERATIONS.md "Undoing a run"): under the lock, with its folder
    /// `reports/runs/<undo-run>/` (plan.csv, results-*.csv, summary.json), its row in the runs
    /// table (`undo <run>`), and an `undo` audit row per record naming both runs.
    ///
    /// A dry run (``rehearsal(settings:logger:)``) reads QuickBooks and writes only
    /// `reports/dry-run/<timestamp>/plan.csv`: no ledger row, no QuickBooks write.
    ///
    /// Resumable: interrupted, the same command again reverses what is left, re-sending an
    /// interrupted write with its requestid (``UndoRun``).
    public func undo(_ options: UndoOptions, connect: () throws -> QuickBooksClient) async throws -> Summary {
        let lock = isRehearsal ? nil : try RunLock(path: folders.lockPath)
        defer { withExtendedLifetime(lock) {} }
        guard let run = try ledger.run(id: options.runID) else { throw UndoError.noSuchRun(options.runID) }
        if run.command.hasPrefix("undo") { throw UndoError.undoOfUndo(options.runID) }
        let undoRunID = try ledger.beginRun(command: "undo \(options.runID)")
        do {
            return try await undo(options, undoRunID: undoRunID, finished: run.finishedAt != nil, connect: connect)
        } catch {
            if !isRehearsal {
                try? ledger.finishRun(
                    id: undoRunID, status: "failed: \(FileErrorWords.describe(error))", summaryJSON: "{}")
            }
            throw error
        }
    }

    private func undo(
        _ options: UndoOptions, undoRunID: String, finished: Bool, connect: () throws -> QuickBooksClient
    ) async throws -> Summary {
        let rehearsal = isRehearsal
        var logger = logger
        logger[metadataKey: "run"] = "\(undoRunID)"
        let results = RunResults(folder: rehearsal ? nil : runFolderURL(undoRunID))
        if !finished {
            // Killed mid-run: a write it sent but never recorded is in no journal. The next sync
            // finishes it (replaying those writes by requestid) and journals them as its own.
            results.warn(
                "run \(options.runID) did not finish (killed or crashed): what it sent but never recorded is not undone "
                    + "here; run `portbooks sync` to finish it, then undo that sync too")
        }
        let planFile = PlanFile(
            url: rehearsal
                ? folders.reports.appendingPathComponent("dry-run/\(Self.timestamp())/plan.csv")
                : runFolderURL(undoRunID).appendingPathComponent("plan.csv"))
        let wanted = options.kinds ?? Set(RecordKind.allCases)
        let open = try ledger.runWrites(runID: options.runID).filter {
            $0.undoneAt == nil && wanted.contains($0.kind)
        }
        var stoppedBy: QuickBooksFault?
        var connected: QuickBooksClient?
        var left = 0
        if !open.isEmpty {
            do {
                let client = try connect()
                connected = client
                await PacerMemory.restore(into: client.pacer, from: folders.pacerFile)
                let writer: any QuickBooksWriter & QuickBooksDeleter =
                    rehearsal ? RehearsalWriter() : LiveWriter(client: client)
                let undo = UndoRun(
                    engine: self, options: options, undoRunID: undoRunID, client: client, writer: writer,
                    results: results, plan: planFile, logger: logger)
                left = try await undo.run(open)
                try ledger.setMeta("reconnect_needed", nil)
            } catch let fault as QuickBooksFault {
                stoppedBy = fault
                if case .reconnectNeeded = fault { try ledger.setMeta("reconnect_needed", "true") }
                logger.error("QuickBooks stopped the undo: \(fault)")
            }
        } else {
            logger.info("run \(options.runID) has no write left to undo")
        }
        if let connected, FileManager.default.fileExists(atPath: folders.state.path) {
            try await PacerMemory.save(from: connected.pacer, to: folders.pacerFile)
        }
        let apiCalls = connected?.requestsSent ?? 0
        results.apiCalls = apiCalls
        let wrotePlan = try planFile.finish(keepingEmpty: rehearsal)
        let folder: URL
        if rehearsal {
            folder = planFile.url.deletingLastPathComponent()
        } else {
            let reports = RunReports(folders: folders, ledger: ledger)
            folder = try reports.write(runID: undoRunID, results: results, stoppedBy: stoppedBy.map { "\($0)" })
            let status = stoppedBy != nil ? "stopped" : left > 0 ? "problems" : "done"
            try ledger.finishRun(id: undoRunID, status: status, summaryJSON: reports.summaryJSON)
        }
        return Summary(
            runID: undoRunID, reportFolder: folder, results: results, problemCount: left, rejectedFiles: 0,
            stoppedBy: stoppedBy, dryRun: rehearsal, plan: planFile.summary, planFile: wrotePlan ? planFile.url : nil,
            apiCalls: apiCalls)
    }
}
