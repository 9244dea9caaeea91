import Foundation
import PortBooksCore
import PortBooksMap
import PortBooksPlan
import Testing

/// The README's "Problem codes" section is what the product writes (#22): the mapping codes
/// listed there are ``MappingProblem/Code``, and the table of problems found with QuickBooks is
/// ``SyncProblem/codes`` — no code missing, none invented.
@Suite("README problem codes")
struct ProblemCodeTableTests {
    /// The "### Problem codes" section of the README, up to the next heading.
    static func section() throws -> String {
        let text = try String(contentsOf: PlannerTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(text.range(of: "### Problem codes\n"))
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The backquoted words of `text` that look like codes (`a-b`, lower case).
    static func codes(in text: Substring) -> Set<String> {
        var found = Set<String>()
        for (index, piece) in text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
        where index % 2 == 1 && !piece.isEmpty && piece.allSatisfy({ $0.isLowercase || $0 == "-" }) {
            found.insert(String(piece))
        }
        return found
    }

    @Test("the mapping codes listed are MappingProblem.Code, all of them")
    func mappingCodes() throws {
        let section = try Self.section()
        let list = try #require(section.range(of: "Problems found with QuickBooks"))
        let listed = Self.codes(in: section[..<list.lowerBound])
        #expect(listed == Set(MappingProblem.Code.allCases.map(\.rawValue)))
    }

    @Test("the table's codes are SyncProblem.codes, all of them")
    func tableCodes() throws {
        let section = try Self.section()
        let list = try #require(section.range(of: "Problems found with QuickBooks"))
        let rows = section[list.upperBound...].split(separator: "\n").filter { $0.hasPrefix("| `") }
        let tabled = Set(rows.flatMap { Self.codes(in: $0.split(separator: "|").first ?? "") })
        #expect(tabled == Set(SyncProblem.codes + SyncProblem.UndoCode.allCases.map(\.rawValue)))
        #expect(!tabled.contains("blocked"), "a waiting record says what it waits for")
    }

    @Test("every problem the sync builds uses a listed code")
    func factoriesUseListedCodes() {
        let problems: [SyncProblem] = [
            .customerNotSynced("Acme", state: nil), .customerNotInQuickBooks("Acme"), .nameClash("Acme", detail: "x"),
            .similarCustomer("Acme", id: "1", name: "ACME", email: nil), .creditMemoMissing("CM-1"),
            .creditMemoNotSynced("CM-1", state: .problem), .unknownNames([]),
            .duplicateDocNumber("HDX-1", existingID: "6", entity: "invoice"),
            .numberOfVoided("HDX-1", voidedID: "6", entity: "invoice"), .invoiceNotSynced("HDX-1", state: .problem),
            .invoiceMissing("HDX-1"), .portproBalanceMismatch("HDX-1", portproRemain: 1, quickBooksBalance: 2),
            .rejectedByQuickBooks(code: "6000", message: "m", detail: nil),
            .currencyMismatch("Acme", id: "1", ours: "USD", theirs: "CAD"),
            .nameTakenByOther("Acme", other: "Vendor 1 \"Acme\""),
        ]
        for problem in problems { #expect(SyncProblem.codes.contains(problem.code), "\(problem.code)") }
    }
}
