import Foundation
import PortBooksCore

/// Turns one record's ``SourceNode`` into the model, checking every rule of docs/FORMAT.md
/// that a single record can break (required fields, types, patterns, lists).
///
/// The same decoder serves JSON and XML, so both formats decode to equal models. It keeps
/// going after a problem so that one run reports every broken field of a record.
public struct RecordDecoder: Sendable {
    public let file: String
    public let syntax: SourceSyntax

    public init(file: String, syntax: SourceSyntax) {
        self.file = file
        self.syntax = syntax
    }

    /// Decodes `node` as a record of `kind`; problems go to `diagnostics`, and the result is
    /// `nil` when there was any.
    public func decode(
        _ node: SourceNode, as kind: RecordKind, index: Int, into diagnostics: inout DiagnosticCollector
    ) -> ExportRecord? {
        let context = DecodeContext(file: file, syntax: syntax)
        let path = FieldPath(kind.arrayName, index: index)
        let record: ExportRecord?
        switch kind {
        case .customer: record = context.customer(node, path: path).map(ExportRecord.customer)
        case .invoice: record = context.invoice(node, path: path).map(ExportRecord.invoice)
        case .payment: record = context.payment(node, path: path).map(ExportRecord.payment)
        case .creditMemo: record = context.creditMemo(node, path: path).map(ExportRecord.creditMemo)
        }
        for diagnostic in context.diagnostics { diagnostics.append(diagnostic) }
        return context.diagnostics.contains(where: { $0.severity == .error }) ? nil : record
    }

    /// What can be said of a record that did not decode: its `_id` when that is a valid id,
    /// and its number (or a customer's name) when readable. Problems found here are not reported.
    public func probe(_ node: SourceNode, as kind: RecordKind) -> (id: String?, number: String?) {
        let context = DecodeContext(file: file, syntax: syntax)
        guard case .object = node.value, let scope = context.scope(node, path: FieldPath(kind.arrayName)) else {
            return (nil, nil)
        }
        let id = scope.id("_id")
        let idUsable = id != nil && context.diagnostics.isEmpty
        let field =
            switch kind {
            case .customer: "company_name"
            case .invoice: "reference_number"
            case .payment: "referenceNo"
            case .creditMemo: "credit_memo_number"
            }
        let before = context.diagnostics.count
        let number = scope.text(field, maxLength: 500)
        return (idUsable ? id : nil, context.diagnostics.count == before ? number : nil)
    }
}

/// The mutable state of decoding one record.
final class DecodeContext {
    let file: String
    let syntax: SourceSyntax
    var diagnostics: [Diagnostic] = []

    init(file: String, syntax: SourceSyntax) {
        self.file = file
        self.syntax = syntax
    }

    func report(_ code: DiagnosticCode, _ message: String, at position: SourcePosition) {
        diagnostics.append(
            Diagnostic(file: file, line: position.line, column: position.column, code: code, message: message))
    }

    /// A value of an informational field that was left out or changed: said, never blocking.
    func warn(_ message: String, at position: SourcePosition) {
        diagnostics.append(
            Diagnostic(
                file: file, line: position.line, column: position.column, severity: .warning,
                code: .informationalValue, message: message))
    }

    /// An object's fields, or `nil` (reported) when the node is not an object.
    func scope(_ node: SourceNode, path: FieldPath) -> ObjectScope? {
        switch node.value {
        case .object(let fields):
            return ObjectScope(context: self, node: node, path: path, fields: fields)
        case .text(let text) where syntax == .xml && text.isASCIIWhitespace:
            return ObjectScope(context: self, node: node, path: path, fields: [])
        default:
            report(.wrongType, "\(path) must be an object, found \(node.typeName)", at: node.position)
            return nil
        }
    }

    // MARK: Records

