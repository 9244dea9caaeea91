import Foundation
import PortBooksJSON

/// One QuickBooks fault: what the API answers when it refuses a request.
///
/// Rendered as Intuit's capitalised envelope,
/// `{"Fault":{"Error":[{"Message","Detail","code","element"}],"type"},"time"}`; inside a batch
/// the same `Fault` object sits next to the item's `bId`.
/// See https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
public struct QBOFault: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var detail: String
    public var element: String?
    public var type: String
    /// HTTP status for a stand-alone response (batch items are always 200).
    public var status: Int
    /// Some recorded faults (2030 Invalid ID) come without a `time` member.
    public var includesTime: Bool = true

    public init(
        code: String, message: String, detail: String, element: String? = "", type: String = "ValidationFault",
        status: Int = 400
    ) {
        self.code = code
        self.message = message
        self.detail = detail
        self.element = element
        self.type = type
        self.status = status
    }

    /// The `Fault` object (without the envelope).
    public var faultObject: JSONValue {
        var error = JSONObject()
        error["Message"] = .string(message)
        error["Detail"] = .string(detail)
        error["code"] = .string(code)
        if let element { error["element"] = .string(element) }
        return ["Error": [.object(error)], "type": .string(type)]
    }

    // MARK: Catalogue (codes and texts from shared/reference/qbo-api.md §3)

    static func unsupportedOperation(_ detail: String) -> QBOFault {
        QBOFault(code: "500", message: "Unsupported Operation", detail: detail)
    }

    static func invalidID(_ supplied: String) -> QBOFault {
        var f = QBOFault(
            code: "2030", message: "Invalid ID", detail: "Id should be a valid number. Supplied value:\(supplied)",
            element: "Id")
        f.includesTime = false
        return f
    }

    static func objectNotFound(_ detail: String) -> QBOFault {
        QBOFault(code: "610", message: "Object Not Found", detail: "Object Not Found : \(detail)")
    }

    static let madeInactive =
        "Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees."
    static let deletedByAnother = "Another user has deleted this transaction."

    static func stale() -> QBOFault {
        QBOFault(
            code: "5010", message: "Stale Object Error",
            detail:
                "Stale Object Error : You and Sandbox User were working on this at the same time. Sandbox User finished before you did, so your work was not saved."
        )
    }

    static func required(_ path: String) -> QBOFault {
        QBOFault(
            code: "2020", message: "Required param missing, need to supply the required value for the API",
            detail: "Required parameter \(path) is missing in the request", element: path)
    }

    static func tooLong(_ path: String, max: Int, supplied: Int) -> QBOFault {
        let fmt = NumberFormatter()
        fmt.numberStyle = .decimal
        fmt.locale = Locale(identifier: "en_US")
        let maxText = fmt.string(from: NSNumber(value: max)) ?? String(max)
        let supText = fmt.string(from: NSNumber(value: supplied)) ?? String(supplied)
        return QBOFault(
            code: "2050", message: "String length specified does not match the supported length",
            detail:
                "String length specified does not match the supported length : \(path) Min:0 Max:\(maxText) supported. Supplied length:\(supText)",
            element: path)
    }

    static func invalidString(_ path: String) -> QBOFault {
        QBOFault(
            code: "2040", message: "Invalid String",
            detail: "Element contains invalid characters : \(path) must not contain colon (:), tab or newline",
            element: path)
    }

    static func invalidReference(_ path: String, _ why: String? = nil) -> QBOFault {
        QBOFault(
            code: "2500", message: "Invalid Reference Id",
            detail: "Invalid Reference Id : \(why ?? path)", element: path)
    }

    static func duplicateName() -> QBOFault {
        QBOFault(
            code: "6240", message: "Duplicate Name Exists Error",
            detail:
                "The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name."
        )
    }

    static func duplicateDocNumber(_ doc: String, txnType: String, txnId: String) -> QBOFault {
        QBOFault(
            code: "6140", message: "Duplicate Document Number Error",
            detail:
                "You must specify a different number. This number has already been used. DocNumber=\(doc) is assigned to TxnType=\(txnType) with TxnId=\(txnId)"
        )
    }

    static func amountCalculation(_ detail: String) -> QBOFault {
        QBOFault(
            code: "6070", message: "Amount calculation incorrect in the request",
            detail: "Amount is not equal to UnitPrice * Qty. \(detail)")
    }

    static func businessValidation(_ detail: String) -> QBOFault {
        QBOFault(
            code: "6000", message: "A business validation error has occurred while processing your request",
            detail: "Business Validation Error: \(detail)")
    }

    static func cannotLink(_ detail: String) -> QBOFault {
        QBOFault(code: "620", message: "TxnID Cannot Be Linked", detail: detail)
    }

    static func requestBody(_ detail: String) -> QBOFault {
        QBOFault(
            code: "2010", message: "Request has invalid or unsupported property",
            detail: "Property Name:\(detail)")
    }

    static func queryParse(_ detail: String) -> QBOFault {
        QBOFault(code: "4000", message: "Error parsing query", detail: "QueryParserError: \(detail)")
    }

    static func queryInvalid(_ detail: String) -> QBOFault {
        QBOFault(code: "4001", message: "Invalid query", detail: "QueryValidationError: \(detail)")
    }

    static func batchTooLarge(_ count: Int) -> QBOFault {
        QBOFault(
            code: "1040", message: "Batch size exceeds allowed limit",
            detail: "Batch size of \(count) exceeds the maximum allowed 30 items")
    }

    /// A `requestid` already used for a request to another endpoint. Intuit lists code 600
    /// "Duplicate Request ID" ("The request ID you're trying to use already exists") without
    /// saying when it is sent; the sandbox sends it instead of replaying another request's
    /// reply (docs/qbo-sandbox.md, decisions).
    static func duplicateRequestID(_ requestId: String, firstSentTo endpoint: String) -> QBOFault {
        QBOFault(
            code: "600", message: "Duplicate Request ID",
            detail:
                "Duplicate Request ID : The request ID you're trying to use already exists. requestid \(requestId) was first sent with \(endpoint); use a new request ID for a different request."
        )
    }

    static func systemFailure() -> QBOFault {
        QBOFault(
            code: "10000", message: "An application error has occurred while processing your request",
            detail:
                "System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.",
            type: "SystemFault", status: 500)
    }
}
