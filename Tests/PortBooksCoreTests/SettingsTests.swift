import Foundation
import PortBooksCore
import Testing

@Suite("Settings (portbooks.toml)")
struct SettingsTests {
    static func issues(_ text: String) -> [SettingsError.Issue] {
        do {
            _ = try Settings.parse(text: text, file: "portbooks.toml", directory: "/tmp")
            return []
        } catch let error as SettingsError {
            return error.issues
        } catch {
            return [.init(file: "", line: 0, column: 0, key: "", message: "\(error)")]
        }
    }

    @Test("the default file portbooks init writes loads, plain and with --sandbox")
    func defaults() throws {
        let plain = try Settings.parse(text: DefaultSettingsFile.text(), file: "p", directory: "/srv/pb")
        #expect(plain.quickbooks.minorVersion == 75)
        #expect(plain.resolve(plain.folders.inbox) == "/srv/pb/inbox")
        let sandbox = try Settings.parse(
            text: DefaultSettingsFile.text(sandboxURL: "http://127.0.0.1:8080/"), file: "p", directory: "/")
        #expect(sandbox.quickbooks.baseURL == "http://127.0.0.1:8080/v3")
        #expect(sandbox.quickbooks.tokenURL == "http://127.0.0.1:8080/oauth2/v1/tokens/bearer")
        #expect(sandbox.quickbooks.clientID == "portbooks-demo")
    }

    @Test("the example settings map every example charge code except LAYOVER")
    func example() throws {
        let settings = try exampleSettings()
        for code in [
            "BASE PRICE", "PICK UP & DELIVERY", "FUEL SURCHARGE", "CHASSIS", "WAITING TIME", "PREPULL",
            "YARD STORAGE", "HAZMAT", "TRIAXLE SURCHARGE", "DRY RUN", "STOP OFF", "HST (13 %)",
        ] {
            #expect(settings.items.item(for: code) != nil, "\(code)")
        }
        #expect(settings.items.item(for: "LAYOVER") == nil)
        #expect(settings.customFields.map(\.name) == ["Container #", "PO #"])
    }

    @Test("an unknown key names the key and its line")
    func unknownKey() {
        let issues = Self.issues("[invoices]\ndoc_number = \"portpro\"\n\ndoc_numbr = \"portpro\"\n")
        #expect(issues.count == 1)
        #expect(issues.first?.line == 4)
        #expect(issues.first?.key == "invoices.doc_numbr")
        #expect(issues.first?.description.hasPrefix("portbooks.toml:4:1: error: unknown key \"doc_numbr\"") == true)
    }

    @Test("a wrong type names the key and its line")
    func wrongType() {
        let issues = Self.issues("[sync]\ncustomers = true\ninvoices = \"yes\"\n")
        #expect(issues.map(\.line) == [3])
        #expect(issues.first?.message.contains("sync.invoices must be true or false") == true)
    }

    @Test("an unknown template variable names the key, the line and the variable")
    func unknownVariable() {
        let text =
            "[templates]\n# lines\n\nline_description = \"{{charge.name}}{{#load.p0}} / PO {{load.p0}}{{/load.p0}}\"\n"
        let issues = Self.issues(text)
        #expect(issues.map(\.line) == [4])
        #expect(issues.first?.key == "templates.line_description")
        #expect(issues.first?.message.contains("unknown template variable \"load.p0\"") == true)
    }

    @Test("a custom field template and a quoted item key are located too")
    func quotedKeys() {
        let text = "[items.map]\n\"BASE PRICE\" = 7\n[custom_fields]\n\"PO #\" = \"{{load.purchase_order}}\"\n"
        let issues = Self.issues(text)
        #expect(issues.map(\.line) == [2, 4])
        #expect(issues.map(\.key) == ["items.map.\"BASE PRICE\"", "custom_fields.\"PO #\""])
    }

    @Test("more than three custom fields is an error on [custom_fields]")
    func tooManyCustomFields() {
        let issues = Self.issues("[custom_fields]\na = \"x\"\nb = \"x\"\nc = \"x\"\nd = \"x\"\n")
        #expect(issues.map(\.line) == [1])
        #expect(issues.first?.message.contains("at most 3") == true)
    }

    @Test("a TOML syntax error gives its line and column")
    func syntax() {
        let issues = Self.issues("[sync]\ncustomers = tru\n")
        #expect(issues.first?.line == 2)
    }
}
