import Foundation
import PortBooksCore

/// `reports/runs/<run-id>/report.html`: one run, for an accountant to look at — what went in,
/// what is stuck and why, whether the money agrees, what changed since the last run.
///
/// One self-contained page (``ReportStyle``): every value that came from a file or from
/// QuickBooks is escaped (``HTMLText``); a problem group shows its first
/// ``rowsPerProblemGroup`` rows and says how many more problems.csv holds.
public enum RunReportPage {
    public static let rowsPerProblemGroup = 200

    public static func render(_ facts: RunReportFacts) -> String {
        var page = HTMLBuilder()
        page.raw(ReportStyle.head(title: "PortBooks run \(facts.runID)"))
        header(facts, into: &page)
        files(facts, into: &page)
        records(facts, into: &page)
        money(facts, into: &page)
        problems(facts, into: &page)
        changes(facts, into: &page)
        page.raw("<footer><p>Files of this run: ")
        let links = RecordKind.allCases.sorted().map { RunResults.fileName($0) } + ["summary.json"]
        page.raw(
            links.map { "<a href=\"\($0)\">\($0)</a>" }.joined(separator: " · ")
                + " · <a href=\"../../problems.csv\">problems.csv</a> · <a href=\"../../index.html\">all runs</a>")
        page.raw("</p><p>Written by PortBooks \(HTMLText.escaped(facts.command)) at ")
        page.raw(HTMLText.escaped(ReportDates.text(facts.startedAt)) + ".</p></footer></body></html>\n")
        return page.html
    }

    // MARK: Sections

    private static func header(_ facts: RunReportFacts, into page: inout HTMLBuilder) {
        page.element("h1", "PortBooks run \(facts.runID)")
        page.element(
            "p",
            "\(facts.command) · started \(ReportDates.text(facts.startedAt)) · took \(ReportNumbers.seconds(facts.seconds))",
            attributes: "class=\"muted\"")
        let (verdict, tone) = Self.verdict(facts)
        page.element("p", verdict, attributes: "class=\"verdict \(tone)\" id=\"verdict\"")
        let created = facts.outcomes.values.reduce(0) { $0 + ($1[.created] ?? 0) + ($1[.updated] ?? 0) }
        page.raw("<div class=\"cards\">")
        for (label, value) in [
            ("files read", facts.filesStaged.count), ("records created or updated", created),
            ("need attention", facts.problems.count), ("QuickBooks API calls", facts.apiCalls),
        ] {
            page.raw("<div class=\"card\"><b>\(value)</b>\(HTMLText.escaped(label))</div>")
        }
        page.raw("</div>")
    }

    /// The one-line verdict and its tone (`ok`, `warn`, `bad`).
    static func verdict(_ facts: RunReportFacts) -> (String, String) {
        if let stopped = facts.stoppedBy {
            return ("QuickBooks stopped the run: \(stopped). Run again later; nothing is sent twice.", "bad")
        }
        var parts: [String] = []
        if !facts.problems.isEmpty { parts.append("\(facts.problems.count) record(s) need attention") }
        if !facts.refusals.isEmpty { parts.append("\(facts.refusals.count) file(s) refused") }
        if !facts.balanceDifferences.isEmpty {
            parts.append("\(facts.balanceDifferences.count) invoice balance(s) differ from PortPro")
        }
        if parts.isEmpty { return ("Nothing needs attention.", "ok") }
        return (parts.joined(separator: "; ") + ".", "warn")
    }

    private static func files(_ facts: RunReportFacts, into page: inout HTMLBuilder) {
        page.element("h2", "Files")
        var items: [String] = []
        if !facts.filesStaged.isEmpty { items.append("Read: \(facts.filesStaged.joined(separator: ", "))") }
        if !facts.filesDuplicate.isEmpty {
            items.append("Already seen (same content, skipped): \(facts.filesDuplicate.joined(separator: ", "))")
        }
        if facts.filesWaiting > 0 {
            items.append("\(facts.filesWaiting) file(s) in inbox/ still being written; the next run takes them.")
        }
        items += facts.warnings
        if items.isEmpty && facts.refusals.isEmpty { items.append("No new files in this run.") }
        page.raw("<ul>")
        for item in items { page.element("li", item) }
        page.raw("</ul>")
        guard !facts.refusals.isEmpty else { return }
        page.element("h3", "Refused files (nothing from them was taken)")
        page.raw("<ul id=\"refused\">")
        for refusal in facts.refusals {
            page.raw("<li>")
            page.element("code", refusal.name)
            if let moved = refusal.movedTo { page.raw(" moved to " + HTMLText.escaped(moved.path)) }
            if !refusal.reasons.isEmpty {
                page.raw("<ul>")
                for reason in refusal.reasons.prefix(10) { page.element("li", reason) }
                page.raw("</ul>")
            }
            page.raw("</li>")
        }
        page.raw("</ul>")
    }

