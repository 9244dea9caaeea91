import Foundation

/// A PortPro invoice: one invoice number, one or more charge sets (`invoices[]`, docs/FORMAT.md).
///
/// A combined invoice holds charge sets from several loads; a sub-bill adds a charge set to
/// a load that already has its main bill.
public struct Invoice: Hashable, Sendable, Codable {
    /// PortPro's billing status; `PARTIALLY_PAID` on the wire reads as `partialPaid`.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case billing = "BILLING"
        case partialPaid = "PARTIAL_PAID"
        case fullPaid = "FULL_PAID"
        case voided = "VOIDED"

        /// Every spelling the readers accept.
        public static let spellings: [String: Status] = [
            "BILLING": .billing, "PARTIAL_PAID": .partialPaid, "PARTIALLY_PAID": .partialPaid,
            "FULL_PAID": .fullPaid, "VOIDED": .voided,
        ]
    }

    public var id: String
    /// The invoice number (QuickBooks DocNumber).
    public var referenceNumber: String
    public var caller: CustomerRef
    public var billingDate: LocalDate
    public var invoiceDueDate: LocalDate?
    /// Terms in days.
    public var paymentTerms: Int?
    public var status: Status?
    public var currency: String?
    public var totalAmount: Decimal
    public var notes: String?
    public var createdAt: String?
    public var updatedAt: String?
    public var chargeSets: [ChargeSet]

    public init(
        id: String, referenceNumber: String, caller: CustomerRef, billingDate: LocalDate,
        invoiceDueDate: LocalDate? = nil, paymentTerms: Int? = nil, status: Status? = nil, currency: String? = nil,
        totalAmount: Decimal, notes: String? = nil, createdAt: String? = nil, updatedAt: String? = nil,
        chargeSets: [ChargeSet]
    ) {
        self.id = id
        self.referenceNumber = referenceNumber
        self.caller = caller
        self.billingDate = billingDate
        self.invoiceDueDate = invoiceDueDate
        self.paymentTerms = paymentTerms
        self.status = status
        self.currency = currency
        self.totalAmount = totalAmount
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.chargeSets = chargeSets
    }

    /// Whether the charge sets come from more than one load.
    public var isCombined: Bool {
        Set(chargeSets.map(\.loadReferenceNumber)).count > 1
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case referenceNumber = "reference_number"
        case caller, billingDate, invoiceDueDate
        case paymentTerms = "payment_terms"
        case status, currency, totalAmount, notes, createdAt, updatedAt, chargeSets
    }
}

/// One charge set of an invoice: a load's main bill or a sub-bill, with its charge lines.
public struct ChargeSet: Hashable, Sendable, Codable {
    public enum BillType: String, Hashable, Sendable, Codable, CaseIterable {
        case main = "MAIN"
        case subBill = "SUB_BILL"
    }

    public var id: String?
    /// PortPro's "Charge Set #".
    public var chargeSetNumber: String?
    public var billType: BillType
    public var loadReferenceNumber: String
    public var totalAmount: Decimal
    public var load: Load?
    public var pricing: [Charge]
    /// What PortPro says was paid on this charge set (`paidAmount`), when the source gives it:
    /// PortPro's API responses do (docs/FORMAT.md "PortPro API responses"), the export format
    /// does not. Kept to compare with QuickBooks' balance (`portpro-balance-mismatch`); absent
    /// from the canonical content when `nil`, so records without it hash as before.
    public var paidAmount: Decimal?
    /// What PortPro says is still owed on this charge set (`remainAmount`), when the source gives it.
    public var remainAmount: Decimal?

    public init(
        id: String? = nil, chargeSetNumber: String? = nil, billType: BillType = .main, loadReferenceNumber: String,
        totalAmount: Decimal, load: Load? = nil, pricing: [Charge], paidAmount: Decimal? = nil,
        remainAmount: Decimal? = nil
    ) {
        self.id = id
        self.chargeSetNumber = chargeSetNumber
        self.billType = billType
        self.loadReferenceNumber = loadReferenceNumber
        self.totalAmount = totalAmount
        self.load = load
        self.pricing = pricing
        self.paidAmount = paidAmount
        self.remainAmount = remainAmount
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case chargeSetNumber = "charge_set_number"
        case billType
        case loadReferenceNumber = "load_reference_number"
        case totalAmount, load, pricing, paidAmount, remainAmount
    }
}

