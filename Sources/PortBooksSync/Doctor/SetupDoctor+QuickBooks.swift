import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksQuickBooks

extension SetupDoctor {
    /// A check gives up after two quick tries: a person is waiting.
    static let checkRetry = RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(300), maxBackoff: .seconds(1))

    /// QuickBooks answers a CompanyInfo read with our tokens; its clock agrees with ours; every
    /// name the settings use exists. Stops after the first check that fails.
    func quickBooksFindings(_ connection: QuickBooksConnection, realm: String) async -> [SetupFinding] {
        let client: QuickBooksClient
        do {
            client = try connection.client(logger: logger, retry: Self.checkRetry).0
        } catch {
            return [.problem("quickbooks", "\(error).", fix: "Run `portbooks connect` again.")]
        }
        var findings: [SetupFinding] = []
        do {
            let (info, serverTime) = try await client.companyInfo()
            let name = info["CompanyName"]?.stringValue ?? realm
            findings.append(.ok("quickbooks", "QuickBooks answers at \(settings.quickbooks.baseURL): company \(name)."))
            findings.append(Self.clockFinding(serverTime: serverTime, now: Date()))
        } catch {
            return [Self.quickBooksProblem(error, baseURL: settings.quickbooks.baseURL)]
        }
        do {
            findings += try await nameFindings(client)
        } catch {
            findings.append(Self.quickBooksProblem(error, baseURL: settings.quickbooks.baseURL))
        }
        return findings
    }

    /// What a failed read means for the person running the check.
    static func quickBooksProblem(_ error: any Error, baseURL: String) -> SetupFinding {
        guard let fault = error as? QuickBooksFault else {
            return .problem(
                "quickbooks", "QuickBooks cannot be reached at \(baseURL): \(error).", fix: "Try again later.")
        }
        switch fault.category {
        case .transient:
            return .problem(
                "quickbooks", "QuickBooks cannot be reached at \(baseURL) (\(fault)).",
                fix: "Check the network and base_url in portbooks.toml, or try again later; Intuit's status page says "
                    + "whether QuickBooks Online is down.")
        case .auth:
            return .problem(
                "quickbooks", "QuickBooks no longer accepts this folder's connection (\(fault)).",
                fix: "Run `portbooks connect` again.")
        case .recordProblem, .fatal:
            return .problem(
                "quickbooks", "QuickBooks refused the check: \(fault).", fix: "Check base_url and realm_id.")
        }
    }

    static func clockFinding(serverTime: Date?, now: Date) -> SetupFinding {
        guard let serverTime else {
            return .ok("clock", "QuickBooks did not say its time; the clock was not compared.")
        }
        let skew = now.timeIntervalSince(serverTime)
        guard abs(skew) <= clockTolerance else {
            return .problem(
                "clock",
                "This machine's clock is \(Int(abs(skew).rounded())) s \(skew > 0 ? "ahead of" : "behind") QuickBooks'.",
                fix:
                    "Turn on time synchronisation (`timedatectl set-ntp true`): token expiry and change reads depend on it."
            )
        }
        return .ok("clock", "This machine's clock agrees with QuickBooks' (within \(Int(abs(skew).rounded())) s).")
    }

    /// The QuickBooks names the settings use, per entity (items, accounts, terms, classes,
    /// locations, payment methods).
    func namesInSettings() -> [(entity: String, setting: String, names: [String])] {
        var items = Set(settings.items.map.values)
        if !settings.items.defaultItem.isEmpty { items.insert(settings.items.defaultItem) }
        if settings.tax.mode == .line && !settings.tax.item.isEmpty { items.insert(settings.tax.item) }
        var wanted: [(String, String, [String])] = [("Item", "[items]", items.sorted())]
        if !settings.payments.depositAccount.isEmpty {
            wanted.append(("Account", "[payments] deposit_account", [settings.payments.depositAccount]))
        }
        if case .named(let term) = settings.invoices.terms { wanted.append(("Term", "[invoices] terms", [term])) }
        if let className = settings.className, !className.isEmpty { wanted.append(("Class", "class", [className])) }
        if let location = settings.locationName, !location.isEmpty {
            wanted.append(("Department", "location", [location]))
        }
        wanted.append(("PaymentMethod", "[payments.methods]", Set(settings.payments.methods.values).sorted()))
        return wanted.filter { !$0.2.isEmpty }
    }

    /// One query per entity and 40 names; a finding per entity with names missing.
    func nameFindings(_ client: QuickBooksClient) async throws -> [SetupFinding] {
        var findings: [SetupFinding] = []
        var checked = 0
        for (entity, setting, names) in namesInSettings() {
            var found = Set<String>()
            for start in stride(from: 0, to: names.count, by: 40) {
                let chunk = Array(names[start..<min(start + 40, names.count)])
                let statement = "SELECT * FROM \(entity) WHERE \(QuickBooksQuery.inList("Name", chunk))"
                for row in try await client.query(statement)[entity]?.arrayValue ?? [] {
                    if let name = row["Name"]?.stringValue { found.insert(name) }
                }
            }
            checked += names.count
            let missing = names.filter { !found.contains($0) }
            if !missing.isEmpty {
                findings.append(
                    .problem(
                        "names",
                        "QuickBooks has no \(entity) named \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) "
                            + "(\(setting) in portbooks.toml).",
                        fix: "Create it in QuickBooks, or change \(setting) to a name QuickBooks has."))
            }
        }
        if findings.isEmpty {
            findings.append(.ok("names", "All \(checked) QuickBooks names the settings use exist."))
        }
        return findings
    }
}

extension SetupDoctor {
    /// Whether QuickBooks accepts this folder's connection now (a CompanyInfo read), for
    /// `connect --status`: `quickbooks` healthy, or the problem (unreachable, grant revoked).
    public func connectionFinding(_ connection: QuickBooksConnection) async -> SetupFinding {
        do {
            let client = try connection.client(logger: logger, retry: Self.checkRetry).0
            let (info, _) = try await client.companyInfo()
            let name = info["CompanyName"]?.stringValue ?? client.configuration.realmID
            return .ok("quickbooks", "QuickBooks answers at \(settings.quickbooks.baseURL): company \(name).")
        } catch {
            return Self.quickBooksProblem(error, baseURL: settings.quickbooks.baseURL)
        }
    }

    /// Whether a failed `quickbooks` finding means "try later" (unreachable) rather than "fix it".
    public static func isTryLater(_ finding: SetupFinding) -> Bool {
        finding.check == "quickbooks" && !finding.healthy && finding.message.hasPrefix("QuickBooks cannot be reached")
    }
}
