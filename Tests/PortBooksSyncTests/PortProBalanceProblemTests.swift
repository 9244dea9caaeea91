import Foundation
import PortBooksCore
import PortBooksPlan
import Testing

@Suite("portpro-balance-mismatch")
struct PortProBalanceProblemTests {
    @Test("the problem names the invoice, PortPro's remaining amount, QuickBooks' balance and the difference")
    func namesBothAmounts() throws {
        let problem = SyncProblem.portproBalanceMismatch(
            "RSRE_000284", portproRemain: try #require(Decimal(string: "734")),
            quickBooksBalance: try #require(Decimal(string: "1265.5")))
        #expect(problem.code == "portpro-balance-mismatch")
        #expect(problem.code == SyncProblem.portproBalanceMismatchCode)
        #expect(problem.message.contains("RSRE_000284"))
        #expect(problem.message.contains("734.00") && problem.message.contains("1265.50"))
        #expect(problem.message.contains("531.50"), "the difference, QuickBooks minus PortPro")
        #expect(!problem.suggestion.isEmpty)
    }

    @Test("the code is in the README's list of problem codes")
    func documented() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        #expect(try String(contentsOf: readme, encoding: .utf8).contains("| `portpro-balance-mismatch` |"))
    }
}
