import ArgumentParser
import Foundation
import PortBooksCore

/// `portbooks init [DIR] [--sandbox URL]`: the commented default settings and the folders.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create portbooks.toml (commented defaults) and the folders in DIR.",
        discussion: """
            Creates DIR/portbooks.toml and DIR/{inbox,resolutions,archive,rejected,reports,state}. \
            Refuses to overwrite an existing portbooks.toml unless --force. With --sandbox URL the \
            connection points at a qbo-sandbox (API URL/v3 and its OAuth endpoints), with the demo \
            client id portbooks-demo and its secret written to state/client-secret (mode 0600). With \
            --from FILE the new portbooks.toml takes every section of FILE (items, payments, templates, \
            custom fields, …) except [quickbooks], which stays the new folder's own; the result is checked \
            before it is written.

            Examples:
              portbooks init /srv/portbooks
              portbooks init ~/rehearsal --sandbox http://127.0.0.1:8080 --from /srv/portbooks/portbooks.toml
            """
    )

    @Argument(help: "The folder to set up (default: the current folder).")
    var directory = "."

    @Option(help: "Point the settings at a qbo-sandbox at this URL, e.g. http://127.0.0.1:8080.")
    var sandbox: String?

    @Flag(help: "Overwrite an existing portbooks.toml.")
    var force = false

    @Option(help: "Start from this settings file: all of it but its [quickbooks] section.")
    var from: String?

    static let folders = ["inbox", "resolutions", "archive", "rejected", "reports", "state"]

    func validate() throws {
        if let sandbox, !(sandbox.hasPrefix("http://") || sandbox.hasPrefix("https://")) {
            throw ValidationError("--sandbox must be an http:// or https:// URL, e.g. http://127.0.0.1:8080.")
        }
    }

    func run() throws {
        let manager = FileManager.default
        let root = URL(fileURLWithPath: directory)
        let configURL = root.appendingPathComponent("portbooks.toml")
        if manager.fileExists(atPath: configURL.path) && !force {
            throw CommandEnd.couldNotRun(
                "\(configURL.path): already exists; not overwritten (use --force to replace it)")
        }
        var text = DefaultSettingsFile.text(sandboxURL: sandbox)
        if let from {
            text = try Self.settings(from: from, connection: text, directory: root.path)
        }
        do {
            for folder in Self.folders {
                try manager.createDirectory(
                    at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            try manager.setAttributes(
                [.posixPermissions: 0o700], ofItemAtPath: root.appendingPathComponent("state").path)
            try Data(text.utf8).write(to: configURL, options: .atomic)
            if sandbox != nil {
                let secret = root.appendingPathComponent("state/client-secret")
                guard manager.createFile(atPath: secret.path, contents: nil, attributes: [.posixPermissions: 0o600])
                else {
                    throw CocoaError(.fileWriteNoPermission)
                }
                try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
                let handle = try FileHandle(forWritingTo: secret)
                try handle.write(contentsOf: Data("portbooks-demo-secret\n".utf8))
                try handle.close()
            }
        } catch {
            throw CommandEnd.couldNotRun("\(root.path): cannot set up: \(ExitStatus.words(for: error))")
        }
        Terminal.standardOutput(
            "wrote \(configURL.path)" + (from.map { " (from \($0), with this folder's [quickbooks])" } ?? ""))
        Terminal.standardOutput("created " + Self.folders.map { $0 + "/" }.joined(separator: " ") + " in \(root.path)")
        if sandbox != nil {
            Terminal.standardOutput(
                "the connection points at the qbo-sandbox \(sandbox ?? ""); next: portbooks connect")
        } else {
            Terminal.standardOutput(
                "next: set [quickbooks] client_id, map your charge codes under [items.map], then portbooks connect")
        }
    }
}

extension Init {
    /// `--from FILE`: the `[quickbooks]` section of `connection` (the new folder's defaults)
    /// followed by every other line of FILE; checked as settings before anything is written.
    static func settings(from path: String, connection: String, directory: String) throws -> String {
        let source: String
        do {
            source = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw CommandEnd.couldNotRun("cannot read \(path): \(ExitStatus.words(for: error))")
        }
        let text =
            section("quickbooks", of: connection).trimmingCharacters(in: .newlines) + "\n\n"
            + removing("quickbooks", from: source).trimmingCharacters(in: .newlines) + "\n"
        do {
            _ = try Settings.parse(text: text, file: path, directory: directory)
        } catch let error as SettingsError {
            throw CommandEnd.couldNotRun(
                "\(path) cannot be used as it is: " + error.issues.map(\.description).joined(separator: "; "))
        }
        return text
    }

    /// Whether a line opens a TOML table (`[name]`, `[name.sub]`); returns the table's first name.
    private static func table(of line: Substring) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("["), !trimmed.hasPrefix("[["), let close = trimmed.firstIndex(of: "]") else {
            return nil
        }
        let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        return String(name.split(separator: ".").first ?? "")
    }

    /// The lines of `[name]` (and its sub-tables), up to the next other table.
    static func section(_ name: String, of text: String) -> String {
        var inside = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if let table = table(of: line) { inside = table == name }
            return inside
        }.joined(separator: "\n")
    }

    /// Every line but those of `[name]` (and its sub-tables).
    static func removing(_ name: String, from text: String) -> String {
        var inside = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            if let table = table(of: line) { inside = table == name }
            return !inside
        }.joined(separator: "\n")
    }
}