    private static func records(_ facts: RunReportFacts, into page: inout HTMLBuilder) {
        page.element("h2", "Records this run touched")
        let kinds = RecordKind.allCases.sorted().filter { !(facts.outcomes[$0] ?? [:]).isEmpty }
        guard !kinds.isEmpty else {
            page.element("p", "No record was created, changed or found in trouble in this run.")
            return
        }
        let outcomes = ResultRow.Outcome.allCases.filter { outcome in
            kinds.contains { (facts.outcomes[$0]?[outcome] ?? 0) > 0 }
        }
        let rows = kinds.map { kind in
            [ReportNumbers.entityLabel(kind)] + outcomes.map { String(facts.outcomes[kind]?[$0] ?? 0) }
                + [String(facts.outcomes[kind]?.values.reduce(0, +) ?? 0)]
        }
        page.table(
            ["entity"] + outcomes.map(\.rawValue) + ["total"], rows, numeric: Set(1...(outcomes.count + 1)),
            id: "outcomes")
    }

    /// Outcomes whose amount QuickBooks now holds.
    static let heldInQuickBooks: Set<ResultRow.Outcome> = [.created, .updated, .unchanged, .adopted]

    private static func money(_ facts: RunReportFacts, into page: inout HTMLBuilder) {
        page.element("h2", "Money")
        let kinds = RecordKind.allCases.sorted().filter { $0 != .customer && !(facts.amounts[$0] ?? [:]).isEmpty }
        if kinds.isEmpty {
            page.element("p", "No invoice, payment or credit memo was in this run.")
        } else {
            let rows = kinds.map { kind -> [String] in
                let amounts = facts.amounts[kind] ?? [:]
                let total = amounts.values.reduce(Decimal(0), +)
                let held = amounts.filter { heldInQuickBooks.contains($0.key) }.values.reduce(Decimal(0), +)
                return [
                    ReportNumbers.entityLabel(kind), ReportNumbers.money(total), ReportNumbers.money(held),
                    ReportNumbers.money(total - held),
                ]
            }
            page.table(
                ["entity", "in PortPro's files", "in QuickBooks after the run", "difference"], rows,
                numeric: [1, 2, 3], id: "money")
            page.element(
                "p",
                "The records this run touched, summed. \"In QuickBooks\" counts those created, updated, unchanged or "
                    + "adopted; the difference is what is held back (problems, held, skipped, voided, cleared, marked paid).",
                attributes: "class=\"muted\"")
        }
        guard let balance = facts.balance, balance.invoicesChecked > 0 else { return }
        page.element("h3", "Balances: what is still owed")
        let difference = balance.quickBooksBalance - balance.portproRemain
        page.table(
            ["invoices compared", "PortPro says owed", "QuickBooks says owed", "difference"],
            [
                [
                    String(balance.invoicesChecked), ReportNumbers.money(balance.portproRemain),
                    ReportNumbers.money(balance.quickBooksBalance), ReportNumbers.money(difference),
                ]
            ], numeric: [0, 1, 2, 3], id: "balances")
        if facts.balanceDifferences.isEmpty {
            page.element(
                "p", "No invoice owes more in QuickBooks than PortPro says (QuickBooks owing less is a later payment).")
        } else {
            page.element(
                "p",
                "\(facts.balanceDifferences.count) invoice(s) owe more in QuickBooks than PortPro says: a payment or "
                    + "credit PortPro has and QuickBooks lacks (balance-check.csv).",
                attributes: "class=\"diff-bad\"")
            page.table(
                ["number", "customer", "QuickBooks ID", "PortPro says owed", "QuickBooks says owed", "difference"],
                facts.balanceDifferences.prefix(rowsPerProblemGroup).map {
                    [
                        $0.number, $0.customer, $0.qbID, ReportNumbers.money($0.portproRemain),
                        ReportNumbers.money($0.quickBooksBalance),
                        ReportNumbers.money($0.quickBooksBalance - $0.portproRemain),
                    ]
                }, numeric: [3, 4, 5])
        }
    }

