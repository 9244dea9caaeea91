import Foundation

/// The scheduled `portbooks sync` of one folder, as systemd units or a crontab line.
struct ScheduledJob {
    var folder: String
    var config: String
    var executable: String
    var minutes: Int

    /// `portbooks-<folder name>`, in the characters a unit name may hold.
    var unitName: String {
        let name = URL(fileURLWithPath: folder).lastPathComponent
        let safe = String(
            name.unicodeScalars.map { scalar -> Character in
                CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || scalar == "-" || scalar == "_"
                    ? Character(scalar) : "-"
            })
        return "portbooks-" + (safe.isEmpty ? "sync" : safe)
    }

    /// A path inside a unit file: `%` is systemd's specifier character; spaces need quotes.
    private static func unitPath(_ path: String) -> String {
        let escaped = path.replacingOccurrences(of: "%", with: "%%")
        return escaped.contains(" ") ? "\"\(escaped)\"" : escaped
    }

    func systemdService(user: String?) -> String {
        var lines = [
            "[Unit]",
            "Description=PortBooks sync of \(folder)",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            "Type=oneshot",
        ]
        if let user { lines.append("User=\(user)") }
        lines += [
            "WorkingDirectory=\(Self.unitPath(folder))",
            "ExecStart=\(Self.unitPath(executable)) sync --config \(Self.unitPath(config))",
            "# 3: done, records in reports/problems.csv; 75: try later (QuickBooks unreachable, another run).",
            "SuccessExitStatus=3 75",
            "Nice=5",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    func systemdTimer() -> String {
        [
            "[Unit]",
            "Description=PortBooks sync of \(folder) every \(minutes) min",
            "",
            "[Timer]",
            "OnCalendar=*:0/\(minutes)",
            "Persistent=true",
            "Unit=\(unitName).service",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ].joined(separator: "\n")
    }

    /// Quoted for /bin/sh.
    private static func shell(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `*/5 * * * * cd DIR && BIN sync --config FILE >> DIR/logs/sync.log 2>&1` (`%` escaped,
    /// as cron turns it into a newline).
    func cronLine() -> String {
        let log = folder + "/logs/sync.log"
        let command =
            "cd \(Self.shell(folder)) && \(Self.shell(executable)) sync --config \(Self.shell(config)) "
            + ">> \(Self.shell(log)) 2>&1"
        return "*/\(minutes) * * * * " + command.replacingOccurrences(of: "%", with: "\\%")
    }

    /// The user owning `path` (a root-installed unit runs as them, not as root).
    static func owner(of path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return attributes[.ownerAccountName] as? String
    }
}
