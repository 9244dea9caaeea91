import Foundation
import PortBooksQuickBooks

/// The realm's recent requests, carried from one run to the next in `state/pacer.json`.
///
/// QuickBooks counts a realm's requests in sliding windows whoever sends them, so a run that
/// starts seconds after another (a scheduled job, a re-run, a real run after its dry run, the
/// demo) would otherwise find its pacer empty, send into windows the last run filled, and be
/// paused a minute by a 429. The completion times of the requests still inside a window are
/// saved when a run ends and counted by the next run's pacer before it sends anything.
///
/// A file of its own, not the ledger: a dry run, which must leave the ledger as it found it,
/// spends the realm's requests too and saves them here.
enum PacerMemory {

    private struct Saved: Codable {
        /// Wall-clock seconds since 1970 when this was saved.
        var savedAt: Double
        /// How long before `savedAt` each request finished, in milliseconds.
        var batches: [Int64]
        var singles: [Int64]
    }

    /// Counts the requests of earlier runs (those still inside a window) in `pacer`. A missing
    /// or unreadable file counts nothing.
    static func restore(into pacer: RealmPacer, from file: URL) async {
        guard let data = try? Data(contentsOf: file), let saved = try? JSONDecoder().decode(Saved.self, from: data)
        else { return }
        let elapsed = Duration.milliseconds(Int64((Date().timeIntervalSince1970 - saved.savedAt) * 1000))
        guard elapsed >= .zero else { return }  // the clock went back: nothing safe to infer
        await pacer.remember(
            batches: saved.batches.map { .milliseconds($0) + elapsed },
            singles: saved.singles.map { .milliseconds($0) + elapsed })
    }

    /// Saves the requests of this run (and those it remembered) still inside a window.
    static func save(from pacer: RealmPacer, to file: URL) async throws {
        let recent = await pacer.recentRequests()
        func milliseconds(_ age: Duration) -> Int64 {
            age.components.seconds * 1000 + age.components.attoseconds / 1_000_000_000_000_000
        }
        let saved = Saved(
            savedAt: Date().timeIntervalSince1970, batches: recent.batches.map(milliseconds),
            singles: recent.singles.map(milliseconds))
        try JSONEncoder().encode(saved).write(to: file, options: .atomic)
    }
}
