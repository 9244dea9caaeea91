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
        let outcome: ResolutionOutcome
        do {
            outcome = try await resolve(file, runID: runID, options: options, connect: connect)
        } catch {
            try? ledger.finishRun(id: runID, status: "failed: \(FileErrorWords.describe(error))", summaryJSON: "{}")
            throw error
        }
        try ProblemsFile.write(ledger: ledger, to: folders.problemsFile)
        try ledger.finishRun(
            id: runID, status: "\(outcome.applied) applied, \(outcome.rejected) rejected", summaryJSON: "{}")
        return outcome
    }

    /// Checks, applies and reports one file inside the run `runID` (a dry run's on its copy of
    /// the ledger, with no report): a first pass checks every row (``ResolutionPlanner``), a
    /// second applies them and writes the report as it goes (``ResolutionApplier``). The file
    /// is read a row at a time in both. `onApplied` hears of each row applied.
    func resolve(
        _ file: ResolutionFile, runID: String, options: ResolveOptions,
        connect: () throws -> any QuickBooksObjectReader,
        onApplied: (ResolutionOutcome.Row, LedgerRecord) -> Void = { _, _ in }
    ) async throws -> ResolutionOutcome {
        let planner = ResolutionPlanner(ledger: ledger, force: options.force)
        let survey = try await planner.survey(file, quickBooks: connect)
        // A dry run (on a copy of the ledger) leaves no report in runs/.
        let report = isRehearsal ? nil : try ResolutionReport.open(in: runFolder(runID))
        do {
            var outcome = try ResolutionApplier(ledger: ledger, runID: runID).apply(
                file, survey: survey, planner: planner, partial: options.partial, dryRun: options.dryRun,
                report: report, onApplied: onApplied)
            try report?.finish()
            outcome.report = report?.url
            return outcome
        } catch {
            report?.discard()
            throw error
        }
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
        for dropFile in try stableResolutionFiles(settleTime: settleTime) {
            let name = dropFile.name
            if let refusal = dropFile.refusal {
                refuseResolution(dropFile, in: drop, movesFiles: movesFiles, summary: refusal, lines: [], results)
                continue
            }
            var applied: [AppliedResolution] = []
            let outcome: ResolutionOutcome
            do {
                let file = try ResolutionFile.read(dropFile.url)
                outcome = try await resolve(file, runID: runID, options: ResolveOptions(), connect: connect) {
                    row, record in
                    if let entry = AppliedResolution(row, record: record) { applied.append(entry) }
                }
            } catch let error as ResolutionError {
                refuseResolution(
                    dropFile, in: drop, movesFiles: movesFiles,
                    summary: "\(name) was refused whole: it could not be read; nothing was changed.",
                    lines: ["\(error)"], results)
                continue
            } catch let fault as QuickBooksFault {
                logger.error("\(escaping: name): left for the next run: QuickBooks could not be asked (\(fault))")
                continue
            }
            if outcome.rejected > 0 {
                refuseResolution(
                    dropFile, in: drop, movesFiles: movesFiles,
                    summary:
                        "\(name) was refused whole: \(outcome.rejected) row(s) rejected; nothing from it was applied. "
                        + "Fix the rows and save the file into resolutions/ again (or run `portbooks resolve --partial`).",
                    lines: outcome.diagnostics, results)
                continue
            }
            if movesFiles {
                do {
                    try drop.archive(dropFile)
                } catch {
                    let sentence =
                        "\(name) was applied but could not be moved to archive/ (\(FileErrorWords.describe(error))); "
                        + "remove it from resolutions/ so that it is not applied again"
                    logger.error("\(escaping: sentence)")
                    results.warn(DisplayText.escaped(sentence))
                }
            }
            logger.info("\(escaping: name): \(outcome.applied) resolution(s) applied")
            try recordResults(of: applied, file: name, into: results)
        }
    }

    /// The run's result rows (`cleared`, `marked-paid`) for the rows a dropped file applied,
    /// recorded once the whole file is applied: each record read back from the ledger, 500 at a
    /// time (clearing and marking paid change none of the fields a result row shows).
    private func recordResults(of applied: [AppliedResolution], file: String, into results: RunResults) throws {
        for start in stride(from: 0, to: applied.count, by: 500) {
            let chunk = applied[start..<min(start + 500, applied.count)]
            let records = Dictionary(
                try ledger.records(ids: chunk.map(\.recordID)).map { ($0.id, $0) },
                uniquingKeysWith: { first, _ in first })
            for entry in chunk {
                guard let record = records[entry.recordID] else { continue }
                try results.record(
                    ResultRow(
                        kind: record.kind, portproID: record.portproID, number: record.number ?? "",
                        customer: record.customerName ?? "", amount: record.amount ?? "", outcome: entry.outcome,
                        qbID: record.qbID ?? "", message: entry.message(record: record), sourceFile: file))
            }
        }
    }

    /// Moves a refused resolution file to `rejected/` with its reason file (or leaves it, in a
    /// dry run or when the move fails) and notes it.
    private func refuseResolution(
        _ file: DropFolder.DropFile, in drop: DropFolder, movesFiles: Bool, summary: String, lines: [String],
        _ results: RunResults
    ) {
        logger.error("\(escaping: summary)")
        for line in lines { logger.error("\(escaping: line)") }
        let reasons = ([summary] + lines).map(DisplayText.escaped)
        guard movesFiles else {
            results.fileRejected(file.name, reasons: reasons)
            return
        }
        do {
            let moved = try drop.reject(file, diagnostics: lines, summary: summary)
            results.fileRejected(
                file.name, reasons: reasons, movedTo: moved, reasonFile: DropFolder.reasonFile(for: moved))
        } catch {
            let words = FileErrorWords.describe(error)
            logger.error("\(escaping: file.name) could not be moved to rejected/: \(words)")
            results.fileRejected(file.name, reasons: reasons + ["it could not be moved to rejected/ (\(words))"])
        }
    }

    /// The complete `*.csv` files of `resolutions/`, oldest first (same settle rule as the
    /// inbox); links and other entries that are not regular files come first, to be refused
    /// by name without being opened (see ``DropFolder``).
    private func stableResolutionFiles(settleTime: TimeInterval) throws -> [DropFolder.DropFile] {
        let entries = try FileManager.default.contentsOfDirectory(
            at: folders.resolutions, includingPropertiesForKeys: [], options: [.skipsHiddenFiles])
        let now = Date()
        var ready: [(DropFolder.DropFile, Date)] = []
        for url in entries where url.pathExtension.lowercased() == "csv" {
            guard let entry = DropFolder.Entry.of(path: url.path) else { continue }
            guard entry == .regularFile else {
                ready.append((DropFolder.DropFile(url: url, size: 0, entry: entry), .distantPast))
                continue
            }
            guard let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey]),
                let modified = values.contentModificationDate, now.timeIntervalSince(modified) >= settleTime
            else { continue }
            ready.append((DropFolder.DropFile(url: url, size: values.fileSize ?? 0), modified))
        }
        return ready.sorted { ($0.1, $0.0.name) < ($1.1, $1.0.name) }.map(\.0)
    }
}

