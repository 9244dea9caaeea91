import Foundation
import PortBooksJSON

extension Company {
    /// Invoice and CreditMemo: references, lines (Qty × UnitPrice = Amount), SubTotal line,
    /// DocNumber policy, dates, addresses and the computed TotalAmt/Balance/LinkedTxn.
    func completeSalesTransaction(
        _ kind: EntityKind, _ obj: inout JSONObject, existing: JSONObject?, _ options: WriteOptions
    ) throws(QBOFault) {
        guard let customer = try resolveRef(obj["CustomerRef"], .customer, path: "CustomerRef", required: true) else {
            throw QBOFault.required("CustomerRef")
        }
        obj["CustomerRef"] = namedRef(customer, nameKey: "DisplayName")
        try applyTransactionCurrency(&obj, customer: customer, existing: existing)
        try checkLength(obj, "PrivateNote", max: 4000)
        if let memo = obj["CustomerMemo"]?["value"]?.stringValue, memo.count > 1000 {
            throw QBOFault.tooLong("CustomerMemo", max: 1000, supplied: memo.count)
        }
        try applyDocNumber(kind, &obj, existing: existing, options)

        // Lines
        guard let inputLines = obj["Line"]?.arrayValue else { throw QBOFault.required("Line") }
        var previousLineIds = Set<String>()
        var maxLineId = 0
        for line in existing?["Line"]?.arrayValue ?? [] {
            if let lid = line["Id"]?.stringValue {
                previousLineIds.insert(lid)
                maxLineId = max(maxLineId, Int(lid) ?? 0)
            }
        }
        var itemLines: [JSONValue] = []
        var discountLines: [JSONObject] = []
        var subTotal = Decimal(0)
        var lineNum = 0
        for value in inputLines {
            guard var line = value.objectValue else { throw QBOFault.requestBody("Line") }
            let detailType =
                nonEmptyString(line["DetailType"])
                ?? [
                    "SalesItemLineDetail", "DescriptionOnly", "DiscountLineDetail", "SubTotalLineDetail",
                    "GroupLineDetail",
                ]
                .first { line[$0] != nil || (line["DescriptionLineDetail"] != nil && $0 == "DescriptionOnly") }
            guard let detailType else { throw QBOFault.required("Line.DetailType") }
            if detailType == "SubTotalLineDetail" { continue }
            try checkLength(line, "Description", max: 4000, path: "Line.Description")
            if detailType == "DiscountLineDetail" {
                discountLines.append(line)
                continue
            }
            lineNum += 1
            let given = line["Id"]?.stringValue
            if let given, previousLineIds.contains(given) {
                line["Id"] = .string(given)
            } else {
                maxLineId += 1
                line["Id"] = .string(String(maxLineId))
            }
            line["LineNum"] = .number(Decimal(lineNum))
            line["DetailType"] = .string(detailType)
            if detailType == "SalesItemLineDetail" {
                var detail = line["SalesItemLineDetail"]?.objectValue ?? JSONObject()
                let itemRef =
                    detail["ItemRef"].flatMap { nonEmptyString($0["value"]) == nil ? nil : $0 } ?? ["value": "1"]
                guard
                    let item = try resolveRef(itemRef, .item, path: "Line.SalesItemLineDetail.ItemRef", required: true)
                else { throw QBOFault.required("Line.SalesItemLineDetail.ItemRef") }
                if item["Type"]?.stringValue == "Category" {
                    throw QBOFault.invalidReference(
                        "Line.SalesItemLineDetail.ItemRef", "Categories cannot be used in transactions")
                }
                detail["ItemRef"] = namedRef(item)
                let qty = detail["Qty"]?.looseDecimal ?? 0
                let price = detail["UnitPrice"]?.looseDecimal ?? 0
                var amount = try Company.money(line["Amount"], path: "Line.Amount")
                if amount == nil, qty != 0, price != 0 { amount = roundCents(qty * price) }
                guard let amount else { throw QBOFault.required("Line.Amount") }
                if qty != 0, price != 0, roundCents(qty * price) != amount {
                    throw QBOFault.amountCalculation(
                        "Supplied value: Amount=\(line["Amount"]?.looseDecimal ?? amount), UnitPrice=\(price), Qty=\(qty)"
                    )
                }
                if qty != 0, detail["UnitPrice"] == nil || price == 0 {
                    var q = amount / qty
                    var r = Decimal()
                    NSDecimalRound(&r, &q, 7, .plain)
                    detail["UnitPrice"] = .number(r)
                }
                if nonEmptyString(detail["TaxCodeRef"]?["value"]) == nil {
                    detail["TaxCodeRef"] = ["value": "NON"]
                } else if let code = nonEmptyString(detail["TaxCodeRef"]?["value"]), object(.taxCode, code) == nil {
                    throw QBOFault.invalidReference("Line.SalesItemLineDetail.TaxCodeRef")
                }
                if let cls = try resolveRef(
                    detail["ClassRef"], .classKind, path: "Line.SalesItemLineDetail.ClassRef", required: false)
                {
                    detail["ClassRef"] = namedRef(cls)
                }
                line["Amount"] = .number(amount)
                line["SalesItemLineDetail"] = .object(detail)
                subTotal += amount
            } else if detailType == "DescriptionOnly" {
                if line["DescriptionLineDetail"] == nil { line["DescriptionLineDetail"] = .object(JSONObject()) }
            } else {
                throw QBOFault.unsupportedOperation("Line.DetailType \(detailType) is not modelled by qbo-sandbox")
            }
            itemLines.append(.object(line))
        }
        var discount = Decimal(0)
        var outLines = itemLines
        outLines.append(["Amount": .number(subTotal), "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": [:]])
        for var line in discountLines {
            var detail = line["DiscountLineDetail"]?.objectValue ?? JSONObject()
            var amount = try Company.money(line["Amount"], path: "Line.Amount") ?? 0
            if detail["PercentBased"]?.looseBool == true, let pct = detail["DiscountPercent"]?.looseDecimal {
                amount = roundCents(subTotal * pct / 100)
            }
            detail["PercentBased"] = detail["PercentBased"] ?? false
            maxLineId += 1
            line["Id"] = .string(String(maxLineId))
            line["Amount"] = .number(amount)
            line["DetailType"] = "DiscountLineDetail"
            line["DiscountLineDetail"] = .object(detail)
            discount += amount
            outLines.append(.object(line))
        }
        obj["Line"] = .array(outLines)
        let total = subTotal - discount
        obj["TotalAmt"] = .number(total)
        obj["TxnTaxDetail"] = ["TotalTax": 0]
        obj["ApplyTaxAfterDiscount"] = obj["ApplyTaxAfterDiscount"] ?? false

        // Dates and terms
        let txnDate = nonEmptyString(obj["TxnDate"]) ?? options.today
        guard options.time.parse(txnDate) != nil else {
            throw QBOFault(
                code: "2010", message: "Request has invalid or unsupported property",
                detail: "Property Name:TxnDate specified is unsupported or invalid", element: "TxnDate")
        }
        obj["TxnDate"] = .string(txnDate)
        if kind == .invoice {
            let termRef =
                obj["SalesTermRef"].flatMap { nonEmptyString($0["value"]) == nil ? nil : $0 }
                ?? customer["SalesTermRef"] ?? preferences["SalesFormsPrefs"]?["DefaultTerms"]
            var dueDays = 0
            if let termRef, let term = try resolveRef(termRef, .term, path: "SalesTermRef", required: false) {
                obj["SalesTermRef"] = namedRef(term)
                dueDays = Int(truncating: (term["DueDays"]?.looseDecimal ?? 0) as NSNumber)
            }
            if nonEmptyString(obj["DueDate"]) == nil {
                obj["DueDate"] = .string(options.time.day(txnDate, plusDays: dueDays) ?? txnDate)
            }
            for key in [
                "AllowIPNPayment", "AllowOnlinePayment", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment",
            ]
            where obj[key]?.looseBool == nil {
                obj[key] = false
            }
        }
        if let cls = try resolveRef(obj["ClassRef"], .classKind, path: "ClassRef", required: false) {
            obj["ClassRef"] = namedRef(cls)
        }
        if let dep = try resolveRef(obj["DepartmentRef"], .department, path: "DepartmentRef", required: false) {
            obj["DepartmentRef"] = namedRef(dep)
        }
        for key in ["BillAddr", "ShipAddr"] where obj[key] == nil || obj[key]?.isNull == true {
            if let addr = customer[key] { obj[key] = addr }
        }
        if let email = customer["PrimaryEmailAddr"], obj["BillEmail"] == nil { obj["BillEmail"] = email }
        if nonEmptyString(obj["PrintStatus"]) == nil { obj["PrintStatus"] = "NotSet" }
        if nonEmptyString(obj["EmailStatus"]) == nil { obj["EmailStatus"] = "NotSet" }
        obj["CustomField"] = .array(customFields(obj["CustomField"]?.arrayValue ?? []))

        // Computed balance: total less what payments apply.
        let id = existing?["Id"]?.stringValue
        let applied = id.map { appliedAmount(to: $0, kind: kind) } ?? 0
        if kind == .invoice {
            obj["LinkedTxn"] = .array(id.map { linkedTxns(for: $0) } ?? [])
            obj["Balance"] = .number(total - applied)
        } else {
            obj["RemainingCredit"] = .number(total - applied)
            obj["Balance"] = .number(total - applied)
        }
        applyHomeAmounts(&obj)
    }

