import Foundation
import PortBooksJSON
import Testing

@testable import QBOSandbox

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Multicurrency (qbo-api.md §11, 10.3): off by default; on through the test API's reset or
/// `--multicurrency`; customer currency fixed at create; transactions in their customer's
/// currency with ExchangeRate, HomeTotalAmt and HomeBalance.
@Suite struct MulticurrencyTests {
    static let line =
        #"{"Amount":1168.50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"2"},"Qty":1,"UnitPrice":1168.5}}"#

    /// Turns multicurrency on (home USD) and creates a CAD customer; returns its Id.
    static func canadianCustomer(_ api: Sandbox) async throws -> String {
        let reset = try await api.sandbox(.post, "reset", body: #"{"multiCurrency":true,"homeCurrency":"USD"}"#)
        #expect(reset.json["multiCurrency"] == true)
        #expect(reset.json["homeCurrency"] == "USD")
        let created = try await api.post(
            "customer", #"{"DisplayName":"Port of Montreal Brokers","CurrencyRef":{"value":"CAD"}}"#)
        #expect(created.status == 200)
        return try #require(created.json["Customer"]?["Id"]?.stringValue)
    }

    @Test func offByDefaultAForeignCurrencyIsRefusedAndTheHomeOneIsAnswered() async throws {
        try await withSandbox { api in
            let prefs = try await api.get("preferences")
            #expect(prefs.json["Preferences"]?["CurrencyPrefs"]?["MultiCurrencyEnabled"] == false)
            #expect(prefs.json["Preferences"]?["CurrencyPrefs"]?["HomeCurrency"]?["value"] == "USD")

            let customer = try await api.post(
                "customer", #"{"DisplayName":"Euro Buyer","CurrencyRef":{"value":"EUR"}}"#)
            #expect(customer.status == 400)
            #expect(customer.faultCode == "2010")
            #expect(customer.json["Fault"]?["Error"]?.arrayValue?.first?["element"] == "CurrencyRef")
            let home = try await api.post(
                "customer", #"{"DisplayName":"Dollar Buyer","CurrencyRef":{"value":"USD"}}"#)
            #expect(home.json["Customer"]?["CurrencyRef"] == ["value": "USD", "name": "United States Dollar"])

            for (resource, body) in [
                ("invoice", #"{"CustomerRef":{"value":"1"},"CurrencyRef":{"value":"CAD"},"Line":[\#(Self.line)]}"#),
                ("creditmemo", #"{"CustomerRef":{"value":"1"},"CurrencyRef":{"value":"CAD"},"Line":[\#(Self.line)]}"#),
                ("payment", #"{"CustomerRef":{"value":"1"},"CurrencyRef":{"value":"CAD"},"TotalAmt":10}"#),
            ] {
                let r = try await api.post(resource, body)
                #expect(r.status == 400, "\(resource)")
                #expect(r.faultCode == "2010", "\(resource)")
            }
            let invoices = try await api.query("select count(*) from Invoice")
            #expect(invoices.json["QueryResponse"]?["totalCount"]?.decimalValue == 1)

            let plain = try await api.post("invoice", #"{"CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            let inv = try #require(plain.json["Invoice"]?.objectValue)
            #expect(inv["CurrencyRef"] == ["value": "USD", "name": "United States Dollar"])
            #expect(inv["ExchangeRate"] == nil)
            #expect(inv["HomeTotalAmt"] == nil)
            #expect(inv["HomeBalance"] == nil)
            let payment = try await api.post("payment", #"{"CustomerRef":{"value":"1"},"TotalAmt":10}"#)
            #expect(payment.json["Payment"]?["CurrencyRef"]?["value"] == "USD")
        }
    }

    @Test func resetTurnsMulticurrencyOnAndPreferencesCannot() async throws {
        try await withSandbox { api in
            let reset = try await api.sandbox(.post, "reset", body: #"{"multiCurrency":true,"homeCurrency":"CAD"}"#)
            #expect(reset.status == 200)
            let prefs = try await api.get("preferences")
            let currency = prefs.json["Preferences"]?["CurrencyPrefs"]
            #expect(currency?["MultiCurrencyEnabled"] == true)
            #expect(currency?["HomeCurrency"]?["value"] == "CAD")
            // The seeded customer and invoice are in the home currency.
            let customer = try await api.get("customer/1")
            #expect(customer.json["Customer"]?["CurrencyRef"] == ["value": "CAD", "name": "Canadian Dollar"])
            let invoice = try await api.get("invoice/1")
            #expect(invoice.json["Invoice"]?["ExchangeRate"]?.decimalValue == 1)
            #expect(invoice.json["Invoice"]?["HomeTotalAmt"] == nil)

            let bad = try await api.sandbox(.post, "reset", body: #"{"homeCurrency":"DOLLARS"}"#)
            #expect(bad.status == 400)

            // CurrencyPrefs is read-only through the API.
            let token = try #require(prefs.json["Preferences"]?["SyncToken"]?.stringValue)
            let off = try await api.post(
                "preferences",
                #"{"Id":"1","SyncToken":"\#(token)","sparse":true,"CurrencyPrefs":{"MultiCurrencyEnabled":false}}"#)
            #expect(off.status == 200)
            #expect(off.json["Preferences"]?["CurrencyPrefs"]?["MultiCurrencyEnabled"] == true)

            let again = try await api.sandbox(.post, "reset", body: "")
            #expect(again.json["multiCurrency"] == false)
        }
    }

    @Test func aCustomersCurrencyIsSetAtCreateAndNeverChanges() async throws {
        try await withSandbox { api in
            let id = try await Self.canadianCustomer(api)
            let read = try await api.get("customer/\(id)")
            #expect(read.json["Customer"]?["CurrencyRef"] == ["value": "CAD", "name": "Canadian Dollar"])
            let plain = try await api.post("customer", #"{"DisplayName":"Long Beach Drayage"}"#)
            #expect(plain.json["Customer"]?["CurrencyRef"]?["value"] == "USD")
            let unknown = try await api.post(
                "customer", #"{"DisplayName":"Nowhere Ltd","CurrencyRef":{"value":"XQZ"}}"#)
            #expect(unknown.faultCode == "2500")

            let change = try await api.post(
                "customer", #"{"Id":"\#(id)","SyncToken":"0","sparse":true,"CurrencyRef":{"value":"USD"}}"#)
            #expect(change.status == 400)
            #expect(change.faultCode == "6000")
            let full = try await api.post(
                "customer", #"{"Id":"\#(id)","SyncToken":"0","DisplayName":"Port of Montreal Brokers Inc"}"#)
            #expect(full.status == 200)
            #expect(full.json["Customer"]?["CurrencyRef"]?["value"] == "CAD")
            let same = try await api.post(
                "customer", #"{"Id":"\#(id)","SyncToken":"1","sparse":true,"CurrencyRef":{"value":"CAD"}}"#)
            #expect(same.status == 200)
        }
    }

    @Test func aForeignInvoiceIsInItsCustomersCurrencyWithHomeAmounts() async throws {
        try await withSandbox { api in
            let customer = try await Self.canadianCustomer(api)
            let created = try await api.post(
                "invoice", #"{"CustomerRef":{"value":"\#(customer)"},"ExchangeRate":0.7345,"Line":[\#(Self.line)]}"#)
            #expect(created.status == 200)
            let inv = try #require(created.json["Invoice"]?.objectValue)
            let invoiceId = try #require(inv["Id"]?.stringValue)
            #expect(inv["CurrencyRef"] == ["value": "CAD", "name": "Canadian Dollar"])
            #expect(inv["ExchangeRate"]?.decimalValue == Decimal(string: "0.7345"))
            #expect(inv["TotalAmt"]?.decimalValue == Decimal(string: "1168.50"))
            // 1168.50 × 0.7345 = 858.26325 → 858.26
            #expect(inv["HomeTotalAmt"]?.decimalValue == Decimal(string: "858.26"))
            #expect(inv["HomeBalance"]?.decimalValue == Decimal(string: "858.26"))
            #expect(created.text.contains(#""HomeTotalAmt":858.26"#))

            let mixed = try await api.post(
                "invoice",
                #"{"CustomerRef":{"value":"\#(customer)"},"CurrencyRef":{"value":"USD"},"Line":[\#(Self.line)]}"#
            )
            #expect(mixed.faultCode == "6000")
            #expect(
                mixed.json["Fault"]?["Error"]?.arrayValue?.first?["Detail"]?.stringValue?.contains(
                    "You can only use one foreign currency per transaction") == true)

            let noRate = try await api.post(
                "creditmemo", #"{"CustomerRef":{"value":"\#(customer)"},"Line":[\#(Self.line)]}"#)
            #expect(noRate.json["CreditMemo"]?["ExchangeRate"]?.decimalValue == 1)
            #expect(noRate.json["CreditMemo"]?["HomeTotalAmt"]?.decimalValue == Decimal(string: "1168.50"))

            let paid = try await api.post(
                "payment",
                #"{"CustomerRef":{"value":"\#(customer)"},"TotalAmt":500,"ExchangeRate":0.75,"HomeTotalAmt":999,"Line":[{"Amount":500,"LinkedTxn":[{"TxnId":"\#(invoiceId)","TxnType":"Invoice"}]}]}"#
            )
            #expect(paid.status == 200)
            let payment = try #require(paid.json["Payment"]?.objectValue)
            #expect(payment["CurrencyRef"]?["value"] == "CAD")
            #expect(payment["ExchangeRate"]?.decimalValue == Decimal(string: "0.75"))
            #expect(payment["HomeTotalAmt"] == nil)
            let after = try await api.get("invoice/\(invoiceId)")
            #expect(after.json["Invoice"]?["Balance"]?.decimalValue == Decimal(string: "668.50"))
            // 668.50 × 0.7345 = 491.01325 → 491.01
            #expect(after.json["Invoice"]?["HomeBalance"]?.decimalValue == Decimal(string: "491.01"))
            #expect(after.json["Invoice"]?["HomeTotalAmt"]?.decimalValue == Decimal(string: "858.26"))

            let home = try await api.post("invoice", #"{"CustomerRef":{"value":"1"},"Line":[\#(Self.line)]}"#)
            #expect(home.json["Invoice"]?["CurrencyRef"]?["value"] == "USD")
            #expect(home.json["Invoice"]?["ExchangeRate"]?.decimalValue == 1)
            #expect(home.json["Invoice"]?["HomeTotalAmt"] == nil)

            let memoId = try #require(noRate.json["CreditMemo"]?["Id"]?.stringValue)
            let void = try await api.post("creditmemo?operation=void", #"{"Id":"\#(memoId)","SyncToken":"0"}"#)
            #expect(void.json["CreditMemo"]?["HomeTotalAmt"]?.decimalValue == 0)
            #expect(void.json["CreditMemo"]?["HomeBalance"]?.decimalValue == 0)
        }
    }
}

/// The `qbo-sandbox` executable's `--multicurrency` and `--home-currency` flags (run only when
/// the binary has been built, as `make test` does).
@Suite(
    .timeLimit(.minutes(2)),
    .enabled(if: FileManager.default.fileExists(atPath: SandboxBinary.url.path)))
struct MulticurrencyFlagTests {
    @Test func multicurrencyFlagSeedsCompaniesWithItOn() async throws {
        let process = Process()
        process.executableURL = SandboxBinary.url
        process.arguments = ["--port", "0", "--limits", "off", "--multicurrency", "--home-currency", "cad"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var firstLine = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            firstLine.append(byte)
        }
        let base = String(String(decoding: firstLine, as: UTF8.self).dropFirst("listening on ".count))
        let realms = try await SandboxBinary.get("\(base)/_sandbox/realms/9341453050000000/Preferences")
        let prefs = try #require(realms.arrayValue?.first)
        #expect(prefs["CurrencyPrefs"]?["MultiCurrencyEnabled"] == true)
        #expect(prefs["CurrencyPrefs"]?["HomeCurrency"]?["value"] == "CAD")
    }

    @Test func aHomeCurrencyThatIsNoCurrencyIsAUsageError() throws {
        let process = Process()
        process.executableURL = SandboxBinary.url
        process.arguments = ["--port", "0", "--home-currency", "DOLLARS"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
    }
}

/// Where the built `qbo-sandbox` lives, and a GET on it.
enum SandboxBinary {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/qbo-sandbox")

    static func get(_ address: String) async throws -> JSONValue {
        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: address)))
        return try JSONValue.decode(Array(data))
    }
}
