import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksRead
import PortBooksReports

/// The stage: streams a drop file's records into the ledger in one transaction. Records are
/// judged one by one: the good ones are staged; one that breaks a rule of its own is staged as
/// a problem row (`invalid-record`, ``LedgerStore/StagingSession/stageInvalid(kind:portproID:number:message:suggestion:sourceFile:)``)
/// when its `_id` is usable, and is listed in the file's `NAME.error.txt` (beside it in
/// `archive/`) and the run's warnings when it is not. Only a file that cannot be read as a whole
/// (encoding, syntax, truncation, not an export, a limit) is staged not at all, and goes to
/// `rejected/` with its diagnostics; a file that ends early and changed less than the drop folder's grace
/// time ago stays in `inbox/` instead (its writer may have paused). A file whose exact content
/// was staged before does nothing.
///
/// What it staged is kept in the run's ``StagedMemo``, which the engine hands to the plan: the
/// push maps those records without decoding them again.
///
/// A dry run stages into a copy of the ledger (the engine makes it) and sets
/// ``movesFiles`` to `false`: files stay where they are, and no reason file is written.
public struct Stager {
    public let ledger: LedgerStore
    public let runID: String
    public let results: RunResults
    public let memo: StagedMemo
    /// Whether taken files move to `archive/` and refused ones to `rejected/` (not in a dry run).
    public let movesFiles: Bool
    let logger: Logger
    let readers = DropFileReaders()
    /// The payment methods the settings map (`[payments.methods]` keys); a staged payment with
    /// another method is noted in the run's results: it goes to QuickBooks with no method.
    /// `nil`: not checked.
    public var mappedPaymentMethods: Set<String>?

    public init(
        ledger: LedgerStore, runID: String, results: RunResults, memo: StagedMemo, movesFiles: Bool = true,
        logger: Logger
    ) {
        self.ledger = ledger
        self.runID = runID
        self.results = results
        self.memo = memo
        self.movesFiles = movesFiles
        self.logger = logger
    }

    /// Stages one inbox file and moves it to `archive/` or `rejected/`.
    ///
    /// One file never stops the others: whatever goes wrong with this file — it cannot be
    /// read, it is a FIFO, its name is too long for a reason file, a move fails — ends in a
    /// refusal (or a warning) about it, and the run goes on. Only the ledger's own failures
    /// (``LedgerError``) are thrown: without the ledger no file can be staged.
    public func stageDropFile(_ file: DropFolder.DropFile, folder: DropFolder, progress: ProgressReporter?) throws {
        if let refusal = file.refusal {
            refuse(file, folder: folder, summary: refusal, diagnostics: [])
            return
        }
        do {
            let hash = try SHA256Digest.hexDigest(ofFile: file.url.path)
            if try ledger.fileAlreadyStaged(hash: hash) {
                logger.info("\(escaping: file.name): the same content was processed before; archived without staging")
                results.fileDuplicate(file.name)
                archive(file, folder: folder)
                return
            }
            let mayWait = movesFiles && folder.mayStillGrow(file)
            let result = try stage(
                url: file.url, name: file.name, hash: hash, size: file.size, waitsWhenCutOff: mayWait,
                progress: progress)
            if result.isReadable {
                let moved = archive(file, folder: folder)
                writeRecordProblems(result, beside: moved)
            } else if mayWait && Self.endsEarly(result) {
                let sentence =
                    "\(file.name) ends early (\(result.diagnostics.kept.first?.description ?? "truncated")) and was "
                    + "changed less than \(Int(folder.graceTime)) seconds ago: it stays in inbox/ in case its writer "
                    + "only paused, and is refused if it is still cut off once unchanged that long"
                logger.warning("\(escaping: sentence)")
                results.warn(DisplayText.escaped(sentence))
            } else {
                let summary =
                    "\(file.name) was refused whole: \(result.diagnostics.errorCount) problem(s); nothing from it was staged."
                var lines = result.diagnostics.kept.map(\.description)
                if result.diagnostics.omitted > 0 { lines.append("… and \(result.diagnostics.omitted) more") }
                refuse(file, folder: folder, summary: summary, diagnostics: lines)
            }
        } catch let error as LedgerError where !Self.isAboutTheFile(error) {
            throw error
        } catch {
            let summary =
                "\(file.name) was refused: \(FileErrorWords.describe(error)); nothing from it was staged."
            refuse(file, folder: folder, summary: summary, diagnostics: [])
        }
    }

