import Foundation
import PortBooksCore
import Testing

@testable import PortBooksRead

/// Reads a fixture of fixtures/portpro-api/ with its records' extents.
private func readResponse(_ name: String) throws -> ([ReadRecord], ExportReadResult) {
    var records: [ReadRecord] = []
    let relative = "fixtures/portpro-api/\(name)"
    let result = try JSONExportReader(path: Package.path(relative), displayName: relative).readRecords {
        records.append($0)
    }
    return (records, result)
}

private func invoices(_ records: [ReadRecord]) -> [Invoice] {
    records.compactMap { if case .invoice(let invoice) = $0.record { invoice } else { nil } }
}

private func customers(_ records: [ReadRecord]) -> [Customer] {
    records.compactMap { if case .customer(let customer) = $0.record { customer } else { nil } }
}

/// Combines what a reader handed on as the stage does, in file order.
private func combined(_ records: [ReadRecord]) -> [Invoice] {
    var order: [String] = []
    var byID: [String: Invoice] = [:]
    for case (.invoice(let invoice), let extent) in records.map({ ($0.record, $0.extent) }) {
        if byID[invoice.id] == nil { order.append(invoice.id) }
        byID[invoice.id] = extent == .part ? byID[invoice.id].map { $0.combining(invoice) } ?? invoice : invoice
    }
    return order.compactMap { byID[$0] }
}

