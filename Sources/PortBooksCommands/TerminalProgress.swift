import Foundation
import PortBooksCore

/// Progress on stderr. On a terminal: one bar for the whole run, redrawn in place — the stage
/// (staging a file, then pushing each entity: customers, invoices, credit memos, payments) with
/// its records, and, once the engine said how much there is (``expect(_:)``), the whole push:
/// records done of all, rate, and an ETA for the rest of the import. Log lines and messages go
/// above the bar (``StatusLine``), never into it. Without a terminal (cron logs, pipes): one
/// line every few seconds.
///
/// The ETA is the whole push's remaining records over its average rate so far, shown only once
/// there is a rate to speak of (no "ETA 0 s" at the start).
final class TerminalProgress: ProgressReporter {
    private let status = StatusLine.standardError
    private var lastPrinted = Date.distantPast
    /// Records to push per QuickBooks entity name (`Invoice`), in push order.
    private var expected: [(entity: String, total: Int)] = []
    private var pushed: [String: Int] = [:]
    private var pushStarted: Date?
    private var phaseStarted: [String: Date] = [:]

    func expect(_ totals: [(entity: String, total: Int)]) {
        expected = totals.filter { $0.total > 0 }
        pushed = [:]
        pushStarted = Date()
    }

    func update(phase: String, done: Int, total: Int?) {
        let now = Date()
        if phaseStarted[phase] == nil { phaseStarted[phase] = now }
        if let entity = Self.entity(ofPhase: phase) {
            let cap = expected.first { $0.entity == entity }?.total ?? done
            pushed[entity] = min(done, cap)
        }
        guard done > 0 else { return }
        let interval = status.isTerminal ? 0.2 : 5
        guard now.timeIntervalSince(lastPrinted) >= interval else { return }
        lastPrinted = now
        let line = self.line(phase: phase, done: done, total: total, now: now)
        if status.isTerminal { status.show(line) } else { status.above(line) }
    }

    func finish(phase: String) {
        if let entity = Self.entity(ofPhase: phase), let total = expected.first(where: { $0.entity == entity })?.total {
            pushed[entity] = total
        }
        phaseStarted[phase] = nil
        if status.isTerminal { status.clear() }
    }

    /// `Invoice` for `pushing Invoice`; `nil` for staging.
    static func entity(ofPhase phase: String) -> String? {
        phase.hasPrefix("pushing ") ? String(phase.dropFirst("pushing ".count)) : nil
    }

    /// What a person reads: `invoices` for `Invoice`.
    static func label(_ entity: String) -> String {
        switch entity {
        case "Customer": "customers"
        case "Invoice": "invoices"
        case "CreditMemo": "credit memos"
        case "Payment": "payments"
        default: entity
        }
    }

    private func line(phase: String, done: Int, total: Int?, now: Date) -> String {
        var stage: String
        if let entity = Self.entity(ofPhase: phase) {
            stage = "pushing \(Self.label(entity)) \(done)" + (total.map { "/\($0)" } ?? "")
        } else {
            let seconds = max(now.timeIntervalSince(phaseStarted[phase] ?? now), 0.001)
            stage = "\(phase): \(done) records, \(Int(Double(done) / seconds))/s"
        }
        let all = expected.reduce(0) { $0 + $1.total }
        guard let started = pushStarted, all > 0, Self.entity(ofPhase: phase) != nil else { return stage }
        let sum = pushed.values.reduce(0, +)
        let fraction = min(1, Double(sum) / Double(all))
        let elapsed = now.timeIntervalSince(started)
        var parts = ["\(sum)/\(all) records"]
        if sum > 0 && elapsed >= 2 {
            let rate = Double(sum) / elapsed
            parts.append("\(Int(rate.rounded()))/s")
            parts.append("ETA \(Self.duration(Double(all - sum) / rate))")
        }
        let bar = status.isTerminal ? Self.bar(fraction) + " " : ""
        return "\(bar)\(Int(fraction * 100))% \(stage) · " + parts.joined(separator: " · ")
    }

    /// `[#########-----------]`, 20 cells.
    static func bar(_ fraction: Double) -> String {
        let filled = Int((fraction * 20).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled) + "]"
    }

    /// `45 s`, `3 min 05 s`, `2 h 10 min`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(String(format: "%02d", whole % 60)) s" }
        return "\(whole / 3600) h \(String(format: "%02d", whole % 3600 / 60)) min"
    }
}

/// The last line of standard error while a bar is shown. Everything written to stderr — log
/// lines, warnings, errors — goes through here, so it lands *above* the bar (the bar is cleared,
/// the text written, the bar drawn again) instead of being glued onto it.
///
/// One per process (`standardError`): it stands for the one stderr. Thread-safe: a lock orders
/// the writes of the log handler, the progress and the signal handler.
final class StatusLine: @unchecked Sendable {
    static let standardError = StatusLine()

    let isTerminal = isatty(2) == 1
    private let lock = NSLock()
    private var shown: String?

    /// Draws `line` as the bar (cut to the terminal's width: a wrapped line cannot be redrawn).
    func show(_ line: String) {
        let fitted = String(DisplayText.escaped(line).prefix(max(20, Self.columns() - 1)))
        lock.withLock {
            shown = fitted
            Self.write("\r\u{1B}[K" + fitted)
        }
    }

    /// Removes the bar.
    func clear() {
        lock.withLock {
            guard shown != nil else { return }
            shown = nil
            Self.write("\r\u{1B}[K")
        }
    }

    /// Writes one line (escaped; a newline is added) above the bar.
    func above(_ line: String) {
        aboveRaw(DisplayText.escaped(line) + "\n")
    }

    /// Writes text that already ends with a newline (and is already escaped) above the bar.
    func aboveRaw(_ text: String) {
        lock.withLock {
            if let shown {
                Self.write("\r\u{1B}[K" + text + shown)
            } else {
                Self.write(text)
            }
        }
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The terminal's width (`TIOCGWINSZ`), 80 when unknown.
    private static func columns() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}

/// SIGINT / SIGTERM ask `--watch` to stop after the batch in flight.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                self?.lock.withLock { self?.flag = true }
                StatusLine.standardError.clear()
                Terminal.standardError("stopping after the batch in flight…")
            }
            source.resume()
            sources.append(source)
        }
    }

    var requested: Bool { lock.withLock { flag } }
}

/// Ctrl-C (SIGINT) or SIGTERM during one run (`sync` without `--watch`, `import`): the bar is
/// cleared and "interrupted; run again to resume" printed, then the process ends with 130, as
/// an interrupted program does. Stopping anywhere is safe: every write carries its requestid
/// and every outcome is recorded in the ledger with the QuickBooks Id it got, so the next run
/// resumes without sending anything twice.
final class InterruptNotice: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                StatusLine.standardError.clear()
                StatusLine.standardError.above("interrupted; run again to resume")
                _exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }
}
