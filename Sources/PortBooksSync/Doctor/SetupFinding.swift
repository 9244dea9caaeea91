/// One thing `portbooks doctor` checked: what, whether it is fine, and what to do if not.
public struct SetupFinding: Sendable, Hashable {
    /// A stable name for the check: `settings`, `client-secret`, `token-file`, `company`,
    /// `quickbooks`, `clock`, `names`, `folders`, `ledger`, `lock`.
    public var check: String
    public var healthy: Bool
    /// What was found, as a sentence.
    public var message: String
    /// What to do about it; `nil` when healthy.
    public var fix: String?

    public init(check: String, healthy: Bool, message: String, fix: String? = nil) {
        self.check = check
        self.healthy = healthy
        self.message = message
        self.fix = fix
    }

    static func ok(_ check: String, _ message: String) -> SetupFinding {
        SetupFinding(check: check, healthy: true, message: message)
    }

    static func problem(_ check: String, _ message: String, fix: String) -> SetupFinding {
        SetupFinding(check: check, healthy: false, message: message, fix: fix)
    }
}
