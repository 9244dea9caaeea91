import Foundation
import PortBooksCore
import Testing

@Suite("Days and money")
struct LocalDateAndMoneyTests {
    @Test("days parse, print, compare and add across month and leap-year ends")
    func days() throws {
        let day = try #require(LocalDate(parsing: "2024-02-28"))
        #expect(day.adding(days: 1).description == "2024-02-29")
        #expect(day.adding(days: 2).description == "2024-03-01")
        #expect(day.adding(days: -59).description == "2023-12-31")
        #expect(LocalDate(parsing: "2023-02-29") == nil)
        #expect(LocalDate(parsing: "2026-08-01T00:00:00Z")?.description == "2026-08-01")
        #expect(LocalDate(parsing: "2026-8-1") == nil)
        #expect(try #require(LocalDate(parsing: "2026-01-31")) < day.adding(days: 800))
    }

    @Test("amount text parses exactly and formats with two decimals")
    func money() {
        #expect(Money.parse("337.50") == Decimal(string: "337.5"))
        #expect(Money.parse("-12") == Decimal(-12))
        #expect(Money.parse("1.5e2") == Decimal(150))
        #expect(Money.parse("12,50") == nil)
        #expect(Money.parse("1.") == nil)
        #expect(Money.parse("12345678901234") == nil)
        #expect(Money.format(Decimal(string: "1265")!) == "1265.00")
        #expect(Money.format(Decimal(string: "0.125")!) == "0.13")
        #expect(Money.format(Decimal(string: "-0.125")!) == "-0.13")
    }
}
