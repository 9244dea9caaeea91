import Foundation
import PortBooksCore
import PortBooksReports
import Testing

@Suite("run report page")
struct RunReportPageTests {
    private func facts() -> RunReportFacts {
        var facts = RunReportFacts(
            runID: "20261201T000000Z-abcd", command: "sync", startedAt: Date(timeIntervalSince1970: 0), seconds: 3,
            stoppedBy: nil, apiCalls: 7)
        facts.outcomes = [.invoice: [.created: 2, .problem: 1]]
        facts.amounts = [.invoice: [.created: Decimal(string: "1234567.50")!, .problem: 300]]
        facts.problems = [
            ProblemRow(
                entity: "invoice", number: "<img src=x onerror=alert(1)>", customer: "A & \"B\"\u{1B}[2J",
                amount: "300.00", code: "unmapped-charge-code", problem: "no item for <LAYOVER>",
                suggestion: "map it in [items.map]")
        ]
        return facts
    }

    @Test("values from files are escaped; control characters cannot reach the page")
    func escaping() {
        let html = RunReportPage.render(facts())
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("A &amp; &quot;B&quot;\u{FFFD}[2J"))
        #expect(!html.contains("\u{1B}"))
        #expect(html.contains("no item for &lt;LAYOVER&gt;"))
    }

    @Test("money per entity: PortPro's total, what QuickBooks holds, the difference, grouped")
    func money() {
        let html = RunReportPage.render(facts())
        #expect(html.contains("<td class=\"num\">1,234,867.50</td>"))
        #expect(html.contains("<td class=\"num\">1,234,567.50</td>"))
        #expect(html.contains("<td class=\"num\">300.00</td>"))
        #expect(html.contains("1 record(s) need attention."))
    }

    @Test("the index lists run folders with a summary, newest first")
    func index() throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("pb-index-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: reports) }
        for (name, problems) in [("20261201T010000Z-aaaa", 0), ("20261202T010000Z-bbbb", 4)] {
            let folder = reports.appendingPathComponent("runs/\(name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(#"{"problems": \#(problems), "files": {"staged": ["a.json"]}}"#.utf8)
                .write(to: folder.appendingPathComponent("summary.json"))
        }
        try FileManager.default.createDirectory(
            at: reports.appendingPathComponent("runs/20261203T010000Z-cccc"), withIntermediateDirectories: true)
        try RunReportWriter.writeIndex(reports: reports)
        let html = try String(contentsOf: reports.appendingPathComponent("index.html"), encoding: .utf8)
        let newer = try #require(html.range(of: "20261202T010000Z-bbbb"))
        let older = try #require(html.range(of: "20261201T010000Z-aaaa"))
        #expect(newer.lowerBound < older.lowerBound)
        #expect(!html.contains("cccc"), "a folder without summary.json is not a run")
        #expect(html.contains("needs attention"))
    }
}
