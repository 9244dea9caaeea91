import Foundation
import PortBooksCore

/// PortPro customer → QuickBooks `Customer` (docs/MAPPING.md "Customers").
///
/// DisplayName is the company name. QuickBooks refuses `:`, tab and newline in it; by default
/// such a name is the problem `invalid-display-name` (never silently changed), unless
/// `[customers] name_character_replacement` says what to put instead. An empty name is
/// `invalid-display-name` too. CompanyName (100 characters in QuickBooks, against 500 for
/// DisplayName) is left out when the name is longer. Pure; thread-safe.
public struct CustomerMapper: Sendable {
    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func map(_ customer: Customer) -> MappedRecord<QBCustomer> {
        var problems: [MappingProblem] = []
        let name = displayName(customer.companyName, problems: &problems)
        if let problem = QuickBooksLimits.tooLong(
            .displayNameTooLong, field: "DisplayName", what: "The customer name", value: name,
            limit: QuickBooksLimits.displayName, suggestion: "Shorten the company name in PortPro.")
        {
            problems.append(problem)
        }
        // CompanyName is informational in QuickBooks (DisplayName names the customer) and takes
        // only 100 characters: a longer name is left out of it rather than blocking the customer.
        var companyName = customer.companyName.trimmingWhitespace()
        if companyName.count > QuickBooksLimits.companyName { companyName = "" }
        var email: QBEmailAddress?
        if let address = nonEmpty(customer.quickbooksEmail) ?? nonEmpty(customer.billingEmail) {
            email = QBEmailAddress(address)
            if address.count > QuickBooksLimits.email || !address.contains("@") || !address.contains(".") {
                problems.append(
                    MappingProblem(
                        code: .invalidEmail, field: "PrimaryEmailAddr.Address",
                        message: "The customer's email \"\(address)\" (\(address.count) characters) is not one "
                            + "QuickBooks accepts: it needs an @ and a dot, at most \(QuickBooksLimits.email) characters.",
                        suggestion: "Correct the QuickBooks Email of the customer in PortPro."))
            }
        }
        var phone: QBPhone?
        if let number = nonEmpty(customer.mobile) {
            phone = QBPhone(number)
            if let problem = QuickBooksLimits.tooLong(
                .phoneTooLong, field: "PrimaryPhone.FreeFormNumber", what: "The phone number", value: number,
                limit: QuickBooksLimits.phone, suggestion: "Shorten the phone number in PortPro.")
            {
                problems.append(problem)
            }
        }
        let address = QBAddress(
            line1: nonEmpty(customer.address1), city: nonEmpty(customer.city),
            countrySubDivisionCode: nonEmpty(customer.state), postalCode: nonEmpty(customer.zipCode),
            country: nonEmpty(customer.country))
        for (field, value, limit) in [
            ("BillAddr.Line1", address.line1, QuickBooksLimits.addressLine),
            ("BillAddr.City", address.city, QuickBooksLimits.city),
            ("BillAddr.PostalCode", address.postalCode, QuickBooksLimits.postalCode),
        ] {
            if let value,
                let problem = QuickBooksLimits.tooLong(
                    .addressTooLong, field: field, what: "The address field \(field)", value: value, limit: limit,
                    suggestion: "Shorten the customer's address in PortPro.")
            {
                problems.append(problem)
            }
        }
        var term: QuickBooksReference?
        if case .fromPortPro = settings.invoices.terms, let days = customer.defaultPaymentTerms?.days {
            term = .unresolved(.term, key: "Net \(days)")
        }
        let payload = QBCustomer(
            displayName: name, companyName: companyName.isEmpty ? nil : companyName, primaryEmailAddr: email,
            primaryPhone: phone, billAddr: address.isEmpty ? nil : address,
            currencyRef: settings.customers.sendCurrency ? nonEmpty(customer.currency).map(QBValue.init) : nil,
            salesTermRef: term)
        return MappedRecord(payload: payload, problems: problems)
    }

    private func displayName(_ companyName: String, problems: inout [MappingProblem]) -> String {
        let name = companyName.trimmingWhitespace()
        if name.isEmpty {
            problems.append(
                MappingProblem(
                    code: .invalidDisplayName, field: "DisplayName",
                    message: "The customer has no name: its company name is empty or only spaces, and QuickBooks "
                        + "needs a name for every customer.",
                    suggestion: "Enter the customer's company name in PortPro and export the customer again."))
            return name
        }
        let forbidden = name.filter { QuickBooksLimits.forbiddenNameCharacters.contains($0) }
        guard !forbidden.isEmpty else { return name }
        let replacement = settings.customers.nameCharacterReplacement
        if !replacement.isEmpty {
            return Self.replacing(QuickBooksLimits.forbiddenNameCharacters, in: name, with: replacement)
        }
        let names = Set(
            forbidden.map { character -> String in
                switch character {
                case ":": "a colon (:)"
                case "\t": "a tab"
                default: "a line break"
                }
            }
        ).sorted()
        problems.append(
            MappingProblem(
                code: .invalidDisplayName, field: "DisplayName",
                message:
                    "The customer name \"\(name.replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n"))\" "
                    + "contains \(names.joined(separator: " and ")); QuickBooks does not allow colons, tabs or "
                    + "line breaks in customer names.",
                suggestion: "Rename the customer in PortPro (e.g. \"Acme - Rail\"), or set [customers] "
                    + "name_character_replacement = \" - \" in portbooks.toml."))
        return name
    }

    /// `name` with each character of `forbidden` replaced by `replacement`, without doubling
    /// the spaces around it: spaces next to a replaced character give way to the replacement's
    /// own (with " - ", "Acme: Rail" is "Acme - Rail", never "Acme -  Rail").
    static func replacing(_ forbidden: Set<Character>, in name: String, with replacement: String) -> String {
        let leadsWithSpace = replacement.first?.isWhitespace ?? false
        let endsWithSpace = replacement.last?.isWhitespace ?? false
        var result = ""
        var skippingSpaces = false
        for character in name {
            if forbidden.contains(character) {
                if leadsWithSpace {
                    while result.last == " " { result.removeLast() }
                }
                result += replacement
                skippingSpaces = endsWithSpace
                continue
            }
            if skippingSpaces && character == " " { continue }
            skippingSpaces = false
            result.append(character)
        }
        return result.trimmingWhitespace()
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