    /// DocNumber: ≤ 21, 6140 on duplicates when custom numbers are on, auto-numbered when off.
    private func applyDocNumber(
        _ kind: EntityKind, _ obj: inout JSONObject, existing: JSONObject?, _ options: WriteOptions
    ) throws(QBOFault) {
        var doc = nonEmptyString(obj["DocNumber"])
        if let d = doc, d.count > 21 { throw QBOFault.tooLong("DocNumber", max: 21, supplied: d.count) }
        if customTxnNumbers {
            if let d = doc, !options.allowDuplicateDocNumber, d != existing?["DocNumber"]?.stringValue {
                let myId = existing?["Id"]?.stringValue
                if let other = ids(withDocNumber: d, kind).filter({ $0 != myId }).min() {
                    throw QBOFault.duplicateDocNumber(
                        d, txnType: kind == .invoice ? "Invoice" : "Credit Memo", txnId: other)
                }
            }
        } else if doc == nil || doc == "AUTO_GENERATE" {
            if let keep = existing?["DocNumber"], doc == nil {
                obj["DocNumber"] = keep
                return
            }
            let next = max(docNumberHigh[kind.name] ?? 1000, 1000) + 1
            doc = String(next)
        }
        obj["DocNumber"] = doc.map { .string($0) }
    }

