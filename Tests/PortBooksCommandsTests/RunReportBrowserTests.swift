import Foundation
import Testing

/// Debian's `chromium` (installed by `PORTBOOKS_BROWSER_TESTS=1 make deps`), or
/// `PORTBOOKS_CHROMIUM`; `nil` when neither is there.
enum HeadlessBrowser {
    static let path: String? = {
        let candidates = [ProcessInfo.processInfo.environment["PORTBOOKS_CHROMIUM"], "/usr/bin/chromium"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The page's DOM after the browser loaded it (scripts, had there been any, run).
    static func dumpDOM(_ page: URL) throws -> String {
        try run(["--dump-dom", page.absoluteString]).stdout
    }

    /// A PNG of the page at `width` × `height` pixels.
    static func screenshot(_ page: URL, to png: URL, width: Int, height: Int) throws {
        _ = try run(["--screenshot=\(png.path)", "--window-size=\(width),\(height)", page.absoluteString])
    }

    private static func run(_ arguments: [String]) throws -> Binary.Output {
        // A fresh profile per call; --no-sandbox because CI runs as root.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("pb-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try ChildProcess.run(
            URL(fileURLWithPath: path ?? "/usr/bin/chromium"),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
            ] + arguments, timeout: 120)
    }
}

extension OperatorEndToEnd {
    /// The run report as a browser shows it: two syncs of the example set (one customer's name made
    /// hostile), then `report.html` and `index.html` opened in headless Chromium.
    @Suite(
        "run report in a browser", .timeLimit(.minutes(5)), .serialized,
        .enabled(
            if: HeadlessBrowser.path != nil,
            "chromium is not installed: run `PORTBOOKS_BROWSER_TESTS=1 make deps` to test the run report in a browser"),
        .enabled(
            if: FileManager.default.fileExists(atPath: Binary.portbooks.path)
                && FileManager.default.fileExists(
                    atPath: Binary.root.appendingPathComponent(".build/debug/qbo-sandbox").path)
        ))
    struct RunReportBrowserTests {
        static let hostile = "Desert <script>document.title='pwned'</script> Bloom & Co"

        /// The example set, with "Desert Bloom Garden Supply" renamed to ``hostile`` in every file.
        private func dropHostileExample(into project: URL) throws {
            let source = Binary.root.appendingPathComponent("fixtures/drop-example")
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
                let text = try String(contentsOf: source.appendingPathComponent(name), encoding: .utf8)
                    .replacingOccurrences(of: "Desert Bloom Garden Supply", with: Self.hostile)
                try Data(text.utf8).write(to: project.appendingPathComponent("inbox").appendingPathComponent(name))
            }
        }

        private func runFolders(_ project: URL) throws -> [URL] {
            let runs = project.appendingPathComponent("reports/runs")
            return try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted().map {
                runs.appendingPathComponent($0)
            }
        }

        @Test("report.html shows the run's counts, money, problems by code and changes; file values stay text")
        func reportInBrowser() async throws {
            let sandbox = try SandboxProcess()
            let project = try await offPool { try Binary.connectedProject(sandbox) }
            let config = project.appendingPathComponent("portbooks.toml").path
            try dropHostileExample(into: project)
            let first = try await offPool { try Binary.run(["sync", "--config", config, "--settle", "0"]) }
            #expect(first.status == 3, "\(first.stdout)\n\(first.stderr)")
            let second = try await offPool { try Binary.run(["sync", "--config", config, "--settle", "0"]) }
            #expect(second.status == 3, "\(second.stderr)")

            let folders = try runFolders(project)
            #expect(folders.count == 2, "\(folders)")
            guard let firstRun = folders.first, let lastRun = folders.last else { return }
            let dom = try await offPool { try HeadlessBrowser.dumpDOM(firstRun.appendingPathComponent("report.html")) }
            // The page loaded and is the run's.
            #expect(dom.contains("<title>PortBooks run \(firstRun.lastPathComponent)</title>"), "\(dom.prefix(500))")
            #expect(
                dom.range(of: #"id="verdict"[^>]*>[0-9]+ record\(s\) need attention"#, options: .regularExpression)
                    != nil)
            // Counts per entity and outcome, money per entity, problems grouped by code with rows.
            #expect(dom.contains("<table id=\"outcomes\">"))
            for entity in ["customers", "invoices", "payments", "credit memos"] {
                #expect(dom.contains("<td>\(entity)</td>"))
            }
            #expect(dom.contains("<table id=\"money\">"))
            #expect(dom.contains("<code>unmapped-charge-code</code>"))
            #expect(dom.contains("<code>duplicate-doc-number</code>"))
            #expect(dom.contains("Fix: "))
            // The hostile name is text on the page: escaped, no script element, the title unchanged.
            #expect(dom.contains("Desert &lt;script&gt;document.title='pwned'&lt;/script&gt; Bloom &amp; Co"))
            #expect(!dom.lowercased().contains("<script"))
            #expect(!dom.contains("<title>pwned</title>"))
            // Nothing is fetched: no external script, style sheet, font or image.
            let html = try String(contentsOf: firstRun.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.range(of: #"(src|href)="(https?:)?//"#, options: .regularExpression) == nil)
            #expect(!html.contains("@import") && !html.contains("url("))

            // The second run sent nothing new, and says what changed since the first (nothing).
            let later = try await offPool { try HeadlessBrowser.dumpDOM(lastRun.appendingPathComponent("report.html")) }
            #expect(later.contains("Compared with run"), "\(later.suffix(2000))")
            #expect(later.contains(firstRun.lastPathComponent))
            #expect(later.contains("No record changed state."))

            // The index lists both runs, newest first, each linking to its report.
            let index = try await offPool {
                try HeadlessBrowser.dumpDOM(project.appendingPathComponent("reports/index.html"))
            }
            let links = folders.reversed().map { "runs/\($0.lastPathComponent)/report.html" }
            let positions = links.compactMap { index.range(of: $0)?.lowerBound }
            #expect(positions.count == 2 && positions[0] < positions[1], "\(index.suffix(1500))")

            // A phone-sized screenshot renders (the page is drawn, not blank).
            let png = project.appendingPathComponent("phone.png")
            try await offPool {
                try HeadlessBrowser.screenshot(
                    firstRun.appendingPathComponent("report.html"), to: png, width: 390, height: 844)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot of \(size) bytes")
        }
    }
}
