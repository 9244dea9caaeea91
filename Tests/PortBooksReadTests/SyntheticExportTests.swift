import Foundation
import PortBooksCore
import PortBooksRead
import Testing

@Suite("Synthetic exports")
struct SyntheticExportTests {
    private func generate(seed: UInt64, invoices: Int, format: ExportFormat) throws -> URL {
        let directory = try Package.temporaryDirectory()
        let file = directory.appendingPathComponent("export.\(format.rawValue)")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let output = BufferedOutput(handle: handle)
        try SyntheticExport(seed: seed, invoiceCount: invoices).write(format: format, to: output)
        try output.flush()
        try handle.close()
        return file
    }

    @Test("the same seed gives the same bytes; another seed gives another export")
    func deterministic() throws {
        let first = try Data(contentsOf: generate(seed: 7, invoices: 120, format: .json))
        let again = try Data(contentsOf: generate(seed: 7, invoices: 120, format: .json))
        let other = try Data(contentsOf: generate(seed: 8, invoices: 120, format: .json))
        #expect(first == again)
        #expect(first != other)
    }

    @Test("a generated export is valid and internally consistent")
    func validAndConsistent() throws {
        let (records, result) = try readJSON(generate(seed: 3, invoices: 300, format: .json).path)
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(result.counts[.invoice] == 300)
        #expect((result.counts[.payment] ?? 0) > 50)
        #expect((result.counts[.creditMemo] ?? 0) > 5)
        var invoiceTotals: [String: Decimal] = [:]
        for record in records {
            switch record {
            case .invoice(let invoice):
                let sets = invoice.chargeSets.reduce(Decimal(0)) { $0 + $1.totalAmount }
                #expect(sets == invoice.totalAmount, "\(invoice.referenceNumber)")
                for chargeSet in invoice.chargeSets {
                    #expect(chargeSet.pricing.reduce(Decimal(0)) { $0 + $1.finalAmount } == chargeSet.totalAmount)
                    if let container = chargeSet.load?.containerNo {
                        #expect(ISO6346.checkDigit(String(container.prefix(10))) == Int(String(container.last ?? "x")))
                    }
                }
                invoiceTotals[invoice.referenceNumber] = invoice.totalAmount
            case .payment(let payment):
                #expect(payment.invoices.reduce(Decimal(0)) { $0 + $1.amount } == payment.amount)
                for application in payment.invoices {
                    let total = try #require(invoiceTotals[application.referenceNumber])
                    #expect(application.amount <= total)
                }
            default:
                continue
            }
        }
        #expect(records.contains { if case .invoice(let i) = $0 { i.isCombined } else { false } })
        #expect(
            records.contains {
                if case .invoice(let i) = $0 { i.chargeSets.contains { $0.billType == .subBill } } else { false }
            })
    }

    @Test("ISO 6346 check digits match the published examples")
    func checkDigits() {
        #expect(ISO6346.checkDigit("CSQU305438") == 3)
        #expect(ISO6346.checkDigit("MSCU123456") == 6)
        #expect(ISO6346.checkDigit("MSCU100007") == 0)
    }
}

@Suite("Synthetic PortPro API pages")
struct SyntheticPortProPageTests {
    @Test("generate's invoice page, read back and combined, holds the export's invoices")
    func invoicePageRoundTrip() throws {
        let generator = SyntheticExport(seed: 5, invoiceCount: 200)
        let file = try Package.temporaryDirectory().appendingPathComponent("invoices.json")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let output = BufferedOutput(handle: handle)
        try generator.write(response: .invoices, to: output)
        try output.flush()
        try handle.close()
        var order: [String] = []
        var byID: [String: Invoice] = [:]
        var parts = 0
        let result = try JSONExportReader(path: file.path).readRecords { read in
            guard case .invoice(let part) = read.record else { return }
            parts += 1
            if byID[part.id] == nil { order.append(part.id) }
            byID[part.id] = byID[part.id].map { $0.combining(part) } ?? part
        }
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(result.shape == .invoiceListPage)
        #expect(result.counts[.invoice] == 200)
        #expect(parts > 200, "combined invoices span envelopes")
        for (index, id) in order.enumerated() {
            let expected = generator.invoice(index)
            let read = try #require(byID[id])
            #expect(read.referenceNumber == expected.referenceNumber && id == expected.referenceNumber)
            #expect(read.totalAmount == expected.totalAmount)
            #expect(read.billingDate == expected.billingDate && read.invoiceDueDate == expected.invoiceDueDate)
            #expect(read.caller.id == expected.caller.id && read.status == expected.status)
            let withoutBalances = read.chargeSets.map { set -> ChargeSet in
                var copy = set
                copy.paidAmount = nil
                copy.remainAmount = nil
                return copy
            }
            #expect(withoutBalances == expected.chargeSets, "\(expected.referenceNumber)")
            #expect(read.portproRemainAmount == expected.totalAmount)
        }
    }
}
