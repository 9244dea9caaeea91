import Foundation
import PortBooksCore
import PortBooksSync

/// The summary a run prints on stdout: counts per entity, files, where the CSVs are.
enum SummaryPrinter {
    static func print(_ summary: SyncEngine.Summary, folders: ProjectFolders) {
        let results = summary.results
        Swift.print("Run \(summary.runID)")
        if !results.filesStaged.isEmpty {
            Swift.print("  files staged:    \(results.filesStaged.joined(separator: ", "))")
        }
        if !results.filesDuplicate.isEmpty {
            Swift.print("  already seen:    \(results.filesDuplicate.joined(separator: ", ")) (same content; skipped)")
        }
        if !results.filesRejected.isEmpty {
            Swift.print(
                "  files REFUSED:   \(results.filesRejected.joined(separator: ", ")) (see rejected/*.error.txt)")
        }
        let counts = results.counts()
        for kind in RecordKind.allCases.sorted() {
            guard let outcomes = counts[kind], !outcomes.isEmpty else { continue }
            let parts = ResultRow.Outcome.allCases.compactMap { outcome -> String? in
                guard let count = outcomes[outcome], count > 0 else { return nil }
                return "\(count) \(outcome.rawValue)"
            }
            Swift.print(
                "  \(kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(parts.joined(separator: ", "))"
            )
        }
        Swift.print("  QuickBooks API calls: \(results.apiCalls)")
        if let stopped = summary.stoppedBy { Swift.print("  STOPPED: \(stopped)") }
        Swift.print("  results:  \(summary.reportFolder.path)/")
        Swift.print("  problems: \(folders.problemsFile.path) (\(summary.problemCount) need attention)")
    }
}
