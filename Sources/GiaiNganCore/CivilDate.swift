/// A calendar date without a time or a time zone, as the State Treasury writes it.
///
/// Dates in GiaiNgan are civil dates: 31/03/2023 is the same day everywhere, and
/// comparisons never depend on the machine's clock or zone. Every value is validated:
/// `CivilDate(year: 2023, month: 2, day: 31)` is `nil`.
///
/// ```swift
/// let q1 = CivilDate(year: 2023, month: 3, day: 31)!
/// q1.adding(days: 1).description   // "2023-04-01"
/// ```
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or `nil` when the year, month and day do not name a real day.
    ///
    /// Years are limited to 1900…9999: treasury files hold nothing older, and the limit keeps
    /// day arithmetic far from overflow.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates a date from its number of days since 1970-01-01 (negative before).
    ///
    /// Day numbers beyond ±10^12 (a corrupt stored value; every real date is within ±3 × 10^6)
    /// are clamped so that the arithmetic below cannot overflow.
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
        let z = min(max(dayNumber, -1_000_000_000_000), 1_000_000_000_000) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01; the store keeps dates in this form so that SQL compares integers.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CivilDate {
        CivilDate(dayNumber: min(max(days, -1_000_000_000_000), 1_000_000_000_000) + dayNumber)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int { other.dayNumber - dayNumber }

    /// The last day of this date's month.
    public var endOfMonth: CivilDate {
        CivilDate(computedYear: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))
    }

    /// A date computed from a year (any year: `planYear + 1` included) and a month and day that
    /// the code itself supplies, never parsed ones. It does not trap and does not apply the
    /// 1900…9999 limit of parsed dates, so arithmetic on a year that validation would refuse still
    /// yields a value instead of a crash; `SupportedRange` is what refuses such years from outside.
    public init(computedYear year: Int, month: Int, day: Int) {
        let month = min(max(month, 1), 12)
        self.year = year
        self.month = month
        self.day = min(max(day, 1), CivilDate.daysInMonth(year: year, month: month))
    }

    /// 1 January of `year`.
    public static func startOfYear(_ year: Int) -> CivilDate { CivilDate(computedYear: year, month: 1, day: 1) }

    /// The last day of `month` in `year`.
    public static func endOfMonth(year: Int, month: Int) -> CivilDate {
        CivilDate(computedYear: year, month: month, day: 31).endOfMonth
    }

    /// ISO 8601 `yyyy-MM-dd`.
    public var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Vietnamese `dd/MM/yyyy`.
    public var vietnamese: String {
        let d = day < 10 ? "0\(day)" : "\(day)"
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(d)/\(m)/\(year)"
    }

    /// Parses strict ISO `yyyy-MM-dd` (the form GiaiNgan writes); input files go through the
    /// import layer's more tolerant parser.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected a date yyyy-MM-dd, found \"\(text)\""))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
