import Foundation
import PortBooksCore
import PortBooksReports

/// A problems.csv an accountant edited in Excel or LibreOffice and handed back: the rows
/// that carry an action.
///
/// Columns are found by header name (case, spaces, `-` and `_` do not matter), so columns
/// may be reordered, renamed only in case, or added; `entity` and `action`, and one of
/// `portpro_id` or `number`, are required. Rows whose `action` cell is empty are not
/// resolutions and are kept only to be reported as ignored. Amounts and dates the
/// spreadsheet reformatted play no part in matching, so they are not read at all.
public struct ResolutionFile: Sendable {
    /// One row of the file, its cells as written (trimmed).
    public struct Row: Hashable, Sendable {
        /// 1-based line of the file where the row starts (a quoted newline makes a row span lines).
        public var line: Int
        public var entity: String
        public var portproID: String
        public var number: String
        public var qbID: String
        public var action: String
        public var newQBID: String
        public var note: String

        public init(
            line: Int, entity: String, portproID: String, number: String = "", qbID: String = "", action: String,
            newQBID: String = "", note: String = ""
        ) {
            self.line = line
            self.entity = entity
            self.portproID = portproID
            self.number = number
            self.qbID = qbID
            self.action = action
            self.newQBID = newQBID
            self.note = note
        }

        /// Whether the accountant asked for anything on this row.
        public var hasAction: Bool { !action.isEmpty }
    }

    /// The file's name, kept in the audit log as where each change came from.
    public var name: String
    /// Every data row, in file order (rows without an action included).
    public var rows: [Row]

    /// Where the rows came from: a file a person edited, or a command (`portbooks ids`).
    public enum Origin: Sendable, Hashable {
        case file, command
    }

    public var origin: Origin = .file

    public init(name: String, rows: [Row], origin: Origin = .file) {
        self.name = name
        self.rows = rows
        self.origin = origin
    }

    /// What the audit log records as the source of a row's change: `problems-fixed.csv line 4`.
    func source(line: Int) -> String {
        origin == .file ? "\(name) line \(line)" : name
    }

    /// Reads a file's bytes (UTF-8 with or without BOM, CRLF or LF, comma or semicolon).
    public static func parse(_ data: Data, name: String) throws -> ResolutionFile {
        let table: ResolutionTable
        do {
            table = try ResolutionTable.read(data)
        } catch let error as ResolutionError {
            throw error
        } catch {
            throw ResolutionError.unreadable(file: name, line: ResolutionTable.line(of: error), message: "\(error)")
        }
        return try ResolutionFile(name: name, table: table)
    }

    /// Reads a file from disk.
    public static func read(_ url: URL) throws -> ResolutionFile {
        let data: Data
        do {
            try CSVReader.checkSize(of: url)
            data = try Data(contentsOf: url)
        } catch let error as CSVError {
            throw ResolutionError.unreadable(file: url.lastPathComponent, line: nil, message: "\(error)")
        } catch {
            throw ResolutionError.unreadable(file: url.path, line: nil, message: error.localizedDescription)
        }
        return try parse(data, name: url.lastPathComponent)
    }

    init(name: String, table: ResolutionTable) throws {
        self.name = name
        var index: [String: Int] = [:]
        for (position, title) in table.header.enumerated() {
            let key = Self.columnKey(title)
            if index[key] == nil { index[key] = position }
        }
        var missing = ["entity", "action"].filter { index[$0] == nil }
        if index["portpro_id"] == nil && index["number"] == nil { missing.append("portpro_id") }
        guard missing.isEmpty else {
            throw ResolutionError.missingColumns(file: name, columns: missing, found: table.header)
        }
        func cell(_ fields: [String], _ column: String) -> String {
            guard let position = index[column], position < fields.count else { return "" }
            return fields[position].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        rows = table.rows.compactMap { row in
            // A row of empty cells (a spreadsheet's trailing rows) is not a row.
            guard row.fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
            return Row(
                line: row.line, entity: cell(row.fields, "entity"), portproID: cell(row.fields, "portpro_id"),
                number: cell(row.fields, "number"), qbID: cell(row.fields, "qb_id"),
                action: cell(row.fields, "action"), newQBID: cell(row.fields, "new_qb_id"),
                note: index["note"].flatMap { row.fields.indices.contains($0) ? row.fields[$0] : nil } ?? "")
        }
    }

    /// A header as a column key: `PortPro ID`, `portpro-id` and `PORTPRO_ID` are all `portpro_id`.
    static func columnKey(_ title: String) -> String {
        let words = title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let key = words.joined(separator: "_")
        switch key {
        case "portproid", "portpro", "id", "portpro__id": return "portpro_id"
        case "qbid", "quickbooks_id": return "qb_id"
        case "newqbid", "new_quickbooks_id": return "new_qb_id"
        case "notes", "comment", "comments": return "note"
        default: return key
        }
    }
}

/// A resolution file's cells before they mean anything: the header and each row with its line.
struct ResolutionTable: Sendable {
    struct Row: Sendable {
        var line: Int
        var fields: [String]
    }

    var header: [String]
    var rows: [Row]
}
