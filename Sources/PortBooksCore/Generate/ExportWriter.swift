import Foundation

/// Writes export documents in either format, one record at a time (docs/FORMAT.md).
///
/// Used by `portbooks generate` and by tests that round-trip the model. Amounts are written
/// as PortPro does: `finalAmount` and record totals as strings with two decimals, `amount`
/// and rates as JSON numbers.
public struct ExportWriter {
    public let format: ExportFormat
    private let output: BufferedOutput
    private var openArray: RecordKind?
    private var arraysWritten = 0
    private var itemsInArray = 0

    public init(format: ExportFormat, output: BufferedOutput) {
        self.format = format
        self.output = output
    }

    public mutating func begin(exportedAt: String) throws {
        switch format {
        case .json:
            try output.write("{\n  \"formatVersion\": \"1.0\",\n  \"exportedAt\": \(JSONText.quote(exportedAt))")
        case .xml:
            try output.write(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<portproExport xmlns=\"urn:portbooks:portpro-export:1\" formatVersion=\"1.0\" exportedAt=\"\(XMLText.escape(exportedAt))\">\n"
            )
        }
    }

    /// Writes a record; records of one kind must come together, kinds in FORMAT.md order.
    public mutating func write(_ record: ExportRecord) throws {
        if openArray != record.kind {
            try closeArray()
            openArray = record.kind
            itemsInArray = 0
            switch format {
            case .json: try output.write(",\n  \"\(record.kind.arrayName)\": [\n")
            case .xml: try output.write("  <\(record.kind.arrayName)>\n")
            }
        }
        switch format {
        case .json:
            if itemsInArray > 0 { try output.write(",\n") }
            try output.write("    " + JSONText.object(Self.fields(of: record)))
        case .xml:
            try output.write(
                XMLText.element(record.kind.itemElementName, Self.fields(of: record), indent: "    ") + "\n")
        }
        itemsInArray += 1
    }

    public mutating func end() throws {
        try closeArray()
        switch format {
        case .json: try output.write("\n}\n")
        case .xml: try output.write("</portproExport>\n")
        }
    }

    private mutating func closeArray() throws {
        guard let kind = openArray else { return }
        switch format {
        case .json: try output.write("\n  ]")
        case .xml: try output.write("  </\(kind.arrayName)>\n")
        }
        openArray = nil
    }

    // MARK: Field lists, in FORMAT.md order

    /// A value in a record's field list.
    enum Value {
        case text(String)
        /// Written as a JSON string (`"300.00"`).
        case amountString(Decimal)
        /// Written as a JSON number.
        case number(Decimal)
        case integer(Int)
        case object([(String, Value)])
        /// Items with the XML item element name.
        case array(String, [[(String, Value)]])
    }

    static func fields(of record: ExportRecord) -> [(String, Value)] {
        switch record {
        case .customer(let customer): return fields(customer)
        case .invoice(let invoice): return fields(invoice)
        case .payment(let payment): return fields(payment)
        case .creditMemo(let memo): return fields(memo)
        }
    }

    private static func add(_ list: inout [(String, Value)], _ name: String, _ text: String?) {
        if let text { list.append((name, .text(text))) }
    }

    private static func ref(_ caller: CustomerRef) -> Value {
        var list: [(String, Value)] = [("_id", .text(caller.id)), ("company_name", .text(caller.companyName))]
        add(&list, "currency", caller.currency)
        return .object(list)
    }

    static func fields(_ customer: Customer) -> [(String, Value)] {
        var list: [(String, Value)] = [("_id", .text(customer.id)), ("company_name", .text(customer.companyName))]
        add(&list, "quickbooksEmail", customer.quickbooksEmail)
        add(&list, "billingEmail", customer.billingEmail)
        add(&list, "main_contact_name", customer.mainContactName)
        add(&list, "mobile", customer.mobile)
        add(&list, "address1", customer.address1)
        add(&list, "city", customer.city)
        add(&list, "state", customer.state)
        add(&list, "country", customer.country)
        add(&list, "zip_code", customer.zipCode)
        add(&list, "currency", customer.currency)
        if let terms = customer.defaultPaymentTerms {
            var inner: [(String, Value)] = []
            add(&inner, "paymentTermsMethod", terms.paymentTermsMethod)
            if let days = terms.days { inner.append(("days", .integer(days))) }
            list.append(("defaultPaymentTerms", .object(inner)))
        }
        add(&list, "externalSystemID", customer.externalSystemID)
        return list
    }

    static func fields(_ invoice: Invoice) -> [(String, Value)] {
        var list: [(String, Value)] = [
            ("_id", .text(invoice.id)), ("reference_number", .text(invoice.referenceNumber)),
            ("caller", ref(invoice.caller)), ("billingDate", .text(invoice.billingDate.description)),
        ]
        add(&list, "invoiceDueDate", invoice.invoiceDueDate?.description)
        if let terms = invoice.paymentTerms { list.append(("payment_terms", .integer(terms))) }
        add(&list, "status", invoice.status?.rawValue)
        add(&list, "currency", invoice.currency)
        list.append(("totalAmount", .amountString(invoice.totalAmount)))
        add(&list, "notes", invoice.notes)
        add(&list, "createdAt", invoice.createdAt)
        add(&list, "updatedAt", invoice.updatedAt)
        list.append(("chargeSets", .array("chargeSet", invoice.chargeSets.map(fields))))
        return list
    }

