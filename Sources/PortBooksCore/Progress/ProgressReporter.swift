/// Progress of a long run: a bar with rate and ETA on a terminal, periodic lines otherwise.
public protocol ProgressReporter: AnyObject {
    func update(phase: String, done: Int, total: Int?)
    func finish(phase: String)
    /// The whole push, before it starts: records to push per QuickBooks entity name
    /// (`Customer`, `Invoice`, `CreditMemo`, `Payment`), in push order, so a reporter can show
    /// one bar and one ETA for the run. Phases named `pushing <entity>` then count into it.
    func expect(_ totals: [(entity: String, total: Int)])
}

extension ProgressReporter {
    /// A reporter that shows phases only ignores the totals.
    public func expect(_ totals: [(entity: String, total: Int)]) {}
}
