/// Progress of a long run: a bar with rate and ETA on a terminal, periodic lines otherwise.
public protocol ProgressReporter: AnyObject {
    func update(phase: String, done: Int, total: Int?)
    func finish(phase: String)
}
