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
        /// The row's `force` cell says yes: a `set-qb-id` that QuickBooks' object does not match
        /// (another number, customer or company) is linked anyway, as `resolve --force` would,
        /// and the audit log says so. Files without the column never force.
        public var force: Bool

        public init(
            line: Int, entity: String, portproID: String, number: String = "", qbID: String = "", action: String,
            newQBID: String = "", note: String = "", force: Bool = false
        ) {
            self.line = line
            self.entity = entity
            self.portproID = portproID
            self.number = number
            self.qbID = qbID
            self.action = action
            self.newQBID = newQBID
            self.note = note
            self.force = force
        }

        /// Whether the accountant asked for anything on this row.
        public var hasAction: Bool { !action.isEmpty }
    }

    /// The file's name, kept in the audit log as where each change came from.
    public var name: String

    /// Where the rows came from: a file a person edited, or a command (`portbooks ids`).
    public enum Origin: Sendable, Hashable {
        case file, command
    }

    public var origin: Origin = .file

    /// Where the rows are: in memory (a command's row, a small file parsed whole), or in a
    /// file on disk read a row at a time, once per pass.
    private enum Source: Sendable {
        case rows([Row])
        case file(URL, columns: ResolutionColumns, stamp: FileStamp)
    }

    private let source: Source

    public init(name: String, rows: [Row], origin: Origin = .file) {
        self.name = name
        self.origin = origin
        source = .rows(rows)
    }

    /// What the audit log records as the source of a row's change: `problems-fixed.csv line 4`.
    func source(line: Int) -> String {
        origin == .file ? "\(name) line \(line)" : name
    }

    /// Reads a file's bytes whole (UTF-8 with or without BOM, CRLF or LF, comma or semicolon).
    public static func parse(_ data: Data, name: String) throws -> ResolutionFile {
        let table: CSVTable
        do throws(CSVError) {
            table = try CSVReader.read(data, knownColumns: ProblemsFile.columns)
        } catch {
            throw ResolutionError.unreadable(file: name, line: error.line, message: error.message)
        }
        let columns = try ResolutionColumns(header: table.header, file: name)
        return ResolutionFile(name: name, rows: table.rows.compactMap { columns.row(line: $0.line, cells: $0.cells) })
    }

    /// Opens a file on disk: its header is read and checked now, its rows a row at a time by
    /// each ``makeReader()`` — a million-row file is never held in memory.
    public static func read(_ url: URL) throws -> ResolutionFile {
        let name = url.lastPathComponent
        let stamp = FileStamp(url)
        let reader: CSVRowReader
        do throws(CSVError) {
            reader = try CSVRowReader(contentsOf: url, knownColumns: ProblemsFile.columns)
        } catch {
            throw ResolutionError.unreadable(file: name, line: error.line, message: error.message)
        }
        let columns = try ResolutionColumns(header: reader.header, file: name)
        return ResolutionFile(name: name, origin: .file, source: .file(url, columns: columns, stamp: stamp))
    }

    private init(name: String, origin: Origin, source: Source) {
        self.name = name
        self.origin = origin
        self.source = source
    }

    /// A reader over the rows, from the first; a file is opened again for each reader. Throws
    /// ``ResolutionError/unreadable(file:line:message:)`` when the file changed since it was
    /// opened (its rows were checked in one pass and are applied in the next).
    public func makeReader() throws -> ResolutionRowReader {
        switch source {
        case .rows(let rows):
            return ResolutionRowReader(name: name, rows: rows)
        case .file(let url, let columns, let stamp):
            guard FileStamp(url) == stamp else {
                throw ResolutionError.unreadable(
                    file: name, line: nil,
                    message: "the file changed while it was being applied; nothing was changed, run it again")
            }
            do throws(CSVError) {
                let reader = try CSVRowReader(contentsOf: url, knownColumns: ProblemsFile.columns)
                return ResolutionRowReader(name: name, reader: reader, columns: columns)
            } catch {
                throw ResolutionError.unreadable(file: name, line: error.line, message: error.message)
            }
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
        case "forced", "force_link": return "force"
        default: return key
        }
    }
}

