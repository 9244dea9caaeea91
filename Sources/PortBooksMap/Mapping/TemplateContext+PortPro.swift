import Foundation
import PortBooksCore

/// Template contexts built from PortPro records, with the variable names of docs/MAPPING.md.
extension TemplateContext {
    /// `invoice.*` and `customer.*`, plus `load.*` holding the load values every charge set shares
    /// (on a combined invoice with different containers, `load.container` is absent).
    public static func invoice(_ invoice: Invoice) -> TemplateContext {
        var context = TemplateContext()
        context.set(.invoice, "id", invoice.id)
        context.set(.invoice, "number", invoice.referenceNumber)
        context.set(.invoice, "date", invoice.billingDate.description)
        context.set(.invoice, "due_date", invoice.invoiceDueDate?.description)
        context.set(.invoice, "terms_days", invoice.paymentTerms.map(String.init))
        context.set(.invoice, "status", invoice.status?.rawValue)
        context.set(.invoice, "total", Money.format(invoice.totalAmount))
        context.set(.invoice, "currency", invoice.currency ?? invoice.caller.currency)
        context.set(.invoice, "notes", invoice.notes)
        let references = unique(invoice.chargeSets.map(\.loadReferenceNumber))
        context.set(.invoice, "load_count", String(references.count))
        context.set(.invoice, "load_references", references.joined(separator: ", "))
        context.set(
            .invoice, "containers",
            unique(invoice.chargeSets.compactMap { $0.load?.containerNo }).joined(separator: ", "))
        context.set(.invoice, "charge_set_count", String(invoice.chargeSets.count))
        context.set(.invoice, "is_combined", flag: invoice.isCombined)
        context.set(.customer, "id", invoice.caller.id)
        context.set(.customer, "name", invoice.caller.companyName)
        context.set(.customer, "currency", invoice.caller.currency)
        let loads = invoice.chargeSets.map { chargeSet in TemplateContext.load(chargeSet) }
        if let first = loads.first {
            for (name, value) in first.objects[.load] ?? [:]
            where loads.allSatisfy({ $0.objects[.load]?[name] == value }) {
                if case .text(let text) = value { context.set(.load, name, text) }
            }
        }
        return context
    }

    /// `charge_set.*` and `load.*` of one charge set; `index` is 1-based, `count` the invoice's total.
    public static func chargeSet(_ chargeSet: ChargeSet, index: Int, count: Int) -> TemplateContext {
        var context = load(chargeSet)
        context.set(.chargeSet, "id", chargeSet.id)
        context.set(.chargeSet, "number", chargeSet.chargeSetNumber)
        context.set(.chargeSet, "index", String(index))
        context.set(.chargeSet, "count", String(count))
        context.set(.chargeSet, "bill_type", chargeSet.billType.rawValue)
        context.set(.chargeSet, "is_sub_bill", flag: chargeSet.billType == .subBill)
        context.set(.chargeSet, "total", Money.format(chargeSet.totalAmount))
        context.set(.chargeSet, "load_reference", chargeSet.loadReferenceNumber)
        return context
    }

    /// `load.*` of one charge set (`load.reference` is its `load_reference_number`).
    static func load(_ chargeSet: ChargeSet) -> TemplateContext {
        var context = TemplateContext()
        context.set(.load, "reference", chargeSet.loadReferenceNumber)
        guard let load = chargeSet.load else { return context }
        context.set(.load, "type", load.typeOfLoad)
        context.set(.load, "container", load.containerNo)
        context.set(.load, "container_size", load.containerSize)
        context.set(.load, "container_type", load.containerType)
        context.set(.load, "chassis", load.chassisNo)
        context.set(.load, "seal", load.sealNo)
        context.set(.load, "booking", load.bookingNo)
        context.set(.load, "mbl", load.callerbillLandingNo)
        context.set(.load, "hbl", load.doNo)
        context.set(.load, "po", load.purchaseOrderNo)
        context.set(.load, "pickup_no", load.callerPONo)
        context.set(.load, "shipment", load.shipmentNo)
        context.set(.load, "reference_no", load.secondaryReferenceNo)
        context.set(.load, "shipper", load.shipperName)
        context.set(.load, "consignee", load.consigneeName)
        context.set(.load, "terminal", load.terminal)
        context.set(.load, "pickup_date", load.pickupDate?.description)
        context.set(.load, "delivery_date", load.deliveryDate?.description)
        return context
    }

    /// `charge.*` of one charge; `index` is 1-based within its charge set.
    public static func charge(_ charge: Charge, index: Int) -> TemplateContext {
        var context = TemplateContext()
        context.set(.charge, "index", String(index))
        context.set(.charge, "name", charge.name)
        context.set(.charge, "description", charge.description)
        context.set(.charge, "charge_type", charge.chargeType)
        context.set(.charge, "quantity", charge.unit.map { plain($0) })
        context.set(.charge, "rate", charge.chargePerUnit.map { plain($0) })
        context.set(.charge, "amount", Money.format(charge.finalAmount))
        context.set(.charge, "per_type", charge.perType?.rawValue)
        context.set(.charge, "free_units", charge.freeUnits.map { plain($0) })
        context.set(.charge, "gl_code", charge.glCode)
        return context
    }

    /// `credit_memo.*` and `customer.*`.
    public static func creditMemo(_ memo: CreditMemo) -> TemplateContext {
        var context = TemplateContext()
        context.set(.creditMemo, "id", memo.id)
        context.set(.creditMemo, "number", memo.creditMemoNumber)
        context.set(.creditMemo, "date", memo.creditDate.description)
        context.set(.creditMemo, "status", memo.status?.rawValue)
        context.set(.creditMemo, "invoice_number", memo.invoiceReferenceNumber)
        context.set(.creditMemo, "note", memo.note)
        context.set(.creditMemo, "total", Money.format(memo.totalAmount))
        context.set(.customer, "id", memo.caller.id)
        context.set(.customer, "name", memo.caller.companyName)
        context.set(.customer, "currency", memo.caller.currency)
        return context
    }

    /// `credit_line.*` of one credit memo line; `index` is 1-based.
    public static func creditLine(_ line: CreditMemo.Line, index: Int) -> TemplateContext {
        var context = TemplateContext()
        context.set(.creditLine, "index", String(index))
        context.set(.creditLine, "name", line.name)
        context.set(.creditLine, "description", line.description)
        context.set(.creditLine, "amount", Money.format(line.amount))
        return context
    }

    /// A quantity or rate as written, without trailing zeros (`2.75`, `85`): `Money.plainText`,
    /// which writes what NSDecimalNumber's description does, several times faster (a push
    /// writes one to three of these for every charge).
    static func plain(_ value: Decimal) -> String {
        Money.plainText(value)
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
