import Foundation

/// Runs a child process to its end with its output in temporary files, not pipes — a child
/// that writes more than a pipe holds to one stream while the test reads the other can never
/// block either side — and within a time limit, after which it is killed: no child can hang the
/// suite.
enum ChildProcess {
    struct TimedOut: Error, CustomStringConvertible {
        var command: String
        var seconds: Double
        var description: String { "\(command) did not finish within \(Int(seconds)) s and was killed" }
    }

    /// The exit status and both streams of `executable arguments…`.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
        timeout: Double = 300
    ) throws -> Binary.Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout")
        let errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try wait(
            process, timeout: timeout, command: executable.lastPathComponent + " " + arguments.joined(separator: " "))
        return Binary.Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Waits for `process` to end; past `timeout` seconds it is killed and ``TimedOut`` thrown.
    static func wait(_ process: Process, timeout: Double, command: String) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                Thread.sleep(forTimeInterval: 1)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                throw TimedOut(command: command, seconds: timeout)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
    }
}
