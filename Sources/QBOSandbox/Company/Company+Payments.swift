import Foundation
import PortBooksJSON

extension Company {
    /// Payment: customer, TotalAmt, lines linking invoices (and credit memos) of that customer,
    /// applied amounts within open balances, UnappliedAmt, Undeposited Funds by default.
    func completePayment(_ obj: inout JSONObject, existing: JSONObject?, _ options: WriteOptions) throws(QBOFault) {
        guard let customer = try resolveRef(obj["CustomerRef"], .customer, path: "CustomerRef", required: true) else {
            throw QBOFault.required("CustomerRef")
        }
        obj["CustomerRef"] = namedRef(customer, nameKey: "DisplayName")
        try applyTransactionCurrency(&obj, customer: customer, existing: existing)
        // Home-currency amounts are Invoice and CreditMemo fields; a Payment has none.
        for key in ["HomeTotalAmt", "HomeBalance"] { obj[key] = nil }
        guard let total = try Company.money(obj["TotalAmt"], path: "TotalAmt") else {
            throw QBOFault.required("TotalAmt")
        }
        try checkLength(obj, "PrivateNote", max: 4000)
        let paymentId = existing?["Id"]?.stringValue
        var invoicesApplied = Decimal(0)
        var creditsApplied = Decimal(0)
        var usedByTxn: [String: Decimal] = [:]
        var lines: [JSONValue] = []
        for value in obj["Line"]?.arrayValue ?? [] {
            guard var line = value.objectValue else { throw QBOFault.requestBody("Line") }
            let amount = try Company.money(line["Amount"], path: "Line.Amount") ?? 0
            if amount < 0 {
                throw QBOFault.businessValidation(
                    "Payment line amounts must not be negative (\(amount)); a credit memo is applied with a positive amount."
                )
            }
            var links: [JSONValue] = []
            line["LineEx"] = nil
            for link in line["LinkedTxn"]?.arrayValue ?? [] {
                guard let txnId = nonEmptyString(link["TxnId"]) else { throw QBOFault.required("Line.LinkedTxn.TxnId") }
                let typeName = nonEmptyString(link["TxnType"]) ?? "Invoice"
                guard let kind = EntityKind.named(typeName), kind == .invoice || kind == .creditMemo else {
                    throw QBOFault(
                        code: "2170", message: "Invalid Enumeration", detail: "Invalid Enumeration : \(typeName)",
                        element: "Line.LinkedTxn.TxnType")
                }
                guard let txn = object(kind, txnId) else {
                    throw QBOFault.invalidReference("Line.LinkedTxn.TxnId", "Line.LinkedTxn.TxnId \(txnId)")
                }
                if txn["CustomerRef"]?["value"]?.stringValue != customer["Id"]?.stringValue {
                    throw QBOFault.cannotLink(
                        "TxnID Cannot Be Linked : \(typeName) \(txnId) belongs to a different customer")
                }
                // Open before this payment: its Balance plus what this payment already applied.
                var open = txn["Balance"]?.looseDecimal ?? 0
                if let paymentId, paymentLinks[txnId]?.contains(paymentId) == true, let existing {
                    open += Company.amount(in: existing, linking: txnId)
                }
                let used = (usedByTxn[txnId] ?? 0) + amount
                if used > open {
                    throw QBOFault.businessValidation(
                        "The amount applied to \(typeName) \(txnId) (\(used)) is more than its open balance (\(open))."
                    )
                }
                if links.isEmpty {
                    line["LineEx"] = Company.lineEx(
                        txnId: txnId, openBalance: open - (usedByTxn[txnId] ?? 0),
                        reference: txn["DocNumber"]?.stringValue)
                }
                usedByTxn[txnId] = used
                if kind == .invoice { invoicesApplied += amount } else { creditsApplied += amount }
                links.append(["TxnId": .string(txnId), "TxnType": .string(typeName)])
            }
            line["Amount"] = .number(amount)
            line["LinkedTxn"] = .array(links)
            lines.append(.object(line))
        }
        if creditsApplied > invoicesApplied {
            throw QBOFault.businessValidation(
                "The credits applied (\(creditsApplied)) are more than the invoices they are applied to (\(invoicesApplied))."
            )
        }
        let applied = invoicesApplied - creditsApplied
        if applied > total {
            throw QBOFault.businessValidation(
                "The amounts applied to transactions (\(applied)) are more than the payment total (\(total)).")
        }
        obj["Line"] = .array(lines)
        obj["TotalAmt"] = .number(total)
        obj["UnappliedAmt"] = .number(total - applied)
        obj["TxnDate"] = .string(nonEmptyString(obj["TxnDate"]) ?? options.today)
        if let deposit = try resolveRef(
            obj["DepositToAccountRef"], .account, path: "DepositToAccountRef", required: false)
        {
            obj["DepositToAccountRef"] = ["value": deposit["Id"] ?? .null]
        } else if let undeposited = all(.account).first(where: { $0["Name"]?.stringValue == "Undeposited Funds" }) {
            obj["DepositToAccountRef"] = ["value": undeposited["Id"] ?? .null]
        }
        if let method = try resolveRef(
            obj["PaymentMethodRef"], .paymentMethod, path: "PaymentMethodRef", required: false)
        {
            obj["PaymentMethodRef"] = ["value": method["Id"] ?? .null, "name": method["Name"] ?? .null]
        }
        obj["ProcessPayment"] = obj["ProcessPayment"] ?? false
    }

