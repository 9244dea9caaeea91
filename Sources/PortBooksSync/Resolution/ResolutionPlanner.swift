import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports

/// Reads one QuickBooks object by id: what `set-qb-id` checks. ``QuickBooksClient`` is one;
/// tests use a dictionary.
public protocol QuickBooksObjectReader: Sendable {
    func read(_ entity: QuickBooksEntity, id: String) async throws -> JSONValue
}

extension QuickBooksClient: QuickBooksObjectReader {}

/// Checks every row of a resolution file before anything changes (shared/DESIGN.md
/// "Problem and result files").
///
/// The file is read twice, a row at a time (``ResolutionFile/makeReader()``): ``survey(_:quickBooks:)``
/// checks every row and notes what crosses rows (records named twice, QuickBooks' answers);
/// ``ResolutionApplier`` checks each row again and applies it. No cell may hold a control
/// character (``controlCharacterReason(_:)``).
///
/// Row rules: a known entity and action; `mark-paid` only on invoices; `set-qb-id` with a
/// QuickBooks Id in `new_qb_id` (and `new_qb_id` only with `set-qb-id`); `remove-qb-id` only on
/// a linked record; one row per record.
///
/// Matching: by entity + `portpro_id` exactly. When that finds nothing, by entity + `number`,
/// but only where exactly one record has that number. An id a spreadsheet damaged
/// (scientific notation, digits past the 15th zeroed, leading zeros dropped) is rejected
/// outright, never matched to another record.
///
/// `set-qb-id`: the QuickBooks object is read; it must exist as the row's entity, and an
/// invoice or credit memo must carry the record's number and belong to the record's customer
/// (through the customer's own link), a payment must belong to that customer, and no other
/// record may already be linked to it — unless `force`. Its SyncToken is kept.
public struct ResolutionPlanner: Sendable {
    public let ledger: LedgerStore
    /// Link with `set-qb-id` even when the number or customer differ.
    public var force: Bool

    public init(ledger: LedgerStore, force: Bool = false) {
        self.ledger = ledger
        self.force = force
    }

    /// The first pass over `file` (``ResolutionSurvey``): every row checked against the ledger
    /// and, for `set-qb-id`, against QuickBooks; `quickBooks` is called only when a row needs a
    /// QuickBooks read. Rows are read one at a time: memory holds a map of the records rows
    /// name, not the rows.
    public func survey(_ file: ResolutionFile, quickBooks: () throws -> any QuickBooksObjectReader) async throws
        -> ResolutionSurvey
    {
        var survey = ResolutionSurvey()
        var reader: (any QuickBooksObjectReader)?
        let rows = try file.makeReader()
        while let row = try rows.next() {
            survey.rows += 1
            var entry = try check(row, lookup: ledger)
            if let record = entry.record, row.hasAction {
                survey.note(record: record.id, row: row, action: entry.action)
            }
            if entry.change != nil, entry.action == .setQBID {
                if reader == nil { reader = try quickBooks() }
                if let reader { try await checkInQuickBooks(&entry, reader: reader) }
                // Kept for the second pass, one per row: clipped like the rows an outcome keeps.
                survey.quickBooks[row.line] = ResolutionSurvey.QuickBooksCheck(
                    rejection: entry.problem.map { DisplayText.clipped($0, to: ResolutionOutcome.keptMessageLength) },
                    syncToken: entry.syncToken,
                    message: DisplayText.clipped(entry.message, to: ResolutionOutcome.keptMessageLength),
                    forcedOver: entry.forcedOver.map {
                        DisplayText.clipped($0, to: ResolutionOutcome.keptMessageLength)
                    })
            }
            if entry.isRejected { survey.rejectedRows += 1 }
        }
        return survey
    }

    /// The checks of one row that need no QuickBooks read, against `lookup` (the ledger, or
    /// the transaction applying the file).
    func check(_ row: ResolutionFile.Row, lookup: any LedgerRecordLookup) throws -> ResolutionPlan.Entry {
        var entry = ResolutionPlan.Entry(row: row)
        if let reason = Self.controlCharacterReason(row) {
            entry.reject(reason)
            return entry
        }
        return try check(entry, lookup: lookup)
    }