    private static func problems(_ facts: RunReportFacts, into page: inout HTMLBuilder) {
        page.element("h2", "Needs attention (\(facts.problems.count))")
        guard !facts.problems.isEmpty else {
            page.element("p", "Nothing: problems.csv is empty.")
            return
        }
        page.element(
            "p",
            "Fill the action column of reports/problems.csv for these records and save it into resolutions/; "
                + "the next run applies it.", attributes: "class=\"muted\"")
        var groups: [String: [ProblemRow]] = [:]
        for row in facts.problems { groups[row.code, default: []].append(row) }
        // Records blocked behind another follow it automatically: their own causes come first.
        let ordered = groups.sorted {
            ($0.key != "blocked" ? 1 : 0, $0.value.count, $1.key) > (
                $1.key != "blocked" ? 1 : 0, $1.value.count, $0.key
            )
        }
        page.raw("<div id=\"problems\">")
        for (code, rows) in ordered {
            page.raw("<section class=\"problem-group\">")
            page.raw(
                "<h3><code>\(HTMLText.escaped(code.isEmpty ? "(no code)" : code))</code> — \(rows.count) record(s)</h3>"
            )
            let fix = commonSuggestion(rows)
            if let fix { page.element("p", "Fix: \(fix)") }
            // A suggestion every row shares is said once, above the rows.
            let shared = fix.map { !$0.hasPrefix("usually: ") } ?? false
            page.table(
                ["entity", "number", "customer", "amount", "problem"] + (shared ? [] : ["suggestion"]),
                rows.prefix(rowsPerProblemGroup).map {
                    [$0.entity, $0.number, $0.customer, $0.amount, $0.problem] + (shared ? [] : [$0.suggestion])
                }, numeric: [3])
            if rows.count > rowsPerProblemGroup {
                page.element(
                    "p", "… and \(rows.count - rowsPerProblemGroup) more in problems.csv.",
                    attributes: "class=\"muted\"")
            }
            page.raw("</section>")
        }
        page.raw("</div>")
    }

    /// The suggestion most rows of a group share (all of them, or the most common).
    static func commonSuggestion(_ rows: [ProblemRow]) -> String? {
        var tally: [String: Int] = [:]
        for row in rows where !row.suggestion.isEmpty { tally[row.suggestion, default: 0] += 1 }
        guard let (suggestion, count) = tally.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return nil }
        return count == rows.count ? suggestion : "usually: \(suggestion)"
    }

    private static func changes(_ facts: RunReportFacts, into page: inout HTMLBuilder) {
        page.element("h2", "What changed since the last run")
        guard let before = facts.ledgerBefore else {
            page.element("p", "This is the first run with a report: there is nothing to compare with.")
            return
        }
        var rows: [[String]] = []
        for kind in RecordKind.allCases.sorted() {
            for state in RecordState.allCases {
                let old = before[kind]?[state] ?? 0
                let new = facts.ledgerNow[kind]?[state] ?? 0
                guard old != new else { continue }
                rows.append([
                    ReportNumbers.entityLabel(kind), state.rawValue, String(old), String(new),
                    ReportNumbers.signed(new - old),
                ])
            }
        }
        if let previous = facts.previousRunID {
            page.raw("<p class=\"muted\">Compared with run <a href=\"../\(HTMLText.escaped(previous))/report.html\">")
            page.raw(HTMLText.escaped(previous) + "</a>.</p>")
        }
        if rows.isEmpty {
            page.element("p", "No record changed state.")
        } else {
            page.table(["entity", "state", "before", "now", "change"], rows, numeric: [2, 3, 4], id: "changes")
        }
    }
}
