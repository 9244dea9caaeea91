import Foundation
import PortBooksRandom

/// A realistic synthetic PortPro export for a drayage carrier, deterministic for a seed.
///
/// Every record is a pure function of the seed and its index, so the export is written as a
/// stream (payments recompute the invoices they pay instead of remembering them) and a
/// million invoices never sit in memory. Customers: one per 40 invoices (at least 8);
/// payments: about 3 for every 10 invoices, some partial, some covering two invoices;
/// credit memos: about 1 in 33 invoices.
///
/// Two knobs write other mixes of the same invoices: `paymentsPerInvoice` pays every invoice in
/// full in that many payments (a paid history) instead of the pairs above, and `paymentsOnly`
/// writes the payments alone (a cash-receipts file, for invoices already imported from an
/// export of the same seed and count).
public struct SyntheticExport: Sendable {
    public let seed: UInt64
    public let invoiceCount: Int
    /// nil: about 3 payments for every 10 invoices; n ≥ 1: each invoice paid in n payments.
    public var paymentsPerInvoice: Int?
    /// Only the payments: no customers, invoices or credit memos.
    public var paymentsOnly = false

    public init(seed: UInt64, invoiceCount: Int, paymentsPerInvoice: Int? = nil, paymentsOnly: Bool = false) {
        self.seed = seed
        self.invoiceCount = invoiceCount
        self.paymentsPerInvoice = paymentsPerInvoice
        self.paymentsOnly = paymentsOnly
    }

    public var customerCount: Int { max(8, invoiceCount / 40) }

    public func write(format: ExportFormat, to output: BufferedOutput) throws {
        var writer = ExportWriter(format: format, output: output)
        try writer.begin(exportedAt: "2026-11-20T08:00:00Z")
        if !paymentsOnly {
            for index in 0..<customerCount { try writer.write(.customer(customer(index))) }
            for index in 0..<invoiceCount { try writer.write(.invoice(invoice(index))) }
        }
        if let parts = paymentsPerInvoice {
            for index in 0..<invoiceCount where parts > 0 {
                for part in 0..<parts { try writer.write(.payment(payment(forInvoice: index, part: part, of: parts))) }
            }
        } else {
            var pair = 0
            while pair * 2 < invoiceCount {
                if let payment = payment(forPair: pair) { try writer.write(.payment(payment)) }
                pair += 1
            }
        }
        var memoIndex = 0
        while !paymentsOnly && memoIndex * 33 + 7 < invoiceCount {
            try writer.write(.creditMemo(creditMemo(memoIndex)))
            memoIndex += 1
        }
        try writer.end()
    }

    /// The PortPro API responses that can hold what ``write(format:to:)`` writes.
    public enum PortProResponse: String, Sendable, CaseIterable {
        /// One `GET /v1/invoices` page holding every invoice, an envelope per load.
        case invoices
        /// One `GET /v1/customer` page holding every customer.
        case customers
    }

    /// Writes the export's invoices or customers as one PortPro API list page
    /// (``PortProResponseWriter``). PortPro's API has no payments or credit memos.
    public func write(response: PortProResponse, to output: BufferedOutput) throws {
        var writer = PortProResponseWriter(output: output)
        try writer.begin()
        switch response {
        case .invoices:
            for index in 0..<invoiceCount { try writer.write(invoice(index)) }
        case .customers:
            for index in 0..<customerCount { try writer.write(customer(index)) }
        }
        try writer.end()
    }

    // MARK: Records

    public func customer(_ index: Int) -> Customer {
        var random = SplitMix64(seed: seed, stream: 1, index: UInt64(index))
        let base = Self.companyStems[index % Self.companyStems.count]
        let suffix = Self.companySuffixes[random.below(Self.companySuffixes.count)]
        let round = index / Self.companyStems.count
        let name = round == 0 ? "\(base) \(suffix)" : "\(base) \(suffix) \(round + 1)"
        let city = Self.cities[random.below(Self.cities.count)]
        let slug = base.lowercased().filter(\.isLetter)
        return Customer(
            id: String(format: "cus%021d", index + 1), companyName: name,
            quickbooksEmail: "ap+\(index + 1)@\(slug).example.com", billingEmail: "billing@\(slug).example.com",
            mainContactName: Self.contacts[random.below(Self.contacts.count)],
            mobile: String(format: "(562) 555-%04d", random.below(10_000)),
            address1: "\(100 + random.below(9_800)) \(Self.streets[random.below(Self.streets.count)])",
            city: city.0, state: city.1, country: "US", zipCode: city.2, currency: "USD",
            defaultPaymentTerms: Customer.PaymentTerms(paymentTermsMethod: "NET", days: [15, 30, 30, 45][index % 4]),
            externalSystemID: nil)
    }