    /// Moves a refused file to `rejected/` with its reason file and notes it; a move that fails
    /// leaves the file where it is, logged and noted (the next run tries again).
    private func refuse(_ file: DropFolder.DropFile, folder: DropFolder, summary: String, diagnostics: [String]) {
        logger.error("\(escaping: summary)")
        let reasons = [summary] + diagnostics
        guard movesFiles else {
            results.fileRejected(file.name, reasons: reasons.map(DisplayText.escaped))
            return
        }
        do {
            let moved = try folder.reject(file, diagnostics: diagnostics, summary: summary)
            results.fileRejected(
                file.name, reasons: reasons.map(DisplayText.escaped), movedTo: moved,
                reasonFile: DropFolder.reasonFile(for: moved))
        } catch {
            let words = FileErrorWords.describe(error)
            logger.error("\(escaping: file.name) could not be moved to rejected/: \(escaping: words)")
            results.fileRejected(
                file.name,
                reasons: (reasons + ["it could not be moved to rejected/ (\(words)); it stays in inbox/"]).map(
                    DisplayText.escaped))
        }
    }

    /// Moves a staged (or already seen) file to `archive/`; a move that fails leaves the file
    /// in `inbox/` with a warning: its records are staged, and the next run archives it.
    @discardableResult
    private func archive(_ file: DropFolder.DropFile, folder: DropFolder) -> URL? {
        guard movesFiles else { return nil }
        do {
            return try folder.archive(file)
        } catch {
            let sentence =
                "\(file.name) was staged but could not be moved to archive/ (\(FileErrorWords.describe(error))); "
                + "it stays in inbox/, and the next run archives it without staging it again"
            logger.error("\(escaping: sentence)")
            results.warn(DisplayText.escaped(sentence))
            return nil
        }
    }

    /// Writes `NAME.error.txt` beside a staged file (in `archive/`) whose records include some that
    /// break a rule: those without a usable `_id` (they are in no other place but the run's
    /// warnings) and those that became problem rows. Nothing is written for a file whose records
    /// were all good, or when the file was not moved (a dry run, a move that failed).
    private func writeRecordProblems(_ result: ExportReadResult, beside moved: URL?) {
        guard let moved, !result.invalidRecords.isEmpty else { return }
        let withoutID = result.invalidRecords.filter { $0.portproID == nil }
        let rows = result.invalidRecords.filter { $0.portproID != nil }
        var lines = [
            "\(result.file) was staged: its other records were taken; \(result.invalidRecords.count) record(s) break a "
                + "rule of the export format (docs/FORMAT.md) and were not.", "",
        ]
        if !withoutID.isEmpty {
            lines.append(
                "\(withoutID.count) record(s) have no usable _id, so they cannot be tracked or synced; correct them in "
                    + "PortPro and export them again:")
            lines += withoutID.map { "  \($0.pathText): \($0.message)" }
            lines.append("")
        }
        if !rows.isEmpty {
            lines.append(
                "\(rows.count) record(s) are problem rows (invalid-record) in problems.csv until a corrected export "
                    + "replaces them:")
            lines += rows.map { "  \($0.kind.rawValue) \($0.portproID ?? ""): \($0.message)" }
            lines.append("")
        }
        do {
            try DropFolder.writeReason(for: moved, lines: lines)
        } catch {
            let sentence =
                "\(result.file): its record problems could not be written beside it in archive/ "
                + "(\(FileErrorWords.describe(error))); they are in this run's warnings and problems.csv"
            logger.error("\(escaping: sentence)")
            results.warn(DisplayText.escaped(sentence))
        }
    }

