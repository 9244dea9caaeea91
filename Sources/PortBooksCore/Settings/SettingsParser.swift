import TOMLKit

/// Turns the text of `portbooks.toml` into ``Settings``, collecting every problem with its line.
///
/// Strict on purpose: an unknown key or section, a value of the wrong type, a value outside its
/// list, more than three custom fields and an unknown template variable are all errors, so a
/// typo never silently falls back to a default or renders as nothing.
struct SettingsParser {
    private let text: String
    private let file: String
    private let locator: TOMLKeyLocator
    private var issues: [SettingsError.Issue] = []

    init(text: String, file: String) {
        self.text = text
        self.file = file
        self.locator = TOMLKeyLocator(text: text)
    }

    static let sections: [String: Set<String>] = [
        "quickbooks": [
            "environment", "base_url", "realm_id", "minor_version", "client_id", "redirect_uri", "auth_url",
            "token_url", "revoke_url", "token_file", "client_secret_file",
        ],
        "folders": ["inbox", "resolutions", "archive", "rejected", "reports", "state"],
        "sync": ["customers", "invoices", "payments", "credit_memos", "reconcile_first"],
        "customers": ["match", "create_missing", "name_character_replacement", "send_currency"],
        "invoices": ["doc_number", "date", "terms", "group_lines_by_charge_set"],
        "items": ["default", "map"],
        "tax": ["mode", "charge_types", "charge_names", "item"],
        "payments": ["deposit_account", "methods"],
        "push": ["single_requests"],
        "class": ["name"],
        "location": ["name"],
        "custom_fields": [],
        "undo": ["documents"],
        "notify": ["command"],
        "reports": ["keep_runs", "keep_days"],
        "templates": [
            "line_description", "charge_set_header", "customer_memo", "private_note", "credit_memo_line",
            "credit_memo_note",
        ],
    ]

