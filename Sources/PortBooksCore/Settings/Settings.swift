import Foundation

/// The QuickBooks settings and custom mapping, loaded from `portbooks.toml` (docs/MAPPING.md).
///
/// PortPro's "QuickBooks settings" (what syncs, at a high and a detailed level) and its
/// "Custom Mapping" (custom fields, description templates) in one value. Loaded once per run
/// with ``load(path:)``; every template is parsed and checked at load, so a value of this type
/// never holds a template with an unknown variable. Immutable and `Sendable`.
public struct Settings: Sendable {
    /// The settings file (as given) and the folder relative paths are resolved against.
    public var file: String
    public var directory: String

    public var quickbooks: QuickBooksConnectionSettings
    public var folders: FolderSettings
    public var sync: SyncSettings
    public var customers: CustomerSettings
    public var invoices: InvoiceSettings
    public var items: ItemSettings
    public var tax: TaxSettings
    public var payments: PaymentSettings
    /// `[class] name`: the QuickBooks class put on every invoice and credit memo line.
    public var className: String?
    /// `[location] name`: the QuickBooks location (`DepartmentRef`) of every invoice and credit memo.
    public var locationName: String?
    /// `[custom_fields]`, in file order; at most 3.
    public var customFields: [CustomFieldSetting]
    public var templates: TemplateSettings
    /// `[undo]`: how `portbooks undo` reverses what a run created.
    public var undo = UndoSettings()
    /// `[notify]`: the command run after each run.
    public var notify = NotifySettings()
    /// `[reports]`: how many run folders are kept.
    public var reports = ReportSettings()
    /// `[push]`: how creates are sent.
    public var push = PushSettings()

    /// Reads and checks `path`; throws ``SettingsError`` listing every problem with its line.
    public static func load(path: String) throws -> Settings {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            text = String(decoding: data, as: UTF8.self)
        } catch {
            throw SettingsError(issues: [
                .init(
                    file: path, line: 0, column: 0, key: "",
                    message: "cannot read the settings file (\(error.localizedDescription)); "
                        + "run `portbooks init` to create one, or pass --config PATH")
            ])
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text: text, file: path, directory: directory)
    }

    /// Parses settings text; `directory` is what relative folder paths are resolved against.
    public static func parse(text: String, file: String, directory: String) throws -> Settings {
        var parser = SettingsParser(text: text, file: file)
        return try parser.parse(directory: directory)
    }

    /// An absolute path for a folder setting (relative ones are relative to the settings file).
    public func resolve(_ folder: String) -> String {
        if folder.hasPrefix("/") { return folder }
        return URL(fileURLWithPath: directory).appendingPathComponent(folder).standardizedFileURL.path
    }
}
