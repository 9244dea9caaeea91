import PortBooksRandom
import PortBooksTestSupport
import Testing

@testable import PortBooksCore

@Suite("Compiled templates")
struct CompiledTemplateTests {
    private static let scopes: [TemplateScope] = [.invoice, .chargeSet, .load, .charge, .customer]
    private static let names = ["load.container", "load.po", "charge.name", "charge_set.is_sub_bill", "invoice.number"]
    private static let texts = [" / ", "PO ", "A&B <x>", "{ ", " }", "é", "-", "  ", "x", "#", "."]
    private static let values = ["MSCU1234565", "A&B <Terminal>", "  padded  ", "O'Neil", "{{load.po}}", "nil", "é"]

    private static func template(using random: inout SplitMix64, depth: Int = 0) -> String {
        var parts: [String] = []
        for _ in 0..<Int(random.next() % 5) {
            let name = names[Int(random.next() % UInt64(names.count))]
            let scope = scopes[Int(random.next() % UInt64(scopes.count))].rawValue
            switch random.next() % 12 {
            case 0, 1: parts.append(texts[Int(random.next() % UInt64(texts.count))])
            case 2: parts.append("{{\(name)}}")
            case 3: parts.append("{{{\(name)}}}")
            case 4: parts.append("{{& \(name) }}")
            case 5: parts.append("{{.}}")
            case 6: parts.append("{{! a comment }}")
            case 7: parts.append("{{\(scope)}}")
            case 8 where depth < 3:
                let section = random.next() % 2 == 0 ? name : scope
                let sigil = random.next() % 3 == 0 ? "^" : "#"
                parts.append(
                    "{{\(sigil)\(section)}}\(template(using: &random, depth: depth + 1)){{/\(section)}}")
            default: parts.append("{{\(name)}}")
            }
        }
        return parts.joined()
    }

    private static func context(using random: inout SplitMix64) -> TemplateContext {
        var context = TemplateContext()
        for name in names {
            let parts = name.split(separator: ".").map(String.init)
            guard let scope = TemplateScope(rawValue: parts[0]) else { continue }
            switch random.next() % 4 {
            case 0: break
            case 1 where name == "charge_set.is_sub_bill": context.set(scope, parts[1], flag: true)
            default: context.set(scope, parts[1], values[Int(random.next() % UInt64(values.count))])
            }
        }
        return context
    }

    @Test("3,000 random single-line templates render exactly as swift-mustache renders them")
    func agreesWithSwiftMustache() {
        var random = SplitMix64(state: 11)
        var fast = 0
        var renders = 0
        for _ in 0..<3000 {
            let source = Self.template(using: &random)
            guard let template = try? DescriptionTemplate(source, use: .lineDescription) else { continue }
            for _ in 0..<3 {
                let context = Self.context(using: &random)
                renders += 1
                // A fallback renders through swift-mustache itself: where `{{.}}` names a whole
                // object, its text is a dictionary's description, in no stable order.
                guard let text = template.renderCompiled(context) else { continue }
                fast += 1
                #expect(
                    text == template.renderWithMustache(context), "\(source.debugDescription) with \(context.objects)")
            }
        }
        // Most renders take the fast path, so the comparison is not vacuous.
        #expect(renders > 6000)
        #expect(fast * 10 > renders * 6, "\(fast) of \(renders) rendered fast")
    }

    @Test("the example settings' templates are compiled; multi-line and unusual ones fall back")
    func whatCompiles() throws {
        let settings = try exampleSettings()
        #expect(settings.templates.lineDescription.isCompiled)
        #expect(settings.templates.chargeSetHeader.isCompiled)
        let multiLine = try DescriptionTemplate("{{#load.po}}\nPO {{load.po}}\n{{/load.po}}", use: .lineDescription)
        #expect(!multiLine.isCompiled)
        var context = TemplateContext()
        context.set(.load, "po", "42")
        #expect(multiLine.render(context) == multiLine.renderWithMustache(context))
        // `{{load}}` renders the object the way swift-mustache does, whatever that is.
        let object = try DescriptionTemplate("{{load}}", use: .lineDescription)
        #expect(!object.isCompiled)
    }
}