    /// Invoices are paired by customer (0–1, 2–3, …) so that one payment can cover both.
    func customerIndex(forInvoice index: Int) -> Int {
        var random = SplitMix64(seed: seed, stream: 2, index: UInt64(index / 2))
        return random.below(customerCount)
    }

    public func invoice(_ index: Int) -> Invoice {
        var random = SplitMix64(seed: seed, stream: 3, index: UInt64(index))
        let customer = self.customer(customerIndex(forInvoice: index))
        let number = String(format: "RSRE_%06d", index + 1)
        let billingDate =
            LocalDate(year: 2024, month: 1, day: 2)?.adding(days: index * 1_000 / max(invoiceCount, 1) + index % 3)
            ?? LocalDate(year: 2024, month: 1, day: 2)
        let roll = random.below(100)
        let loadCount = roll < 8 ? 2 + random.below(5) : 1
        var chargeSets: [ChargeSet] = []
        for load in 0..<loadCount {
            let loadNumber = String(format: "RSRUSH_E%06d", 100_000 + index * 7 + load)
            chargeSets.append(
                mainChargeSet(&random, loadNumber: loadNumber, number: number, load: load, date: billingDate))
        }
        if loadCount == 1 && random.below(100) < 5 {
            chargeSets.append(subBill(&random, of: chargeSets[0], number: number))
        }
        let total = chargeSets.reduce(Decimal(0)) { $0 + $1.totalAmount }
        let terms = customer.defaultPaymentTerms?.days ?? 30
        return Invoice(
            id: String(format: "inv%021d", index + 1), referenceNumber: number,
            caller: CustomerRef(id: customer.id, companyName: customer.companyName, currency: "USD"),
            billingDate: billingDate ?? LocalDate(year: 2024, month: 1, day: 2)!,
            invoiceDueDate: billingDate?.adding(days: terms), paymentTerms: terms, status: .billing, currency: "USD",
            totalAmount: total, notes: nil, createdAt: nil, updatedAt: nil, chargeSets: chargeSets)
    }

    private func mainChargeSet(
        _ random: inout SplitMix64, loadNumber: String, number: String, load index: Int, date: LocalDate?
    ) -> ChargeSet {
        var charges: [Charge] = []
        let base = Decimal(350 + random.below(60) * 10)
        charges.append(
            Charge(
                name: "BASE PRICE", chargeType: "BASE", unit: 1, perType: .fixed, chargePerUnit: base,
                amount: base, finalAmount: base))
        let fuelPercent = Decimal(18 + random.below(15))
        let fuel = Money.rounded(base * fuelPercent / 100)
        charges.append(
            Charge(
                name: "FUEL SURCHARGE", chargeType: "FUEL", unit: fuelPercent, perType: .percentage,
                chargePerUnit: Money.rounded(base / 100, scale: 4), amount: fuel, finalAmount: fuel))
        let chassisDays = Decimal(2 + random.below(5))
        charges.append(
            Charge(
                name: "CHASSIS", chargeType: "ACCESSORIAL", description: "Chassis rental", unit: chassisDays,
                perType: .perday, chargePerUnit: 45, amount: chassisDays * 45, finalAmount: chassisDays * 45))
        if random.below(100) < 30 {
            let hours = Decimal(1 + random.below(4)) + (random.below(2) == 0 ? 0 : Decimal(string: "0.25")!)
            let amount = Money.rounded(hours * 85)
            charges.append(
                Charge(
                    name: "WAITING TIME", chargeType: "ACCESSORIAL", description: "Detention after 2 free hours",
                    unit: hours, perType: .perhour, chargePerUnit: 85, freeUnits: 2, amount: amount,
                    finalAmount: amount))
        }
        for (name, amount, percent) in Self.flatAccessorials where random.below(100) < percent {
            charges.append(
                Charge(
                    name: name, chargeType: "ACCESSORIAL", unit: 1, perType: .fixed, chargePerUnit: amount,
                    amount: amount, finalAmount: amount))
        }
        let total = charges.reduce(Decimal(0)) { $0 + $1.finalAmount }
        let terminal = Self.terminals[random.below(Self.terminals.count)]
        let isImport = random.below(100) < 70
        let load = Load(
            typeOfLoad: isImport ? "IMPORT" : "EXPORT", containerNo: containerNumber(&random),
            containerSize: ["40'", "40'", "20'", "45'"][random.below(4)],
            containerType: ["HC", "ST", "HC", "RF"][random.below(4)],
            chassisNo: String(format: "TRAC%06d", random.below(1_000_000)),
            sealNo: random.below(100) < 80 ? String(format: "SL%07d", random.below(10_000_000)) : nil,
            bookingNo: isImport ? nil : String(format: "BKG%09d", random.below(1_000_000_000)),
            callerbillLandingNo: String(format: "MAEU%09d", random.below(1_000_000_000)),
            doNo: nil,
            purchaseOrderNo: random.below(100) < 60 ? String(format: "PO-%06d", random.below(1_000_000)) : nil,
            callerPONo: random.below(100) < 40 ? String(format: "%08d", random.below(100_000_000)) : nil,
            shipmentNo: nil, secondaryReferenceNo: nil,
            shipperName: isImport ? terminal : Self.warehouses[random.below(Self.warehouses.count)],
            consigneeName: isImport ? Self.warehouses[random.below(Self.warehouses.count)] : terminal,
            terminal: terminal, pickupDate: date?.adding(days: -2), deliveryDate: date?.adding(days: -1))
        return ChargeSet(
            id: nil, chargeSetNumber: index == 0 ? number : "\(number)/\(index + 1)", billType: .main,
            loadReferenceNumber: loadNumber, totalAmount: total, load: load, pricing: charges)
    }

