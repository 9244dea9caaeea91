import Foundation
import PortBooksCore
import PortBooksRead

/// Paths inside the package, found from this file's location (Tests/PortBooksReadTests/…).
enum Package {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// A fresh temporary folder for a test to write into.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("portbooks-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A file holding `text` in a fresh temporary folder.
    static func temporaryFile(_ text: String, name: String = "input.xml") throws -> String {
        let file = try temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

/// Reads a JSON export fully, returning its records and the result.
func readJSON(_ path: String) throws -> ([ExportRecord], ExportReadResult) {
    var records: [ExportRecord] = []
    let result = try JSONExportReader(path: path).read { records.append($0) }
    return (records, result)
}

/// Writes `text` to a temporary `.json` file and reads it.
func readJSONText(_ text: String) throws -> ([ExportRecord], ExportReadResult) {
    let directory = try Package.temporaryDirectory()
    let file = directory.appendingPathComponent("input.json")
    try Data(text.utf8).write(to: file)
    return try readJSON(file.path)
}