    /// QuickBooks' `LineEx` on a payment line, as recorded responses carry it: the linked
    /// transaction's id, its open balance before this payment (a string at two decimals) and
    /// its DocNumber (the `Value` left out when it has none).
    static func lineEx(txnId: String, openBalance: Decimal, reference: String?) -> JSONValue {
        func nameValue(_ name: String, _ value: String?) -> JSONValue {
            var pair: JSONObject = ["Name": .string(name)]
            if let value { pair["Value"] = .string(value) }
            return [
                "name": "{http://schema.intuit.com/finance/v3}NameValue",
                "declaredType": "com.intuit.schema.finance.v3.NameValue",
                "scope": "javax.xml.bind.JAXBElement$GlobalScope", "value": .object(pair), "nil": false,
                "globalScope": true, "typeSubstituted": false,
            ]
        }
        return [
            "any": [
                nameValue("txnId", txnId), nameValue("txnOpenBalance", QuickBooksJSON.twoDecimals(openBalance)),
                nameValue("txnReferenceNumber", reference),
            ]
        ]
    }

    /// Rewrites `txnOpenBalance` (and `txnReferenceNumber`) in the payments that apply to a
    /// transaction whose Balance or DocNumber changed. QuickBooks recalculates this display-only
    /// value (observed: LanternOps/breeze); no SyncToken moves.
    func refreshLineEx(linking txnId: String) {
        guard let payments = paymentLinks[txnId], !payments.isEmpty,
            let txn = objects[EntityKind.invoice.name]?[txnId] ?? objects[EntityKind.creditMemo.name]?[txnId]
        else { return }
        let balance = txn["Balance"]?.looseDecimal ?? 0
        let reference = txn["DocNumber"]?.stringValue
        for paymentId in payments {
            guard var payment = objects[EntityKind.payment.name]?[paymentId],
                var lines = payment["Line"]?.arrayValue
            else { continue }
            // Open before this payment, less what its earlier lines took, as at write time.
            var open = balance + Company.amount(in: payment, linking: txnId)
            var changed = false
            for index in lines.indices {
                guard var line = lines[index].objectValue,
                    line["LinkedTxn"]?.arrayValue?.first?["TxnId"]?.stringValue == txnId
                else { continue }
                let lineEx = Company.lineEx(txnId: txnId, openBalance: open, reference: reference)
                open -= line["Amount"]?.looseDecimal ?? 0
                if line["LineEx"] != lineEx {
                    line["LineEx"] = lineEx
                    lines[index] = .object(line)
                    changed = true
                }
            }
            if changed {
                payment["Line"] = .array(lines)
                store(.payment, payment)
            }
        }
    }

