import Foundation
import PortBooksCore

/// Any mapped payload, for code that handles every kind of record alike (`map`, the engine).
public enum MappedPayload: Hashable, Sendable, Encodable {
    case customer(QBCustomer)
    case invoice(QBInvoice)
    case payment(QBPayment)
    case creditMemo(QBCreditMemo)

    /// The QuickBooks entity name (`Invoice`, …).
    public var entityName: String {
        switch self {
        case .customer: QBCustomer.entityName
        case .invoice: QBInvoice.entityName
        case .payment: QBPayment.entityName
        case .creditMemo: QBCreditMemo.entityName
        }
    }

    /// The lookups still to do before the payload can be sent.
    public var pendingReferences: [PendingReference] {
        switch self {
        case .customer(let payload): payload.pendingReferences
        case .invoice(let payload): payload.pendingReferences
        case .payment(let payload): payload.pendingReferences
        case .creditMemo(let payload): payload.pendingReferences
        }
    }

    /// The payload with its references resolved (``QuickBooksPayload/resolving(_:)``).
    public func resolving(_ lookup: (PendingReference) -> String?) throws -> MappedPayload {
        switch self {
        case .customer(let payload): .customer(try payload.resolving(lookup))
        case .invoice(let payload): .invoice(try payload.resolving(lookup))
        case .payment(let payload): .payment(try payload.resolving(lookup))
        case .creditMemo(let payload): .creditMemo(try payload.resolving(lookup))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .customer(let payload): try payload.encode(to: encoder)
        case .invoice(let payload): try payload.encode(to: encoder)
        case .payment(let payload): try payload.encode(to: encoder)
        case .creditMemo(let payload): try payload.encode(to: encoder)
        }
    }
}

/// Maps any PortPro record with the four mappers of one ``Settings``. Pure; thread-safe.
public struct RecordMapper: Sendable {
    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The payload and problems of one record.
    public func map(_ record: ExportRecord) -> MappedRecord<MappedPayload> {
        switch record {
        case .customer(let value):
            let mapped = CustomerMapper(settings: settings).map(value)
            return MappedRecord(payload: .customer(mapped.payload), problems: mapped.problems)
        case .invoice(let value):
            let mapped = InvoiceMapper(settings: settings).map(value)
            return MappedRecord(payload: .invoice(mapped.payload), problems: mapped.problems)
        case .payment(let value):
            let mapped = PaymentMapper(settings: settings).map(value)
            return MappedRecord(payload: .payment(mapped.payload), problems: mapped.problems)
        case .creditMemo(let value):
            let mapped = CreditMemoMapper(settings: settings).map(value)
            return MappedRecord(payload: .creditMemo(mapped.payload), problems: mapped.problems)
        }
    }
}