    static func fields(_ chargeSet: ChargeSet) -> [(String, Value)] {
        var list: [(String, Value)] = []
        add(&list, "_id", chargeSet.id)
        add(&list, "charge_set_number", chargeSet.chargeSetNumber)
        list.append(("billType", .text(chargeSet.billType.rawValue)))
        list.append(("load_reference_number", .text(chargeSet.loadReferenceNumber)))
        list.append(("totalAmount", .amountString(chargeSet.totalAmount)))
        if let load = chargeSet.load { list.append(("load", .object(fields(load)))) }
        list.append(("pricing", .array("charge", chargeSet.pricing.map(fields))))
        return list
    }

    static func fields(_ load: Load) -> [(String, Value)] {
        var list: [(String, Value)] = []
        add(&list, "type_of_load", load.typeOfLoad)
        add(&list, "containerNo", load.containerNo)
        add(&list, "containerSize", load.containerSize)
        add(&list, "containerType", load.containerType)
        add(&list, "chassisNo", load.chassisNo)
        add(&list, "sealNo", load.sealNo)
        add(&list, "bookingNo", load.bookingNo)
        add(&list, "callerbillLandingNo", load.callerbillLandingNo)
        add(&list, "doNo", load.doNo)
        add(&list, "purchaseOrderNo", load.purchaseOrderNo)
        add(&list, "callerPONo", load.callerPONo)
        add(&list, "shipmentNo", load.shipmentNo)
        add(&list, "secondaryReferenceNo", load.secondaryReferenceNo)
        add(&list, "shipperName", load.shipperName)
        add(&list, "consigneeName", load.consigneeName)
        add(&list, "terminal", load.terminal)
        add(&list, "pickupDate", load.pickupDate?.description)
        add(&list, "deliveryDate", load.deliveryDate?.description)
        return list
    }

    static func fields(_ charge: Charge) -> [(String, Value)] {
        var list: [(String, Value)] = []
        add(&list, "_id", charge.id)
        list.append(("name", .text(charge.name)))
        add(&list, "chargeType", charge.chargeType)
        add(&list, "description", charge.description)
        if let unit = charge.unit { list.append(("unit", .number(unit))) }
        add(&list, "perType", charge.perType?.rawValue)
        if let rate = charge.chargePerUnit { list.append(("chargePerUnit", .number(rate))) }
        if let free = charge.freeUnits { list.append(("freeUnits", .number(free))) }
        if let amount = charge.amount { list.append(("amount", .number(amount))) }
        list.append(("finalAmount", .amountString(charge.finalAmount)))
        add(&list, "glCode", charge.glCode)
        return list
    }

    static func fields(_ payment: Payment) -> [(String, Value)] {
        var list: [(String, Value)] = [
            ("_id", .text(payment.id)), ("caller", ref(payment.caller)),
            ("paymentDate", .text(payment.paymentDate.description)), ("amount", .amountString(payment.amount)),
        ]
        add(&list, "paymentMethod", payment.paymentMethod?.rawValue)
        add(&list, "referenceNo", payment.referenceNo)
        add(&list, "notes", payment.notes)
        let applications = payment.invoices.map { application -> [(String, Value)] in
            var item: [(String, Value)] = []
            add(&item, "invoiceId", application.invoiceID)
            item.append(("reference_number", .text(application.referenceNumber)))
            item.append(("amount", .amountString(application.amount)))
            return item
        }
        list.append(("invoices", .array("invoice", applications)))
        return list
    }

    static func fields(_ memo: CreditMemo) -> [(String, Value)] {
        var list: [(String, Value)] = [
            ("_id", .text(memo.id)), ("credit_memo_number", .text(memo.creditMemoNumber)),
            ("caller", ref(memo.caller)), ("creditDate", .text(memo.creditDate.description)),
        ]
        add(&list, "invoiceId", memo.invoiceID)
        add(&list, "invoice_reference_number", memo.invoiceReferenceNumber)
        add(&list, "status", memo.status?.rawValue)
        add(&list, "note", memo.note)
        list.append(("totalAmount", .amountString(memo.totalAmount)))
        let lines = memo.lines.map { line -> [(String, Value)] in
            var item: [(String, Value)] = [("name", .text(line.name))]
            add(&item, "description", line.description)
            item.append(("amount", .amountString(line.amount)))
            return item
        }
        list.append(("lines", .array("line", lines)))
        return list
    }
}

/// JSON text for the writer: compact objects, escaped strings.
enum JSONText {
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func object(_ fields: [(String, ExportWriter.Value)]) -> String {
        "{" + fields.map { "\(quote($0.0)): \(value($0.1))" }.joined(separator: ", ") + "}"
    }

    static func value(_ value: ExportWriter.Value) -> String {
        switch value {
        case .text(let text): return quote(text)
        case .amountString(let amount): return quote(Money.format(amount))
        case .number(let number): return "\(number)"
        case .integer(let integer): return String(integer)
        case .object(let fields): return object(fields)
        case .array(_, let items): return "[" + items.map(object).joined(separator: ", ") + "]"
        }
    }
}

/// XML text for the writer: escaped, one element per field, in field order.
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    static func element(_ name: String, _ fields: [(String, ExportWriter.Value)], indent: String) -> String {
        "\(indent)<\(name)>" + fields.map { field($0.0, $0.1) }.joined() + "</\(name)>"
    }

    static func field(_ name: String, _ value: ExportWriter.Value) -> String {
        switch value {
        case .text(let text): return "<\(name)>\(escape(text))</\(name)>"
        case .amountString(let amount): return "<\(name)>\(Money.format(amount))</\(name)>"
        case .number(let number): return "<\(name)>\(number)</\(name)>"
        case .integer(let integer): return "<\(name)>\(integer)</\(name)>"
        case .object(let fields): return "<\(name)>" + fields.map { field($0.0, $0.1) }.joined() + "</\(name)>"
        case .array(let item, let items):
            return "<\(name)>" + items.map { element(item, $0, indent: "") }.joined() + "</\(name)>"
        }
    }
}
