import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksPlan
import Testing

/// The undo plan is a pure function of the journalled write, the record and what QuickBooks
/// holds now: every rule is checked here without a ledger or a network.
@Suite("Undo planner")
struct UndoPlannerTests {
    static let invoiceObject: JSONValue = [
        "Id": "145", "SyncToken": "0", "DocNumber": "RSRE_1", "TotalAmt": 100, "Balance": 100,
        "PrivateNote": "from PortPro", "MetaData": ["LastUpdatedTime": "2026-11-20T10:00:00Z"],
    ]

    static func record(_ kind: RecordKind, qbID: String? = "145", token: String = "0") -> LedgerRecord {
        LedgerRecord(
            id: 7, kind: kind, portproID: "p7", number: "RSRE_1", content: Data("{}".utf8), contentHash: "h",
            qbID: qbID, syncToken: token, state: .synced)
    }

    static func write(_ kind: RecordKind, _ operation: RunWrite.Operation, intent: String? = nil) -> RunWrite {
        RunWrite(
            id: 3, runID: "run-1", recordID: 7, kind: kind, portproID: "p7", operation: operation, qbID: "145",
            syncToken: "0", fingerprint: ObjectFingerprint.of(invoiceObject), undoIntent: intent)
    }

    static func now(_ object: JSONValue?, otherPayments: [String] = []) -> UndoPlanner.Now {
        UndoPlanner.Now(object: object, lastWrite: write(.invoice, .create), otherPayments: otherPayments)
    }

    @Test(
        "what a run created is deleted (invoices, credit memos, payments), voided when the settings say so; customers are made inactive"
    )
    func reversalsByKind() {
        let planner = UndoPlanner()
        for kind in [RecordKind.invoice, .creditMemo, .payment] {
            let step = planner.plan(
                Self.write(kind, .create), record: Self.record(kind), now: Self.now(Self.invoiceObject))
            #expect(step.operation == .delete(qbID: "145", syncToken: "0"))
        }
        let voiding = UndoPlanner(voidDocuments: true)
        let voided = voiding.plan(
            Self.write(.invoice, .create), record: Self.record(.invoice), now: Self.now(Self.invoiceObject))
        #expect(voided.operation == .void(qbID: "145", syncToken: "0"))
        let customer = planner.plan(
            Self.write(.customer, .create), record: Self.record(.customer), now: Self.now(Self.invoiceObject))
        #expect(customer.operation == .deactivate(qbID: "145", syncToken: "0"))
        #expect(customer.phase > voided.phase)
        let payment = planner.plan(
            Self.write(.payment, .create), record: Self.record(.payment), now: Self.now(Self.invoiceObject))
        #expect(payment.phase < voided.phase)
    }

    @Test(
        "an object a person edited since (a member differs), or with a payment applied, is left alone, saying what changed; --force reverses it"
    )
    func changedSinceTheRun() throws {
        let edited = Self.invoiceObject.setting("PrivateNote", to: "corrected by hand").setting("SyncToken", to: "1")
        let left = UndoPlanner().plan(
            Self.write(.invoice, .create), record: Self.record(.invoice), now: Self.now(edited))
        let problem = try #require(left.operation.problem)
        #expect(problem.code == "changed-in-quickbooks")
        #expect(problem.message.contains("PrivateNote changed (SyncToken 0 → 1)"), "\(problem.message)")
        #expect(left.operation.intent == nil)

        let paid = UndoPlanner().plan(
            Self.write(.invoice, .create), record: Self.record(.invoice),
            now: Self.now(Self.invoiceObject.setting("Balance", to: 90), otherPayments: ["77"]))
        #expect(paid.operation.problem?.message.contains("Payment 77 is applied to it") == true)

        let forced = UndoPlanner(force: true).plan(
            Self.write(.invoice, .create), record: Self.record(.invoice), now: Self.now(edited))
        #expect(forced.operation == .delete(qbID: "145", syncToken: "1"))
    }

    @Test("what QuickBooks moves on its own (SyncToken, balances, applied payments, times) is not a change")
    func movingMembersAreNoChange() {
        let moved = Self.invoiceObject.setting("SyncToken", to: "4").setting("Balance", to: 0)
            .setting("MetaData", to: ["LastUpdatedTime": "2026-11-21T10:00:00Z"])
            .setting("LinkedTxn", to: [["TxnId": "9", "TxnType": "Payment"]])
        let step = UndoPlanner().plan(
            Self.write(.invoice, .create), record: Self.record(.invoice), now: Self.now(moved))
        #expect(step.operation == .delete(qbID: "145", syncToken: "4"))
    }

    @Test(
        "gone from QuickBooks: recorded as undone, nothing sent; a void is not reversible; a moved link is not touched")
    func nothingToSend() {
        let planner = UndoPlanner()
        let gone = planner.plan(Self.write(.invoice, .create), record: Self.record(.invoice), now: Self.now(nil))
        #expect(gone.operation == .unlink)
        let void = planner.plan(Self.write(.invoice, .void), record: Self.record(.invoice), now: Self.now(nil))
        #expect(void.operation.name == "skip")
        let relinked = planner.plan(
            Self.write(.invoice, .create), record: Self.record(.invoice, qbID: "999"), now: Self.now(Self.invoiceObject)
        )
        #expect(relinked.operation.name == "skip")
    }

    @Test("an interrupted undo's write goes again as it was, without the change check (its own write moved the object)")
    func resumesAnInterruptedWrite() {
        let half = Self.invoiceObject.setting("Active", to: false).setting("SyncToken", to: "1")
        let step = UndoPlanner().plan(
            Self.write(.customer, .create, intent: "deactivate"), record: Self.record(.customer), now: Self.now(half))
        #expect(step.operation == .deactivate(qbID: "145", syncToken: "1"))
    }

    @Test("an update is put back with the previous content's members, or left when there is none")
    func restores() {
        let members: JSONValue = ["TotalAmt": 100]
        var now = Self.now(Self.invoiceObject)
        now.restore = .members(members)
        let step = UndoPlanner().plan(Self.write(.invoice, .update), record: Self.record(.invoice), now: now)
        #expect(step.operation == .restore(qbID: "145", syncToken: "0", changes: members))
        now.restore = nil
        let unknown = UndoPlanner().plan(Self.write(.invoice, .update), record: Self.record(.invoice), now: now)
        #expect(unknown.operation.problem?.code == "undo-no-previous-content")
    }
}