    /// A customer; `lookups`: `state` and `country` may be PortPro API lookups (a string, or
    /// `{_id, name, label}`).
    func customer(_ node: SourceNode, path: FieldPath, lookups: Bool = false) -> Customer? {
        guard let scope = scope(node, path: path) else { return nil }
        let id = scope.id("_id")
        // A name of only spaces (or an empty one) is read as empty: the customer mapper makes it
        // the customer's problem (invalid-display-name), not the file's. A missing name is an error.
        let name =
            scope.optionalNode("company_name") == nil
            ? scope.text("company_name", required: true)
            : scope.text("company_name", maxLength: 500, multiline: true) ?? ""
        var terms: Customer.PaymentTerms?
        if let termsNode = scope.optionalNode("defaultPaymentTerms"),
            let termsScope = self.scope(termsNode, path: path.child("defaultPaymentTerms"))
        {
            terms = Customer.PaymentTerms(
                paymentTermsMethod: termsScope.text("paymentTermsMethod"), days: termsScope.count("days"))
        }
        let customer = Customer(
            id: id ?? "", companyName: name ?? "", quickbooksEmail: scope.text("quickbooksEmail"),
            billingEmail: scope.text("billingEmail"), mainContactName: scope.text("main_contact_name"),
            mobile: scope.text("mobile"), address1: scope.text("address1", multiline: true), city: scope.text("city"),
            state: lookups ? scope.lookup("state") : scope.text("state"),
            country: lookups ? scope.lookup("country") : scope.text("country"), zipCode: scope.text("zip_code"),
            currency: scope.currency("currency"), defaultPaymentTerms: terms,
            externalSystemID: scope.text("externalSystemID"))
        return customer
    }

    func customerRef(_ scope: ObjectScope, field: String) -> CustomerRef? {
        guard let node = scope.requiredNode(field), let ref = self.scope(node, path: scope.fieldPath.child(field))
        else { return nil }
        let id = ref.id("_id")
        let name = ref.text("company_name", required: true, maxLength: 500, multiline: true)
        guard let id, let name else { return nil }
        return CustomerRef(id: id, companyName: name, currency: ref.currency("currency"))
    }

    func invoice(_ node: SourceNode, path: FieldPath) -> Invoice? {
        guard let scope = scope(node, path: path) else { return nil }
        let id = scope.id("_id")
        let number = scope.text("reference_number", required: true)
        let caller = customerRef(scope, field: "caller")
        let billingDate = scope.day("billingDate", required: true)
        let total = scope.amount("totalAmount", required: true)
        var chargeSets: [ChargeSet] = []
        for (index, setNode) in scope.array("chargeSets", required: true).enumerated() {
            if let chargeSet = self.chargeSet(setNode, path: path.child("chargeSets", index: index)) {
                chargeSets.append(chargeSet)
            }
        }
        // Every field is read before deciding, so that one pass reports all of a record's problems.
        let dueDate = scope.day("invoiceDueDate")
        let terms = scope.count("payment_terms")
        let status = scope.choice("status", Invoice.Status.spellings)
        let currency = scope.currency("currency")
        let notes = scope.text("notes", multiline: true)
        let createdAt = scope.timestamp("createdAt")
        let updatedAt = scope.timestamp("updatedAt")
        guard let id, let number, let caller, let billingDate, let total else { return nil }
        return Invoice(
            id: id, referenceNumber: number, caller: caller, billingDate: billingDate, invoiceDueDate: dueDate,
            paymentTerms: terms, status: status, currency: currency, totalAmount: total, notes: notes,
            createdAt: createdAt, updatedAt: updatedAt, chargeSets: chargeSets)
    }

    func chargeSet(_ node: SourceNode, path: FieldPath) -> ChargeSet? {
        guard let scope = scope(node, path: path) else { return nil }
        let loadNumber = scope.text("load_reference_number", required: true)
        let total = scope.amount("totalAmount", required: true)
        var load: Load?
        if let loadNode = scope.optionalNode("load") {
            load = self.load(loadNode, path: path.child("load"))
        }
        var charges: [Charge] = []
        for (index, chargeNode) in scope.array("pricing", required: true, nonEmpty: false).enumerated() {
            if let charge = self.charge(chargeNode, path: path.child("pricing", index: index)) {
                charges.append(charge)
            }
        }
        let billType = scope.choice("billType", ChargeSet.BillType.spellings)
        let id = scope.optionalID("_id")
        let number = scope.text("charge_set_number")
        guard let loadNumber, let total else { return nil }
        return ChargeSet(
            id: id, chargeSetNumber: number, billType: billType ?? .main, loadReferenceNumber: loadNumber,
            totalAmount: total, load: load, pricing: charges)
    }

    func load(_ node: SourceNode, path: FieldPath) -> Load? {
        guard let scope = scope(node, path: path) else { return nil }
        return Load(
            typeOfLoad: scope.informationalChoice("type_of_load", DecodeContext.loadTypes),
            containerNo: scope.containerNumber("containerNo"), containerSize: scope.text("containerSize"),
            containerType: scope.text("containerType"), chassisNo: scope.text("chassisNo"),
            sealNo: scope.text("sealNo"), bookingNo: scope.text("bookingNo"),
            callerbillLandingNo: scope.text("callerbillLandingNo"), doNo: scope.text("doNo"),
            purchaseOrderNo: scope.text("purchaseOrderNo"), callerPONo: scope.text("callerPONo"),
            shipmentNo: scope.text("shipmentNo"), secondaryReferenceNo: scope.text("secondaryReferenceNo"),
            shipperName: scope.text("shipperName"), consigneeName: scope.text("consigneeName"),
            terminal: scope.text("terminal"), pickupDate: scope.informationalDay("pickupDate"),
            deliveryDate: scope.informationalDay("deliveryDate"))
    }