/// A `clear` or `mark-paid` row a dropped resolution file applied, kept until the whole file
/// is applied and its result rows can be recorded: a record id and, only when the row's
/// message says more than what the action does (how the record was matched), that message,
/// clipped. A file clearing a million problems keeps a million of these — tens of megabytes,
/// where whole result rows took hundreds.
struct AppliedResolution {
    var recordID: Int64
    var outcome: ResultRow.Outcome
    /// The row's message when it is not just ``ResolutionApplier/effect(_:record:newQBID:)``.
    private var fullMessage: String?

    /// The entry for a row applied to `record`, or `nil` when the action leaves no result row
    /// (retry, remove-qb-id, set-qb-id: the push records those records).
    init?(_ row: ResolutionOutcome.Row, record: LedgerRecord) {
        guard let action = ResolutionAction(rawValue: row.action), action == .clear || action == .markPaid else {
            return nil
        }
        recordID = record.id
        outcome = action == .clear ? .cleared : .markedPaid
        let plain = ResolutionApplier.effect(action, record: record, newQBID: "")
        fullMessage =
            row.message == plain ? nil : DisplayText.clipped(row.message, to: ResolutionOutcome.keptMessageLength)
    }

    /// The result row's message.
    func message(record: LedgerRecord) -> String {
        fullMessage ?? ResolutionApplier.effect(outcome == .cleared ? .clear : .markPaid, record: record, newQBID: "")
    }
}
