import Foundation
import Testing

@testable import PortBooksReports

private let problemColumns = [
    "entity", "portpro_id", "number", "customer", "amount", "qb_id", "problem_code", "problem", "since", "attempts",
    "suggestion", "action", "new_qb_id", "note",
]

private func read(_ text: String, known: [String] = problemColumns) throws(CSVError) -> CSVTable {
    try CSVReader.read(Data(text.utf8), knownColumns: known)
}

private func readError(_ text: String) -> CSVError? {
    do {
        _ = try read(text)
        return nil
    } catch {
        return error
    }
}

@Suite("CSV")
struct CSVTests {
    @Test("what the writer writes, the reader reads back exactly")
    func roundTrip() throws {
        let header = ["entity", "portpro_id", "number", "amount", "note"]
        let rows = [
            ["invoice", "65a1f0c2e4b0a1b2c3d4e5f6", "RSRE_000150", "1265.00", "plain"],
            ["payment", "p,1", "say \"hi\"", "-12.50", "line one\r\nline two"],
            ["credit_memo", " padded ", "=HYPERLINK(\"http://x\")", "+5", "@SUM(A1)"],
            ["customer", "c1", "-cmd|' /C calc'!A0", "0.00", "\tindented"],
            ["invoice", "i9", "'=already quoted", "'-12.50", "Müller & Söhne; Zürich\nnewline only"],
            ["invoice", "i10", "", "", "\rcarriage"],
        ]
        let data = CSVWriter.encode(header: header, rows: rows)
        let table = try CSVReader.read(data, knownColumns: header)
        #expect(table.header == header)
        #expect(table.rows.map(\.cells) == rows)
        #expect(table.delimiter == ",")
        #expect(CSVWriter.encode(table) == data)
    }

    @Test("an Excel file: semicolons, BOM, CRLF, formatted empty rows and columns at the end")
    func excel() throws {
        let text =
            "\u{FEFF}entity;portpro_id;number;amount;action;note;;\r\n"
            + "invoice;65a1;A-1;1265,00;retry;\"needs; a semicolon\";;\r\n"
            + "invoice;65a2;A-2;12,5;clear;;;\r\n"
            + ";;;;;;;\r\n;;;;;;;\r\n"
        let table = try read(text)
        #expect(table.delimiter == ";")
        #expect(table.rows.count == 2)
        #expect(table.rows.map(\.line) == [2, 3])
        #expect(table.rows[0]["note"] == "needs; a semicolon")
        #expect(table.rows[0]["amount"] == "1265,00")
        #expect(table.rows[1]["action"] == "clear")
        #expect(table.rows[1]["entity"] == "invoice")
    }

