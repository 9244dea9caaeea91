import Foundation
import PortBooksCore

/// Progress on stderr: a line redrawn in place with rate and ETA on a terminal; a line every
/// few seconds otherwise (cron logs, pipes).
final class TerminalProgress: ProgressReporter {
    private let interactive = Terminal.standardErrorIsTerminal
    private var started: [String: Date] = [:]
    private var lastPrinted = Date.distantPast

    func update(phase: String, done: Int, total: Int?) {
        let now = Date()
        let start = started[phase] ?? now
        started[phase] = start
        // The first call of a phase (done 0) only starts its clock: rate and ETA need a span.
        guard done > 0 else { return }
        let interval = interactive ? 0.2 : 5
        guard now.timeIntervalSince(lastPrinted) >= interval else { return }
        lastPrinted = now
        let seconds = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(done) / seconds
        var line = "\(phase): \(done)"
        if let total, total > 0 {
            let eta = rate > 0 ? Double(total - done) / rate : 0
            line += "/\(total) (\(Int(Double(done) * 100 / Double(total)))%), ETA \(Int(eta)) s"
        }
        line += ", \(Int(rate))/s"
        if interactive {
            // The escape sequence is PortBooks' own; the line (a phase naming a file) is not.
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + DisplayText.escaped(line)).utf8))
        } else {
            Terminal.standardError(line)
        }
    }

    func finish(phase: String) {
        if interactive, started[phase] != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        started[phase] = nil
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
                Terminal.standardError("stopping after the batch in flight…")
            }
            source.resume()
            sources.append(source)
        }
    }

    var requested: Bool { lock.withLock { flag } }
}