    func charge(_ node: SourceNode, path: FieldPath) -> Charge? {
        guard let scope = scope(node, path: path) else { return nil }
        let name = scope.text("name", required: true)
        let finalAmount = scope.amount("finalAmount", required: true)
        let charge = Charge(
            id: scope.optionalID("_id"), name: name ?? "", chargeType: scope.text("chargeType"),
            description: scope.text("description", multiline: true), unit: scope.informationalNumber("unit"),
            perType: scope.informationalChoice("perType", Charge.PerType.spellings),
            chargePerUnit: scope.informationalNumber("chargePerUnit"),
            freeUnits: scope.informationalNumber("freeUnits"), amount: scope.informationalNumber("amount"),
            finalAmount: finalAmount ?? 0,
            glCode: scope.text("glCode"))
        guard name != nil, finalAmount != nil else { return nil }
        return charge
    }

    func payment(_ node: SourceNode, path: FieldPath) -> Payment? {
        guard let scope = scope(node, path: path) else { return nil }
        let id = scope.id("_id")
        let caller = customerRef(scope, field: "caller")
        let date = scope.day("paymentDate", required: true)
        let amount = scope.amount("amount", required: true)
        var applications: [Payment.Application] = []
        // A payment with no applications is paid on account: QuickBooks keeps it as the
        // customer's unapplied amount.
        for (index, applicationNode) in scope.array("invoices", required: false).enumerated() {
            guard let application = self.scope(applicationNode, path: path.child("invoices", index: index)) else {
                continue
            }
            let number = application.text("reference_number", required: true)
            let applied = application.amount("amount", required: true)
            let invoiceID = application.optionalID("invoiceId")
            if let number, let applied {
                applications.append(Payment.Application(invoiceID: invoiceID, referenceNumber: number, amount: applied))
            }
        }
        let method = scope.paymentMethod("paymentMethod")
        let referenceNo = scope.text("referenceNo")
        let notes = scope.text("notes", multiline: true)
        let status = scope.choice("status", Payment.Status.spellings)
        guard let id, let caller, let date, let amount else { return nil }
        return Payment(
            id: id, caller: caller, paymentDate: date, amount: amount, paymentMethod: method,
            referenceNo: referenceNo, notes: notes, invoices: applications, status: status)
    }

    func creditMemo(_ node: SourceNode, path: FieldPath) -> CreditMemo? {
        guard let scope = scope(node, path: path) else { return nil }
        let id = scope.id("_id")
        let number = scope.text("credit_memo_number", required: true)
        let caller = customerRef(scope, field: "caller")
        let date = scope.day("creditDate", required: true)
        let total = scope.amount("totalAmount", required: true)
        var lines: [CreditMemo.Line] = []
        for (index, lineNode) in scope.array("lines", required: true).enumerated() {
            guard let line = self.scope(lineNode, path: path.child("lines", index: index)) else { continue }
            let name = line.text("name", required: true)
            let amount = line.amount("amount", required: true)
            if let name, let amount {
                lines.append(
                    CreditMemo.Line(name: name, description: line.text("description", multiline: true), amount: amount))
            }
        }
        let invoiceID = scope.optionalID("invoiceId")
        let invoiceNumber = scope.text("invoice_reference_number")
        let status = scope.choice("status", CreditMemo.Status.spellings)
        let note = scope.text("note", multiline: true)
        guard let id, let number, let caller, let date, let total else { return nil }
        return CreditMemo(
            id: id, creditMemoNumber: number, caller: caller, creditDate: date, invoiceID: invoiceID,
            invoiceReferenceNumber: invoiceNumber, status: status, note: note, totalAmount: total, lines: lines)
    }
}

extension DecodeContext {
    static let loadTypes = ["IMPORT": "IMPORT", "EXPORT": "EXPORT", "ROAD": "ROAD"]
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// Raw value → case, for ``ObjectScope/choice(_:_:)``; each type keeps one in a `static let`.
    static func makeSpellings() -> [String: Self] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
    }
}

extension ChargeSet.BillType {
    static let spellings = makeSpellings()
}

extension Charge.PerType {
    static let spellings = makeSpellings()
}

extension CreditMemo.Status {
    static let spellings = makeSpellings()
}
