import Foundation
import PortBooksCore
import PortBooksRandom
import PortBooksTestSupport
import Testing

/// Hostile templates and hostile values: the renderer refuses or renders, never crashes, and
/// never treats a value as template text.
@Suite("Description templates: hostile input")
struct TemplateFuzzTests {
    static let sources = [
        "{{charge.name}} – Load {{load.reference}}{{#load.container}} / Ctr {{load.container}}{{/load.container}}"
            + "{{#load.po}} / PO {{load.po}}{{/load.po}}{{#charge.description}}: {{charge.description}}{{/charge.description}}",
        "Load {{load.reference}}{{#load.container}} / Ctr {{load.container}}{{/load.container}}"
            + "{{#charge_set.is_sub_bill}} / sub-bill{{#charge_set.number}} {{charge_set.number}}{{/charge_set.number}}"
            + "{{/charge_set.is_sub_bill}}",
        "PortPro invoice {{invoice.number}} – loads {{invoice.load_references}}{{^invoice.notes}} (no notes){{/invoice.notes}}",
    ]

    /// Pieces a mutation inserts: every tag kind, broken tags, and text that looks like tags.
    static let pieces = [
        "{{", "}}", "{{{", "}}}", "{{#", "{{/", "{{^", "{{&", "{{!", "{{>", "{{=", "{{%", "{{$", "{{<", "{{.}}",
        "{{invoice.number}}", "{{#load.po}}", "{{/load.po}}", "{{^load.po}}", "{{{load.po}}}", "{{&charge.name}}",
        "{{load.nope}}", "{{cargo}}", "{{ charge.name }}", "{{#charge.name}}{{.}}{{/charge.name}}", "{{!comment}}",
        "{{=<% %>=}}", "{{> partial}}", "{{%CONTENT_TYPE:HTML}}", "{", "}", "#", "/", "\u{0}", "\n", "é", "&amp;",
    ]

    /// The context's values: tag-like text, markup, control characters, and a long value.
    static let hostileValues = [
        "{{invoice.number}}", "{{#load.po}}x{{/load.po}}", "}}{{", "<script>&amp;", "=HYPERLINK(\"x\")",
        "\u{0}\u{1B}[31m", "nil", String(repeating: "Z", count: 10_000),
    ]

    @Test("2,000 mutated templates: refused with an offset inside the source, or rendered without a crash")
    func mutatedTemplates() throws {
        var generator = SplitMix64(state: 88)
        var refused = 0
        var rendered = 0
        for _ in 0..<2_000 {
            var source = Array(Self.sources.randomElement(using: &generator) ?? "")
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...source.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0:
                    let piece = Self.pieces.randomElement(using: &generator) ?? ""
                    source.insert(contentsOf: Array(piece), at: position)
                case 1:
                    let end = min(source.count, position + Int.random(in: 1...6, using: &generator))
                    source.removeSubrange(position..<end)
                case 2:
                    source = Array(source[..<position])
                default:
                    let end = min(source.count, position + Int.random(in: 1...20, using: &generator))
                    source.insert(contentsOf: source[position..<end], at: position)
                }
            }
            let text = String(source)
            let use = TemplateUse.allCases.randomElement(using: &generator) ?? .lineDescription
            do {
                let template = try DescriptionTemplate(text, use: use)
                let output = template.render(Self.context(using: &generator))
                #expect(!output.contains("&amp;amp;"), "\(text)")
                rendered += 1
            } catch {
                #expect(!error.message.isEmpty)
                #expect((0...text.count).contains(error.offset), "\(error) for \(text)")
                refused += 1
            }
        }
        // Both outcomes occur, or the mutations are not reaching the parser.
        #expect(refused > 200)
        #expect(rendered > 100)
    }

    @Test("a value is never read as a template: tags in values come out as written")
    func valuesAreLiteral() throws {
        let template = try DescriptionTemplate(
            "{{charge.name}} / {{load.po}}{{#load.container}} [{{load.container}}]{{/load.container}}",
            use: .lineDescription)
        var context = TemplateContext()
        context.set(.charge, "name", "{{load.po}}")
        context.set(.load, "po", "{{#load.container}}x{{/load.container}}")
        context.set(.load, "container", "{{{charge.name}}}")
        #expect(
            template.render(context) == "{{load.po}} / {{#load.container}}x{{/load.container}} [{{{charge.name}}}]")
    }

    @Test(
        "sections nested thousands deep (a stack overflow) and 1 MB templates (minutes) are refused; a 1 MB value renders"
    )
    func oversized() throws {
        var context = TemplateContext()
        context.set(.invoice, "number", "R1")
        #expect(throws: DescriptionTemplate.Failure.self) {
            try DescriptionTemplate(String(repeating: "{{#invoice.number}}", count: 5_000), use: .invoiceText)
        }
        for depth in [3, 16, 17, 100] {
            let source =
                String(repeating: "{{#invoice.number}}", count: depth) + "{{invoice.number}}"
                + String(repeating: "{{/invoice.number}}", count: depth)
            if depth <= DescriptionTemplate.maximumSectionDepth {
                #expect(try DescriptionTemplate(source, use: .invoiceText).render(context) == "R1")
            } else {
                #expect {
                    try DescriptionTemplate(source, use: .invoiceText)
                } throws: { error in
                    (error as? DescriptionTemplate.Failure)?.message.contains("nested more than 16") == true
                }
            }
        }
        let tooLong = String(repeating: "Load {{load.reference}} ", count: 40_000)
        #expect {
            try DescriptionTemplate(tooLong, use: .invoiceText)
        } throws: { error in
            (error as? DescriptionTemplate.Failure)?.message.contains("at most 4000") == true
        }
        let longest = String(repeating: "Load {{load.reference}} ", count: 166)
        context.set(.load, "reference", "L1")
        #expect(try DescriptionTemplate(longest, use: .invoiceText).render(context).count == 166 * 8 - 1)
        let short = try DescriptionTemplate("{{load.reference}}", use: .invoiceText)
        let value = String(repeating: "L", count: 1 << 20)
        context.set(.load, "reference", value)
        #expect(short.render(context) == value)
    }

    private static func context(using generator: inout SplitMix64) -> TemplateContext {
        var context = TemplateContext()
        for scope in TemplateScope.allCases {
            for variable in scope.variables where Bool.random(using: &generator) {
                if Int.random(in: 0..<5, using: &generator) == 0 {
                    context.set(scope, variable, flag: true)
                } else {
                    context.set(scope, variable, hostileValues.randomElement(using: &generator))
                }
            }
        }
        return context
    }
}
