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
            client id portbooks-demo and its secret written to state/client-secret (mode 0600).
            """
    )

    @Argument(help: "The folder to set up (default: the current folder).")
    var directory = "."

    @Option(help: "Point the settings at a qbo-sandbox at this URL, e.g. http://127.0.0.1:8080.")
    var sandbox: String?

    @Flag(help: "Overwrite an existing portbooks.toml.")
    var force = false

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
        do {
            for folder in Self.folders {
                try manager.createDirectory(
                    at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            try manager.setAttributes(
                [.posixPermissions: 0o700], ofItemAtPath: root.appendingPathComponent("state").path)
            try Data(DefaultSettingsFile.text(sandboxURL: sandbox).utf8).write(to: configURL, options: .atomic)
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
        Terminal.standardOutput("wrote \(configURL.path)")
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
