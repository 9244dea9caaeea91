import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports
import PortBooksStage

@testable import PortBooksSync

/// A fresh in-memory ledger with a customer, three invoices and a payment, linked as a sync
/// would leave them.
struct ResolutionFixture {
    let ledger: LedgerStore

    static func customer(_ id: String, _ name: String) -> ExportRecord {
        .customer(Customer(id: id, companyName: name))
    }

    static func invoice(_ id: String, number: String, customer: String = "c1", total: Decimal = 100) -> ExportRecord {
        .invoice(
            Invoice(
                id: id, referenceNumber: number, caller: CustomerRef(id: customer, companyName: "Acme Drayage"),
                billingDate: LocalDate(year: 2026, month: 11, day: 2) ?? LocalDate(year: 2026, month: 1, day: 1)!,
                totalAmount: total,
                chargeSets: [
                    ChargeSet(
                        loadReferenceNumber: "L1", totalAmount: total,
                        pricing: [Charge(name: "BASE PRICE", finalAmount: total)])
                ]))
    }

    static func payment(_ id: String, invoice: String, number: String, amount: Decimal) -> ExportRecord {
        .payment(
            Payment(
                id: id, caller: CustomerRef(id: "c1", companyName: "Acme Drayage"),
                paymentDate: LocalDate(year: 2026, month: 11, day: 5) ?? LocalDate(year: 2026, month: 1, day: 1)!,
                amount: amount, referenceNo: "CHK-1",
                invoices: [Payment.Application(invoiceID: invoice, referenceNumber: number, amount: amount)]))
    }

    init() throws {
        ledger = try LedgerStore.inMemory()
        try ledger.stageFile(hash: "h1", name: "f.json", size: 1, format: "json", runID: "r0") { session in
            for record in [
                Self.customer("c1", "Acme Drayage"),
                Self.invoice("651234567890123456789012", number: "RSRE_000150"),
                Self.invoice("i2", number: "RSRE_000151"),
                Self.invoice("i3", number: "RSRE_000152"),
                Self.invoice("000123", number: "RSRE_000153"),
                Self.payment("p1", invoice: "i2", number: "RSRE_000151", amount: 100),
            ] {
                try session.stage(record, sourceFile: "f.json")
            }
            return true
        }
        try link(.customer, "c1", qbID: "58")
        try link(.invoice, "651234567890123456789012", qbID: "1043")
        try link(.invoice, "i2", qbID: "1044")
        try problem(.invoice, "i3", code: "unmapped-charge-code")
        try problem(.payment, "p1", code: "quickbooks-rejected")
    }

    func record(_ kind: RecordKind, _ id: String) throws -> LedgerRecord {
        guard let record = try ledger.record(kind: kind, portproID: id) else {
            throw FixtureError.missing("\(kind.rawValue) \(id)")
        }
        return record
    }

    func link(_ kind: RecordKind, _ id: String, qbID: String) throws {
        let record = try record(kind, id)
        try ledger.markSynced(id: record.id, qbID: qbID, syncToken: "0", contentHash: record.contentHash, runID: "r0")
    }

    func problem(_ kind: RecordKind, _ id: String, code: String) throws {
        try ledger.recordProblem(id: try record(kind, id).id, code: code, message: "m", suggestion: "s", runID: "r0")
    }

    /// Every record's state and link, to show that nothing changed.
    func snapshot() throws -> [String] {
        try ledger.allRecords(kind: nil, onlyWithoutQBID: false).map {
            "\($0.kind.rawValue)/\($0.portproID)=\($0.state.rawValue)/\($0.qbID ?? "-")/\($0.generation)"
        }
    }

    /// Plans and applies CSV text the way `portbooks resolve` does.
    func resolve(
        _ text: String, name: String = "fixed.csv", partial: Bool = false, dryRun: Bool = false, force: Bool = false,
        quickBooks: FakeQuickBooks = FakeQuickBooks()
    ) async throws -> ResolutionOutcome {
        try await resolve(
            Data(text.utf8), name: name, partial: partial, dryRun: dryRun, force: force, quickBooks: quickBooks)
    }

    func resolve(
        _ data: Data, name: String = "fixed.csv", partial: Bool = false, dryRun: Bool = false, force: Bool = false,
        quickBooks: FakeQuickBooks = FakeQuickBooks()
    ) async throws -> ResolutionOutcome {
        let file = try ResolutionFile.parse(data, name: name)
        let planner = ResolutionPlanner(ledger: ledger, force: force)
        let survey = try await planner.survey(file) { quickBooks }
        return try ResolutionApplier(ledger: ledger, runID: "r1").apply(
            file, survey: survey, planner: planner, partial: partial, dryRun: dryRun)
    }
}

enum FixtureError: Error {
    case missing(String)
}

/// QuickBooks objects by entity and Id; anything else answers QuickBooks' 610 "Object Not Found".
struct FakeQuickBooks: QuickBooksObjectReader, QuickBooksChangeFeed {
    var objects: [String: [String: JSONValue]] = [:]
    var changes: [String: [JSONValue]] = [:]

    func read(_ entity: QuickBooksEntity, id: String) async throws -> JSONValue {
        guard let object = objects[entity.name]?[id] else {
            throw QuickBooksFault.recordProblem(
                code: "610", message: "Object Not Found",
                detail:
                    "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
                element: nil)
        }
        return object
    }

    func changeDataCapture(entities: [QuickBooksEntity], changedSince: String) async throws -> [String: [JSONValue]] {
        var answer: [String: [JSONValue]] = [:]
        for entity in entities { answer[entity.name] = changes[entity.name] }
        return answer
    }
}

/// problems.csv's header, as PortBooks writes it.
let problemsHeader =
    "entity,portpro_id,number,customer,amount,qb_id,problem_code,problem,since,attempts,suggestion,action,new_qb_id,note"