/// The rows of a ``ResolutionFile``, one at a time.
public final class ResolutionRowReader {
    private let name: String
    private var rows: IndexingIterator<[ResolutionFile.Row]>?
    private let reader: CSVRowReader?
    private let columns: ResolutionColumns?

    init(name: String, rows: [ResolutionFile.Row]) {
        self.name = name
        self.rows = rows.makeIterator()
        reader = nil
        columns = nil
    }

    init(name: String, reader: CSVRowReader, columns: ResolutionColumns) {
        self.name = name
        rows = nil
        self.reader = reader
        self.columns = columns
    }

    /// The next row (rows of empty cells left out), or `nil` at the end; a malformed line is
    /// ``ResolutionError/unreadable(file:line:message:)`` with its line.
    public func next() throws -> ResolutionFile.Row? {
        if rows != nil { return rows?.next() }
        guard let reader, let columns else { return nil }
        do throws(CSVError) {
            while let record = try reader.next() {
                if let row = columns.row(line: record.line, cells: record.cells) { return row }
            }
            return nil
        } catch {
            throw ResolutionError.unreadable(file: name, line: error.line, message: error.message)
        }
    }
}

/// Which column of a resolution file holds what, found by header name.
///
/// A column PortBooks reads (entity, portpro_id, number, qb_id, action, new_qb_id, note) or
/// writes in problems.csv must appear once: with two `action` columns, which one the
/// accountant meant is a guess, so the file is refused naming the column. Columns of the
/// accountant's own may repeat: they are not read.
struct ResolutionColumns: Sendable {
    private let index: [String: Int]

    init(header: [String], file: String) throws {
        var index: [String: Int] = [:]
        var duplicates: [(String, [Int])] = []
        let guarded = Set(ProblemsFile.columns.map(ResolutionFile.columnKey))
        for (position, title) in header.enumerated() {
            let key = ResolutionFile.columnKey(title)
            guard !key.isEmpty else { continue }
            if let first = index[key] {
                guard guarded.contains(key) else { continue }
                if let known = duplicates.firstIndex(where: { $0.0 == key }) {
                    duplicates[known].1.append(position + 1)
                } else {
                    duplicates.append((key, [first + 1, position + 1]))
                }
            } else {
                index[key] = position
            }
        }
        if !duplicates.isEmpty {
            throw ResolutionError.duplicateColumns(file: file, columns: duplicates.map { ($0.0, $0.1) })
        }
        var missing = ["entity", "action"].filter { index[$0] == nil }
        if index["portpro_id"] == nil && index["number"] == nil { missing.append("portpro_id") }
        guard missing.isEmpty else {
            throw ResolutionError.missingColumns(file: file, columns: missing, found: header)
        }
        self.index = index
    }

    /// The row of `cells`, or `nil` for a row of empty cells (a spreadsheet's trailing rows).
    func row(line: Int, cells: [String]) -> ResolutionFile.Row? {
        guard cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        func cell(_ column: String) -> String {
            guard let position = index[column], position < cells.count else { return "" }
            return cells[position].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ResolutionFile.Row(
            line: line, entity: cell("entity"), portproID: cell("portpro_id"), number: cell("number"),
            qbID: cell("qb_id"), action: cell("action"), newQBID: cell("new_qb_id"),
            note: index["note"].flatMap { cells.indices.contains($0) ? cells[$0] : nil } ?? "",
            force: Self.yes.contains(cell("force").lowercased()))
    }

    /// What a spreadsheet's `force` cell holds when it means yes.
    static let yes: Set<String> = ["yes", "y", "true", "1", "x", "force", "wahr", "oui", "ja", "sí", "si"]
}

/// A file's size and modification time: what tells that it changed between two readings.
struct FileStamp: Hashable, Sendable {
    var size: Int
    var modified: Date

    init(_ url: URL) {
        var url = url
        url.removeAllCachedResourceValues()
        let values = try? url.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey])
        size = values?.fileSize ?? -1
        modified = values?.contentModificationDate ?? .distantPast
    }
}
