import Foundation
import PortBooksReports

extension ResolutionTable {
    /// Reads the file with ``CSVReader`` (strict RFC 4180; BOM or not; CRLF or LF; comma,
    /// semicolon or tab from the header; quoted newlines; formula neutralisation undone),
    /// keeping each row's line.
    static func read(_ data: Data) throws -> ResolutionTable {
        let table = try CSVReader.read(data, knownColumns: ProblemsFile.columns)
        return ResolutionTable(
            header: table.header, rows: table.rows.map { Row(line: $0.line, fields: $0.cells) })
    }

    /// The line a reading error points at, when it has one.
    static func line(of error: any Error) -> Int? {
        (error as? CSVError)?.line
    }
}
