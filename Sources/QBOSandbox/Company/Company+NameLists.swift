import Foundation
import PortBooksJSON

extension Company {
    /// Customer and Vendor: DisplayName rules (generated, ≤ 500, no `:` tab newline, unique
    /// across customers and vendors) and the defaults QuickBooks fills in.
    func completePerson(_ kind: EntityKind, _ obj: inout JSONObject, id: String?) throws(QBOFault) {
        for (key, max) in [
            ("Title", 16), ("GivenName", 100), ("MiddleName", 100), ("FamilyName", 100), ("Suffix", 16),
        ] {
            if let v = obj[key]?.stringValue { try checkName(v, path: key, max: max) }
        }
        try checkLength(obj, "CompanyName", max: 100)
        try checkLength(obj, "Notes", max: 2000)
        var display = obj["DisplayName"]?.stringValue ?? ""
        if display.trimmingCharacters(in: .whitespaces).isEmpty {
            display = ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"]
                .compactMap { obj[$0]?.stringValue }.filter { !$0.isEmpty }.joined(separator: " ")
            if display.isEmpty, let company = obj["CompanyName"]?.stringValue { display = company }
        }
        guard !display.isEmpty else {
            throw QBOFault(
                code: "6080", message: "No Name Provided",
                detail:
                    "Business Validation Error: Please provide a Display Name, or a Title, GivenName, MiddleName, FamilyName or Suffix."
            )
        }
        try checkName(display, path: "DisplayName", max: 500)
        if nameTaken(display, key: "DisplayName", in: [.customer, .vendor], except: (kind, id)) {
            throw QBOFault.duplicateName()
        }
        if let print = obj["PrintOnCheckName"]?.stringValue, !print.isEmpty {
            try checkName(print, path: "PrintOnCheckName", max: 110)
        } else {
            obj["PrintOnCheckName"] = .string(String(display.prefix(110)))
        }
        if let email = obj["PrimaryEmailAddr"]?["Address"]?.stringValue, !email.isEmpty {
            if email.count > 100 { throw QBOFault.tooLong("PrimaryEmailAddr.Address", max: 100, supplied: email.count) }
            if !email.contains("@") || !email.contains(".") {
                throw QBOFault(
                    code: "2210", message: "Invalid Email Address format",
                    detail: "Email Address does not conform to the syntax rules of RFC 822. Supplied value:\(email)",
                    element: "PrimaryEmailAddr.Address")
            }
        }
        obj["DisplayName"] = .string(display)
        obj["FullyQualifiedName"] = .string(display)
        if let term = obj["SalesTermRef"], kind == .customer, !term.isNull {
            if let t = try resolveRef(term, .term, path: "SalesTermRef", required: false) {
                obj["SalesTermRef"] = namedRef(t)
            }
        }
        if obj["Active"]?.looseBool == nil { obj["Active"] = true }
        try applyNameCurrency(&obj, existing: id.flatMap { objects[kind.name]?[$0] })
        if kind == .customer {
            if obj["Taxable"]?.looseBool == nil { obj["Taxable"] = false }
            if obj["Job"]?.looseBool == nil { obj["Job"] = false }
            if obj["BillWithParent"]?.looseBool == nil { obj["BillWithParent"] = false }
            if nonEmptyString(obj["PreferredDeliveryMethod"]) == nil { obj["PreferredDeliveryMethod"] = "Print" }
            let balance = id.flatMap { objects[kind.name]?[$0]?["Balance"] } ?? 0
            obj["Balance"] = balance
            obj["BalanceWithJobs"] = balance
        } else {
            if obj["Vendor1099"]?.looseBool == nil { obj["Vendor1099"] = false }
            obj["Balance"] = id.flatMap { objects[kind.name]?[$0]?["Balance"] } ?? 0
        }
    }