    mutating func parse(directory: String) throws -> Settings {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError(issues: [
                .init(
                    file: file, line: error.source.begin.line, column: error.source.begin.column, key: "",
                    message: "not valid TOML: \(error.description)")
            ])
        }
        for key in root.keys {
            guard let allowed = Self.sections[key] else {
                report([key], "unknown section or key \"\(key)\"; sections are " + Self.sectionList)
                continue
            }
            guard let table = root[key]?.table else {
                report([key], "\"\(key)\" must be a section ([\(key)]), not a \(root[key]?.type.rawValue ?? "value")")
                continue
            }
            if key != "custom_fields" {
                for inner in table.keys where !allowed.contains(inner) {
                    report(
                        [key, inner],
                        "unknown key \"\(inner)\" in [\(key)]; known keys: \(allowed.sorted().joined(separator: ", "))")
                }
            }
        }
        var settings = build(root, directory: directory)
        settings?.notify.command = string(root["notify"]?.table, ["notify", "command"], "")
        let keep = root["reports"]?.table
        settings?.reports.keepRuns = integer(keep, ["reports", "keep_runs"], ReportSettings().keepRuns)
        settings?.reports.keepDays = integer(keep, ["reports", "keep_days"], ReportSettings().keepDays)
        for key in ["keep_runs", "keep_days"] where (keep?[key]?.int ?? 1) < 1 {
            report(["reports", key], "[reports] \(key) must be 1 or more")
        }
        if !issues.isEmpty {
            throw SettingsError(issues: issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        guard let settings else {
            throw SettingsError(issues: [.init(file: file, line: 0, column: 0, key: "", message: "invalid settings")])
        }
        return settings
    }

    private static var sectionList: String {
        sections.keys.sorted().map { "[\($0)]" }.joined(separator: ", ")
    }

    // MARK: - Sections

    private mutating func build(_ root: TOMLTable, directory: String) -> Settings? {
        var quickbooks = QuickBooksConnectionSettings()
        let qb = root["quickbooks"]?.table
        quickbooks.environment = choice(qb, ["quickbooks", "environment"], quickbooks.environment)
        quickbooks.baseURL = string(qb, ["quickbooks", "base_url"], quickbooks.baseURL)
        quickbooks.realmID = string(qb, ["quickbooks", "realm_id"], quickbooks.realmID)
        quickbooks.minorVersion = integer(qb, ["quickbooks", "minor_version"], quickbooks.minorVersion)
        quickbooks.clientID = string(qb, ["quickbooks", "client_id"], quickbooks.clientID)
        quickbooks.redirectURI = string(qb, ["quickbooks", "redirect_uri"], quickbooks.redirectURI)
        quickbooks.authURL = string(qb, ["quickbooks", "auth_url"], quickbooks.authURL)
        quickbooks.tokenURL = string(qb, ["quickbooks", "token_url"], quickbooks.tokenURL)
        quickbooks.revokeURL = string(qb, ["quickbooks", "revoke_url"], quickbooks.revokeURL)
        quickbooks.tokenFile = string(qb, ["quickbooks", "token_file"], quickbooks.tokenFile)
        quickbooks.clientSecretFile = string(qb, ["quickbooks", "client_secret_file"], quickbooks.clientSecretFile)

        var folders = FolderSettings()
        let fo = root["folders"]?.table
        folders.inbox = string(fo, ["folders", "inbox"], folders.inbox)
        folders.resolutions = string(fo, ["folders", "resolutions"], folders.resolutions)
        folders.archive = string(fo, ["folders", "archive"], folders.archive)
        folders.rejected = string(fo, ["folders", "rejected"], folders.rejected)
        folders.reports = string(fo, ["folders", "reports"], folders.reports)
        folders.state = string(fo, ["folders", "state"], folders.state)

        var sync = SyncSettings()
        let sy = root["sync"]?.table
        sync.customers = bool(sy, ["sync", "customers"], sync.customers)
        sync.invoices = bool(sy, ["sync", "invoices"], sync.invoices)
        sync.payments = bool(sy, ["sync", "payments"], sync.payments)
        sync.creditMemos = bool(sy, ["sync", "credit_memos"], sync.creditMemos)
        sync.reconcileFirst = bool(sy, ["sync", "reconcile_first"], sync.reconcileFirst)

        var customers = CustomerSettings()
        let cu = root["customers"]?.table
        customers.match = choices(cu, ["customers", "match"], customers.match)
        customers.createMissing = bool(cu, ["customers", "create_missing"], customers.createMissing)
        customers.nameCharacterReplacement = string(
            cu, ["customers", "name_character_replacement"], customers.nameCharacterReplacement)
        if customers.nameCharacterReplacement.contains(where: { ":\t\n\r".contains($0) }) {
            report(
                ["customers", "name_character_replacement"],
                "name_character_replacement must not itself contain a colon, tab or newline")
        }
        customers.sendCurrency = bool(cu, ["customers", "send_currency"], customers.sendCurrency)

        var invoices = InvoiceSettings()
        let inv = root["invoices"]?.table
        invoices.docNumber = choice(inv, ["invoices", "doc_number"], invoices.docNumber)
        invoices.date = choice(inv, ["invoices", "date"], invoices.date)
        let terms = string(inv, ["invoices", "terms"], "due-date")
        switch terms {
        case "due-date": invoices.terms = .dueDate
        case "from-portpro": invoices.terms = .fromPortPro
        case "none": invoices.terms = .none
        case "":
            report(
                ["invoices", "terms"],
                "terms must not be empty: use \"due-date\", \"from-portpro\", \"none\" or a QuickBooks term name")
        default: invoices.terms = .named(terms)
        }
        invoices.groupLinesByChargeSet = bool(
            inv, ["invoices", "group_lines_by_charge_set"], invoices.groupLinesByChargeSet)

        var items = ItemSettings()
        let it = root["items"]?.table
        items.defaultItem = string(it, ["items", "default"], items.defaultItem)
        items.map = stringMap(it, ["items", "map"])

        var tax = TaxSettings()
        let tx = root["tax"]?.table
        tax.mode = choice(tx, ["tax", "mode"], tax.mode)
        tax.chargeTypes = stringArray(tx, ["tax", "charge_types"], tax.chargeTypes)
        tax.chargeNames = stringArray(tx, ["tax", "charge_names"], tax.chargeNames)
        tax.item = string(tx, ["tax", "item"], tax.item)

        var payments = PaymentSettings()
        let pa = root["payments"]?.table
        payments.depositAccount = string(pa, ["payments", "deposit_account"], payments.depositAccount)
        // PortPro's methods are an open set (ZELLE, …): any name maps, spelled as the readers
        // normalise it (`Credit Card` is CREDIT_CARD).
        for (method, name) in stringMap(pa, ["payments", "methods"]) {
            guard let key = Payment.Method.normalised(method)?.rawValue else {
                report(["payments", "methods", method], "a payment method needs a name")
                continue
            }
            payments.methods[key] = name
        }

        let className = string(root["class"]?.table, ["class", "name"], "")
        let locationName = string(root["location"]?.table, ["location", "name"], "")

        let customFields = customFieldSettings(root["custom_fields"]?.table)
        let templates = templateSettings(root["templates"]?.table)

        var undo = UndoSettings()
        undo.documents = choice(root["undo"]?.table, ["undo", "documents"], undo.documents)
        var push = PushSettings()
        push.singleRequests = bool(root["push"]?.table, ["push", "single_requests"], push.singleRequests)

        guard let templates else { return nil }
        var settings = Settings(
            file: file, directory: directory, quickbooks: quickbooks, folders: folders, sync: sync,
            customers: customers, invoices: invoices, items: items, tax: tax, payments: payments,
            className: className.isEmpty ? nil : className, locationName: locationName.isEmpty ? nil : locationName,
            customFields: customFields, templates: templates)
        settings.undo = undo
        settings.push = push
        return settings
    }

    private mutating func customFieldSettings(_ table: TOMLTable?) -> [CustomFieldSetting] {
        guard let table else { return [] }
        var fields: [(line: Int, setting: CustomFieldSetting)] = []
        for name in table.keys {
            let path = ["custom_fields", name]
            guard let source = table[name]?.string else {
                report(
                    path,
                    "custom field \"\(name)\" must be a template string, not a \(table[name]?.type.rawValue ?? "value")"
                )
                continue
            }
            if name.isEmpty || name.count > 31 {
                report(path, "custom field name \"\(name)\" must be 1 to 31 characters, as in QuickBooks")
            }
            if let template = template(source, use: .invoiceText, path: path) {
                fields.append(
                    (locator.position(of: path)?.line ?? 0, CustomFieldSetting(name: name, template: template)))
            }
        }
        if table.keys.count > 3 {
            report(
                ["custom_fields"],
                "[custom_fields] has \(table.keys.count) entries; QuickBooks' API takes at most 3 string custom "
                    + "fields per invoice (the first three defined in QuickBooks)")
        }
        return fields.sorted { $0.line < $1.line }.map(\.setting)
    }

    static let defaultTemplates: [String: String] = [
        "line_description":
            "{{charge.name}} – Load {{load.reference}}{{#load.container}} / Ctr {{load.container}}{{/load.container}}"
            + "{{#load.po}} / PO {{load.po}}{{/load.po}}",
        "charge_set_header":
            "Load {{load.reference}}{{#load.container}} / Ctr {{load.container}}{{/load.container}}"
            + "{{#charge_set.is_sub_bill}} / sub-bill{{#charge_set.number}} {{charge_set.number}}{{/charge_set.number}}{{/charge_set.is_sub_bill}}",
        "customer_memo": "{{invoice.notes}}",
        "private_note": "PortPro invoice {{invoice.number}} – loads {{invoice.load_references}}",
        "credit_memo_line":
            "{{credit_line.name}}{{#credit_line.description}} – {{credit_line.description}}{{/credit_line.description}}",
        "credit_memo_note":
            "{{credit_memo.note}}{{#credit_memo.invoice_number}} (invoice {{credit_memo.invoice_number}}){{/credit_memo.invoice_number}}",
    ]

    private mutating func templateSettings(_ table: TOMLTable?) -> TemplateSettings? {
        func load(_ key: String, _ use: TemplateUse) -> DescriptionTemplate? {
            let source = string(table, ["templates", key], Self.defaultTemplates[key] ?? "")
            return template(source, use: use, path: ["templates", key])
        }
        let line = load("line_description", .lineDescription)
        let header = load("charge_set_header", .chargeSetHeader)
        let memo = load("customer_memo", .invoiceText)
        let note = load("private_note", .invoiceText)
        let creditLine = load("credit_memo_line", .creditMemoLine)
        let creditNote = load("credit_memo_note", .creditMemoNote)
        guard let line, let header, let memo, let note, let creditLine, let creditNote else { return nil }
        return TemplateSettings(
            lineDescription: line, chargeSetHeader: header, customerMemo: memo, privateNote: note,
            creditMemoLine: creditLine, creditMemoNote: creditNote)
    }

    private mutating func template(_ source: String, use: TemplateUse, path: [String]) -> DescriptionTemplate? {
        do {
            return try DescriptionTemplate(source, use: use)
        } catch {
            report(path, "\(Self.dotted(path)): \(error.message)")
            return nil
        }
    }

    // MARK: - Values

    private mutating func report(_ path: [String], _ message: String) {
        let position = locator.position(of: path)
        issues.append(
            .init(
                file: file, line: position?.line ?? 0, column: position?.column ?? 0, key: Self.dotted(path),
                message: message))
    }

    static func dotted(_ path: [String]) -> String {
        path.map { part in
            part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } ? part : "\"\(part)\""
        }.joined(separator: ".")
    }

