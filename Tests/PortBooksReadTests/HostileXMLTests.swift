import Foundation
import PortBooksCore
import PortBooksRandom
import PortBooksRead
import PortBooksTestSupport
import Testing

@testable import PortBooksRead

/// The XML reader against broken and hostile files: a diagnostic with a place, never a crash,
/// never a DTD or entity acted on, never an allocation or a validation the size of the file.
@Suite("XML export reader: hostile input")
struct HostileXMLTests {
    static let schema = Result { try XMLSchema.portproExport() }

    static func read(_ path: String) throws -> ([ExportRecord], ExportReadResult) {
        var records: [ExportRecord] = []
        let result = try XMLExportReader(path: path, schema: try schema.get()).read { records.append($0) }
        return (records, result)
    }

    static func readText(_ text: String) throws -> ([ExportRecord], ExportReadResult) {
        try read(Package.temporaryFile(text))
    }

    static let head =
        #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        + #"<portproExport xmlns="urn:portbooks:portpro-export:1" formatVersion="1.0">"#

    static let mutator = Mutator(
        pieces: [
            "<", ">", "</", "/>", "&", "&amp;", "&lol;", "&#0;", "&#x110000;", "<![CDATA[", "]]>", "<!--", "-->",
            "<?pi x?>", "<!DOCTYPE x [<!ENTITY a \"b\">]>", "<!ENTITY % p SYSTEM \"file:///etc/passwd\">", "%p;",
            "<x:y xmlns:x=\"urn:other\">", "</x:y>", "<customer>", "</customer>", "<_id>c9</_id>", "\"", "'", "=",
            "xmlns=\"\"", "\u{0}", "\u{FEFF}", "\r\n", "é", "\u{1F69A}",
        ].map { Array($0.utf8) } + [[0xC3], [0xFF, 0xFE], [0xED, 0xA0, 0x80]],
        nesting: (Array("<n>".utf8), Array("</n>".utf8)))