    private func subBill(_ random: inout SplitMix64, of main: ChargeSet, number: String) -> ChargeSet {
        let days = Decimal(1 + random.below(4))
        let storage = Charge(
            name: "YARD STORAGE", chargeType: "ACCESSORIAL", description: "Loaded yard storage after 2 free days",
            unit: days, perType: .perday, chargePerUnit: 35, freeUnits: 2, amount: days * 35, finalAmount: days * 35)
        return ChargeSet(
            id: nil, chargeSetNumber: "\(number)-1", billType: .subBill, loadReferenceNumber: main.loadReferenceNumber,
            totalAmount: storage.finalAmount, load: main.load, pricing: [storage])
    }

    func payment(forPair pair: Int) -> Payment? {
        var random = SplitMix64(seed: seed, stream: 4, index: UInt64(pair))
        let roll = random.below(100)
        guard roll < 60 else { return nil }
        let first = invoice(pair * 2)
        var applications = [
            Payment.Application(invoiceID: first.id, referenceNumber: first.referenceNumber, amount: first.totalAmount)
        ]
        if roll < 18, pair * 2 + 1 < invoiceCount {
            let second = invoice(pair * 2 + 1)
            applications.append(
                Payment.Application(
                    invoiceID: second.id, referenceNumber: second.referenceNumber, amount: second.totalAmount))
        } else if roll >= 48 {
            applications[0].amount = Money.rounded(first.totalAmount / 2)
        }
        let amount = applications.reduce(Decimal(0)) { $0 + $1.amount }
        let method: Payment.Method = [.check, .check, .ach, .wire][random.below(4)]
        return Payment(
            id: String(format: "pay%021d", pair + 1), caller: first.caller,
            paymentDate: first.billingDate.adding(days: 20 + random.below(25)), amount: amount, paymentMethod: method,
            referenceNo: method == .check ? String(10_000 + pair) : String(format: "TRN%08d", pair), notes: nil,
            invoices: applications)
    }

    /// Part `part` of `parts` payments that together pay invoice `index` in full (the last
    /// takes the cents the equal shares leave).
    func payment(forInvoice index: Int, part: Int, of parts: Int) -> Payment {
        var random = SplitMix64(seed: seed, stream: 6, index: UInt64(index) &* 64 &+ UInt64(part))
        let invoice = self.invoice(index)
        let share = Money.rounded(invoice.totalAmount / Decimal(parts))
        let amount = part == parts - 1 ? invoice.totalAmount - share * Decimal(parts - 1) : share
        let method: Payment.Method = [.check, .check, .ach, .wire][random.below(4)]
        let number = index * parts + part
        return Payment(
            id: String(format: "pin%015d%06d", index + 1, part + 1), caller: invoice.caller,
            paymentDate: invoice.billingDate.adding(days: 20 + random.below(25) + part), amount: amount,
            paymentMethod: method,
            referenceNo: method == .check ? String(50_000_000 + number) : String(format: "TRI%09d", number),
            notes: nil,
            invoices: [
                Payment.Application(invoiceID: invoice.id, referenceNumber: invoice.referenceNumber, amount: amount)
            ])
    }

