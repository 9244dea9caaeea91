import Foundation
import PortBooksCore

/// How the report pages write numbers, money, durations and entities.
enum ReportNumbers {
    /// `1234567.5` → `1,234,567.50`; negative amounts with a minus sign.
    static func money(_ value: Decimal) -> String {
        let text = Money.format(value)
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        grouped = whole + grouped
        return (negative ? "-" : "") + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : String(value) }

    static func seconds(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }

    static func entityLabel(_ kind: RecordKind) -> String {
        switch kind {
        case .customer: "customers"
        case .invoice: "invoices"
        case .payment: "payments"
        case .creditMemo: "credit memos"
        }
    }
}

/// Dates on the report pages: UTC, to the second (`2026-12-01 21:36:07 UTC`).
enum ReportDates {
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
