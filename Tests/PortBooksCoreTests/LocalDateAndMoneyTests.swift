import Foundation
import PortBooksRandom
import PortBooksTestSupport
import Testing

@testable import PortBooksCore
@testable import PortBooksJSON

@Suite("Days and money")
struct LocalDateAndMoneyTests {
    /// The fast writer of amounts agrees with Foundation's `description` (what JSONEncoder
    /// writes) and NSDecimalNumber's POSIX text, on amounts, on results of arithmetic, and on
    /// values it leaves to Foundation (zero, more than 64 bits, NaN).
    @Test func plainTextMatchesFoundation() {
        var random = SplitMix64(state: 17)
        var values: [Decimal] = [
            0, 1, -1, Decimal.nan, Decimal(string: "0.000001")!, Decimal(string: "1e30")!,
            Decimal(string: "123456789012345678901234567890")!, Decimal(string: "-0.10")!, Decimal(string: "100")!,
            Decimal(string: "18446744073709551615")!, Decimal(string: "18446744073709551616")!,
            Decimal(string: "0.1")! / 3, Decimal(1) / 7, Decimal.greatestFiniteMagnitude,
        ]
        for _ in 0..<5000 {
            let digits = 1 + Int(random.next() % 18)
            let significand =
                random.next() % (digits >= 19 ? UInt64.max : (0..<digits).reduce(UInt64(1)) { v, _ in v * 10 })
            let exponent = Int(random.next() % 16) - 10
            let value = Decimal(
                sign: random.next() % 2 == 0 ? .plus : .minus, exponent: exponent,
                significand: Decimal(significand))
            values.append(value)
            values.append(value * Decimal(Int(random.next() % 1000)) / 100)
            values.append(Money.rounded(value, scale: 2))
        }
        // The fast path is taken (the layout check passed), so the comparison is not vacuous.
        #expect(DecimalLayout.parts(of: Decimal(string: "1265.5")!) != nil)
        let posix = Locale(identifier: "en_US_POSIX")
        for value in values {
            #expect(Money.plainText(value) == value.description, "\(value)")
            if !value.isNaN {
                #expect(Money.plainText(value) == NSDecimalNumber(decimal: value).description(withLocale: posix))
            }
        }
    }

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
