import Foundation
import PortBooksCore

/// The PortPro API's wire shape, decoded into the same model as the export format, with the
/// same accessors (so the same checks, codes and messages): docs/FORMAT.md "PortPro API
/// responses" is the field-by-field table.
extension DecodeContext {
    /// One charge set of an envelope, with the invoice fields PortPro repeats on each.
    private struct WireChargeSet {
        var number: String
        var caller: CustomerRef
        var callerPosition: SourcePosition
        var billingDate: LocalDate
        var status: Invoice.Status?
        var currency: String?
        var notes: String?
        var chargeSet: ChargeSet
    }

    /// The invoices an envelope (`data[]` of `GET /v1/invoices`, or `data` of
    /// `GET /v1/invoices/{referenceNumber}`) carries: one per invoice number among its charge
    /// sets (`invoice[]`), in the order the numbers first appear.
    ///
    /// The envelope's own fields (terms, due date, timestamps) go to each invoice; its load
    /// fields go to the charge sets of its load (`load_reference_number` equal to the envelope's
    /// `reference_number`, or every charge set when the envelope has none). The invoice's other
    /// fields come from its first charge set; its total is the sum of its charge sets'.
    func invoices(fromEnvelope node: SourceNode, path: FieldPath) -> [Invoice] {
        guard let scope = scope(node, path: path) else { return [] }
        let envelopeLoad = scope.text("reference_number")
        let details = load(fromEnvelope: scope)
        let dueDate = scope.day("invoiceDueDate")
        let terms = scope.count("payment_terms")
        let createdAt = scope.timestamp("createdAt")
        let updatedAt = scope.timestamp("updatedAt")
        var numbers: [String] = []
        var groups: [String: [WireChargeSet]] = [:]
        for (index, setNode) in scope.array("invoice", required: true).enumerated() {
            guard var read = wireChargeSet(setNode, path: path.child("invoice", index: index)) else { continue }
            if envelopeLoad == nil || envelopeLoad == read.chargeSet.loadReferenceNumber {
                read.chargeSet.load = details
            }
            if groups[read.number] == nil { numbers.append(read.number) }
            groups[read.number, default: []].append(read)
        }
        return numbers.compactMap { number in
            guard let sets = groups[number], let first = sets.first else { return nil }
            for other in sets.dropFirst() where other.caller.id != first.caller.id {
                report(
                    .invalidValue,
                    "\(path): the charge sets of invoice \(number) name two customers (\(first.caller.id) and "
                        + "\(other.caller.id)); PortPro combines loads of one billing customer only",
                    at: other.callerPosition)
            }
            return Invoice(
                id: Invoice.portproID(referenceNumber: number), referenceNumber: number, caller: first.caller,
                billingDate: first.billingDate, invoiceDueDate: dueDate, paymentTerms: terms, status: first.status,
                currency: first.currency ?? first.caller.currency,
                totalAmount: sets.reduce(Decimal(0)) { $0 + $1.chargeSet.totalAmount }, notes: first.notes,
                createdAt: createdAt, updatedAt: updatedAt, chargeSets: sets.map(\.chargeSet))
        }
    }

    /// One entry of an envelope's `invoice[]`: a charge set and its invoice's fields.
    private func wireChargeSet(_ node: SourceNode, path: FieldPath) -> WireChargeSet? {
        guard let scope = scope(node, path: path) else { return nil }
        let number = scope.text("reference_number", required: true)
        let loadNumber = scope.text("load_reference_number", required: true)
        let caller = wireCaller(scope)
        let billingDate = scope.day("billingDate", required: true)
        let total = scope.amount("totalAmount", required: true)
        let paid = scope.amount("paidAmount")
        let remain = scope.amount("remainAmount")
        var charges: [Charge] = []
        for (index, chargeNode) in scope.array("pricing", required: true).enumerated() {
            if let charge = wireCharge(chargeNode, path: path.child("pricing", index: index)) {
                charges.append(charge)
            }
        }
        let status = scope.choice("status", Invoice.Status.spellings)
        let currency = scope.currency("currency")
        let notes = scope.text("notes")
        let id = scope.optionalID("_id")
        let setNumber = scope.text("charge_set_number")
        let billType = scope.choice("billType", ChargeSet.BillType.spellings)
        guard let number, let loadNumber, let caller, let billingDate, let total else { return nil }
        let chargeSet = ChargeSet(
            id: id, chargeSetNumber: setNumber, billType: billType ?? .main, loadReferenceNumber: loadNumber,
            totalAmount: total, pricing: charges, paidAmount: paid, remainAmount: remain)
        return WireChargeSet(
            number: number, caller: caller.reference, callerPosition: caller.position, billingDate: billingDate,
            status: status, currency: currency, notes: notes, chargeSet: chargeSet)
    }

