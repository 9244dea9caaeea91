import Foundation
import Testing

/// Runs the built `portbooks` executable, as a user would.
enum Binary {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var portbooks: URL {
        root.appendingPathComponent(".build/debug/portbooks")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `portbooks arguments…` in `directory` (default: the package root).
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Output {
        try ChildProcess.run(portbooks, arguments, in: directory ?? root)
    }
}

@Suite(
    "portbooks validate", .timeLimit(.minutes(3)),
    .enabled(if: FileManager.default.fileExists(atPath: Binary.portbooks.path)))
struct ValidateCommandTests {
    @Test("the example drop set is valid in both formats: exit 0, one line per file")
    func exampleSet() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Binary.root.appendingPathComponent("fixtures/drop-example").path
        ).filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }.sorted().map { "fixtures/drop-example/\($0)" }
        let output = try Binary.run(["validate"] + files)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.split(separator: "\n").count == files.count)
        #expect(output.stderr.isEmpty)
    }

    @Test("invalid files: exit 3, file:line:col: error: for each, never a crash")
    func invalidSet() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Binary.root.appendingPathComponent("fixtures/invalid").path
        ).filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }.sorted().map { "fixtures/invalid/\($0)" }
        let output = try Binary.run(["validate"] + files)
        #expect(output.status == 3)
        for file in files {
            let pattern = "\(file):[0-9]+:[0-9]+: error: "
            #expect(output.stderr.range(of: pattern, options: .regularExpression) != nil, "\(file)")
        }
        #expect(!output.stderr.contains("Fatal error"))
        // Nothing else reaches stderr: libxml2 reports through PortBooks' handlers, never with
        // its own `file:line: parser error : …` lines.
        let located = #"^fixtures/invalid/[^:]+:[0-9]+:[0-9]+: error: .+ \[[a-z-]+\]$"#
        for line in output.stderr.split(separator: "\n") {
            #expect(String(line).range(of: located, options: .regularExpression) != nil, "\(line)")
        }
    }

    @Test("usage errors exit 64")
    func usage() throws {
        #expect(try Binary.run(["validate"]).status == 64)
        #expect(try Binary.run(["validate", "--max-errors", "0", "x.json"]).status == 64)
    }

    @Test("help: --help, -h and `help` print the usage and exit 0, for the tool and every command")
    func help() throws {
        let commands = [
            [], ["sync"], ["import"], ["resolve"], ["reconcile"], ["ids"], ["ids", "set"], ["connect"], ["map"],
            ["validate"], ["generate"], ["status"],
        ]
        for command in commands {
            for asked in [command + ["--help"], command + ["-h"], ["help"] + command] {
                let output = try Binary.run(asked)
                #expect(output.status == 0, "portbooks \(asked.joined(separator: " ")): \(output.stderr)")
                #expect(output.stdout.contains("USAGE: portbooks"), "portbooks \(asked.joined(separator: " "))")
                #expect(!output.stderr.contains("error"), "\(output.stderr)")
            }
        }
    }

    @Test("generate then validate: the same seed gives the same file, and it is valid")
    func generateRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for format in ["json", "xml"] {
            let a = directory.appendingPathComponent("a.\(format)").path
            let b = directory.appendingPathComponent("b.\(format)").path
            #expect(
                try Binary.run(["generate", "--invoices", "200", "--format", format, "--seed", "5", "--out", a]).status
                    == 0)
            #expect(
                try Binary.run(["generate", "--invoices", "200", "--format", format, "--seed", "5", "--out", b]).status
                    == 0)
            #expect(FileManager.default.contentsEqual(atPath: a, andPath: b))
            let output = try Binary.run(["validate", a])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains("200 invoices"))
        }
    }
}
