import Foundation
import PortBooksJSON

/// What a new or reset company starts with.
public struct SeedOptions: Sendable, Equatable {
    /// `none`: Preferences, CompanyInfo and tax codes only. `standard`: plus the chart of
    /// accounts, terms and the "Services" item. `demo`: plus PortBooks' demo objects.
    public enum Level: String, Sendable, CaseIterable { case none, standard, demo }

    public var level: Level
    /// `Preferences.SalesFormsPrefs.CustomTxnNumbers` (on, so PortBooks can set DocNumbers).
    public var customTxnNumbers: Bool
    /// `Preferences.CurrencyPrefs.MultiCurrencyEnabled` (off, QuickBooks' default).
    public var multiCurrency: Bool
    /// `Preferences.CurrencyPrefs.HomeCurrency`, an ISO 4217 code.
    public var homeCurrency: String

    public init(
        level: Level = .demo, customTxnNumbers: Bool = true, multiCurrency: Bool = false, homeCurrency: String = "USD"
    ) {
        self.level = level
        self.customTxnNumbers = customTxnNumbers
        self.multiCurrency = multiCurrency
        self.homeCurrency = homeCurrency
    }

    /// Whether `code` can be a home currency (an ISO 4217 code).
    public static func isCurrencyCode(_ code: String) -> Bool { CurrencyNames.isKnown(code) }
}

extension Company {
    /// Fills an empty company. Objects go through the normal create path, so they look
    /// exactly like API-created ones.
    func seed(_ seed: SeedOptions, _ options: WriteOptions) {
        let meta: JSONValue = ["CreateTime": .string(options.meta), "LastUpdatedTime": .string(options.meta)]
        let customFields: JSONValue = [
            [
                "CustomField": [
                    ["Name": "SalesFormsPrefs.UseSalesCustom1", "Type": "BooleanType", "BooleanValue": true],
                    ["Name": "SalesFormsPrefs.UseSalesCustom2", "Type": "BooleanType", "BooleanValue": true],
                    ["Name": "SalesFormsPrefs.UseSalesCustom3", "Type": "BooleanType", "BooleanValue": true],
                ]
            ],
            [
                "CustomField": [
                    ["Name": "SalesFormsPrefs.SalesCustomName1", "Type": "StringType", "StringValue": "Container #"],
                    ["Name": "SalesFormsPrefs.SalesCustomName2", "Type": "StringType", "StringValue": "PO #"],
                    ["Name": "SalesFormsPrefs.SalesCustomName3", "Type": "StringType", "StringValue": "Load #"],
                ]
            ],
        ]
        let prefs: JSONValue = [
            "domain": "QBO", "sparse": false, "Id": "1", "SyncToken": "0", "MetaData": meta,
            "AccountingInfoPrefs": [
                "TrackDepartments": true, "ClassTrackingPerTxn": true, "CustomerTerminology": "Customers",
            ],
            "ProductAndServicesPrefs": ["ForSales": true, "ForPurchase": true, "QuantityWithPriceAndRate": true],
            "SalesFormsPrefs": [
                "CustomField": customFields, "CustomTxnNumbers": .bool(seed.customTxnNumbers), "AllowDeposit": false,
                "AllowDiscount": true, "AllowShipping": false, "AutoApplyCredit": false, "AutoApplyPayments": false,
                "DefaultTerms": ["value": "3"], "ETransactionEnabledStatus": "NotApplicable",
            ],
            "CurrencyPrefs": [
                "MultiCurrencyEnabled": .bool(seed.multiCurrency),
                "HomeCurrency": ["value": .string(seed.homeCurrency)],
            ],
            "TaxPrefs": ["UsingSalesTax": false],
        ]
        let info: JSONValue = [
            "domain": "QBO", "sparse": false, "Id": "1", "SyncToken": "0", "MetaData": meta,
            "CompanyName": "PortBooks Sandbox Company", "LegalName": "PortBooks Sandbox Company",
            "CompanyAddr": [
                "Id": "1", "Line1": "1 Harbor Way", "City": "Long Beach", "CountrySubDivisionCode": "CA",
                "PostalCode": "90802",
            ],
            "Country": "US", "FiscalYearStartMonth": "January", "SupportedLanguages": "en",
            "CompanyStartDate": .string(options.today),
            "NameValue": [["Name": "NeoEnabled", "Value": "true"], ["Name": "IsQbdtMigrated", "Value": "false"]],
        ]
        if let p = prefs.objectValue { store(.preferences, p) }
        if let i = info.objectValue { store(.companyInfo, i) }
        for (id, taxable) in [("TAX", true), ("NON", false)] {
            store(
                .taxCode,
                [
                    "domain": "QBO", "sparse": false, "Id": .string(id), "SyncToken": "0", "MetaData": meta,
                    "Name": .string(id), "Description": .string(taxable ? "Taxable" : "Non-taxable"),
                    "Active": true, "Taxable": .bool(taxable), "TaxGroup": false,
                ])
        }
        guard seed.level != .none else { return }

        func add(_ kind: EntityKind, _ body: JSONValue) {
            guard let obj = body.objectValue else { return }
            _ = try? create(kind, obj, options)
        }
        for (name, type, subtype) in [
            ("Services", "Income", "ServiceFeeIncome"),
            ("Sales of Product Income", "Income", "SalesOfProductIncome"),
            ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
            ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
            ("Checking", "Bank", "Checking"),
            ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
            ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
            ("Discounts given", "Income", "DiscountsRefundsGiven"),
            ("Freight Income", "Income", "ServiceFeeIncome"),
        ] {
            add(.account, ["Name": .string(name), "AccountType": .string(type), "AccountSubType": .string(subtype)])
        }
        for (name, days) in [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)] {
            add(.term, ["Name": .string(name), "Type": "STANDARD", "DueDays": .number(Decimal(days))])
        }
        add(.item, ["Name": "Services", "Type": "Service", "IncomeAccountRef": ["value": "1"]])
        for (name, type) in [("Cash", "NON_CREDIT_CARD"), ("Check", "NON_CREDIT_CARD"), ("Credit Card", "CREDIT_CARD")]
        {
            add(.paymentMethod, ["Name": .string(name), "Type": .string(type)])
        }
        guard seed.level == .demo else { return }
        for name in ["ACH", "Wire"] { add(.paymentMethod, ["Name": .string(name), "Type": "NON_CREDIT_CARD"]) }

