import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage

extension SyncEngine {
    /// How `portbooks resolve` (and `ids remove|set`) applies a file.
    public struct ResolveOptions: Sendable {
        /// Check and report; change nothing.
        public var dryRun = false
        /// Apply the valid rows even when others are rejected.
        public var partial = false
        /// `set-qb-id` even when the QuickBooks object's number or customer differ.
        public var force = false

        public init(dryRun: Bool = false, partial: Bool = false, force: Bool = false) {
            self.dryRun = dryRun
            self.partial = partial
            self.force = force
        }
    }

    /// Applies a resolution file now, in a run of its own under the run lock, then rewrites
    /// `reports/problems.csv`. `connect` is called only when a `set-qb-id` row needs a read.
    public func resolve(
        _ file: ResolutionFile, options: ResolveOptions, connect: () throws -> any QuickBooksObjectReader
    ) async throws -> ResolutionOutcome {
        let lock = try RunLock(path: folders.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let runID = try ledger.beginRun(command: "resolve")
        let outcome = try await resolve(file, runID: runID, options: options, connect: connect)
        try ProblemsFile.write(ledger: ledger, to: folders.problemsFile)
        try ledger.finishRun(
            id: runID, status: "\(outcome.applied) applied, \(outcome.rejected) rejected", summaryJSON: "{}")
        return outcome
    }

    /// Plans, applies and reports one file inside the run `runID` (a dry run's on its copy of
    /// the ledger, with no report).
    func resolve(
        _ file: ResolutionFile, runID: String, options: ResolveOptions,
        connect: () throws -> any QuickBooksObjectReader
    ) async throws -> ResolutionOutcome {
        let planner = ResolutionPlanner(ledger: ledger, force: options.force)
        let plan = try await planner.plan(file, quickBooks: connect)
        var outcome = try ResolutionApplier(ledger: ledger, runID: runID)
            .apply(plan, partial: options.partial, dryRun: options.dryRun)
        // A dry run (on a copy of the ledger) leaves no report in runs/.
        if !isRehearsal { outcome.report = try ResolutionReport.write(outcome, into: runFolder(runID)) }
        return outcome
    }

    /// `reports/runs/<run-id>/`, created if needed.
    func runFolder(_ runID: String) throws -> URL {
        let folder = runFolderURL(runID)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `reports/runs/<run-id>/`.
    func runFolderURL(_ runID: String) -> URL {
        folders.reports.appendingPathComponent("runs", isDirectory: true).appendingPathComponent(
            runID, isDirectory: true)
    }

    /// The start of `portbooks sync`: every complete `resolutions/*.csv`, oldest first, is
    /// applied all or nothing, then moved to `archive/` — or, refused whole (unreadable, or
    /// any row rejected), to `rejected/` with `FILE.error.txt` giving each line's reason.
    /// A file whose `set-qb-id` check cannot reach QuickBooks stays for the next run.
    /// Applied `clear` / `mark-paid` rows appear in the run's results as `cleared` / `marked-paid`.
    /// A dry run applies them to its copy of the ledger and leaves the files where they are
    /// (`movesFiles` false).
    func applyDroppedResolutions(
        runID: String, movesFiles: Bool, settleTime: TimeInterval, results: RunResults,
        connect: () throws -> any QuickBooksObjectReader
    ) async throws {
        let drop = DropFolder(
            inbox: folders.resolutions, archive: folders.archive, rejected: folders.rejected, settleTime: settleTime)
        for (url, isLink) in try stableResolutionFiles(settleTime: settleTime) {
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
            let dropFile = DropFolder.DropFile(url: url, size: size, isSymbolicLink: isLink)
            if isLink {
                let refusal = DropFolder.symbolicLinkRefusal(url.lastPathComponent)
                logger.error("\(refusal)")
                if movesFiles { try drop.reject(dropFile, diagnostics: [], summary: refusal) }
                results.fileRejected(url.lastPathComponent)
                continue
            }
            let file: ResolutionFile
            do {
                file = try ResolutionFile.read(url)
            } catch let error as ResolutionError {
                logger.error("\(error)")
                if movesFiles {
                    try drop.reject(
                        dropFile, diagnostics: ["\(error)"],
                        summary:
                            "\(url.lastPathComponent) was refused whole: it could not be read; nothing was changed.")
                }
                results.fileRejected(url.lastPathComponent)
                continue
            }
            let outcome: ResolutionOutcome
            do {
                outcome = try await resolve(
                    file, runID: runID, options: ResolveOptions(), connect: connect)
            } catch let fault as QuickBooksFault {
                logger.error("\(file.name): left for the next run: QuickBooks could not be asked (\(fault))")
                continue
            }
            if outcome.rejected > 0 {
                for line in outcome.diagnostics { logger.error("\(line)") }
                if movesFiles {
                    try drop.reject(
                        dropFile, diagnostics: outcome.diagnostics,
                        summary:
                            "\(file.name) was refused whole: \(outcome.rejected) row(s) rejected; nothing from it was applied. "
                            + "Fix the rows and save the file into resolutions/ again (or run `portbooks resolve --partial`)."
                    )
                }
                results.fileRejected(file.name)
                continue
            }
            if movesFiles { try drop.archive(dropFile) }
            logger.info("\(file.name): \(outcome.applied) resolution(s) applied")
            for row in outcome.rows where row.result == .applied {
                guard let kind = RecordKind(rawValue: row.entity),
                    let record = try ledger.record(kind: kind, portproID: row.portproID),
                    row.action == ResolutionAction.clear.rawValue || row.action == ResolutionAction.markPaid.rawValue
                else { continue }
                try results.record(
                    ResultRow(
                        kind: kind, portproID: record.portproID, number: record.number ?? "",
                        customer: record.customerName ?? "", amount: record.amount ?? "",
                        outcome: row.action == ResolutionAction.clear.rawValue ? .cleared : .markedPaid,
                        qbID: record.qbID ?? "", message: row.message, sourceFile: file.name))
            }
        }
    }

    /// The complete `*.csv` files of `resolutions/`, oldest first (same settle rule as the
    /// inbox), each with whether it is a symbolic link (refused, never read: see ``DropFolder``).
    private func stableResolutionFiles(settleTime: TimeInterval) throws -> [(URL, isLink: Bool)] {
        let keys: [URLResourceKey] = [
            .contentModificationDateKey, .isRegularFileKey, .fileSizeKey, .isSymbolicLinkKey,
        ]
        let entries = try FileManager.default.contentsOfDirectory(
            at: folders.resolutions, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        let now = Date()
        var ready: [(URL, Bool, Date)] = []
        for url in entries where url.pathExtension.lowercased() == "csv" {
            let values = try url.resourceValues(forKeys: Set(keys))
            if values.isSymbolicLink == true {
                ready.append((url, true, .distantPast))
                continue
            }
            guard values.isRegularFile == true, let modified = values.contentModificationDate,
                now.timeIntervalSince(modified) >= settleTime
            else { continue }
            ready.append((url, false, modified))
        }
        return ready.sorted { ($0.2, $0.0.lastPathComponent) < ($1.2, $1.0.lastPathComponent) }.map { ($0.0, $0.1) }
    }
}
