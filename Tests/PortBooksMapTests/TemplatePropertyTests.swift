import Foundation
import PortBooksCore
import PortBooksMap
import PortBooksRandom
import PortBooksTestSupport
import Testing

@Suite("Description templates")
struct TemplatePropertyTests {
    static let separators = [" / ", " – ", ": "]

    /// The fast trim the mappers and templates use agrees with Foundation's.
    @Test func trimmingWhitespaceMatchesFoundation() {
        var random = SplitMix64(state: 3)
        let pieces = [
            " ", "\t", "\n", "\r\n", "\u{85}", "\u{A0}", "\u{2003}", "\u{3000}", "\u{200B}", "\u{2028}", "a", "Z", "é",
            "😀", "e\u{301}", "-", "0",
        ]
        for _ in 0..<2000 {
            let text = (0..<Int(random.next() % 8)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                .joined()
            #expect(
                text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(text.debugDescription)")
        }
    }

    /// Whether text has a dangling, doubled, leading or trailing separator, `nil`, or an HTML entity.
    static func defects(_ text: String) -> [String] {
        var found: [String] = []
        for separator in separators {
            let bare = separator.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(bare) || text.hasPrefix(separator) { found.append("leading \(separator)") }
            if text.hasSuffix(bare) || text.hasSuffix(separator) { found.append("trailing \(separator)") }
            for other in separators where text.contains(separator + other.trimmingCharacters(in: .whitespaces)) {
                found.append("doubled \(separator)\(other)")
            }
        }
        if text.contains("  ") { found.append("double space") }
        if text.contains("nil") { found.append("nil") }
        if text.range(of: "&[a-z#0-9]+;", options: .regularExpression) != nil { found.append("entity") }
        return found
    }

    @Test("500 random subsets of empty, blank and missing fields leave no dangling separators, nil or entities")
    func randomEmptyFields() throws {
        let settings = try exampleSettings()
        let templates = [settings.templates.lineDescription, settings.templates.chargeSetHeader]
        var generator = SplitMix64(state: 20_261_127)
        let values = ["A&B <Terminal>", "MSCU1234565", "PO \"42\"", "x", "O'Neil & Sons"]
        for _ in 0..<500 {
            func pick() -> String? {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: nil
                case 1: ""
                case 2: "  "
                default: values.randomElement(using: &generator)
                }
            }
            let load = Load(containerNo: pick(), containerSize: pick(), purchaseOrderNo: pick())
            let chargeSet = ChargeSet(
                chargeSetNumber: pick(), billType: Bool.random(using: &generator) ? .main : .subBill,
                loadReferenceNumber: "LD-1", totalAmount: 10, load: Bool.random(using: &generator) ? load : nil,
                pricing: [Charge(name: "BASE PRICE", description: pick(), finalAmount: 10)])
            let invoice = Invoice(
                id: "i", referenceNumber: "R1", caller: CustomerRef(id: "c", companyName: "C"),
                billingDate: LocalDate(year: 2026, month: 11, day: 1) ?? LocalDate(parsing: "2026-11-01")!,
                totalAmount: 10, chargeSets: [chargeSet])
            let context = TemplateContext.invoice(invoice)
                .merging(.chargeSet(chargeSet, index: 1, count: 1))
                .merging(.charge(chargeSet.pricing[0], index: 1))
            for template in templates {
                let text = template.render(context)
                #expect(Self.defects(text).isEmpty, "\(text) from \(template.source)")
                #expect(text == text.trimmingCharacters(in: .whitespacesAndNewlines))
                if let container = load.containerNo?.trimmingCharacters(in: .whitespaces), !container.isEmpty,
                    chargeSet.load != nil
                {
                    #expect(text.contains(container))
                }
            }
        }
    }

    @Test("text is never HTML-escaped")
    func plainText() throws {
        let template = try DescriptionTemplate("{{charge.name}}", use: .lineDescription)
        var context = TemplateContext()
        context.set(.charge, "name", "PICK UP & DELIVERY <20'>")
        #expect(template.render(context) == "PICK UP & DELIVERY <20'>")
    }

    @Test(
        "unknown variables, out-of-scope objects and partials are refused",
        arguments: ["{{load.p0}}", "{{charge.name}}", "{{cargo}}", "{{> other}}", "{{=<% %>=}}", "{{load.po"])
    func refused(source: String) {
        #expect(throws: DescriptionTemplate.Failure.self) { try DescriptionTemplate(source, use: .invoiceText) }
    }
}
