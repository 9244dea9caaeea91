import ArgumentParser
import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksSync

/// `portbooks doctor`: checks a set-up end to end and says what to fix (PortBooksSync/Doctor).
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a set-up end to end: settings, tokens, QuickBooks, the names the settings use, folders.",
        discussion: """
            Checks that the settings parse; the token file exists, has mode 0600 and is for this ledger's \
            company; QuickBooks answers (a CompanyInfo read) and its clock agrees with this machine's; every \
            item, account, term, class, location and payment method the settings name exists in QuickBooks; \
            the folders are writable; the ledger opens; no dead process holds the lock. Changes nothing. \
            Exit 0: healthy; 1: the problems are listed, each with its fix.

            Examples:
              portbooks doctor --config /srv/portbooks/portbooks.toml
              portbooks doctor --json | jq '.checks[] | select(.healthy == false)'
            """
    )

    @OptionGroup var config: ConfigOptions

    @Flag(help: "Print the checks as one JSON object: {\"healthy\", \"checks\": [{check, healthy, message, fix}]}.")
    var json = false

    func run() async throws {
        let findings: [SetupFinding]
        do {
            let settings = try config.loadSettings()
            findings = await SetupDoctor(settings: settings, logger: LogSetup.logger).run()
        } catch let error as SettingsError {
            findings = [
                SetupFinding(
                    check: "settings", healthy: false,
                    message: "The settings file \(config.path) has errors: "
                        + error.issues.map(\.description).joined(separator: "; "),
                    fix: "Correct portbooks.toml where the messages say (docs/MAPPING.md lists every setting).")
            ]
        }
        let healthy = findings.allSatisfy(\.healthy)
        if json {
            let checks = findings.map { finding -> JSONValue in
                [
                    "check": .string(finding.check), "healthy": .bool(finding.healthy),
                    "message": .string(finding.message), "fix": finding.fix.map { .string($0) } ?? .null,
                ]
            }
            let object: JSONValue = ["healthy": .bool(healthy), "checks": .array(checks)]
            Terminal.standardOutputJSON(String(decoding: object.encoded(), as: UTF8.self))
        } else {
            for finding in findings {
                let mark = finding.healthy ? "ok     " : "PROBLEM"
                Terminal.standardOutput(
                    "\(mark)  \(finding.check.padding(toLength: 14, withPad: " ", startingAt: 0))\(finding.message)")
                if let fix = finding.fix {
                    Terminal.standardOutput("         \(String(repeating: " ", count: 14))fix: \(fix)")
                }
            }
            let problems = findings.filter { !$0.healthy }.count
            Terminal.standardOutput(healthy ? "Healthy." : "\(problems) problem(s) to fix.")
        }
        if !healthy { throw ExitCode(ExitStatus.couldNotRun) }
    }
}
