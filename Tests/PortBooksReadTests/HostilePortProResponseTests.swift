import Foundation
import PortBooksCore
import PortBooksRandom
import PortBooksRead
import PortBooksTestSupport
import Testing

/// The JSON reader on broken PortPro API responses: the same guarantees as for exports.
@Suite("PortPro API responses: hostile input")
struct HostilePortProResponseTests {
    static let fixtures = [
        "invoice-list-page", "invoice-response-RSRE_000284", "customer-list-page", "quirk-lookup-fields",
    ]

    static let mutator = Mutator(
        pieces: [
            "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "-", "1e999", "\"data\": ", "\"invoice\": [",
            "\"error\": \"Unauthorized\",", "\"formatVersion\": \"1.0\",", "\"company_name\": ", "{\"label\": 1}",
            "\"\"", "é", "\u{0}",
        ].map { Array($0.utf8) } + [[0xC3], [0xFF, 0xFE]],
        nesting: (Array("[".utf8), Array("]".utf8)))

    @Test("400 mutated responses: a diagnostic with its place for every refusal; what is accepted is JSON")
    func mutatedResponses() throws {
        let directory = try Package.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let originals = try Self.fixtures.map {
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: Package.path("fixtures/portpro-api/\($0).json"))))
        }
        var generator = SplitMix64(state: 21_2026)
        var refused = 0
        for index in 0..<400 {
            let bytes = Self.mutator.mutate(originals[index % originals.count], using: &generator)
            let file = directory.appendingPathComponent("case-\(index % 4).json")
            try Data(bytes).write(to: file)
            var parts = 0
            let result = try JSONExportReader(path: file.path).readRecords { _ in parts += 1 }
            let lines = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let problems = diagnosticProblems(result, lineCount: lines)
            #expect(problems.isEmpty, "case \(index): \(problems) \(result.diagnostics.kept)")
            #expect(parts >= result.recordCount, "a part per envelope, a count per invoice number")
            if result.isValid {
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil,
                    "case \(index) was accepted but is not JSON")
            } else {
                refused += 1
            }
        }
        #expect(refused > 200, "the mutations must mostly break the files")
    }
}