    /// The invoice's custom fields with names from Preferences; definitions without values when none were sent.
    private func customFields(_ input: [JSONValue]) -> [JSONValue] {
        let names = customFieldNames()
        if input.isEmpty {
            return names.map { ["DefinitionId": .string($0.0), "Name": .string($0.1), "Type": "StringType"] }
        }
        return input.compactMap { value -> JSONValue? in
            guard let def = nonEmptyString(value["DefinitionId"]), let name = names.first(where: { $0.0 == def }) else {
                return nil
            }
            var out: JSONObject = ["DefinitionId": .string(def), "Name": .string(name.1), "Type": "StringType"]
            if let s = value["StringValue"]?.stringValue { out["StringValue"] = .string(s) }
            return .object(out)
        }
    }

    /// (DefinitionId, Name) of the enabled string custom fields in Preferences.
    func customFieldNames() -> [(String, String)] {
        var enabled = Set<String>()
        var names: [String: String] = [:]
        for group in preferences["SalesFormsPrefs"]?["CustomField"]?.arrayValue ?? [] {
            for field in group["CustomField"]?.arrayValue ?? [] {
                guard let name = field["Name"]?.stringValue else { continue }
                if name.hasPrefix("SalesFormsPrefs.UseSalesCustom"), field["BooleanValue"]?.looseBool == true {
                    enabled.insert(String(name.dropFirst("SalesFormsPrefs.UseSalesCustom".count)))
                }
                if name.hasPrefix("SalesFormsPrefs.SalesCustomName"), let v = field["StringValue"]?.stringValue {
                    names[String(name.dropFirst("SalesFormsPrefs.SalesCustomName".count))] = v
                }
            }
        }
        return enabled.sorted().compactMap { id in names[id].map { (id, $0) } }
    }

    /// Sum that payments apply to an invoice (or, for a credit memo, take from it).
    func appliedAmount(to txnId: String, kind: EntityKind) -> Decimal {
        var sum = Decimal(0)
        for paymentId in paymentLinks[txnId] ?? [] {
            guard let payment = objects[EntityKind.payment.name]?[paymentId] else { continue }
            for line in payment["Line"]?.arrayValue ?? [] {
                for link in line["LinkedTxn"]?.arrayValue ?? [] where link["TxnId"]?.stringValue == txnId {
                    sum += line["Amount"]?.looseDecimal ?? 0
                }
            }
        }
        return sum
    }

    /// An invoice's `LinkedTxn`: the payments applied to it.
    func linkedTxns(for txnId: String) -> [JSONValue] {
        (paymentLinks[txnId] ?? []).sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.map {
            ["TxnId": .string($0), "TxnType": "Payment"]
        }
    }
}
