import Foundation
import PortBooksJSON

/// Writes a reply as QuickBooks writes its JSON: the bytes of PortBooksJSON's serializer (keys
/// sorted, numbers from their digits), except that money members carry two decimals.
///
/// Recorded QuickBooks responses write amounts at scale 2 — `"Amount":337.50`,
/// `"TotalAmt":100.00`, `"Balance":739.00` — and a zero amount as `0` (`"Balance":0`,
/// `"TotalTax":0`, a voided line's `"Amount":0`), while rates and quantities keep their own
/// digits (`"UnitPrice":75`, `"Qty":4.5`) [`minimul/qbo_api spec/vcr/all/sales_receipts.yml`,
/// `spec/vcr/void/invoice.yml`, `spec/vcr/get/display_name.yml`]. A `Decimal` does not keep
/// trailing zeros, so the scale is applied here, where the reply is written (off the engine's
/// actor), by member name. Any JSON number parser reads the same values.
enum QuickBooksJSON {
    /// Members that hold money wherever they appear: line `Amount`, document and customer totals
    /// and balances (the amounts the sandbox computes; rates, quantities and percentages keep
    /// their digits).
    static let moneyKeys: Set<String> = [
        "Amount", "TotalAmt", "Balance", "BalanceWithJobs", "UnappliedAmt", "RemainingCredit", "HomeTotalAmt",
        "HomeBalance", "TotalTax",
    ]

    /// The JSON bytes of `value`, money members at scale 2.
    static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, isMoney: false, into: &out)
        return out
    }

    /// `1168.5` → `1168.50`, `100` → `100.00`, `0` → `0`; more than two decimals are kept.
    static func moneyText(_ amount: Decimal) -> String {
        if amount.isZero { return "0" }
        let plain = DecimalText.plainText(amount)
        guard let point = plain.utf8.firstIndex(of: UInt8(ascii: ".")) else { return plain + ".00" }
        let decimals = plain.utf8.distance(from: point, to: plain.utf8.endIndex) - 1
        return decimals == 1 ? plain + "0" : plain
    }

    /// Exactly two decimals (`71.00`, `0.00`), for amounts QuickBooks writes as strings
    /// (`LineEx` `txnOpenBalance`).
    static func twoDecimals(_ amount: Decimal) -> String {
        let text = moneyText(roundCents(amount))
        return text == "0" ? "0.00" : text
    }

    private static func write(_ value: JSONValue, isMoney: Bool, into out: inout [UInt8]) {
        switch value {
        case .number(let number):
            out.append(contentsOf: (isMoney ? moneyText(number) : DecimalText.plainText(number)).utf8)
        case .string(let text):
            writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, isMoney: false, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // PortBooksJSON's order: the keys' UTF-8 bytes.
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if let member = members[key] { write(member, isMoney: moneyKeys.contains(key), into: &out) }
            }
            out.append(UInt8(ascii: "}"))
        case .null, .bool:
            out.append(contentsOf: value.serializedBytes())
        }
    }

    /// Plain text is copied as is; anything needing an escape goes through PortBooksJSON.
    private static func writeString(_ text: String, into out: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: JSONValue.string(text).serializedBytes())
        }
    }
}
