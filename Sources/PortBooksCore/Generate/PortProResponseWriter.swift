import Foundation

/// Writes PortPro API list pages from the model, one record at a time, in the wire shape PortPro
/// returns (docs/FORMAT.md "PortPro API responses"): `portbooks generate --format portpro-api`.
///
/// An invoice page is `{"data":[envelope…],"count":N}` with one envelope per load, so an invoice
/// whose charge sets come from several loads spans several envelopes, as on PortPro's wire.
/// Every quirk of the observed shape is written: `finalAmount` a string and `amount` a number;
/// `totalAmount`, `paidAmount` and `remainAmount` per charge set; the light `caller` (with a blank
/// `currency` on every fifth envelope); lookup fields as a string on one envelope and
/// `{_id, name, label}` on the next; days as midnight UTC timestamps. `count` comes last (it is
/// only known at the end of a stream); readers take the fields in any order.
public struct PortProResponseWriter {
    private let output: BufferedOutput
    private var items = 0

    public init(output: BufferedOutput) {
        self.output = output
    }

    public mutating func begin() throws {
        try output.write("{\n  \"data\": [\n")
    }

    /// Writes the envelopes of `invoice`: one per load, each with that load's charge sets.
    public mutating func write(_ invoice: Invoice) throws {
        var loads: [String] = []
        var sets: [String: [ChargeSet]] = [:]
        for set in invoice.chargeSets {
            if sets[set.loadReferenceNumber] == nil { loads.append(set.loadReferenceNumber) }
            sets[set.loadReferenceNumber, default: []].append(set)
        }
        for load in loads {
            try item(envelope(invoice, load: load, sets: sets[load] ?? []))
        }
    }

    /// Writes a customer as `GET /v1/customer` returns it (with PortPro's proxy `email`, which
    /// readers must not take for the customer's address).
    public mutating func write(_ customer: Customer) throws {
        var list = ExportWriter.fields(customer)
        let proxy = "\(customer.id)@customers.portpro.example"
        list.insert(("email", .text(proxy)), at: 2)
        if items % 3 == 2, let index = list.firstIndex(where: { $0.0 == "currency" }) {
            list[index].1 = .text("")
        }
        try item(list)
    }

    public mutating func end() throws {
        try output.write("\n  ],\n  \"count\": \(items)\n}\n")
    }

    private mutating func item(_ fields: [(String, ExportWriter.Value)]) throws {
        if items > 0 { try output.write(",\n") }
        try output.write("    " + JSONText.object(fields))
        items += 1
    }

    // MARK: Wire shape

    private func envelope(_ invoice: Invoice, load: String, sets: [ChargeSet]) -> [(String, ExportWriter.Value)] {
        var list: [(String, ExportWriter.Value)] = [
            ("_id", .text(String(format: "6a%022x", items + 1))), ("reference_number", .text(load)),
        ]
        if let details = sets.first(where: { $0.load != nil })?.load { list += loadFields(details) }
        if let terms = invoice.paymentTerms {
            list.append(("payment_terms", .integer(terms)))
            list.append(("payment_terms_method", .text("Net Days")))
        }
        if let due = invoice.invoiceDueDate { list.append(("invoiceDueDate", .text(Self.timestamp(due)))) }
        let stamp = invoice.createdAt ?? Self.timestamp(invoice.billingDate)
        list.append(("createdAt", .text(stamp)))
        list.append(("updatedAt", .text(invoice.updatedAt ?? stamp)))
        list.append(("invoice", .array("chargeSet", sets.map { chargeSet($0, of: invoice) })))
        return list
    }

