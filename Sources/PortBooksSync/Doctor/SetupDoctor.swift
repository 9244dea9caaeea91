import Foundation
import Logging
import PortBooksCore
import PortBooksLedger
import PortBooksQuickBooks

/// `portbooks doctor`: checks a set-up end to end and says what to fix — the token file (there,
/// mode 0600, for this ledger's company), QuickBooks (a CompanyInfo read answers, the clocks
/// agree), every QuickBooks name the settings use (items, accounts, terms, classes, locations,
/// payment methods), the folders (there and writable), the ledger (opens) and the run lock.
///
/// It changes nothing: no token refresh is saved unless QuickBooks itself rotates the refresh
/// token (as any read may), no folder is created, the ledger is opened only when it exists.
public struct SetupDoctor {
    public let settings: Settings
    let logger: Logger
    /// How far QuickBooks' clock may be from ours before OAuth and `changedSince` reads go wrong.
    public static let clockTolerance: TimeInterval = 300

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Every check, in the order a person fixes them; QuickBooks is only asked when the tokens
    /// are usable.
    public func run() async -> [SetupFinding] {
        var findings: [SetupFinding] = [.ok("settings", "The settings file \(settings.file) reads without errors.")]
        let folders = ProjectFolders(settings: settings)
        findings += folderFindings(folders)
        let ledgerRealm = ledgerFinding(folders, into: &findings)
        let connection: QuickBooksConnection
        do {
            connection = try QuickBooksConnection(settings: settings)
            findings.append(.ok("client-secret", "The QuickBooks client secret is there."))
        } catch {
            findings.append(
                .problem("client-secret", "\(error).", fix: "Provide the client secret as the message says."))
            return findings
        }
        guard let tokens = tokenFindings(connection, ledgerRealm: ledgerRealm, into: &findings) else { return findings }
        findings += await quickBooksFindings(connection, realm: tokens.realmID)
        return findings
    }

    // MARK: Files

    func folderFindings(_ folders: ProjectFolders) -> [SetupFinding] {
        var missing: [String] = []
        var unwritable: [String] = []
        for folder in [
            folders.inbox, folders.resolutions, folders.archive, folders.rejected, folders.reports, folders.state,
        ] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                missing.append(folder.path)
                continue
            }
            let probe = folder.appendingPathComponent(".portbooks-doctor-\(getpid())")
            if FileManager.default.createFile(atPath: probe.path, contents: Data()) {
                try? FileManager.default.removeItem(at: probe)
            } else {
                unwritable.append(folder.path)
            }
        }
        var findings: [SetupFinding] = []
        if !missing.isEmpty {
            findings.append(
                .problem(
                    "folders", "These folders do not exist: \(missing.joined(separator: ", ")).",
                    fix:
                        "Run `portbooks init \(settings.directory)` (it keeps an existing portbooks.toml) or create them."
                ))
        }
        if !unwritable.isEmpty {
            findings.append(
                .problem(
                    "folders", "PortBooks cannot write in \(unwritable.joined(separator: ", ")).",
                    fix: "Give the user that runs PortBooks write access to them (chown or chmod)."))
        }
        if findings.isEmpty { findings.append(.ok("folders", "The six folders exist and are writable.")) }
        return findings
    }

    /// The ledger opens (when there is one) and the lock is not held by a process that is gone;
    /// returns the company the ledger belongs to, if it is bound to one.
    func ledgerFinding(_ folders: ProjectFolders, into findings: inout [SetupFinding]) -> String? {
        var realm: String?
        if FileManager.default.fileExists(atPath: folders.ledgerPath) {
            do {
                let ledger = try LedgerStore.open(path: folders.ledgerPath)
                realm = try ledger.value(forMeta: SyncEngine.realmKey).flatMap { $0.isEmpty ? nil : $0 }
                findings.append(.ok("ledger", "The ledger \(folders.ledgerPath) opens."))
            } catch {
                findings.append(
                    .problem(
                        "ledger",
                        "The ledger \(folders.ledgerPath) cannot be opened: \(FileErrorWords.describe(error)).",
                        fix: "Restore state/ from the last backup (docs/OPERATIONS.md, Recovery)."))
            }
        } else {
            findings.append(.ok("ledger", "No ledger yet: the first run makes it."))
        }
        findings.append(lockFinding(folders))
        return realm
    }

    func lockFinding(_ folders: ProjectFolders) -> SetupFinding {
        guard FileManager.default.fileExists(atPath: folders.lockPath) else {
            return .ok("lock", "No run holds the lock.")
        }
        do {
            let lock = try RunLock(path: folders.lockPath)
            withExtendedLifetime(lock) {}
            return .ok("lock", "No run holds the lock.")
        } catch RunLockError.held {
            let text = (try? String(contentsOfFile: folders.lockPath, encoding: .utf8)) ?? ""
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            if pid > 0 && kill(pid, 0) != 0 && errno == ESRCH {
                return .problem(
                    "lock", "The lock \(folders.lockPath) is held, but the process \(pid) that took it is gone.",
                    fix: "Find the process holding the file (`fuser \(folders.lockPath)`) and stop it.")
            }
            return .ok("lock", "A run is in progress now (process \(pid)); that is not a problem.")
        } catch {
            return .problem(
                "lock", "The lock file cannot be opened: \(error).",
                fix: "Give the user that runs PortBooks write access to \(folders.state.path).")
        }
    }

    /// The token file: there, private, readable, for the ledger's company. Returns the tokens
    /// when QuickBooks can be asked.
    func tokenFindings(_ connection: QuickBooksConnection, ledgerRealm: String?, into findings: inout [SetupFinding])
        -> OAuthTokens?
    {
        let path = connection.tokenStore.path
        guard FileManager.default.fileExists(atPath: path) else {
            findings.append(
                .problem(
                    "token-file", "There is no token file at \(path): this folder is not connected to QuickBooks.",
                    fix: "Run `portbooks connect --config \(settings.file)`."))
            return nil
        }
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
            findings.append(
                .problem(
                    "token-file",
                    "The token file \(path) has mode \(String(info.st_mode & 0o777, radix: 8)): other users can read it, "
                        + "and PortBooks will not use it.",
                    fix:
                        "Run `chmod 600 \(path)`; if others may have copied it, `portbooks connect --revoke`, then connect again."
                ))
            return nil
        }
        let tokens: OAuthTokens
        do {
            guard let loaded = try connection.tokenStore.load() else { return nil }
            tokens = loaded
        } catch {
            findings.append(.problem("token-file", "\(error).", fix: "Run `portbooks connect` again."))
            return nil
        }
        findings.append(.ok("token-file", "The token file \(path) exists with mode 600."))
        let configured = settings.quickbooks.realmID
        if !configured.isEmpty && configured != tokens.realmID {
            findings.append(
                .problem(
                    "company",
                    "portbooks.toml names QuickBooks company \(configured), but the tokens are for company \(tokens.realmID).",
                    fix:
                        "Remove realm_id from portbooks.toml, or run `portbooks connect` and choose company \(configured)."
                ))
            return nil
        }
        if let ledgerRealm, ledgerRealm != tokens.realmID {
            findings.append(
                .problem(
                    "company",
                    "The ledger belongs to QuickBooks company \(ledgerRealm), but the tokens are for company \(tokens.realmID).",
                    fix:
                        "Run `portbooks connect` and choose company \(ledgerRealm), or set up a folder of its own for the other company."
                ))
            return nil
        }
        findings.append(
            .ok("company", "The tokens are for QuickBooks company \(tokens.realmID), this ledger's company."))
        return tokens
    }
}
