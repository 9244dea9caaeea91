import Foundation

/// Formats and parses the timestamps QuickBooks uses, in the company's time zone.
///
/// Intuit sandbox companies live in US Pacific time: `time` carries milliseconds and the
/// offset (`2020-09-29T05:58:07.300-07:00`), `MetaData` stamps are to the second, and
/// `TxnDate`/`DueDate` are plain days.
public struct CompanyTime: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone = TimeZone(identifier: "America/Los_Angeles") ?? .gmt) {
        self.timeZone = timeZone
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        calendar = cal
    }

    private func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private func offset(for date: Date) -> String {
        let seconds = timeZone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        let m = abs(seconds) / 60
        return "\(sign)\(pad(m / 60, 2)):\(pad(m % 60, 2))"
    }

    /// `2020-09-29T05:58:07.300-07:00`, the envelope's `time`.
    public func responseTime(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let ms = min(999, (c.nanosecond ?? 0) / 1_000_000)
        return "\(pad(c.year ?? 0, 4))-\(pad(c.month ?? 0, 2))-\(pad(c.day ?? 0, 2))T\(pad(c.hour ?? 0, 2)):"
            + "\(pad(c.minute ?? 0, 2)):\(pad(c.second ?? 0, 2)).\(pad(ms, 3))\(offset(for: date))"
    }

    /// `2020-09-29T05:58:07-07:00`, a `MetaData` stamp.
    public func metaTime(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(pad(c.year ?? 0, 4))-\(pad(c.month ?? 0, 2))-\(pad(c.day ?? 0, 2))T\(pad(c.hour ?? 0, 2)):"
            + "\(pad(c.minute ?? 0, 2)):\(pad(c.second ?? 0, 2))\(offset(for: date))"
    }

    /// `2020-09-29`, the company's current day.
    public func day(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(pad(c.year ?? 0, 4))-\(pad(c.month ?? 0, 2))-\(pad(c.day ?? 0, 2))"
    }

    /// `day` plus `days` days, for DueDate from terms.
    public func day(_ day: String, plusDays days: Int) -> String? {
        guard let date = parse(day), let moved = calendar.date(byAdding: .day, value: days, to: date) else {
            return nil
        }
        return self.day(moved)
    }

    /// Parses `YYYY-MM-DD` (midnight, company time) or ISO 8601 date-times with or without
    /// fractional seconds and offset (no offset = company time).
    public func parse(_ text: String) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let chars = Array(s)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            return Int(String(chars[from..<from + count]))
        }
        guard chars.count >= 10, chars[4] == "-", chars[7] == "-", let y = num(0, 4), let mo = num(5, 2),
            let d = num(8, 2)
        else { return nil }
        var comps = DateComponents(year: y, month: mo, day: d, hour: 0, minute: 0, second: 0)
        var zone = timeZone
        if chars.count > 10 {
            guard chars[10] == "T" || chars[10] == " ", let h = num(11, 2), chars.count >= 16, chars[13] == ":",
                let mi = num(14, 2)
            else { return nil }
            comps.hour = h
            comps.minute = mi
            var i = 16
            if i < chars.count, chars[i] == ":" {
                guard let sec = num(17, 2) else { return nil }
                comps.second = sec
                i = 19
            }
            if i < chars.count, chars[i] == "." {
                var j = i + 1
                var frac = ""
                while j < chars.count, chars[j].isNumber {
                    frac.append(chars[j])
                    j += 1
                }
                let padded = (frac + "000000000").prefix(9)
                comps.nanosecond = Int(padded) ?? 0
                i = j
            }
            if i < chars.count {
                if chars[i] == "Z" {
                    zone = .gmt
                } else if chars[i] == "+" || chars[i] == "-", let oh = num(i + 1, 2) {
                    let om = chars.count >= i + 6 ? (num(i + 4, 2) ?? 0) : 0
                    let secs = (oh * 3600 + om * 60) * (chars[i] == "-" ? -1 : 1)
                    guard let tz = TimeZone(secondsFromGMT: secs) else { return nil }
                    zone = tz
                } else {
                    return nil
                }
            }
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        comps.timeZone = zone
        return cal.date(from: comps)
    }
}