    /// The light `caller` object (`_id`, `company_name`, `currency`, `externalSystemID`); its
    /// name falls back on the charge set's `callerName`, and a blank `currency` is no currency.
    private func wireCaller(_ scope: ObjectScope) -> (reference: CustomerRef, position: SourcePosition)? {
        guard let node = scope.requiredNode("caller"),
            let caller = self.scope(node, path: scope.fieldPath.child("caller"))
        else { return nil }
        let id = caller.id("_id")
        let name =
            caller.text("company_name", maxLength: 500) ?? scope.text("callerName", maxLength: 500)
        if name == nil {
            report(
                .missingField,
                "\(caller.path): required field \"company_name\" is missing (and the charge set has no callerName)",
                at: node.position)
        }
        let currency = caller.currency("currency")
        guard let id, let name else { return nil }
        return (CustomerRef(id: id, companyName: name, currency: currency), node.position)
    }

    /// A `pricing[]` line: `amount` a JSON number and `finalAmount` a string on PortPro's wire,
    /// either accepted as either; `freeDays` is read where `freeUnits` is missing.
    private func wireCharge(_ node: SourceNode, path: FieldPath) -> Charge? {
        guard let scope = scope(node, path: path) else { return nil }
        let name = scope.text("name", required: true)
        let finalAmount = scope.amount("finalAmount", required: true)
        let charge = Charge(
            id: scope.optionalID("_id"), name: name ?? "", chargeType: scope.text("chargeType"),
            description: scope.text("description"), unit: scope.informationalNumber("unit"),
            perType: scope.informationalChoice("perType", Charge.PerType.spellings),
            chargePerUnit: scope.informationalNumber("chargePerUnit"),
            freeUnits: scope.informationalNumber("freeUnits") ?? scope.informationalNumber("freeDays"),
            amount: scope.informationalNumber("amount"),
            finalAmount: finalAmount ?? 0, glCode: scope.text("glCode"))
        guard name != nil, finalAmount != nil else { return nil }
        return charge
    }

    /// The load an envelope wraps, from its own fields; `nil` when it names none of them.
    /// Lookup fields (`containerSize`, `containerType`, `terminal`) may be a string or an
    /// object `{_id, name, label}`; the first pick-up and delivery times give the days.
    private func load(fromEnvelope scope: ObjectScope) -> Load? {
        let load = Load(
            typeOfLoad: scope.informationalChoice("type_of_load", DecodeContext.loadTypes),
            containerNo: scope.containerNumber("containerNo"), containerSize: scope.lookup("containerSize"),
            containerType: scope.lookup("containerType"), chassisNo: scope.text("chassisNo"),
            sealNo: scope.text("sealNo"), bookingNo: scope.text("bookingNo"),
            callerbillLandingNo: scope.text("callerbillLandingNo"), doNo: scope.text("doNo"),
            purchaseOrderNo: scope.text("purchaseOrderNo"), callerPONo: scope.text("callerPONo"),
            shipmentNo: scope.text("shipmentNo"), secondaryReferenceNo: scope.text("secondaryReferenceNo"),
            shipperName: scope.text("shipperName"), consigneeName: scope.text("consigneeName"),
            terminal: scope.lookup("terminal"), pickupDate: firstDay(scope, "pickupTimes", "pickupFromTime"),
            deliveryDate: firstDay(scope, "deliveryTimes", "deliveryFromTime"))
        return load == Load() ? nil : load
    }

    /// The day of `field` in the first object of the array `array` (`pickupTimes[0].pickupFromTime`).
    private func firstDay(_ scope: ObjectScope, _ array: String, _ field: String) -> LocalDate? {
        guard let first = scope.array(array, required: false).first,
            let item = self.scope(first, path: scope.fieldPath.child(array, index: 0))
        else { return nil }
        return item.informationalDay(field)
    }

    /// A customer of `GET /v1/customer` (or `/v1/customer/{id}`): the full profile. `email`
    /// (PortPro's own proxy address) is never read; `state` and `country` may be lookups.
    func apiCustomer(_ node: SourceNode, path: FieldPath) -> Customer? {
        guard let customer = customer(node, path: path, lookups: true), !customer.id.isEmpty,
            !customer.companyName.isEmpty
        else { return nil }
        return customer
    }
}