    func creditMemo(_ index: Int) -> CreditMemo {
        let invoice = self.invoice(index * 33 + 7)
        let amount = Money.rounded(invoice.chargeSets[0].pricing[0].finalAmount / 10)
        return CreditMemo(
            id: String(format: "crm%021d", index + 1), creditMemoNumber: String(format: "CM-%06d", index + 1),
            caller: invoice.caller, creditDate: invoice.billingDate.adding(days: 10), invoiceID: invoice.id,
            invoiceReferenceNumber: invoice.referenceNumber, status: .issued,
            note: "Service credit on invoice #\(invoice.referenceNumber)", totalAmount: amount,
            lines: [CreditMemo.Line(name: "BASE PRICE", description: "10% service credit", amount: amount)])
    }

    /// An ISO 6346 container number with a correct check digit.
    private func containerNumber(_ random: inout SplitMix64) -> String {
        let owner = Self.containerOwners[random.below(Self.containerOwners.count)]
        let serial = String(format: "%06d", random.below(1_000_000))
        return owner + serial + String(ISO6346.checkDigit(owner + serial) ?? 0)
    }

    // MARK: Vocabulary

    static let companyStems = [
        "Pacific Coast Imports", "Sunrise Furniture", "Golden State Produce", "Harborview Apparel",
        "Inland Empire Distribution", "Coastal Home Goods", "Western Tire Supply", "Blue Ridge Electronics",
        "Mesa Beverage", "Summit Auto Parts", "Redwood Paper", "Vista Toys", "Canyon Sporting Goods",
        "Bayside Foods", "Orchard Appliances", "Long Beach Textiles",
    ]
    static let companySuffixes = ["Inc.", "LLC", "Co.", "Corp.", "Group"]
    static let contacts = ["Maria Lopez", "James Chen", "Priya Patel", "Robert Kim", "Ana Torres", "David Nguyen"]
    static let streets = [
        "E Carson St", "S Alameda St", "W Anaheim St", "Harbor Blvd", "Slauson Ave", "Sepulveda Blvd",
    ]
    static let cities: [(String, String, String)] = [
        ("Long Beach", "CA", "90802"), ("Carson", "CA", "90745"), ("Ontario", "CA", "91761"),
        ("Commerce", "CA", "90040"), ("Fontana", "CA", "92335"), ("Wilmington", "CA", "90744"),
    ]
    static let terminals = [
        "ITS LONG BEACH", "TTI", "TRAPAC WILMINGTON", "LBCT", "WBCT", "APM LOS ANGELES", "FENIX", "YTI",
    ]
    static let warehouses = [
        "ONTARIO DC 4", "FONTANA CROSSDOCK", "COMMERCE WAREHOUSE", "CARSON DC", "RIVERSIDE FULFILLMENT",
    ]
    static let containerOwners = ["MSCU", "MAEU", "TGHU", "TCNU", "CMAU", "OOLU", "HLXU", "MEDU", "SEGU", "TRHU"]
    static let flatAccessorials: [(String, Decimal, Int)] = [
        ("PREPULL", 150, 15), ("HAZMAT", 200, 5), ("TRIAXLE SURCHARGE", 225, 10), ("STOP OFF", 150, 5),
    ]
}

/// ISO 6346 container numbers.
public enum ISO6346 {
    /// The check digit of the first 10 characters (owner, category, serial), or `nil` when malformed.
    public static func checkDigit(_ prefix: String) -> Int? {
        let characters = Array(prefix)
        guard characters.count == 10 else { return nil }
        var sum = 0
        for (position, character) in characters.enumerated() {
            let value: Int
            if let digit = character.wholeNumberValue, position >= 4 {
                value = digit
            } else if position < 4, let ascii = character.asciiValue, ascii >= 65, ascii <= 90 {
                // A=10, then skipping multiples of 11.
                var number = 10
                var letter: UInt8 = 65
                while letter < ascii {
                    number += 1
                    if number % 11 == 0 { number += 1 }
                    letter += 1
                }
                value = number
            } else {
                return nil
            }
            sum += value << position
        }
        return sum % 11 % 10
    }
}
