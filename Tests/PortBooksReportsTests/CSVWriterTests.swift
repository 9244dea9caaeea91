import Foundation
import Testing

@testable import PortBooksReports

@Suite("CSV writer")
struct CSVWriterTests {
    @Test("UTF-8 with BOM, CRLF, RFC 4180 quoting")
    func shape() {
        let data = CSVWriter.encode(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\nbreak", " padded"]])
        let text = String(decoding: data, as: UTF8.self)
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(text == "\u{FEFF}a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\" padded\"\r\n")
    }

    @Test("cells a spreadsheet would run as formulas are neutralised; numbers are not")
    func neutralisation() {
        #expect(CSVWriter.cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSVWriter.cell("+1 555") == "'+1 555")
        #expect(CSVWriter.cell("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVWriter.cell("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0")
        #expect(CSVWriter.cell("\tx") == "'\tx")
        #expect(CSVWriter.cell("-12.50") == "-12.50")
        #expect(CSVWriter.cell("1265.00") == "1265.00")
        #expect(CSVWriter.cell("RSRE_000150") == "RSRE_000150")
    }
}