    @Test("a LibreOffice file: LF, no BOM, columns reordered, renamed in case and added")
    func libreOffice() throws {
        let text =
            "Action,My own column,Portpro ID,ENTITY,new-qb-id\nset-qb-id,x,65a1,invoice,1043\nretry,,65a2,invoice\n"
        let table = try read(text)
        try table.requireColumns(["entity", "portpro_id", "action", "new_qb_id"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0]["portpro_id"] == "65a1")
        #expect(table.rows[0]["new_qb_id"] == "1043")
        #expect(table.rows[1]["new_qb_id"] == "", "a short row reads as empty cells")
        #expect(table.rows[1].cells.count == 5)
        #expect(table.rows[0]["qb_id"] == nil, "no such column")
        #expect(throws: CSVError.missingColumns(["qb_id", "note"], line: 1)) {
            try table.requireColumns(["entity", "qb_id", "note"])
        }
    }

    @Test("quoted line breaks keep every row's line number right (LF, CRLF and CR files)")
    func lineNumbers() throws {
        for newline in ["\n", "\r\n", "\r"] {
            let text = [
                "entity,note", "invoice,\"two\(newline)lines\"", "", "invoice,\"three\(newline)\(newline)lines\"",
                "payment,last",
            ].joined(separator: newline)
            let table = try read(text)
            #expect(table.rows.map(\.line) == [2, 5, 8], "newline \(newline.debugDescription)")
            #expect(table.rows[0]["note"] == "two\(newline)lines")
            #expect(table.rows[2]["note"] == "last")
        }
    }

    @Test("blank lines before the header are skipped and counted")
    func leadingBlankLines() throws {
        let table = try read("\n\nentity,action\ninvoice,retry\n")
        #expect(table.headerLine == 3)
        #expect(table.rows.map(\.line) == [4])
    }

    @Test("an unterminated quote is an error on the line where the quoted cell starts")
    func unterminatedQuote() {
        let text = "entity,portpro_id,note\ninvoice,a1,fine\ninvoice,a2,\"starts here\nand goes on\ninvoice,a3,x\n"
        #expect(readError(text) == .unterminatedQuote(line: 3))
        #expect(readError(text)?.description.hasPrefix("line 3: ") == true)
    }

    @Test("malformed quoting and extra cells are errors with their line")
    func malformedRows() {
        #expect(readError("entity,note\ninvoice,5\" pipe\n") == .quoteInUnquotedCell(line: 2))
        #expect(readError("entity,note\ninvoice,\"x\"y\n") == .textAfterClosingQuote(line: 2))
        #expect(readError("entity,note\n\"a\nb\",c,d\n") == .tooManyCells(line: 2, expected: 2, found: 3))
        #expect(readError("") == .noHeader)
        #expect(readError("\n \r\n\n") == .noHeader)
    }

    @Test("extra cells that are empty are not an error")
    func emptyExtraCells() throws {
        let table = try read("entity,note\ninvoice,x,, \n")
        #expect(table.rows.map(\.cells) == [["invoice", "x"]])
    }

    @Test("formula neutralisation: added on write to text, removed on read; numbers untouched both ways")
    func neutralisation() throws {
        #expect(CSVWriter.cell("=1+2") == "'=1+2")
        #expect(CSVWriter.cell("-12.50") == "-12.50")
        #expect(CSVWriter.cell("+3") == "+3")
        #expect(CSVWriter.cell("-") == "'-")
        #expect(CSVWriter.cell("'=x") == "''=x")
        #expect(CSVWriter.cell("it's") == "it's")
        let table = try read("entity,number,amount,note\ninvoice,'=1+2,-12.50,'@x\ninvoice,'+1 555,'-3,it's\n")
        #expect(table.rows[0].cells == ["invoice", "=1+2", "-12.50", "@x"])
        #expect(table.rows[1].cells == ["invoice", "+1 555", "-3", "it's"])
        #expect(CSVReader.restoredCell("'\tx") == "\tx")
        #expect(CSVReader.restoredCell("''=x") == "'=x")
        #expect(CSVReader.restoredCell("'plain") == "'plain")
    }

    @Test("the delimiter is the one that splits the header into known column names")
    func delimiterDetection() throws {
        let semicolon = try read("entity;portpro_id;note, with a comma\ninvoice;a1;x, y\n")
        #expect(semicolon.delimiter == ";")
        #expect(semicolon.rows[0]["note, with a comma"] == "x, y")
        let tab = try read("entity\tportpro_id\taction\ninvoice\ta1\tretry\n")
        #expect(tab.delimiter == "\t" && tab.rows[0]["action"] == "retry")
        let unknown = try CSVReader.read("a;b;c\n1;2;3\n")
        #expect(unknown.delimiter == ";" && unknown.rows[0].cells == ["1", "2", "3"])
    }

    @Test("UTF-16 (Excel's Unicode text) and Windows-1252 (Excel's plain CSV) are decoded")
    func encodings() throws {
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(try #require("entity\tnote\r\ninvoice\tMüller\r\n".data(using: .utf16LittleEndian)))
        #expect(try CSVReader.read(utf16, knownColumns: problemColumns).rows[0]["note"] == "Müller")
        let latin = Data("entity,note\ninvoice,M".utf8) + Data([0xFC]) + Data("ller\n".utf8)
        #expect(try CSVReader.read(latin).rows[0]["note"] == "Müller")
    }

    @Test("a missing file is an unreadable error naming the path")
    func missingFile() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).csv")
        let error = #expect(throws: CSVError.self) { try CSVReader.read(contentsOf: url) }
        guard case .unreadable(let path, _)? = error else {
            Issue.record("expected an unreadable error, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
    }
}