    private func loadFields(_ load: Load) -> [(String, ExportWriter.Value)] {
        var list: [(String, ExportWriter.Value)] = []
        let asObjects = items % 2 == 1
        func lookup(_ name: String, _ value: String?) {
            guard let value else { return }
            guard asObjects else {
                list.append((name, .text(value)))
                return
            }
            let id = "5f" + SHA256Digest.hexDigest(value).prefix(22)
            list.append((name, .object([("_id", .text(id)), ("name", .text(value)), ("label", .text(value))])))
        }
        func text(_ name: String, _ value: String?) {
            if let value { list.append((name, .text(value))) }
        }
        text("type_of_load", load.typeOfLoad)
        text("containerNo", load.containerNo)
        lookup("containerSize", load.containerSize)
        lookup("containerType", load.containerType)
        text("chassisNo", load.chassisNo)
        text("sealNo", load.sealNo)
        text("bookingNo", load.bookingNo)
        text("callerbillLandingNo", load.callerbillLandingNo)
        text("doNo", load.doNo)
        text("purchaseOrderNo", load.purchaseOrderNo)
        text("callerPONo", load.callerPONo)
        text("shipmentNo", load.shipmentNo)
        text("secondaryReferenceNo", load.secondaryReferenceNo)
        text("shipperName", load.shipperName)
        text("consigneeName", load.consigneeName)
        lookup("terminal", load.terminal)
        if let day = load.pickupDate {
            list.append(("pickupTimes", .array("time", [[("pickupFromTime", .text(Self.timestamp(day)))]])))
        }
        if let day = load.deliveryDate {
            list.append(("deliveryTimes", .array("time", [[("deliveryFromTime", .text(Self.timestamp(day)))]])))
        }
        return list
    }

    private func chargeSet(_ set: ChargeSet, of invoice: Invoice) -> [(String, ExportWriter.Value)] {
        var caller: [(String, ExportWriter.Value)] = [
            ("_id", .text(invoice.caller.id)), ("company_name", .text(invoice.caller.companyName)),
            ("currency", .text(items % 5 == 4 ? "" : invoice.caller.currency ?? "")),
        ]
        caller.append(("externalSystemID", .text("")))
        var list: [(String, ExportWriter.Value)] = [
            ("reference_number", .text(invoice.referenceNumber)),
            ("load_reference_number", .text(set.loadReferenceNumber)),
        ]
        if let status = invoice.status { list.append(("status", .text(status.rawValue))) }
        let paid = set.paidAmount ?? (invoice.status == .fullPaid ? set.totalAmount : 0)
        list.append(("totalAmount", .number(set.totalAmount)))
        list.append(("paidAmount", .number(paid)))
        list.append(("remainAmount", .number(set.remainAmount ?? set.totalAmount - paid)))
        list.append(("billingDate", .text(Self.timestamp(invoice.billingDate))))
        list.append(("caller", .object(caller)))
        list.append(("callerName", .text(invoice.caller.companyName)))
        if let id = set.id { list.append(("_id", .text(id))) }
        if let number = set.chargeSetNumber { list.append(("charge_set_number", .text(number))) }
        if set.billType != .main { list.append(("billType", .text(set.billType.rawValue))) }
        if let notes = invoice.notes { list.append(("notes", .text(notes))) }
        list.append(("pricing", .array("charge", set.pricing.map(Self.charge))))
        return list
    }

    private static func charge(_ charge: Charge) -> [(String, ExportWriter.Value)] {
        var list: [(String, ExportWriter.Value)] = [("name", .text(charge.name))]
        if let type = charge.chargeType { list.append(("chargeType", .text(type))) }
        if let description = charge.description { list.append(("description", .text(description))) }
        if let unit = charge.unit { list.append(("unit", .number(unit))) }
        if let perType = charge.perType { list.append(("perType", .text(perType.rawValue))) }
        if let rate = charge.chargePerUnit { list.append(("chargePerUnit", .number(rate))) }
        if let free = charge.freeUnits { list.append(("freeDays", .number(free))) }
        list.append(("amount", .number(charge.amount ?? charge.finalAmount)))
        list.append(("finalAmount", .amountString(charge.finalAmount)))
        if let code = charge.glCode { list.append(("glCode", .text(code))) }
        return list
    }

    /// A day as PortPro writes it: midnight UTC.
    static func timestamp(_ day: LocalDate) -> String {
        "\(day.description)T00:00:00Z"
    }
}