        // The products and services of fixtures/drop-example/portbooks.toml's [items.map].
        for name in [
            "Drayage", "Fuel Surcharge", "Chassis Rental", "Detention", "Pre-Pull", "Yard Storage", "Hazmat", "Triaxle",
            "Dry Run", "Stop Off", "HST 13%",
        ] {
            add(.item, ["Name": .string(name), "Type": "Service", "IncomeAccountRef": ["value": "9"]])
        }
        add(
            .customer,
            [
                "DisplayName": "Pacific Coast Imports", "CompanyName": "Pacific Coast Imports",
                "PrimaryEmailAddr": ["Address": "ap@pacificcoastimports.example"], "SalesTermRef": ["value": "3"],
                "BillAddr": [
                    "Line1": "2400 E Pacific Coast Hwy", "City": "Long Beach", "CountrySubDivisionCode": "CA",
                    "PostalCode": "90804",
                ],
            ])
        add(
            .vendor,
            [
                "DisplayName": "Harbor Freight Logistics", "CompanyName": "Harbor Freight Logistics",
                "PrimaryEmailAddr": ["Address": "billing@harborfreightlogistics.example"],
            ])
        add(
            .invoice,
            [
                "DocNumber": "RSRE_000150", "CustomerRef": ["value": "1"],
                "Line": [
                    [
                        "Amount": 450, "DetailType": "SalesItemLineDetail",
                        "Description": "Drayage – Load RSRUSH_E100150",
                        "SalesItemLineDetail": ["ItemRef": ["value": "2"], "Qty": 1, "UnitPrice": 450],
                    ],
                    [
                        "Amount": .number(Decimal(string: "67.50") ?? 0), "DetailType": "SalesItemLineDetail",
                        "Description": "Fuel Surcharge – Load RSRUSH_E100150",
                        "SalesItemLineDetail": ["ItemRef": ["value": "3"]],
                    ],
                ],
            ])
    }
}
