import Foundation
import Logging
import PortBooksCore
import PortBooksJSON
import PortBooksLedger
import PortBooksQuickBooks
import PortBooksReports

/// QuickBooks' change data capture: what `reconcile` reads. ``QuickBooksClient`` is one.
public protocol QuickBooksChangeFeed: Sendable {
    func changeDataCapture(entities: [QuickBooksEntity], changedSince: String) async throws -> [String: [JSONValue]]
}

extension QuickBooksClient: QuickBooksChangeFeed {}

/// Something that happened in QuickBooks to a record PortBooks linked.
public struct ReconcileFinding: Hashable, Sendable {
    public var kind: RecordKind
    public var portproID: String
    public var number: String
    public var qbID: String
    /// `paid-in-quickbooks`, `voided-in-quickbooks`, `deleted-in-quickbooks`, `renamed-in-quickbooks`.
    public var code: String
    public var message: String
    public var suggestion: String
    /// `true`: now a row of problems.csv; `false`: only noted (the report and stdout).
    public var isProblem: Bool
}

/// `portbooks reconcile`: reads QuickBooks' change data capture since the last check and turns
/// what people did directly in QuickBooks into problems with suggestions
/// (reference/qbo-api.md §8):
///
/// - an invoice PortBooks synced whose `Balance` is now 0 although the PortPro payments
///   PortBooks sent do not cover it → `paid-in-quickbooks`, suggestion `mark-paid`;
/// - a transaction voided there (`TotalAmt` 0, or `PrivateNote` "Voided") or deleted (a CDC
///   stub with `status` Deleted) → `voided-in-quickbooks` / `deleted-in-quickbooks`,
///   suggestion `remove-qb-id`;
/// - a linked customer whose `DisplayName` changed there → `renamed-in-quickbooks`, noted only:
///   a customer in problems would hold back every invoice of that customer.
///
/// Windows: CDC looks back at most 30 days and answers at most 1,000 objects, without paging.
/// The cursor (`last_cdc_check` in the ledger's meta) starts 30 days back (29 for safety);
/// an answer of 1,000 is asked again one entity at a time, and an entity that alone reaches
/// 1,000 is read on from its newest returned change (QuickBooks returns the oldest first)
/// until an answer is short. The cursor moves only after a complete read, to the time the
/// read began minus a minute of clock skew.
public struct Reconciler: Sendable {
    public static let cursorKey = "last_cdc_check"
    /// Intuit's cap on one CDC answer.
    public static let answerCap = 1000
    static let entities: [QuickBooksEntity] = [.invoice, .payment, .creditMemo, .customer]

    let ledger: LedgerStore
    let feed: any QuickBooksChangeFeed
    let runID: String
    let logger: Logger

    public init(
        ledger: LedgerStore, feed: any QuickBooksChangeFeed, runID: String,
        logger: Logger
    ) {
        self.ledger = ledger
        self.feed = feed
        self.runID = runID
        self.logger = logger
    }

    /// What one reconcile did.
    public struct Outcome: Sendable {
        public var since: String
        public var findings: [ReconcileFinding] = []
        /// CDC requests made.
        public var requests = 0
        /// Distinct objects QuickBooks reported changed.
        public var objects = 0
        /// Set when the last check is older than CDC can look back.
        public var gapWarning: String?
    }

    public func run(now: Date = Date()) async throws -> Outcome {
        let oldest = now.addingTimeInterval(-29 * 86400)
        var since = oldest
        var gapWarning: String?
        if let text = try ledger.value(forMeta: Self.cursorKey), let last = Self.parseTime(text) {
            if last < oldest {
                gapWarning =
                    "the last check (\(text)) is older than QuickBooks' 30-day change history; changes before \(Self.format(oldest)) were not seen"
            } else {
                since = last
            }
        }
        var outcome = Outcome(since: Self.format(since), gapWarning: gapWarning)
        var changed: [String: [String: JSONValue]] = [:]
        try await collect(Self.entities, since: since, into: &changed, outcome: &outcome)
        outcome.objects = changed.values.map(\.count).reduce(0, +)
        var rules = try FindingRules(ledger: ledger)
        outcome.findings = try rules.findings(in: changed)
        for finding in outcome.findings where finding.isProblem {
            guard let record = try ledger.record(kind: finding.kind, portproID: finding.portproID) else { continue }
            try ledger.recordProblem(
                id: record.id, code: finding.code, message: finding.message, suggestion: finding.suggestion,
                runID: runID)
        }
        try ledger.setMeta(Self.cursorKey, Self.format(now.addingTimeInterval(-60)))
        return outcome
    }

    /// Reads `entities` changed since `since`, narrowing as the 1,000-object cap requires.
    private func collect(
        _ entities: [QuickBooksEntity], since: Date, into changed: inout [String: [String: JSONValue]],
        outcome: inout Outcome
    ) async throws {
        outcome.requests += 1
        let answer = try await feed.changeDataCapture(entities: entities, changedSince: Self.format(since))
        let total = answer.values.map(\.count).reduce(0, +)
        if total >= Self.answerCap && entities.count > 1 {
            for entity in entities { try await collect([entity], since: since, into: &changed, outcome: &outcome) }
            return
        }
        for (entity, objects) in answer {
            for object in objects {
                guard let id = object["Id"]?.stringValue else { continue }
                if let known = changed[entity]?[id],
                    Self.updated(known) ?? .distantPast > Self.updated(object) ?? .distantPast
                {
                    continue
                }
                changed[entity, default: [:]][id] = object
            }
        }
        guard total >= Self.answerCap else { return }
        let newest = answer.values.joined().compactMap(Self.updated).max()
        guard let newest, newest > since else {
            logger.warning("QuickBooks reported 1,000 changes at one instant; some may not have been read")
            return
        }
        try await collect(entities, since: newest, into: &changed, outcome: &outcome)
    }

    static func updated(_ object: JSONValue) -> Date? {
        object["MetaData"]?["LastUpdatedTime"]?.stringValue.flatMap(parseTime)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
