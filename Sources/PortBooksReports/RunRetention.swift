import Foundation

/// Keeps `reports/runs/` within bounds (`[reports] keep_runs`, `keep_days`): run folders beyond
/// the newest `keepRuns`, or started more than `keepDays` days ago, are removed. Run ids begin
/// with their UTC start time (`20261127T010203Z-1a2b`), so names sort by time and tell the age;
/// a folder whose name is not a run id is never touched.
public enum RunRetention {
    /// Removes what is out of bounds; returns the names removed. The run `keeping` (the one
    /// just finished) is never removed.
    @discardableResult
    public static func prune(reports: URL, keepRuns: Int, keepDays: Int, keeping: String, now: Date = Date())
        -> [String]
    {
        let runs = reports.appendingPathComponent("runs", isDirectory: true)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [])
            .filter { startTime(ofRun: $0) != nil }.sorted(by: >)
        let oldest = now.addingTimeInterval(-Double(max(0, keepDays)) * 86_400)
        var removed: [String] = []
        for (index, name) in names.enumerated() where name != keeping {
            guard let started = startTime(ofRun: name) else { continue }
            if index >= max(1, keepRuns) || started < oldest {
                if (try? FileManager.default.removeItem(at: runs.appendingPathComponent(name))) != nil {
                    removed.append(name)
                }
            }
        }
        return removed
    }

    /// The start time a run id begins with; `nil` for a name that is not a run id.
    static func startTime(ofRun name: String) -> Date? {
        guard name.count >= 16 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: String(name.prefix(16)))
    }
}