    /// Why a row's cells cannot be trusted, or `nil`: a control character in a cell that names
    /// something (`re\0try` would otherwise read as `retry`, an id with a NUL as another id).
    /// The note is free text: tabs and line breaks are kept there, nothing else.
    static func controlCharacterReason(_ row: ResolutionFile.Row) -> String? {
        let cells = [
            ("entity", row.entity, false), ("portpro_id", row.portproID, false), ("number", row.number, false),
            ("qb_id", row.qbID, false), ("action", row.action, false), ("new_qb_id", row.newQBID, false),
            ("note", row.note, true),
        ]
        for (column, value, multiline) in cells {
            guard let refused = TextCharacters.firstRefused(in: value, multiline: multiline) else { continue }
            let code = String(refused.scalar.value, radix: 16, uppercase: true)
            return "the \(column) cell \"\(DisplayText.escaped(value))\" holds the control character U+"
                + String(repeating: "0", count: max(0, 4 - code.count)) + code
                + " at character \(refused.offset); control characters are not accepted in a resolution file "
                + "(retype the cell)"
        }
        return nil
    }

    // MARK: Row rules

    private func check(_ entry: ResolutionPlan.Entry, lookup: any LedgerRecordLookup) throws
        -> ResolutionPlan.Entry
    {
        var entry = entry
        let row = entry.row
        guard row.hasAction else {
            entry.message = "no action"
            return entry
        }
        guard let kind = RecordKind(entitySpelling: row.entity) else {
            entry.reject(
                row.entity.isEmpty
                    ? "the entity cell is empty: use customer, invoice, payment or credit_memo"
                    : "unknown entity \"\(row.entity)\": use customer, invoice, payment or credit_memo")
            return entry
        }
        entry.kind = kind
        guard let action = ResolutionAction(spelling: row.action) else {
            entry.reject(
                "unknown action \"\(row.action)\": use retry, clear, mark-paid, remove-qb-id or set-qb-id")
            return entry
        }
        entry.action = action
        if action == .markPaid && kind != .invoice {
            entry.reject("mark-paid is for invoices only; a \(kind.rawValue) cannot be marked paid")
            return entry
        }
        if action == .setQBID {
            if row.newQBID.isEmpty {
                entry.reject("set-qb-id needs the QuickBooks ID in the new_qb_id column")
                return entry
            }
            if let damage = SpreadsheetDamage.reason(row.newQBID) {
                entry.reject("new_qb_id \"\(row.newQBID)\" \(damage)")
                return entry
            }
            guard row.newQBID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                entry.reject("new_qb_id \"\(row.newQBID)\" is not a QuickBooks ID (QuickBooks IDs are digits)")
                return entry
            }
        } else if !row.newQBID.isEmpty {
            entry.reject(
                "conflicting: new_qb_id \(row.newQBID) is filled in but the action is \(action.rawValue); "
                    + "use set-qb-id to link it, or empty new_qb_id")
            return entry
        }
        switch try match(row, kind: kind, lookup: lookup) {
        case .failure(let reason):
            entry.reject(reason.message)
            return entry
        case .success(let (record, how)):
            entry.record = record
            entry.message = how
        }
        guard let record = entry.record else { return entry }
        if record.isUnreadable && action != .clear {
            // Its export broke a rule (invalid-record): there is no content to send, link or mark.
            entry.reject(
                "\(describe(record)) could not be read from its export (\(record.problemMessage ?? "invalid-record")), "
                    + "so there is nothing to \(action.rawValue): correct it in PortPro and export it again — the "
                    + "corrected export replaces this row and syncs (clear takes it off the list)")
            return entry
        }
        if action == .removeQBID && record.qbID == nil {
            entry.reject("\(describe(record)) has no QuickBooks ID to remove")
            return entry
        }
        // A placeholder; the real change (with note and source) is built once every check passed.
        entry.change = .retry(id: record.id, note: "", source: "")
        return entry
    }

    private struct MatchFailure: Error {
        var message: String
    }

    /// The one record a row means, or why there is none.
    private func match(_ row: ResolutionFile.Row, kind: RecordKind, lookup: any LedgerRecordLookup) throws -> Result<
        (LedgerRecord, String), MatchFailure
    > {
        let id = row.portproID
        if !id.isEmpty {
            if let record = try lookup.record(kind: kind, portproID: id) { return .success((record, "")) }
            if let damage = SpreadsheetDamage.reason(id) {
                return .failure(
                    MatchFailure(
                        message:
                            "portpro_id \"\(id)\" \(damage); it is not matched to any record. Copy the id from the original problems.csv (format the column as Text before pasting)"
                    ))
            }
            let padded = try lookup.records(kind: kind, portproIDs: SpreadsheetDamage.zeroPaddedCandidates(id))
            if let original = padded.first {
                return .failure(
                    MatchFailure(
                        message:
                            "portpro_id \"\(id)\" looks like \(original.portproID) with its leading zeros dropped by a spreadsheet; it is not matched. Put the exact id back (format the column as Text)"
                    ))
            }
        }
        guard !row.number.isEmpty else {
            return .failure(
                MatchFailure(
                    message: id.isEmpty
                        ? "the row has neither a portpro_id nor a number to find the \(kind.rawValue) by"
                        : "no \(kind.rawValue) has portpro_id \"\(id)\" (and the row has no number to look it up by)"))
        }
        if let damage = SpreadsheetDamage.reason(row.number) {
            return .failure(MatchFailure(message: "number \"\(row.number)\" \(damage); it is not matched"))
        }
        let byNumber = try lookup.records(kind: kind, number: row.number)
        let unknownID = id.isEmpty ? "" : "no \(kind.rawValue) has portpro_id \"\(id)\"; "
        switch byNumber.count {
        case 1:
            return .success(
                (byNumber[0], "\(unknownID)matched by its number \(row.number) (portpro_id \(byNumber[0].portproID))"))
        case 0:
            return .failure(MatchFailure(message: "\(unknownID)no \(kind.rawValue) has the number \"\(row.number)\""))
        default:
            return .failure(
                MatchFailure(
                    message:
                        "\(unknownID)\(byNumber.count) \(kind.rawValue) records have the number \"\(row.number)\"; give the exact portpro_id"
                ))
        }
    }

    /// Why a row is rejected as one of several rows for one record (every such row is),
    /// naming the first two and counting the rest: a record named a million times gives a
    /// million short messages, not a million lines each.
    static func repeatedRecordReason(
        line: Int, first: ResolutionSurvey.ActionRow, repeats: ResolutionSurvey.Repeats
    ) -> String {
        let second = repeats.second
        let conflicting =
            repeats.laterDiffer || first.action != second.action || first.newQBID != second.newQBID
        if conflicting {
            let more = repeats.more > 0 ? ", and \(repeats.more) more row(s)" : ""
            return "conflicting actions for one record (\(first.spelled) on line \(first.line), "
                + "\(second.spelled) on line \(second.line)\(more)); keep one row per record"
        }
        let shown = [first.line, second.line].filter { $0 != line }
        let others = line == first.line || line == second.line ? repeats.more : repeats.more - 1
        let lines = shown.map { "line \($0)" }.joined(separator: ", ")
        return "the same record is also on \(lines)\(others > 0 ? " and \(others) other row(s)" : ""); "
            + "keep one row per record"
    }

    // MARK: QuickBooks checks (set-qb-id)

    func checkInQuickBooks(_ entry: inout ResolutionPlan.Entry, reader: any QuickBooksObjectReader)
        async throws
    {
        guard let record = entry.record, let kind = entry.kind else { return }
        let newID = entry.row.newQBID
        let entity = QuickBooksEntity(kind.quickBooksEntityName)
        let object: JSONValue
        do {
            object = try await reader.read(entity, id: newID)
        } catch let fault as QuickBooksFault {
            guard case .recordProblem(let code, let message, let detail, _) = fault else { throw fault }
            entry.reject(
                "QuickBooks has no \(entity.name) \(newID) (\(code): \([message, detail].compactMap { $0 }.joined(separator: ": ")))"
            )
            return
        }
        guard object["Id"]?.stringValue == newID else {
            entry.reject("QuickBooks answered with another object than \(entity.name) \(newID)")
            return
        }
        var mismatches: [String] = []
        if kind == .invoice || kind == .creditMemo {
            let number = object["DocNumber"]?.stringValue ?? ""
            if number != (record.number ?? "") {
                mismatches.append(
                    "its number is \(number.isEmpty ? "empty" : "\"\(number)\""), not \"\(record.number ?? "")\"")
            }
        }
        if kind != .customer {
            mismatches += try customerMismatch(object, record: record)
        } else {
            mismatches += try Self.otherCompany(object, record: record)
            if object["Active"]?.boolValue == false {
                mismatches.append("it is inactive (deleted) in QuickBooks")
            }
        }
        if let other = try alreadyLinked(object, newID: newID, record: record, kind: kind) {
            mismatches.append("\(describe(other)) is already linked to it")
        }
        entry.message = Self.describe(object, entity: entity.name)
        if !mismatches.isEmpty {
            let text = "QuickBooks \(entity.name) \(newID): " + mismatches.joined(separator: "; ")
            if force || entry.row.force {
                let how = entry.row.force ? "the row's force column" : "--force"
                entry.message += "; linked with \(how) although " + text
                entry.forcedOver = "forced (\(how)) although " + text
            } else {
                entry.reject(
                    text + " (to link it anyway, write yes in this row's force column — add the column if the file "
                        + "has none — or use resolve --force)")
                return
            }
        }
        entry.syncToken = object["SyncToken"]?.stringValue
    }

    /// A QuickBooks customer plausibly is the record's company when it has the exact same name
    /// or the same QuickBooks email; a name that differs only in case or spacing is not enough.
    static func otherCompany(_ object: JSONValue, record: LedgerRecord) throws -> [String] {
        guard case .customer(let customer) = try record.decoded() else { return [] }
        let name = object["DisplayName"]?.stringValue ?? ""
        let email = object["PrimaryEmailAddr"]?["Address"]?.stringValue ?? ""
        let ours = customer.quickbooksEmail ?? ""
        if name == customer.companyName || (!ours.isEmpty && ours.lowercased() == email.lowercased()) { return [] }
        let theirs = email.isEmpty ? "no e-mail" : "e-mail \(email)"
        let mine = ours.isEmpty ? "no QuickBooks email in PortPro" : "QuickBooks email \(ours) in PortPro"
        return [
            "it is \"\(name)\" with \(theirs), not \"\(customer.companyName)\" with \(mine): neither the name nor "
                + "the e-mail is the same"
        ]
    }

    /// What a link points at, for the person who set it: `Customer 1 "Pacific Coast Imports"`,
    /// `Invoice 1043 RSRE_000150 of Desert Bloom Garden Supply, 1168.50`.
    static func describe(_ object: JSONValue, entity: String) -> String {
        let id = object["Id"]?.stringValue ?? ""
        if entity == "Customer" {
            return "QuickBooks Customer \(id) \"\(object["DisplayName"]?.stringValue ?? "")\""
        }
        var text = "QuickBooks \(entity) \(id)"
        if let number = object["DocNumber"]?.stringValue { text += " \(number)" }
        if let customer = object["CustomerRef"]?["name"]?.stringValue { text += " of \(customer)" }
        if let total = object["TotalAmt"]?.decimalValue { text += ", \(Money.format(total))" }
        return text
    }

    /// Whether the object's customer is the record's customer (through the customer's link).
    private func customerMismatch(_ object: JSONValue, record: LedgerRecord) throws -> [String] {
        let objectCustomer = object["CustomerRef"]?["value"]?.stringValue
        let objectCustomerName = object["CustomerRef"]?["name"]?.stringValue
        guard let customerID = record.customerPortproID,
            let customer = try ledger.record(kind: .customer, portproID: customerID), let linked = customer.qbID
        else {
            return [
                "the customer \(record.customerName ?? "?") is not linked to QuickBooks yet, so the customer cannot be checked (link the customer first)"
            ]
        }
        guard objectCustomer == linked else {
            return [
                "it belongs to QuickBooks customer \(objectCustomerName ?? "") (\(objectCustomer ?? "none")), not \(customer.number ?? customerID) (\(linked))"
            ]
        }
        return []
    }

    /// Another record of the same kind already linked to the object, found by its number or name.
    private func alreadyLinked(_ object: JSONValue, newID: String, record: LedgerRecord, kind: RecordKind) throws
        -> LedgerRecord?
    {
        let key = kind == .customer ? object["DisplayName"]?.stringValue : object["DocNumber"]?.stringValue
        var candidates = try key.map { try ledger.records(kind: kind, number: $0) } ?? []
        if let number = record.number { candidates += try ledger.records(kind: kind, number: number) }
        return candidates.first { $0.qbID == newID && $0.id != record.id }
    }

    // MARK: Changes

    func change(for entry: ResolutionPlan.Entry, file: ResolutionFile) -> LedgerChange? {
        guard let record = entry.record, let action = entry.action else { return nil }
        let note = entry.row.note
        let source = file.source(line: entry.row.line)
        switch action {
        case .retry: return .retry(id: record.id, note: note, source: source)
        case .clear: return .cleared(id: record.id, note: note, source: source)
        case .markPaid: return .paidOutside(id: record.id, note: note, source: source)
        case .removeQBID: return .removeQBID(id: record.id, note: note, source: source)
        case .setQBID:
            let audited = entry.forcedOver.map { note.isEmpty ? $0 : "\(note) — \($0)" } ?? note
            return .setQBID(
                id: record.id, qbID: entry.row.newQBID, syncToken: entry.syncToken,
                note: audited, source: source)
        }
    }

    func describe(_ record: LedgerRecord) -> String {
        "\(record.kind.rawValue) \(record.number ?? record.portproID) (portpro_id \(record.portproID))"
    }
}