/// The load details a charge set carries; every field is optional.
public struct Load: Hashable, Sendable, Codable {
    public var typeOfLoad: String?
    public var containerNo: String?
    public var containerSize: String?
    public var containerType: String?
    public var chassisNo: String?
    public var sealNo: String?
    public var bookingNo: String?
    /// "Master Bill Of Lading".
    public var callerbillLandingNo: String?
    /// "House Bill Of Lading".
    public var doNo: String?
    public var purchaseOrderNo: String?
    /// "Pick Up #".
    public var callerPONo: String?
    public var shipmentNo: String?
    public var secondaryReferenceNo: String?
    public var shipperName: String?
    public var consigneeName: String?
    public var terminal: String?
    public var pickupDate: LocalDate?
    public var deliveryDate: LocalDate?

    public init(
        typeOfLoad: String? = nil, containerNo: String? = nil, containerSize: String? = nil,
        containerType: String? = nil, chassisNo: String? = nil, sealNo: String? = nil, bookingNo: String? = nil,
        callerbillLandingNo: String? = nil, doNo: String? = nil, purchaseOrderNo: String? = nil,
        callerPONo: String? = nil, shipmentNo: String? = nil, secondaryReferenceNo: String? = nil,
        shipperName: String? = nil, consigneeName: String? = nil, terminal: String? = nil,
        pickupDate: LocalDate? = nil, deliveryDate: LocalDate? = nil
    ) {
        self.typeOfLoad = typeOfLoad
        self.containerNo = containerNo
        self.containerSize = containerSize
        self.containerType = containerType
        self.chassisNo = chassisNo
        self.sealNo = sealNo
        self.bookingNo = bookingNo
        self.callerbillLandingNo = callerbillLandingNo
        self.doNo = doNo
        self.purchaseOrderNo = purchaseOrderNo
        self.callerPONo = callerPONo
        self.shipmentNo = shipmentNo
        self.secondaryReferenceNo = secondaryReferenceNo
        self.shipperName = shipperName
        self.consigneeName = consigneeName
        self.terminal = terminal
        self.pickupDate = pickupDate
        self.deliveryDate = deliveryDate
    }

    enum CodingKeys: String, CodingKey {
        case typeOfLoad = "type_of_load"
        case containerNo, containerSize, containerType, chassisNo, sealNo, bookingNo, callerbillLandingNo, doNo
        case purchaseOrderNo, callerPONo, shipmentNo, secondaryReferenceNo, shipperName, consigneeName, terminal
        case pickupDate, deliveryDate
    }
}

/// One charge line (`pricing[]`): a charge code, its quantity and rate, and the billed amount.
public struct Charge: Hashable, Sendable, Codable {
    /// The unit of measure of `unit`.
    public enum PerType: String, Hashable, Sendable, Codable, CaseIterable {
        case fixed, perday, perhour, permile, perstop, percentage, perunit
    }

    public var id: String?
    /// The charge code name (`PICK UP & DELIVERY`, `HST (13 %)`).
    public var name: String
    public var chargeType: String?
    public var description: String?
    /// Quantity billed; absent means 1.
    public var unit: Decimal?
    public var perType: PerType?
    public var chargePerUnit: Decimal?
    public var freeUnits: Decimal?
    public var amount: Decimal?
    /// The billed amount.
    public var finalAmount: Decimal
    public var glCode: String?

    public init(
        id: String? = nil, name: String, chargeType: String? = nil, description: String? = nil, unit: Decimal? = nil,
        perType: PerType? = nil, chargePerUnit: Decimal? = nil, freeUnits: Decimal? = nil, amount: Decimal? = nil,
        finalAmount: Decimal, glCode: String? = nil
    ) {
        self.id = id
        self.name = name
        self.chargeType = chargeType
        self.description = description
        self.unit = unit
        self.perType = perType
        self.chargePerUnit = chargePerUnit
        self.freeUnits = freeUnits
        self.amount = amount
        self.finalAmount = finalAmount
        self.glCode = glCode
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case name, chargeType, description, unit, perType, chargePerUnit, freeUnits, amount, finalAmount, glCode
    }
}
