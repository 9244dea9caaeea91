import Foundation
import PortBooksJSON

/// Multicurrency: `Preferences.CurrencyPrefs`, the currency of customers, vendors and
/// transactions, `ExchangeRate` and the home-currency amounts.
///
/// Intuit: a customer's currency is set at create (home when absent) and "cannot be changed";
/// transactions carry `CurrencyRef` and `ExchangeRate` ("the number of home currency units it
/// takes to equal one unit of currency specified by CurrencyRef"), and Invoice/CreditMemo the
/// read-only `HomeTotalAmt` and `HomeBalance`
/// (https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-multiple-currencies,
/// and the Customer, Invoice, CreditMemo and Payment pages of the API reference).
extension Company {
    /// `Preferences.CurrencyPrefs.MultiCurrencyEnabled`.
    var multiCurrencyEnabled: Bool {
        preferences["CurrencyPrefs"]?["MultiCurrencyEnabled"]?.looseBool ?? false
    }

    /// `Preferences.CurrencyPrefs.HomeCurrency` (an ISO 4217 code).
    var homeCurrency: String {
        nonEmptyString(preferences["CurrencyPrefs"]?["HomeCurrency"]?["value"]) ?? "USD"
    }

    /// `{"value": "USD", "name": "United States Dollar"}`, as responses carry it.
    static func currencyRef(_ code: String) -> JSONValue {
        guard let name = CurrencyNames.name(of: code) else { return ["value": .string(code)] }
        return ["value": .string(code), "name": .string(name)]
    }

    /// The code a request's `CurrencyRef` names (`{"value":"CAD"}` or a bare `"CAD"`), if any.
    static func currencyCode(_ ref: JSONValue?) -> String? {
        guard let ref else { return nil }
        return (nonEmptyString(ref["value"]) ?? nonEmptyString(ref))?.uppercased()
    }

    /// Customer and Vendor: the currency is set at create (home when absent) and never changes.
    /// With multicurrency off, only the home currency may be named.
    func applyNameCurrency(_ obj: inout JSONObject, existing: JSONObject?) throws(QBOFault) {
        let home = homeCurrency
        let current = existing.map { Company.currencyCode($0["CurrencyRef"]) ?? home }
        let given = Company.currencyCode(obj["CurrencyRef"])
        if let current {
            if let given, given != current {
                throw QBOFault.businessValidation(
                    "A customer's or vendor's currency cannot be changed once set (it is \(current); the request names \(given))."
                )
            }
            obj["CurrencyRef"] = Company.currencyRef(current)
            return
        }
        let code = given ?? home
        try checkCurrencyAllowed(code)
        obj["CurrencyRef"] = Company.currencyRef(code)
    }

    /// Invoice, CreditMemo and Payment: the currency is the customer's (naming another is refused),
    /// `ExchangeRate` is 1 for the home currency and the given rate (else 1) for a foreign one.
    /// With multicurrency off, only the home currency may be named and no rate is kept.
    func applyTransactionCurrency(
        _ obj: inout JSONObject, customer: JSONObject, existing: JSONObject?
    ) throws(QBOFault) {
        let home = homeCurrency
        let given = Company.currencyCode(obj["CurrencyRef"])
        guard multiCurrencyEnabled else {
            if let given, given != home { throw Company.unsupportedCurrency() }
            obj["CurrencyRef"] = Company.currencyRef(home)
            for key in ["ExchangeRate", "HomeTotalAmt", "HomeBalance"] { obj[key] = nil }
            return
        }
        let currency = Company.currencyCode(customer["CurrencyRef"]) ?? home
        if let given, given != currency {
            let name = customer["DisplayName"]?.stringValue ?? ""
            throw QBOFault.businessValidation(
                "You can only use one foreign currency per transaction. Customer \(name) uses \(currency); the transaction names \(given)."
            )
        }
        obj["CurrencyRef"] = Company.currencyRef(currency)
        if currency == home {
            obj["ExchangeRate"] = 1
            return
        }
        let rate = obj["ExchangeRate"]?.looseDecimal ?? existing?["ExchangeRate"]?.looseDecimal ?? 1
        guard rate > 0 else {
            throw QBOFault(
                code: "2010", message: "Request has invalid or unsupported property",
                detail: "Property Name:ExchangeRate specified is unsupported or invalid", element: "ExchangeRate")
        }
        obj["ExchangeRate"] = .number(rate)
    }

    /// Invoice and CreditMemo in a foreign currency: `HomeTotalAmt` and `HomeBalance` from
    /// `TotalAmt`, `Balance` and `ExchangeRate`, rounded to cents; absent otherwise. Called
    /// wherever TotalAmt or Balance changes.
    func applyHomeAmounts(_ obj: inout JSONObject) {
        guard multiCurrencyEnabled, let code = Company.currencyCode(obj["CurrencyRef"]), code != homeCurrency,
            let rate = obj["ExchangeRate"]?.looseDecimal
        else {
            obj["HomeTotalAmt"] = nil
            obj["HomeBalance"] = nil
            return
        }
        obj["HomeTotalAmt"] = .number(roundCents((obj["TotalAmt"]?.looseDecimal ?? 0) * rate))
        obj["HomeBalance"] = .number(roundCents((obj["Balance"]?.looseDecimal ?? 0) * rate))
    }

    /// A currency a new customer may take: the home one, or with multicurrency on any ISO 4217 code.
    private func checkCurrencyAllowed(_ code: String) throws(QBOFault) {
        if code == homeCurrency { return }
        guard multiCurrencyEnabled else { throw Company.unsupportedCurrency() }
        guard CurrencyNames.isKnown(code) else {
            throw QBOFault.invalidReference("CurrencyRef", "CurrencyRef \(code) is not an ISO 4217 currency code")
        }
    }

    /// A currency other than the home one while multicurrency is off: 2010, as one integrator
    /// observed for Bill.CurrencyRef (the code for other entities is not documented).
    private static func unsupportedCurrency() -> QBOFault {
        QBOFault(
            code: "2010", message: "Request has invalid or unsupported property",
            detail:
                "Property Name:CurrencyRef specified is unsupported or invalid (multicurrency is not enabled for this company)",
            element: "CurrencyRef")
    }
}

/// ISO 4217 codes and the names QuickBooks gives them.
enum CurrencyNames {
    /// QuickBooks' own names where they differ from the common English ones (recorded:
    /// `"CurrencyRef":{"value":"USD","name":"United States Dollar"}`).
    private static let quickBooksNames = ["USD": "United States Dollar", "GBP": "British Pound Sterling"]
    /// Code → name for every common ISO 4217 code, built once (ICU's English names).
    private static let names: [String: String] = {
        let english = Locale(identifier: "en_US")
        var names: [String: String] = [:]
        for code in Locale.commonISOCurrencyCodes {
            names[code] = quickBooksNames[code] ?? english.localizedString(forCurrencyCode: code) ?? code
        }
        return names.merging(quickBooksNames) { _, quickBooks in quickBooks }
    }()

    static func isKnown(_ code: String) -> Bool { names[code] != nil }

    static func name(of code: String) -> String? { names[code] }
}
