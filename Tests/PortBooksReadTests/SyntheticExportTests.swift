import Foundation
import PortBooksCore
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
