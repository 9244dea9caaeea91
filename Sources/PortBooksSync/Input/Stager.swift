import Foundation
import Logging
import PortBooksCore
import PortBooksLedger

/// Streams a drop file's records into the ledger in one transaction: the file is staged
/// whole, or — when the reader finds any problem — not at all, and goes to `rejected/` with
/// its diagnostics. A file whose exact content was staged before does nothing.
struct Stager {
    let ledger: LedgerStore
    let runID: String
    let results: RunResults
    let logger: Logger
    let readers = DropFileReaders()

    /// Stages one inbox file and moves it to `archive/` or `rejected/`.
    func stageDropFile(_ file: DropFolder.DropFile, folder: DropFolder, progress: ProgressReporter?) throws {
        if file.isSymbolicLink {
            let refusal = DropFolder.symbolicLinkRefusal(file.name)
            logger.error("\(refusal)")
            try folder.reject(file, diagnostics: [], summary: refusal)
            results.fileRejected(file.name)
            return
        }
        let hash = try SHA256.hexDigest(ofFile: file.url.path)
        if try ledger.fileAlreadyStaged(hash: hash) {
            logger.info("\(file.name): the same content was processed before; archived without staging")
            results.fileDuplicate(file.name)
            try folder.archive(file)
            return
        }
        let result = try stage(url: file.url, name: file.name, hash: hash, size: file.size, progress: progress)
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
    func stageNamedFile(_ url: URL, progress: ProgressReporter?) throws {
        let hash = try SHA256.hexDigest(ofFile: url.path)
        if try ledger.fileAlreadyStaged(hash: hash) {
            results.fileDuplicate(url.lastPathComponent)
            return
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        _ = try stage(url: url, name: url.lastPathComponent, hash: hash, size: size ?? 0, progress: progress)
    }

    private func stage(url: URL, name: String, hash: String, size: Int, progress: ProgressReporter?) throws
        -> ExportReadResult
    {
        let reader = try readers.reader(for: url.path, displayName: name)
        let format = ExportFormat(path: url.path)?.rawValue ?? DropFileReaders.sniff(url.path)?.rawValue ?? "unknown"
        var result = ExportReadResult(file: name)
        var staged = 0
        progress?.update(phase: "staging \(name)", done: 0, total: nil)
        _ = try ledger.stageFile(hash: hash, name: name, size: size, format: format, runID: runID) { session in
            result = try reader.read { record in
                try session.stage(record, sourceFile: name)
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