    /// Stages a named file (`import`), leaving it where it is.
    ///
    /// Only a regular file (or a link to one) is opened: a FIFO, device node, socket or folder
    /// is refused by name, as an unreadable file is, and the import goes on with the others.
    public func stageNamedFile(_ url: URL, progress: ProgressReporter?) throws {
        let name = url.lastPathComponent
        func refuse(_ reasons: [String]) {
            for reason in reasons { logger.error("\(escaping: reason)") }
            results.fileRejected(name, reasons: reasons.map(DisplayText.escaped))
        }
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            refuse(["\(url.path) cannot be read: \(String(cString: strerror(errno))); nothing from it was staged."])
            return
        }
        if let what = ReadableFile.kind(ofMode: info.st_mode) {
            refuse([DropFolder.specialEntryRefusal(url.path, what: what)])
            return
        }
        do {
            let hash = try SHA256Digest.hexDigest(ofFile: url.path)
            if try ledger.fileAlreadyStaged(hash: hash) {
                results.fileDuplicate(name)
                return
            }
            let size = Int(info.st_size)
            let result = try stage(
                url: url, name: name, hash: hash, size: size, waitsWhenCutOff: false, progress: progress)
            if !result.isReadable {
                var lines = [
                    "\(name) was refused whole: \(result.diagnostics.errorCount) problem(s); nothing from it was staged."
                ]
                lines += result.diagnostics.kept.map(\.description)
                if result.diagnostics.omitted > 0 { lines.append("… and \(result.diagnostics.omitted) more") }
                results.fileRejected(name, reasons: lines.map(DisplayText.escaped))
            }
        } catch let error as LedgerError where !Self.isAboutTheFile(error) {
            throw error
        } catch {
            refuse(["\(url.path) was refused: \(FileErrorWords.describe(error)); nothing from it was staged."])
        }
    }

    /// Whether a ledger error is about what the file holds (the file is refused, the run goes
    /// on) rather than about the ledger itself (the run cannot go on).
    static func isAboutTheFile(_ error: LedgerError) -> Bool {
        if case .unstorableText = error { return true }
        return false
    }

    /// The record to stage for `read`: itself, or — for part of an invoice from a PortPro invoice
    /// list page — the invoice as staged so far combined with it (``Invoice/combining(_:)``).
    ///
    /// Combining happens here, record by record against the ledger, because the parts of one
    /// invoice can come from several envelopes of a file and from several files (pages), each
    /// staged in its own transaction: the ledger, keyed by kind and PortPro id, is the one
    /// place that has seen them all, and memory stays flat. A part read later replaces the
    /// charge sets of the loads it names; a whole invoice replaces the record.
    static func combined(_ read: ReadRecord, in session: LedgerStore.StagingSession) throws -> ExportRecord {
        guard read.extent == .part, case .invoice(let part) = read.record,
            case .invoice(let known)? = try session.stagedRecord(kind: .invoice, portproID: part.id)
        else { return read.record }
        return .invoice(known.combining(part))
    }

    /// What a problem row of a record whose export breaks a rule suggests.
    public static let invalidRecordSuggestion =
        "correct the record in PortPro and export it again: the corrected export replaces this row and syncs "
        + "(retry cannot help: there is no readable content to send)"

    /// Logs and notes in the run's warnings the records of a staged file that break a rule:
    /// each without a usable `_id` by itself (it is nowhere else), the others as a count.
    private func noteInvalidRecords(_ result: ExportReadResult) {
        let name = result.file
        for invalid in result.invalidRecords {
            logger.error(
                "\(escaping: name): \(escaping: invalid.pathText) was not staged: \(escaping: invalid.message)")
        }
        let withoutID = result.invalidRecords.filter { $0.portproID == nil }
        if !withoutID.isEmpty { results.noteRecordsLeftOut(withoutID.count) }
        for invalid in withoutID {
            results.warn(
                DisplayText.escaped(
                    "\(name): \(invalid.pathText) has no usable _id and cannot be tracked or synced; it was left out "
                        + "(\(invalid.message))"))
        }
        let rows = result.invalidRecords.count - withoutID.count
        if rows > 0 {
            results.warn(
                DisplayText.escaped(
                    "\(name): \(rows) record(s) break a rule of the export format and are problem rows "
                        + "(\(LedgerRecord.invalidRecordCode)) until a corrected export replaces them; the file's "
                        + "other records were staged"))
        }
    }

    /// Whether a refused read says the file ends early (it was cut off), not that it is wrong.
    static func endsEarly(_ result: ExportReadResult) -> Bool {
        result.diagnostics.kept.contains { $0.code == .truncated }
    }

    /// Stages the file's records in one transaction, or none; a refused file is recorded in the
    /// ledger — unless `waitsWhenCutOff` and it ends early: it will be read again.
    private func stage(
        url: URL, name: String, hash: String, size: Int, waitsWhenCutOff: Bool, progress: ProgressReporter?
    ) throws -> ExportReadResult {
        let reader = try readers.reader(for: url.path, displayName: name)
        let format = ExportFormat(path: url.path)?.rawValue ?? DropFileReaders.sniff(url.path)?.rawValue ?? "unknown"
        var result = ExportReadResult(file: name)
        var staged = 0
        var unmappedMethods: [String: Int] = [:]
        progress?.update(phase: "staging \(escaping: name)", done: 0, total: nil)
        memo.startFile()
        _ = try ledger.stageFile(hash: hash, name: name, size: size, format: format, runID: runID) { session in
            result = try reader.readRecords { read in
                if let mapped = mappedPaymentMethods, case .payment(let payment) = read.record,
                    let method = payment.paymentMethod?.rawValue, !mapped.contains(method)
                {
                    unmappedMethods[method, default: 0] += 1
                }
                let record = try Self.combined(read, in: session)
                memo.insert(record, hash: try session.stage(record, sourceFile: name))
                staged += 1
                if staged % 1000 == 0 { progress?.update(phase: "staging \(escaping: name)", done: staged, total: nil) }
            }
            guard result.isReadable else { return false }
            // Records judged one by one: each that breaks a rule and has a usable _id is a problem row.
            for invalid in result.invalidRecords {
                guard let id = invalid.portproID else { continue }
                try session.stageInvalid(
                    kind: invalid.kind, portproID: id, number: invalid.number, message: invalid.message,
                    suggestion: Self.invalidRecordSuggestion, sourceFile: name)
                memo.insertInvalid(kind: invalid.kind, portproID: id)
            }
            return true
        }
        if result.isReadable {
            results.fileStaged(name)
            logger.info("\(escaping: name): staged \(result.recordCount) records")
            // Informational values left out (docs/FORMAT.md): never a refusal, but never silent.
            let warnings = result.diagnostics.kept.filter {
                $0.severity == .warning && $0.code == .informationalValue
            }
            for warning in warnings { logger.warning("\(warning.description)") }
            if let first = warnings.first {
                results.warn(
                    DisplayText.escaped(
                        "\(name): \(result.diagnostics.warningCount) informational value(s) could not be used and were "
                            + "left out; the records were staged (first: \(first.description))"))
            }
            noteInvalidRecords(result)
            for (method, count) in unmappedMethods.sorted(by: { $0.key < $1.key }) {
                results.warn(
                    DisplayText.escaped(
                        "\(name): \(count) payment(s) paid by \(method), which [payments.methods] does not map: "
                            + "they go to QuickBooks with no payment method (add \(method) = \"<QuickBooks method>\" "
                            + "under [payments.methods] to send one)"))
            }
        } else if waitsWhenCutOff && Self.endsEarly(result) {
            logger.info("\(escaping: name): ends early; left in inbox/ for its writer to finish")
        } else {
            // The first few in the log (cron mails it); all kept ones go to the summary and reason file.
            for diagnostic in result.diagnostics.kept.prefix(5) { logger.error("\(diagnostic.description)") }
            let more = result.diagnostics.errorCount - min(5, result.diagnostics.kept.count)
            if more > 0 { logger.error("\(escaping: name): … and \(more) more problem(s)") }
            try ledger.recordRejectedFile(
                hash: hash, name: name,
                message: result.diagnostics.kept.first?.description ?? "invalid", runID: runID)
        }
        progress?.finish(phase: "staging \(escaping: name)")
        return result
    }
}
