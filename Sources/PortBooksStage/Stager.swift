import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksRead
import PortBooksReports

/// The stage: streams a drop file's records into the ledger in one transaction. The file is
/// staged whole, or — when the reader finds any problem — not at all, and goes to `rejected/`
/// with its diagnostics. A file whose exact content was staged before does nothing.
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
    public func stageDropFile(_ file: DropFolder.DropFile, folder: DropFolder, progress: ProgressReporter?) throws {
        if file.isSymbolicLink {
            let refusal = DropFolder.symbolicLinkRefusal(file.name)
            logger.error("\(refusal)")
            if movesFiles { try folder.reject(file, diagnostics: [], summary: refusal) }
            results.fileRejected(file.name)
            return
        }
        let hash = try SHA256Digest.hexDigest(ofFile: file.url.path)
        if try ledger.fileAlreadyStaged(hash: hash) {
            logger.info("\(file.name): the same content was processed before; archived without staging")
            results.fileDuplicate(file.name)
            if movesFiles { try folder.archive(file) }
            return
        }
        let result = try stage(url: file.url, name: file.name, hash: hash, size: file.size, progress: progress)
        guard movesFiles else { return }
        if result.isValid {
            try folder.archive(file)
        } else {
            let summary =
                "\(file.name) was refused whole: \(result.diagnostics.errorCount) problem(s); nothing from it was staged."
            var lines = result.diagnostics.kept.map(\.description)
            if result.diagnostics.omitted > 0 { lines.append("… and \(result.diagnostics.omitted) more") }
            try folder.reject(file, diagnostics: lines, summary: summary)
        }
    }

    /// Stages a named file (`import`), leaving it where it is.
    public func stageNamedFile(_ url: URL, progress: ProgressReporter?) throws {
        let hash = try SHA256Digest.hexDigest(ofFile: url.path)
        if try ledger.fileAlreadyStaged(hash: hash) {
            results.fileDuplicate(url.lastPathComponent)
            return
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        _ = try stage(url: url, name: url.lastPathComponent, hash: hash, size: size, progress: progress)
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

    private func stage(url: URL, name: String, hash: String, size: Int, progress: ProgressReporter?) throws
        -> ExportReadResult
    {
        let reader = try readers.reader(for: url.path, displayName: name)
        let format = ExportFormat(path: url.path)?.rawValue ?? DropFileReaders.sniff(url.path)?.rawValue ?? "unknown"
        var result = ExportReadResult(file: name)
        var staged = 0
        progress?.update(phase: "staging \(name)", done: 0, total: nil)
        memo.startFile()
        _ = try ledger.stageFile(hash: hash, name: name, size: size, format: format, runID: runID) { session in
            result = try reader.readRecords { read in
                let record = try Self.combined(read, in: session)
                memo.insert(record, hash: try session.stage(record, sourceFile: name))
                staged += 1
                if staged % 1000 == 0 { progress?.update(phase: "staging \(name)", done: staged, total: nil) }
            }
            return result.isValid
        }
        if result.isValid {
            results.fileStaged(name)
            logger.info("\(name): staged \(result.recordCount) records")
        } else {
            for diagnostic in result.diagnostics.kept { logger.error("\(diagnostic.description)") }
            try ledger.recordRejectedFile(
                hash: hash, name: name,
                message: result.diagnostics.kept.first?.description ?? "invalid", runID: runID)
            results.fileRejected(name)
        }
        progress?.finish(phase: "staging \(name)")
        return result
    }
}
