import Foundation
import PortBooksCore

/// `reports/index.html`: every run kept under `reports/runs/`, newest first, each linking to
/// its `report.html`. Built from the runs' `summary.json` files, so it lists exactly the run
/// folders that exist (runs removed by `[reports] keep_runs` drop out).
public enum RunIndexPage {
    /// One run as the index lists it, read from its `summary.json`.
    struct Entry {
        var id: String
        var summary: [String: Any]

        var problems: Int { summary["problems"] as? Int ?? 0 }
        var stoppedBy: String? { summary["stoppedBy"] as? String }
        var filesStaged: Int { (summary["files"] as? [String: Any])?["staged"].flatMap { ($0 as? [Any])?.count } ?? 0 }
        var filesRefused: Int {
            (summary["files"] as? [String: Any])?["rejected"].flatMap { ($0 as? [Any])?.count } ?? 0
        }

        /// Records per outcome, summed over the entities.
        func outcome(_ name: String) -> Int {
            (summary["outcomes"] as? [String: [String: Int]])?.values.reduce(0) { $0 + ($1[name] ?? 0) } ?? 0
        }

        /// The ledger's counts after the run.
        var ledger: [RecordKind: [RecordState: Int]] {
            var counts: [RecordKind: [RecordState: Int]] = [:]
            for (kind, states) in summary["ledger"] as? [String: [String: Int]] ?? [:] {
                guard let kind = RecordKind(rawValue: kind) else { continue }
                for (state, count) in states {
                    if let state = RecordState(rawValue: state) { counts[kind, default: [:]][state] = count }
                }
            }
            return counts
        }
    }

    /// The runs under `reports/runs/` that have a summary, newest first (run ids start with
    /// their UTC start time, so names sort by time).
    static func entries(runs: URL) -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        return names.filter { RunRetention.startTime(ofRun: $0) != nil }.sorted(by: >).compactMap { name in
            let file = runs.appendingPathComponent(name).appendingPathComponent("summary.json")
            guard let data = try? Data(contentsOf: file),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return Entry(id: name, summary: object)
        }
    }

    /// The page, from the run folders under `runs`.
    public static func render(runs: URL) -> String {
        let entries = entries(runs: runs)
        var page = HTMLBuilder()
        page.raw(ReportStyle.head(title: "PortBooks runs"))
        page.element("h1", "PortBooks runs")
        page.element(
            "p", "\(entries.count) run(s) kept, newest first. Open a run for its records, money and problems.",
            attributes: "class=\"muted\"")
        page.raw("<div class=\"scroll\"><table id=\"runs\"><thead><tr>")
        for (index, header) in ["run", "verdict", "files", "created", "updated", "problems now"].enumerated() {
            page.element("th", header, attributes: index >= 2 ? "class=\"num\" scope=\"col\"" : "scope=\"col\"")
        }
        page.raw("</tr></thead><tbody>")
        for entry in entries {
            let id = HTMLText.escaped(entry.id)
            page.raw("<tr><td><a href=\"runs/\(id)/report.html\">\(id)</a></td>")
            let verdict: String
            if let stopped = entry.stoppedBy {
                verdict = "stopped: \(stopped)"
            } else if entry.problems > 0 || entry.filesRefused > 0 {
                verdict = "needs attention"
            } else {
                verdict = "ok"
            }
            page.element("td", verdict)
            for value in [entry.filesStaged, entry.outcome("created"), entry.outcome("updated"), entry.problems] {
                page.element("td", String(value), attributes: "class=\"num\"")
            }
            page.raw("</tr>")
        }
        page.raw("</tbody></table></div>")
        page.raw("<footer><p>The current problem list: <a href=\"problems.csv\">problems.csv</a>.</p></footer>")
        page.raw("</body></html>\n")
        return page.html
    }
}

/// Writes a run's `report.html` and rewrites `reports/index.html`.
public enum RunReportWriter {
    /// The run before `runID` that has a summary, and the ledger counts it recorded.
    public static func previousRun(before runID: String, reports: URL) -> (
        id: String, ledger: [RecordKind: [RecordState: Int]]
    )? {
        let runs = reports.appendingPathComponent("runs", isDirectory: true)
        guard let entry = RunIndexPage.entries(runs: runs).first(where: { $0.id < runID }) else { return nil }
        return (entry.id, entry.ledger)
    }

    /// `<run folder>/report.html`; then `reports/index.html`. Returns the report's URL.
    @discardableResult
    public static func write(_ facts: RunReportFacts, runFolder: URL, reports: URL) throws -> URL {
        let url = runFolder.appendingPathComponent("report.html")
        try Data(RunReportPage.render(facts).utf8).write(to: url, options: .atomic)
        try writeIndex(reports: reports)
        return url
    }

    /// Rewrites `reports/index.html` from the run folders that exist.
    public static func writeIndex(reports: URL) throws {
        let runs = reports.appendingPathComponent("runs", isDirectory: true)
        try Data(RunIndexPage.render(runs: runs).utf8).write(
            to: reports.appendingPathComponent("index.html"), options: .atomic)
    }
}
