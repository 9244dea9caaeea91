import Foundation
import PortBooksCore
import PortBooksLedger
import PortBooksReports

/// The second pass over a resolution file: each row checked again (the same checks, the same
/// ledger), given the survey's verdicts on records named twice and on QuickBooks, and — when
/// the file applies — its change made, all in ONE ledger transaction (each change with an
/// audit entry carrying the row's note and where it came from). Nothing is applied when any
/// row was rejected, unless `partial`, which applies the valid rows and leaves the others.
///
/// Rows stream from the file to the report (`resolution-report.csv`): memory holds one row,
/// the survey, and the first rows the outcome keeps to print.
public struct ResolutionApplier: Sendable {
    public let ledger: LedgerStore
    public let runID: String

    public init(ledger: LedgerStore, runID: String) {
        self.ledger = ledger
        self.runID = runID
    }

    /// Applies (or, `dryRun`, only reports) `file`, whose first pass was `survey`. Each row's
    /// outcome goes to `report` when given; `onApplied` hears of every row applied, with its
    /// record as it was before.
    public func apply(
        _ file: ResolutionFile, survey: ResolutionSurvey, planner: ResolutionPlanner, partial: Bool, dryRun: Bool,
        report: CSVFileWriter? = nil, onApplied: (ResolutionOutcome.Row, LedgerRecord) -> Void = { _, _ in }
    ) throws -> ResolutionOutcome {
        let applying = !dryRun && (!survey.rejectsSomething || partial)
        var pass = SecondPass(
            file: file, survey: survey, planner: planner, applying: applying, dryRun: dryRun, report: report)
        if applying {
            try ledger.inChangeSession(runID: runID) { session in
                try pass.run(lookup: session, onApplied: onApplied) { try session.apply($0) }
            }
        } else {
            try pass.run(lookup: ledger, onApplied: onApplied) { _ in }
        }
        return pass.outcome
    }
}

/// The state of one second pass.
private struct SecondPass {
    let file: ResolutionFile
    let survey: ResolutionSurvey
    let planner: ResolutionPlanner
    let applying: Bool
    let dryRun: Bool
    let report: CSVFileWriter?
    var outcome: ResolutionOutcome
    /// The first row of each record named twice, once the pass has read it.
    private var firstRows: [Int64: ResolutionSurvey.ActionRow] = [:]

    init(
        file: ResolutionFile, survey: ResolutionSurvey, planner: ResolutionPlanner, applying: Bool, dryRun: Bool,
        report: CSVFileWriter?
    ) {
        self.file = file
        self.survey = survey
        self.planner = planner
        self.applying = applying
        self.dryRun = dryRun
        self.report = report
        outcome = ResolutionOutcome(file: file.name)
    }

    mutating func run(
        lookup: any LedgerRecordLookup, onApplied: (ResolutionOutcome.Row, LedgerRecord) -> Void,
        apply: (LedgerChange) throws -> Void
    ) throws {
        let rows = try file.makeReader()
        var count = 0
        while let row = try rows.next() {
            count += 1
            let entry = try settle(try planner.check(row, lookup: lookup))
            let result = outcomeRow(entry)
            if result.result == .applied, let change = entry.change, let record = entry.record {
                try apply(change)
                onApplied(result, record)
            }
            outcome.add(result)
            try report?.append(ResolutionReport.cells(result))
        }
        guard count == survey.rows else {
            throw ResolutionError.unreadable(
                file: file.name, line: nil,
                message: "the file changed while it was being applied; nothing was changed, run it again")
        }
    }

    /// The row's checks completed with what the first pass found: its record named by other
    /// rows too, and what QuickBooks said of a `set-qb-id`; then its change, if it has one.
    private mutating func settle(_ checked: ResolutionPlan.Entry) throws -> ResolutionPlan.Entry {
        var entry = checked
        let row = entry.row
        if let record = entry.record, row.hasAction, let repeats = survey.repeated[record.id] {
            let own = ResolutionSurvey.ActionRow(
                line: row.line, action: entry.action, spelled: row.action, newQBID: row.newQBID)
            if survey.firstLines[record.id] == row.line { firstRows[record.id] = own }
            entry.problem = nil
            entry.reject(
                ResolutionPlanner.repeatedRecordReason(
                    line: row.line, first: firstRows[record.id] ?? own, repeats: repeats))
        }
        if entry.change != nil, entry.action == .setQBID {
            if let check = survey.quickBooks[row.line] {
                entry.syncToken = check.syncToken
                entry.message = check.message
                entry.forcedOver = check.forcedOver
                if let rejection = check.rejection { entry.reject(rejection) }
            } else {
                entry.reject("not checked with QuickBooks; run the file again")
            }
        }
        if entry.change != nil { entry.change = planner.change(for: entry, file: file) }
        return entry
    }

    private func outcomeRow(_ entry: ResolutionPlan.Entry) -> ResolutionOutcome.Row {
        let result: ResolutionResult
        var message = entry.message
        if entry.isIgnored {
            result = .ignored
        } else if let problem = entry.problem {
            result = .rejected
            message = problem
        } else if dryRun {
            result = .wouldApply
        } else if applying {
            result = .applied
        } else {
            result = .notApplied
            message = join(
                "not applied: other rows of the file were rejected, so nothing was changed (fix them, or use --partial)",
                message)
        }
        if result == .applied || result == .wouldApply, let action = entry.action, let record = entry.record {
            message = join(ResolutionApplier.effect(action, record: record, newQBID: entry.row.newQBID), message)
        }
        return ResolutionOutcome.Row(
            line: entry.row.line, entity: entry.kind?.rawValue ?? entry.row.entity,
            portproID: entry.record?.portproID ?? entry.row.portproID,
            action: entry.action?.rawValue ?? entry.row.action,
            result: result, message: message)
    }

    private func join(_ first: String, _ second: String) -> String {
        second.isEmpty ? first : "\(first); \(second)"
    }
}

extension ResolutionApplier {
    /// What an applied action does, in a sentence.
    static func effect(_ action: ResolutionAction, record: LedgerRecord, newQBID: String) -> String {
        switch action {
        case .retry: "pending: sent again on the next sync"
        case .clear: "cleared: off the problem list, not synced"
        case .markPaid: "marked paid outside QuickBooks: its later payments and edits are not sent"
        case .removeQBID:
            "unlinked from QuickBooks \(record.qbID ?? ""): the next sync looks its number up in QuickBooks before creating it"
        case .setQBID: "linked to QuickBooks \(newQBID)"
        }
    }
}

/// `reports/runs/<run-id>/resolution-report.csv`: one row per input row, written as the rows
/// are applied.
public enum ResolutionReport {
    public static let columns = ["line", "entity", "portpro_id", "action", "result", "message"]

    /// A writer for the report in `folder`; a second file in the same run gets
    /// `resolution-report-2.csv`, ….
    public static func open(in folder: URL) throws -> CSVFileWriter {
        var target = folder.appendingPathComponent("resolution-report.csv")
        var counter = 1
        while FileManager.default.fileExists(atPath: target.path) {
            counter += 1
            target = folder.appendingPathComponent("resolution-report-\(counter).csv")
        }
        return try CSVFileWriter(url: target, header: columns)
    }

    static func cells(_ row: ResolutionOutcome.Row) -> [String] {
        [String(row.line), row.entity, row.portproID, row.action, row.result.rawValue, row.message]
    }
}