@Suite("PortPro API responses: the observed wire shape")
struct PortProResponseReaderTests {
    @Test("an invoice list page is recognised by its shape and read into the export format's model")
    func listPageRecognised() throws {
        let (records, result) = try readResponse("invoice-list-page.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(result.shape == .invoiceListPage)
        #expect(result.formatVersion == nil)
        #expect(result.counts == [.invoice: 2], "two invoice numbers over three envelopes")
        #expect(records.allSatisfy { $0.extent == .part })
        let invoices = combined(records)
        #expect(invoices.map(\.referenceNumber) == ["RSRE_000284", "RSRE_000285"])
        let first = try #require(invoices.first)
        #expect(first.id == "RSRE_000284", "an API invoice's _id is its number")
        #expect(first.chargeSets.map(\.loadReferenceNumber) == ["RSRUSH_E100718", "RSRUSH_E100725"])
        #expect(first.totalAmount == Decimal(string: "1265.00"))
        #expect(first.billingDate.description == "2026-08-01", "a midnight-UTC timestamp is its day")
        #expect(first.status == .partialPaid, "PARTIALLY_PAID reads as PARTIAL_PAID")
        #expect(first.paymentTerms == 30)
        #expect(first.invoiceDueDate?.description == "2026-08-31")
        #expect(first.updatedAt == "2026-08-03T09:40:00Z")
    }

    @Test("quirk: finalAmount is a string and amount a number; both are exact Decimals")
    func amountTypes() throws {
        let (records, result) = try readResponse("quirk-amount-types.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let charges = try #require(invoices(records).first?.chargeSets.first?.pricing)
        #expect(charges.map(\.finalAmount) == ["337.50", "106.25", "99999999999.99"].map { Decimal(string: $0)! })
        #expect(charges.map(\.amount) == ["337.5", "106.25", "99999999999.99"].map { Decimal(string: $0)! })
        #expect(charges[1].unit == Decimal(string: "1.25"))
        #expect(Money.format(charges[2].finalAmount) == "99999999999.99", "never through Double")
        #expect(invoices(records).first?.totalAmount == Decimal(string: "100000000443.74"))
    }

    @Test("quirk: paidAmount and remainAmount are kept per charge set and summed per invoice")
    func paidAndRemain() throws {
        let (records, result) = try readResponse("quirk-paid-remain.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let invoice = try #require(invoices(records).first)
        #expect(invoice.chargeSets.map(\.paidAmount) == [Decimal(string: "400.00"), Decimal(string: "250.50")])
        #expect(invoice.chargeSets.map(\.remainAmount) == [Decimal(string: "250.00"), Decimal(string: "449.50")])
        #expect(invoice.portproPaidAmount == Decimal(string: "650.50"))
        #expect(invoice.portproRemainAmount == Decimal(string: "699.50"))
        // The export format never carries them: its records hash as before.
        let (exported, _) = try readJSON(Package.path("fixtures/drop-example/invoices-2026-11-a.json"))
        for case .invoice(let other) in exported {
            #expect(other.portproPaidAmount == nil)
            let content = String(decoding: try CanonicalContent.encode(.invoice(other)), as: UTF8.self)
            #expect(!content.contains("paidAmount") && !content.contains("remainAmount"))
        }
    }

    @Test("quirk: caller is a light object; externalSystemID is ignored, callerName stands in for its name")
    func lightCaller() throws {
        let (records, result) = try readResponse("quirk-light-caller.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let read = invoices(records)
        #expect(
            read.map(\.caller) == [
                CustomerRef(
                    id: "66bba3d01b0650fc9daae133", companyName: "Trans-Pacific Apparel Group", currency: "CAD"),
                CustomerRef(
                    id: "66bba3d01b0650fc9daae133", companyName: "Trans-Pacific Apparel Group", currency: "CAD"),
            ])
        #expect(read.map(\.currency) == ["CAD", "CAD"], "the invoice's currency is its caller's")
    }

    @Test("quirk: a blank currency is no currency, on an invoice's caller and on a customer")
    func blankCurrency() throws {
        let (records, result) = try readResponse("quirk-blank-currency.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let invoice = try #require(invoices(records).first)
        #expect(invoice.caller.currency == nil)
        #expect(invoice.currency == nil)
        let (customerRecords, customerResult) = try readResponse("customer-list-page.json")
        #expect(customerResult.isValid, "\(customerResult.diagnostics.kept)")
        #expect(customers(customerRecords).map(\.currency) == ["CAD", nil])
    }

    @Test("quirk: lookup fields are a string or {_id, name, label}, and read the same")
    func lookupFields() throws {
        let (records, result) = try readResponse("quirk-lookup-fields.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let loads = invoices(records).compactMap { $0.chargeSets.first?.load }
        #expect(loads.map(\.containerSize) == ["20'", "45' High Cube"], "label first")
        #expect(loads.map(\.containerType) == ["ST", "RF"], "name when there is no label")
        #expect(loads.map(\.terminal) == ["ITS LONG BEACH", "TTI"], "a location object's company_name")
        #expect(loads.map(\.containerNo) == ["MSCU1234566", "OOLU1187341"])
        let (customerRecords, _) = try readResponse("customer-list-page.json")
        let alameda = try #require(customers(customerRecords).last)
        #expect(alameda.state == "California" && alameda.country == "USA")
    }

    @Test("quirk: one invoice number over several loads in one envelope is one whole invoice")
    func severalLoadsOneEnvelope() throws {
        let (records, result) = try readResponse("invoice-response-RSRE_000284.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(result.shape == .invoiceResponse)
        #expect(records.count == 1)
        #expect(records.first?.extent == .whole, "the single-invoice endpoint holds every charge set")
        let invoice = try #require(invoices(records).first)
        #expect(invoice.chargeSets.map(\.loadReferenceNumber) == ["RSRUSH_E100718", "RSRUSH_E100725"])
        #expect(invoice.isCombined)
        #expect(invoice.totalAmount == Decimal(string: "1265.00"))
        #expect(invoice.chargeSets[0].load?.containerNo == "MSCU1234566", "the envelope's load")
        #expect(invoice.chargeSets[1].load == nil, "another load's charge set gets no details from it")
    }

    @Test("quirk: one invoice number over several envelopes of a page is combined into one invoice")
    func severalEnvelopes() throws {
        let (records, result) = try readResponse("quirk-combined-envelopes.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        #expect(result.counts == [.invoice: 1])
        #expect(records.count == 2 && records.allSatisfy { $0.extent == .part })
        let invoice = try #require(combined(records).first)
        #expect(combined(records).count == 1)
        #expect(invoice.chargeSets.map(\.loadReferenceNumber) == ["RSRUSH_E100718", "RSRUSH_E100725"])
        #expect(invoice.chargeSets.map { $0.load?.containerNo } == ["MSCU1234566", "MAEU7890120"])
        #expect(invoice.totalAmount == Decimal(string: "1265.00"))
    }

    @Test("an envelope holding a main bill and a sub-bill of one load gives both invoices")
    func envelopeWithTwoNumbers() throws {
        let (records, result) = try readResponse("quirk-envelope-two-invoices.json")
        #expect(result.isValid, "\(result.diagnostics.kept)")
        let read = invoices(records)
        #expect(read.map(\.referenceNumber) == ["RSRE_000310", "RSRE_000310-1"])
        #expect(read.map(\.status) == [.fullPaid, .billing])
        #expect(read.allSatisfy { $0.chargeSets.first?.load?.containerNo == "MSCU1234566" })
    }

    @Test("customers: a list page and a single response; PortPro's proxy email is never read")
    func customerResponses() throws {
        let (page, pageResult) = try readResponse("customer-list-page.json")
        #expect(pageResult.isValid, "\(pageResult.diagnostics.kept)")
        #expect(pageResult.shape == .customerListPage)
        let (single, singleResult) = try readResponse("customer-response.json")
        #expect(singleResult.isValid, "\(singleResult.diagnostics.kept)")
        #expect(singleResult.shape == .customerResponse)
        #expect(customers(single) == Array(customers(page).prefix(1)))
        let alameda = try #require(customers(page).last)
        #expect(alameda.billingEmail == "ap@alamedacorridorfwd.com, tom@alamedacorridorfwd.com")
        #expect(alameda.quickbooksEmail == nil)
        #expect(alameda.defaultPaymentTerms?.days == 15, "days as a string")
        for customer in customers(page) {
            #expect(![customer.quickbooksEmail, customer.billingEmail].contains { $0?.contains("proxy") == true })
        }
    }

    @Test("an empty list page is valid and holds nothing")
    func emptyPage() throws {
        let (records, result) = try readResponse("invoice-list-page-empty.json")
        #expect(result.isValid)
        #expect(records.isEmpty)
    }

    /// fixtures/portpro-api/invalid/MANIFEST.tsv: each file's first diagnostic, code and line.
    @Test("each invalid response gives its diagnostic with file:line:col and code")
    func invalidResponses() throws {
        let manifest = try String(
            contentsOfFile: Package.path("fixtures/portpro-api/invalid/MANIFEST.tsv"), encoding: .utf8)
        let rows = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count >= 10)
        for row in rows {
            let (name, code, line) = (row[0], row[1], Int(row[2]) ?? -1)
            let (records, result) = try readResponse("invalid/\(name)")
            #expect(!result.isValid, "\(name) read as valid")
            let first = try #require(result.diagnostics.kept.first, "\(name)")
            #expect(first.code.rawValue == code, "\(name): \(first)")
            #expect(first.line == line, "\(name): \(first)")
            #expect(first.column > 0, "\(name): \(first)")
            #expect(first.description.hasPrefix("fixtures/portpro-api/invalid/\(name):\(line):"))
            _ = records
        }
    }

    @Test("the same limits: an over-long value and deep nesting in a response are refused where they occur")
    func limits() throws {
        let long = String(repeating: "x", count: ReaderLimits.maximumValueBytes + 10)
        let (_, tooLong) = try readJSONText("{\"count\":1,\"data\":[{\"company_name\":\"\(long)\"}]}")
        #expect(tooLong.diagnostics.kept.first?.code == .limitExceeded)
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let (_, tooDeep) = try readJSONText("{\"data\":{\"invoice\":\(deep)}}")
        #expect(tooDeep.diagnostics.kept.first?.code == .limitExceeded)
    }

    @Test("one invoice number over more than 1,000 charge sets in a file stops the read with limit-exceeded")
    func tooManyChargeSets() throws {
        let envelope = { (load: Int) in
            #"{"reference_number":"L\#(load)","invoice":[{"reference_number":"RSRE_1","#
                + #""load_reference_number":"L\#(load)","#
                + #""totalAmount":1,"billingDate":"2026-01-01","caller":{"_id":"c1","company_name":"A"},"#
                + #""pricing":[{"name":"X","finalAmount":"1.00"}]}]}"#
        }
        let limit = ReaderLimits.maximumChargeSetsPerInvoice
        let page = { (count: Int) in #"{"data":["# + (0..<count).map(envelope).joined(separator: ",\n") + "]}" }
        let (atLimit, fine) = try readJSONText(page(limit))
        #expect(fine.isValid && fine.counts == [.invoice: 1] && atLimit.count == limit)
        let (_, over) = try readJSONText(page(limit + 1))
        let first = try #require(over.diagnostics.kept.first)
        #expect(first.code == .limitExceeded && first.line == limit + 1, "\(first)")
    }

    @Test("a document that is neither shape, or both, is not an export")
    func neitherShape() throws {
        let (_, neither) = try readJSONText("{\"count\": 3, \"items\": []}")
        #expect(neither.diagnostics.kept.map(\.code) == [.notAnExport])
        #expect(neither.diagnostics.kept.first?.message.contains("nor a PortPro API response") == true)
        let (_, nullData) = try readJSONText("{\"data\": null, \"error\": null}")
        #expect(nullData.diagnostics.kept.map(\.code) == [.notAnExport])
        let (_, wrongData) = try readJSONText("{\"data\": \"x\"}")
        #expect(wrongData.diagnostics.kept.map(\.code) == [.wrongType])
    }
}
