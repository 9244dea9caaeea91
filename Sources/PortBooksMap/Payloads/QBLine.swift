import Foundation
import PortBooksCore

/// One line of a QuickBooks Invoice or CreditMemo: a sales item line, or a description-only line.
///
/// Encodes QuickBooks' `Line` shape exactly (`DetailType` + the matching `…LineDetail`).
/// Amounts are `Decimal`, encoded as JSON numbers without passing through `Double`.
public enum QBLine: Hashable, Sendable, Encodable {
    /// `DetailType: "SalesItemLineDetail"`: a charge.
    case salesItem(QBSalesItemLine)
    /// `DetailType: "DescriptionOnly"`: text only, e.g. the header of a charge set.
    case descriptionOnly(description: String)

    /// The line's amount; zero for a description-only line.
    public var amount: Decimal {
        switch self {
        case .salesItem(let line): line.amount
        case .descriptionOnly: 0
        }
    }

    /// The line's description, if any.
    public var description: String? {
        switch self {
        case .salesItem(let line): line.description
        case .descriptionOnly(let text): text
        }
    }

    enum CodingKeys: String, CodingKey {
        case detailType = "DetailType"
        case amount = "Amount"
        case description = "Description"
        case salesItemLineDetail = "SalesItemLineDetail"
        case descriptionLineDetail = "DescriptionLineDetail"
    }

    private struct Empty: Encodable {}

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .salesItem(let line):
            try container.encode("SalesItemLineDetail", forKey: .detailType)
            try container.encode(line.amount, forKey: .amount)
            try container.encodeIfPresent(line.description, forKey: .description)
            try container.encode(line.detail, forKey: .salesItemLineDetail)
        case .descriptionOnly(let text):
            try container.encode("DescriptionOnly", forKey: .detailType)
            try container.encode(text, forKey: .description)
            try container.encode(Empty(), forKey: .descriptionLineDetail)
        }
    }

    mutating func visitReferences(_ body: (inout QuickBooksReference) -> Void) {
        guard case .salesItem(var line) = self else { return }
        body(&line.detail.itemRef)
        if var classRef = line.detail.classRef {
            body(&classRef)
            line.detail.classRef = classRef
        }
        self = .salesItem(line)
    }
}

/// A `SalesItemLineDetail` line: item, quantity and unit price, amount and description.
///
/// Invariant kept by the mappers: `Qty × UnitPrice`, rounded to 2 decimals, equals `Amount`
/// (QuickBooks rejects anything else with error 6070).
public struct QBSalesItemLine: Hashable, Sendable {
    public var amount: Decimal
    public var description: String?
    public var detail: Detail

    /// `SalesItemLineDetail`.
    public struct Detail: Hashable, Sendable, Encodable {
        public var itemRef: QuickBooksReference
        public var quantity: Decimal?
        public var unitPrice: Decimal?
        public var classRef: QuickBooksReference?
        public var serviceDate: LocalDate?

        public init(
            itemRef: QuickBooksReference, quantity: Decimal?, unitPrice: Decimal?, classRef: QuickBooksReference? = nil,
            serviceDate: LocalDate? = nil
        ) {
            self.itemRef = itemRef
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.classRef = classRef
            self.serviceDate = serviceDate
        }

        enum CodingKeys: String, CodingKey {
            case itemRef = "ItemRef"
            case quantity = "Qty"
            case unitPrice = "UnitPrice"
            case classRef = "ClassRef"
            case serviceDate = "ServiceDate"
        }
    }

    public init(amount: Decimal, description: String?, detail: Detail) {
        self.amount = amount
        self.description = description
        self.detail = detail
    }
}