    @Test("800 mutated fixtures: a clear diagnostic for every refusal, nothing printed, nothing expanded")
    func mutatedFixtures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xml-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let originals = try ["customers", "payments", "credit-memos", "invoices-2026-11-b"].map {
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: Package.path("fixtures/drop-example/\($0).xml"))))
        }
        var generator = SplitMix64(state: 20_261_127)
        var refused = 0
        var codes = Set<DiagnosticCode>()
        for index in 0..<800 {
            // The big invoice file one case in eight: it is slow to validate in a debug build.
            let original = originals[index % 8 == 7 ? 3 : index % 3]
            let bytes = Self.mutator.mutate(original, using: &generator)
            let file = directory.appendingPathComponent("case-\(index % 8).xml")
            try Data(bytes).write(to: file)
            let (records, result) = try Self.read(file.path)
            let lines = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let problems = diagnosticProblems(result, lineCount: lines)
            #expect(problems.isEmpty, "case \(index): \(problems) \(result.diagnostics.kept)")
            #expect(records.count == result.recordCount)
            if !result.isValid {
                refused += 1
                codes.formUnion(result.diagnostics.kept.map(\.code))
            }
            // An entity is never expanded into a value: nothing from a declared entity or a
            // file reaches a record.
            for record in records {
                #expect(!"\(record)".contains("root:x:0:0"), "case \(index)")
            }
        }
        #expect(refused > 400, "the mutations must mostly break the files")
        #expect(codes.isSuperset(of: [.syntax, .hostileXML, .encoding, .schema]), "\(codes)")
    }

    @Test(
        "a DOCTYPE behind 70 KB of comments (past the prolog scan) is still refused before libxml2 reads it",
        arguments: [
            "billion-laughs.xml", "quadratic-blowup.xml", "xxe-external-entity.xml", "parameter-entity.xml",
            "external-dtd-http.xml",
        ])
    func doctypeBeyondPrologScan(fixture: String) throws {
        let source = try String(contentsOfFile: Package.path("fixtures/invalid/\(fixture)"), encoding: .utf8)
        let lines = source.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let padding = (0..<1_000).map { "<!-- padding \($0) \(String(repeating: ".", count: 56)) -->\n" }.joined()
        #expect(padding.utf8.count > XMLProlog.scanLimit)
        let (records, result) = try Self.readText(lines[0] + "\n" + padding + lines[1])
        #expect(records.isEmpty)
        #expect(result.diagnostics.errorCount == 1, "\(result.diagnostics.kept)")
        let first = try #require(result.diagnostics.kept.first)
        #expect(first.code == .hostileXML, "\(first)")
        #expect(first.line == 1_002, "the DOCTYPE's own line: \(first)")
    }

    @Test("an entity declared nowhere, a character reference to nothing, an external reference: refused")
    func entityReferences() throws {
        let cases = [
            "<customers><customer><_id>c1</_id><company_name>&xxe;</company_name></customer></customers>",
            "<customers><customer><_id>c1</_id><company_name>&#0;</company_name></customer></customers>",
            "<customers><customer><_id>c1</_id><company_name>%pe;&#x110000;</company_name></customer></customers>",
            "<x:inc xmlns:x=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\" parse=\"text\"/>",
        ]
        for body in cases {
            let (records, result) = try Self.readText(Self.head + body + "</portproExport>")
            #expect(records.allSatisfy { !"\($0)".contains("root:") })
            #expect(!result.isValid || records.isEmpty, "\(body)")
        }
    }

    @Test("an element text over 1 MiB stops the read where the limit is passed, however it is split")
    func oversizedText() throws {
        let chunk = String(repeating: "A", count: 300_000)
        let cases = [
            String(repeating: chunk, count: 4),
            Array(repeating: chunk, count: 4).joined(separator: "<!-- split -->"),
            Array(repeating: chunk, count: 4).joined(separator: "<?split?>"),
            "<![CDATA[" + String(repeating: chunk, count: 4) + "]]>",
        ]
        for text in cases {
            let (records, result) = try Self.readText(
                Self.head + "\n<customers><customer><_id>c1</_id><company_name>" + text
                    + "</company_name></customer></customers></portproExport>")
            #expect(records.isEmpty)
            #expect(result.diagnostics.errorCount == 1, "\(result.diagnostics.kept)")
            let first = try #require(result.diagnostics.kept.first)
            #expect(first.code == .limitExceeded, "\(first)")
            #expect(first.line == 3)
            // Stopped at the limit, not at the end of the 1.2 MB text.
            #expect(first.column < ReaderLimits.maximumValueBytes + 200, "\(first)")
        }
        let attribute = Self.head.replacingOccurrences(
            of: "formatVersion=\"1.0\"", with: "formatVersion=\"1.0\" x=\"\(String(repeating: "v", count: 1_100_000))\""
        )
        let (_, result) = try Self.readText(attribute + "</portproExport>")
        #expect(result.diagnostics.kept.first?.code == .limitExceeded)
    }

    @Test("nesting beyond 64 levels in a record, or thousands deep anywhere, is refused without a crash")
    func deepNesting() throws {
        let inRecord =
            "<customers><customer><_id>c1</_id><company_name>A</company_name><x:deep xmlns:x=\"urn:other\"/>"
            + String(repeating: "<note>", count: 70) + String(repeating: "</note>", count: 70)
            + "</customer></customers>"
        let (_, record) = try Self.readText(Self.head + inRecord + "</portproExport>")
        #expect(record.diagnostics.kept.first?.code == .limitExceeded, "\(record.diagnostics.kept)")
        for wrapper in ["n", "x:n xmlns:x=\"urn:other\""] {
            let name = wrapper.split(separator: " ")[0]
            let body = String(repeating: "<\(wrapper)>", count: 20_000) + String(repeating: "</\(name)>", count: 20_000)
            let (records, result) = try Self.readText(Self.head + body + "</portproExport>")
            #expect(records.isEmpty)
            #expect(!result.isValid)
            let problems = diagnosticProblems(result, lineCount: 2)
            #expect(problems.isEmpty, "\(problems)")
        }
    }
}
