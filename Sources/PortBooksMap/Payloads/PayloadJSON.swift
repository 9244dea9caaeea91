import Foundation
import PortBooksCore
import PortBooksJSON

/// The JSON of a mapped payload, written field by field: the same value as the payloads'
/// `Encodable` conformances give through JSONEncoder (a test holds the two equal), without
/// the cost of `Encoder` containers, which was a tenth of the push's CPU.
public enum PayloadJSON {
    public static func json(_ payload: MappedPayload) -> JSONValue {
        switch payload {
        case .customer(let customer): json(customer)
        case .invoice(let invoice): json(invoice)
        case .payment(let payment): json(payment)
        case .creditMemo(let memo): json(memo)
        }
    }

    static func json(_ invoice: QBInvoice) -> JSONValue {
        var object: [String: JSONValue] = [
            "CustomerRef": json(invoice.customerRef), "TxnDate": .string(invoice.txnDate.description),
            "Line": .array(invoice.lines.map(json)),
        ]
        object["DocNumber"] = invoice.docNumber.map(JSONValue.string)
        object["DueDate"] = invoice.dueDate.map { .string($0.description) }
        object["SalesTermRef"] = invoice.salesTermRef.map(json)
        object["DepartmentRef"] = invoice.departmentRef.map(json)
        if !invoice.customFields.isEmpty { object["CustomField"] = .array(invoice.customFields.map(json)) }
        object["CustomerMemo"] = invoice.customerMemo.map(json)
        object["PrivateNote"] = invoice.privateNote.map(JSONValue.string)
        return .object(object)
    }

    static func json(_ memo: QBCreditMemo) -> JSONValue {
        var object: [String: JSONValue] = [
            "CustomerRef": json(memo.customerRef), "TxnDate": .string(memo.txnDate.description),
            "Line": .array(memo.lines.map(json)),
        ]
        object["DocNumber"] = memo.docNumber.map(JSONValue.string)
        object["DepartmentRef"] = memo.departmentRef.map(json)
        object["CustomerMemo"] = memo.customerMemo.map(json)
        object["PrivateNote"] = memo.privateNote.map(JSONValue.string)
        return .object(object)
    }

    static func json(_ payment: QBPayment) -> JSONValue {
        var object: [String: JSONValue] = [
            "CustomerRef": json(payment.customerRef), "TotalAmt": .number(payment.totalAmt),
            "TxnDate": .string(payment.txnDate.description),
            "Line": .array(
                payment.lines.map { line in
                    var linked: [String: JSONValue] = ["TxnType": .string(line.txnType)]
                    linked["TxnId"] = line.invoice.value.map(JSONValue.string)
                    return ["Amount": .number(line.amount), "LinkedTxn": [.object(linked)]]
                }),
        ]
        object["PaymentRefNum"] = payment.paymentRefNum.map(JSONValue.string)
        object["PaymentMethodRef"] = payment.paymentMethodRef.map(json)
        object["DepositToAccountRef"] = payment.depositToAccountRef.map(json)
        object["PrivateNote"] = payment.privateNote.map(JSONValue.string)
        return .object(object)
    }

    static func json(_ customer: QBCustomer) -> JSONValue {
        var object: [String: JSONValue] = ["DisplayName": .string(customer.displayName)]
        object["CompanyName"] = customer.companyName.map(JSONValue.string)
        object["PrimaryEmailAddr"] = customer.primaryEmailAddr.map { ["Address": .string($0.address)] }
        object["PrimaryPhone"] = customer.primaryPhone.map { ["FreeFormNumber": .string($0.freeFormNumber)] }
        if let address = customer.billAddr {
            var fields: [String: JSONValue] = [:]
            fields["Line1"] = address.line1.map(JSONValue.string)
            fields["City"] = address.city.map(JSONValue.string)
            fields["CountrySubDivisionCode"] = address.countrySubDivisionCode.map(JSONValue.string)
            fields["PostalCode"] = address.postalCode.map(JSONValue.string)
            fields["Country"] = address.country.map(JSONValue.string)
            object["BillAddr"] = .object(fields)
        }
        object["CurrencyRef"] = customer.currencyRef.map(json)
        object["SalesTermRef"] = customer.salesTermRef.map(json)
        object["Notes"] = customer.notes.map(JSONValue.string)
        return .object(object)
    }

    static func json(_ line: QBLine) -> JSONValue {
        switch line {
        case .salesItem(let item):
            var detail: [String: JSONValue] = ["ItemRef": json(item.detail.itemRef)]
            detail["Qty"] = item.detail.quantity.map(JSONValue.number)
            detail["UnitPrice"] = item.detail.unitPrice.map(JSONValue.number)
            detail["ClassRef"] = item.detail.classRef.map(json)
            detail["ServiceDate"] = item.detail.serviceDate.map { .string($0.description) }
            var object: [String: JSONValue] = [
                "DetailType": "SalesItemLineDetail", "Amount": .number(item.amount),
                "SalesItemLineDetail": .object(detail),
            ]
            object["Description"] = item.description.map(JSONValue.string)
            return .object(object)
        case .descriptionOnly(let text):
            return ["DetailType": "DescriptionOnly", "Description": .string(text), "DescriptionLineDetail": [:]]
        }
    }

    static func json(_ field: QBCustomField) -> JSONValue {
        var object: [String: JSONValue] = [
            "Name": .string(field.name), "Type": "StringType", "StringValue": .string(field.stringValue),
        ]
        object["DefinitionId"] = field.definition.value.map(JSONValue.string)
        return .object(object)
    }

    static func json(_ reference: QuickBooksReference) -> JSONValue {
        var object: [String: JSONValue] = [:]
        object["value"] = reference.value.map(JSONValue.string)
        object["name"] = reference.name.map(JSONValue.string)
        return .object(object)
    }

    static func json(_ value: QBValue) -> JSONValue {
        ["value": .string(value.value)]
    }
}