    private mutating func wrongType(_ path: [String], _ value: TOMLValueConvertible, expected: String) {
        report(
            path, "\(Self.dotted(path)) must be \(expected), not a \(value.type.rawValue) (\(value.debugDescription))")
    }

    private mutating func string(_ table: TOMLTable?, _ path: [String], _ fallback: String) -> String {
        guard let value = table?[path[path.count - 1]] else { return fallback }
        guard let text = value.string else {
            wrongType(path, value, expected: "a string")
            return fallback
        }
        return text
    }

    private mutating func bool(_ table: TOMLTable?, _ path: [String], _ fallback: Bool) -> Bool {
        guard let value = table?[path[path.count - 1]] else { return fallback }
        guard let flag = value.bool else {
            wrongType(path, value, expected: "true or false")
            return fallback
        }
        return flag
    }

    private mutating func integer(_ table: TOMLTable?, _ path: [String], _ fallback: Int) -> Int {
        guard let value = table?[path[path.count - 1]] else { return fallback }
        guard let number = value.int else {
            wrongType(path, value, expected: "an integer")
            return fallback
        }
        return number
    }

    private mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ table: TOMLTable?, _ path: [String], _ fallback: Value
    ) -> Value where Value.RawValue == String {
        let text = string(table, path, fallback.rawValue)
        guard let value = Value(rawValue: text) else {
            let known = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            report(path, "\(Self.dotted(path)) is \"\(text)\"; it must be one of \(known)")
            return fallback
        }
        return value
    }

    private mutating func stringArray(_ table: TOMLTable?, _ path: [String], _ fallback: [String]) -> [String] {
        guard let value = table?[path[path.count - 1]] else { return fallback }
        guard let array = value.array else {
            wrongType(path, value, expected: "an array of strings")
            return fallback
        }
        var result: [String] = []
        for element in array {
            guard let text = element.string else {
                wrongType(path, element, expected: "an array of strings")
                return fallback
            }
            result.append(text)
        }
        return result
    }

    private mutating func choices<Value: RawRepresentable & CaseIterable>(
        _ table: TOMLTable?, _ path: [String], _ fallback: [Value]
    ) -> [Value] where Value.RawValue == String {
        let texts = stringArray(table, path, fallback.map(\.rawValue))
        var result: [Value] = []
        for text in texts {
            guard let value = Value(rawValue: text) else {
                let known = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                report(path, "\(Self.dotted(path)) has \"\(text)\"; each must be one of \(known)")
                return fallback
            }
            result.append(value)
        }
        return result
    }

    private mutating func stringMap(_ table: TOMLTable?, _ path: [String]) -> [String: String] {
        guard let value = table?[path[path.count - 1]] else { return [:] }
        guard let inner = value.table else {
            wrongType(path, value, expected: "a table of \"name\" = \"value\" entries")
            return [:]
        }
        var result: [String: String] = [:]
        for key in inner.keys {
            guard let entry = inner[key] else { continue }
            guard let text = entry.string, !text.isEmpty else {
                if entry.string != nil {
                    report(
                        path + [key], "\(Self.dotted(path + [key])) is empty; give a QuickBooks name or remove the line"
                    )
                } else {
                    wrongType(path + [key], entry, expected: "a string")
                }
                continue
            }
            result[key] = text
        }
        return result
    }
}