    static func amount(in payment: JSONObject, linking txnId: String) -> Decimal {
        var sum = Decimal(0)
        for line in payment["Line"]?.arrayValue ?? [] {
            for link in line["LinkedTxn"]?.arrayValue ?? [] where link["TxnId"]?.stringValue == txnId {
                sum += line["Amount"]?.looseDecimal ?? 0
            }
        }
        return sum
    }

    static func linkedIds(of payment: JSONObject?) -> Set<String> {
        var ids = Set<String>()
        for line in payment?["Line"]?.arrayValue ?? [] {
            for link in line["LinkedTxn"]?.arrayValue ?? [] {
                if let id = link["TxnId"]?.stringValue { ids.insert(id) }
            }
        }
        return ids
    }

    /// Side effects of a stored, updated, voided or deleted object: payment links, the linked
    /// invoices' Balance/LinkedTxn/SyncToken, and customer balances.
    func afterChange(_ kind: EntityKind, old: JSONObject?, new: JSONObject?, _ options: WriteOptions) {
        adjustCustomerBalance(kind, old: old, new: new)
        if kind == .invoice || kind == .creditMemo, old != nil, let id = new?["Id"]?.stringValue {
            refreshLineEx(linking: id)
        }
        guard kind == .payment else { return }
        guard let paymentId = (new ?? old)?["Id"]?.stringValue else { return }
        let before = Company.linkedIds(of: old)
        let after = Company.linkedIds(of: new)
        for id in before { paymentLinks[id]?.remove(paymentId) }
        for id in after { paymentLinks[id, default: []].insert(paymentId) }
        for id in before.union(after) { refreshLinkedTransaction(id, now: options.meta) }
    }

    /// Recomputes an invoice's or credit memo's Balance after its payments changed, bumping its SyncToken.
    func refreshLinkedTransaction(_ id: String, now: String) {
        for kind in [EntityKind.invoice, .creditMemo] {
            guard let old = objects[kind.name]?[id] else { continue }
            var obj = old
            let total = obj["TotalAmt"]?.looseDecimal ?? 0
            let applied = appliedAmount(to: id, kind: kind)
            obj["Balance"] = .number(total - applied)
            if kind == .invoice {
                obj["LinkedTxn"] = .array(linkedTxns(for: id))
            } else {
                obj["RemainingCredit"] = .number(total - applied)
            }
            applyHomeAmounts(&obj)
            touch(&obj, now: now)
            store(kind, obj)
            adjustCustomerBalance(kind, old: old, new: obj)
            refreshLineEx(linking: id)
        }
    }

    /// What a transaction adds to its customer's Balance.
    private func contribution(_ kind: EntityKind, _ obj: JSONObject?) -> (String, Decimal)? {
        guard let obj, let customer = obj["CustomerRef"]?["value"]?.stringValue else { return nil }
        switch kind {
        case .invoice: return (customer, obj["Balance"]?.looseDecimal ?? 0)
        case .creditMemo: return (customer, -(obj["Balance"]?.looseDecimal ?? 0))
        case .payment: return (customer, -(obj["UnappliedAmt"]?.looseDecimal ?? 0))
        default: return nil
        }
    }

    private func adjustCustomerBalance(_ kind: EntityKind, old: JSONObject?, new: JSONObject?) {
        var deltas: [String: Decimal] = [:]
        if let (c, v) = contribution(kind, old) { deltas[c, default: 0] -= v }
        if let (c, v) = contribution(kind, new) { deltas[c, default: 0] += v }
        for (customerId, delta) in deltas where delta != 0 {
            guard var customer = objects[EntityKind.customer.name]?[customerId] else { continue }
            let balance = (customer["Balance"]?.looseDecimal ?? 0) + delta
            customer["Balance"] = .number(balance)
            customer["BalanceWithJobs"] = .number(balance)
            store(.customer, customer)
        }
    }

    /// Rebuilds the derived payment index after loading state from disk.
    func rebuildLinks() {
        paymentLinks = [:]
        for (paymentId, payment) in objects[EntityKind.payment.name] ?? [:] {
            for id in Company.linkedIds(of: payment) { paymentLinks[id, default: []].insert(paymentId) }
        }
    }
}