    /// Item: Name (required, ≤ 100, no `:`, unique), Type, IncomeAccountRef for services.
    func completeItem(_ obj: inout JSONObject, id: String?) throws(QBOFault) {
        guard let name = nonEmptyString(obj["Name"]) else { throw QBOFault.required("Name") }
        try checkName(name, path: "Name", max: 100)
        try checkLength(obj, "Sku", max: 100)
        try checkLength(obj, "Description", max: 4000)
        if nameTaken(name, key: "Name", in: [.item], except: (.item, id)) { throw QBOFault.duplicateName() }
        guard let type = nonEmptyString(obj["Type"]) else { throw QBOFault.required("Type") }
        guard ["Service", "NonInventory", "Inventory", "Category", "Group"].contains(type) else {
            throw QBOFault(
                code: "2170", message: "Invalid Enumeration", detail: "Invalid Enumeration : \(type)", element: "Type")
        }
        obj["Type"] = .string(type)
        if type == "Service" || type == "Inventory" || type == "NonInventory" {
            guard
                let account = try resolveRef(
                    obj["IncomeAccountRef"], .account, path: "IncomeAccountRef", required: true)
            else {
                throw QBOFault.required("IncomeAccountRef")
            }
            obj["IncomeAccountRef"] = namedRef(account)
        }
        if let expense = try resolveRef(obj["ExpenseAccountRef"], .account, path: "ExpenseAccountRef", required: false)
        {
            obj["ExpenseAccountRef"] = namedRef(expense)
        }
        obj["Name"] = .string(name)
        obj["FullyQualifiedName"] = .string(name)
        if obj["Active"]?.looseBool == nil { obj["Active"] = true }
        if obj["Taxable"]?.looseBool == nil { obj["Taxable"] = false }
        if obj["UnitPrice"]?.looseDecimal == nil { obj["UnitPrice"] = 0 }
        if obj["TrackQtyOnHand"]?.looseBool == nil { obj["TrackQtyOnHand"] = false }
    }

    /// Account, Term, Class, Department: a unique Name and an Active flag.
    func completeSimpleList(_ kind: EntityKind, _ obj: inout JSONObject, id: String?) throws(QBOFault) {
        guard let name = nonEmptyString(obj["Name"]) else { throw QBOFault.required("Name") }
        try checkName(name, path: "Name", max: kind == .term ? 31 : 100)
        if nameTaken(name, key: "Name", in: [kind], except: (kind, id)) { throw QBOFault.duplicateName() }
        obj["Name"] = .string(name)
        if obj["Active"]?.looseBool == nil { obj["Active"] = true }
        switch kind {
        case .account:
            guard let type = nonEmptyString(obj["AccountType"]) else { throw QBOFault.required("AccountType") }
            obj["FullyQualifiedName"] = .string(name)
            obj["SubAccount"] = obj["SubAccount"] ?? false
            obj["Classification"] = .string(Company.classification(ofAccountType: type))
            if obj["CurrentBalance"]?.looseDecimal == nil { obj["CurrentBalance"] = 0 }
            if obj["CurrentBalanceWithSubAccounts"]?.looseDecimal == nil { obj["CurrentBalanceWithSubAccounts"] = 0 }
            if obj["CurrencyRef"] == nil { obj["CurrencyRef"] = Company.currencyRef(homeCurrency) }
        case .term:
            if nonEmptyString(obj["Type"]) == nil { obj["Type"] = "STANDARD" }
            if obj["DueDays"]?.looseDecimal == nil, obj["Type"]?.stringValue == "STANDARD" { obj["DueDays"] = 0 }
        case .classKind:
            obj["FullyQualifiedName"] = .string(name)
            obj["SubClass"] = obj["SubClass"] ?? false
        case .department:
            obj["FullyQualifiedName"] = .string(name)
            obj["SubDepartment"] = obj["SubDepartment"] ?? false
        default: break
        }
    }

    static func classification(ofAccountType type: String) -> String {
        switch type {
        case "Income", "Other Income": return "Revenue"
        case "Expense", "Other Expense", "Cost of Goods Sold": return "Expense"
        case "Accounts Payable", "Credit Card", "Long Term Liability", "Other Current Liability": return "Liability"
        case "Equity": return "Equity"
        default: return "Asset"
        }
    }
}
