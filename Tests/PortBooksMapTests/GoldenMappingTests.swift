import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksMap
import PortBooksRead
import Testing

@Suite("Mapping the drop example")
struct GoldenMappingTests {
    static let files = [
        "fixtures/drop-example/credit-memos.json", "fixtures/drop-example/customers.json",
        "fixtures/drop-example/invoices-2026-11-a.json", "fixtures/drop-example/invoices-2026-11-b.json",
        "fixtures/drop-example/payments.json",
    ]

    @Test("the drop example maps to the golden payloads (portbooks map --json)")
    func golden() throws {
        let mapper = RecordMapper(settings: try exampleSettings())
        var report = MappingReport()
        for file in Self.files {
            for record in try fixtureRecords(file) { report.add(record, file: file, mapper: mapper) }
        }
        let golden = try String(contentsOfFile: Package.path("fixtures/golden/map-drop-example.json"), encoding: .utf8)
        #expect(try report.jsonText() == golden.trimmingCharacters(in: .newlines))
        #expect(report.summary.records == 60)
        #expect(report.summary.problems == 2)
    }

    @Test("amounts go out as exact JSON numbers (337.50 → 337.5, never through Double)")
    func exactAmounts() throws {
        let line = QBLine.salesItem(
            QBSalesItemLine(
                amount: Decimal(string: "99999999.99") ?? 0, description: nil,
                detail: .init(
                    itemRef: .unresolved(.item, key: "Drayage"), quantity: Decimal(string: "2.75"),
                    unitPrice: Decimal(string: "337.50"))))
        let text = String(decoding: try JSONEncoder().encode(line), as: UTF8.self)
        #expect(text.contains("\"Amount\":99999999.99"))
        #expect(text.contains("\"UnitPrice\":337.5"))
        #expect(text.contains("\"Qty\":2.75"))
    }

    @Test("a combined invoice's lines each show their own load reference and container")
    func combinedInvoiceLines() throws {
        let invoice = try #require(
            try fixtureInvoice("fixtures/drop-example/invoices-2026-11-a.json", number: "RSRE_000271"))
        #expect(invoice.isCombined)
        let payload = InvoiceMapper(settings: try exampleSettings()).map(invoice).payload
        let descriptions = salesLineDescriptions(payload)
        var index = 0
        for chargeSet in invoice.chargeSets {
            for _ in chargeSet.pricing {
                #expect(descriptions[index].contains("Load \(chargeSet.loadReferenceNumber)"))
                if let container = chargeSet.load?.containerNo {
                    #expect(descriptions[index].contains("/ Ctr \(container)"))
                }
                index += 1
            }
        }
        #expect(index == descriptions.count)
        let headers = payload.lines.filter { if case .descriptionOnly = $0 { true } else { false } }
        #expect(headers.count == invoice.chargeSets.count)
    }

    @Test("emptying one load's PO removes its ' / PO …' from its lines and changes nothing else")
    func emptyingPO() throws {
        let invoice = try #require(
            try fixtureInvoice("fixtures/drop-example/invoices-2026-11-a.json", number: "RSRE_000271"))
        let target = try #require(invoice.chargeSets.firstIndex { $0.load?.purchaseOrderNo != nil })
        let po = try #require(invoice.chargeSets[target].load?.purchaseOrderNo)
        let mapper = InvoiceMapper(settings: try exampleSettings())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for emptied in ["", "   ", nil] as [String?] {
            var changed = invoice
            changed.chargeSets[target].load?.purchaseOrderNo = emptied
            let before = try encoder.encode(mapper.map(invoice).payload)
            let afterRecord = mapper.map(changed)
            #expect(afterRecord.isClean)
            #expect(String(decoding: before, as: UTF8.self).contains(" / PO \(po)"))
            let expected = String(decoding: before, as: UTF8.self).replacingOccurrences(of: " / PO \(po)", with: "")
            let after = String(decoding: try encoder.encode(afterRecord.payload), as: UTF8.self)
            #expect(after == expected)
        }
    }
}
