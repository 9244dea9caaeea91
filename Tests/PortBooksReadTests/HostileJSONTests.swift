import Foundation
import PortBooksCore
import PortBooksRandom
import PortBooksRead
import PortBooksTestSupport
import Testing

/// The JSON reader against broken and hostile files: a diagnostic with a place, never a crash,
/// never an allocation the size of the file.
@Suite("JSON export reader: hostile input")
struct HostileJSONTests {
    static let fixtures = ["customers", "payments", "credit-memos", "invoices-2026-11-a"]

    static let mutator = Mutator(
        pieces: [
            "\"", "\\", "\\u", "\\uD800", "\\uDC00\"", "{", "}", "[", "]", ",", ":", "null", "true", "-", "1e999",
            "0.000000001", "\u{0}", "\u{FEFF}", "\"_id\": \"x\",", "\"formatVersion\": \"2.0\",", "\r\n", "é",
            "\u{1F69A}",
        ].map { Array($0.utf8) } + [[0xC3], [0xFF, 0xFE], [0xED, 0xA0, 0x80]],
        nesting: (Array("[".utf8), Array("]".utf8)))

    @Test("1,000 mutated fixtures: a clear diagnostic for every refusal; what is accepted is JSON")
    func mutatedFixtures() throws {
        let directory = try Package.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let originals = try Self.fixtures.map {
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: Package.path("fixtures/drop-example/\($0).json"))))
        }
        var generator = SplitMix64(state: 8_2026)
        var refused = 0
        var codes = Set<DiagnosticCode>()
        for index in 0..<1_000 {
            // The big invoice file one case in eight: it is slow to read in a debug build.
            let original = originals[index % 8 == 7 ? 3 : index % 3]
            let bytes = Self.mutator.mutate(original, using: &generator)
            let file = directory.appendingPathComponent("case-\(index % 8).json")
            try Data(bytes).write(to: file)
            var records = 0
            let result = try JSONExportReader(path: file.path).read { _ in records += 1 }
            let lines = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let problems = diagnosticProblems(result, lineCount: lines)
            #expect(problems.isEmpty, "case \(index): \(problems) \(result.diagnostics.kept)")
            #expect(records == result.recordCount)
            if result.isValid {
                // Whatever the streaming parser accepts, a conforming parser accepts too.
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil,
                    "case \(index) was accepted but is not JSON")
            } else {
                refused += 1
                codes.formUnion(result.diagnostics.kept.map(\.code))
            }
        }
        #expect(refused > 500, "the mutations must mostly break the files")
        #expect(codes.isSuperset(of: [.syntax, .truncated, .encoding, .limitExceeded]), "\(codes)")
    }

    @Test(
        "nesting deeper than 64 levels is refused with limit-exceeded, in a record or in an unknown field",
        arguments: [
            (#"{"formatVersion": "1.0", "x": "#, "]}"),
            (#"{"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": "A", "x": "#, "}]}"),
        ])
    func deepNesting(prefix: String, suffix: String) throws {
        for (open, close) in [("[", "]"), ("{\"a\": ", "}")] {
            let text =
                prefix + String(repeating: open, count: 100_000) + "1" + String(repeating: close, count: 100_000)
                + suffix
            let (records, result) = try readJSONText(text)
            #expect(records.isEmpty)
            let first = try #require(result.diagnostics.kept.first)
            #expect(first.code == .limitExceeded, "\(first)")
            #expect(first.message.contains("64 levels"))
        }
    }

    @Test("an over-long string, number or record stops the read at 1 MiB, not at the end of the value")
    func oversizedValues() throws {
        let megabyte = 1 << 20
        // Unterminated: a reader that read the whole value would say truncated-file instead.
        let cases: [(String, String)] = [
            (
                #"{"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": ""#,
                String(repeating: "A", count: 2 * megabyte)
            ),
            (#"{"formatVersion": "1.0", "note": ""#, String(repeating: "é", count: megabyte)),
            (
                #"{"formatVersion": "1.0", "customers": [{"_id": "c1", "n": "#,
                String(repeating: "7", count: 2 * megabyte)
            ),
            (#"{"formatVersion": "1.0", "customers": [{""#, String(repeating: "k", count: 2 * megabyte)),
        ]
        for (prefix, value) in cases {
            let (_, result) = try readJSONText(prefix + value)
            let first = try #require(result.diagnostics.kept.first)
            #expect(first.code == .limitExceeded, "\(first)")
            #expect(first.line == 1)
            #expect(first.message.contains("1 MiB"))
        }
        // 17 strings of 1 MB each in one record: within the value limit, beyond the record's.
        let field = String(repeating: "B", count: megabyte - 10)
        let fields = (0..<17).map { "\"f\($0)\": \"\(field)\"" }.joined(separator: ", ")
        let (records, result) = try readJSONText(
            #"{"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": "A", "# + fields + "}]}")
        #expect(records.isEmpty)
        #expect(result.diagnostics.kept.first?.code == .limitExceeded)
        #expect(result.diagnostics.kept.first?.message.contains("16 MiB") == true)
    }

    @Test("a record of 300,000 values is refused; an export of 1,000 small records is not")
    func valueCount() throws {
        let many = Array(repeating: "0", count: 300_000).joined(separator: ",")
        let (_, refused) = try readJSONText(
            #"{"formatVersion": "1.0", "customers": [{"_id": "c1", "company_name": "A", "x": ["# + many + "]}]}")
        #expect(refused.diagnostics.kept.first?.code == .limitExceeded)
        let customers = (0..<1_000).map { #"{"_id": "c\#($0)", "company_name": "C\#($0)"}"# }
        let (records, accepted) = try readJSONText(
            #"{"formatVersion": "1.0", "customers": ["# + customers.joined(separator: ",") + "]}")
        #expect(accepted.isValid)
        #expect(records.count == 1_000)
    }
}
