import GiaiNganCore

/// A way of writing a date that input files may use.
public enum DateFormat: String, Sendable, CaseIterable {
    /// ISO 8601, `2023-03-31`: what GiaiNgan writes.
    case iso = "yyyy-MM-dd"
    /// Day and month on two digits each, `31/03/2023`: how Vietnamese documents write dates.
    case dayMonthYear = "dd/MM/yyyy"
    /// Day and month on one or two digits, `1/3/2023` or `31/03/2023`: what Excel often exports.
    case dayMonthYearShort = "d/M/yyyy"
}

/// Reads a date written `yyyy-MM-dd`, `dd/MM/yyyy` or `d/M/yyyy` and checks that the day exists.
///
/// ```swift
/// try DateParser().parse("31/03/2023")     // 2023-03-31
/// try DateParser().parse("29/02/2023")     // throws: "29/02/2023 is not a date: February 2023 has 28 days"
/// try DateParser(format: .iso).parse("31/03/2023")  // throws: the profile asks for yyyy-MM-dd
/// ```
///
/// Surrounding white space is ignored. The year must be 1900–9999, as ``CivilDate`` requires.
public struct DateParser: Sendable {
    /// The only format accepted, when a mapping profile forces one; `nil` accepts all three.
    public var format: DateFormat?

    /// Creates a parser that accepts `format` only, or every format when it is `nil`.
    public init(format: DateFormat? = nil) { self.format = format }

    /// What a valid date looks like, phrased to follow "expected".
    public var expected: String {
        if let format { return "a date written \(format.rawValue) (the format the mapping profile sets)" }
        return "a date written yyyy-MM-dd, dd/MM/yyyy or d/M/yyyy"
    }

    // MARK: - Parsing

    /// Parses `text` into a date.
    ///
    /// - throws: ``ValueError`` naming what is wrong: the form, or why the day does not exist
    ///   ("month 13 does not exist", "31/02/2023 is not a date: February 2023 has 28 days").
    public func parse(_ text: String) throws(ValueError) -> CivilDate {
        var copy = text
        let result = copy.withUTF8 { bytes in Result { () throws(ValueError) -> CivilDate in try parse(bytes: bytes) } }
        return try result.get()
    }

    /// Parses UTF-8 bytes, day first; the fast path of ``TableReader``.
    func parse(bytes raw: UnsafeBufferPointer<UInt8>) throws(ValueError) -> CivilDate {
        let read = try read(bytes: raw, order: nil)
        // Day first, always: a month-first date is refused as the day-first date it is not.
        if read.evidence == .monthFirst { return try self.read(bytes: raw, order: .dmy).date }
        return read.date
    }

    /// What a date says about the order of its parts.
    enum Evidence: Equatable {
        /// Nothing: ISO, year first, the same number for day and month, or an order was given.
        case none
        /// Its first part is above 12: day first.
        case dayFirst
        /// Its second part is above 12: month first.
        case monthFirst
        /// Day and month are both 12 or less and differ: read day first, as `order` said or as the default.
        case ambiguous
    }

    /// Reads a date in `order` (for dates written with slashes and the year last or first); with
    /// `order` `nil`, a date whose order shows (a part above 12) is read that way, and one whose
    /// order does not is read day first, and says so in its evidence.
    func read(bytes raw: UnsafeBufferPointer<UInt8>, order: DateOrder?) throws(ValueError) -> (date: CivilDate, evidence: Evidence) {
        let bytes = Trim.whiteSpace(raw)
        // Split into three runs of digits and the two separators between them, without allocating.
        var numbers = (0, 0, 0), widths = (0, 0, 0), separators: (UInt8, UInt8) = (0, 0)
        var part = 0, value = 0, width = 0
        for b in bytes {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                width += 1
                guard width <= 4 else { throw DateParser.diagnose(bytes, expected: expected) }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            } else if (b == UInt8(ascii: "-") || b == UInt8(ascii: "/")) && width > 0 && part < 2 {
                if part == 0 { numbers.0 = value; widths.0 = width; separators.0 = b }
                else { numbers.1 = value; widths.1 = width; separators.1 = b }
                part += 1
                value = 0; width = 0
            } else {
                throw DateParser.diagnose(bytes, expected: expected)
            }
        }
        guard part == 2, width > 0, separators.0 == separators.1 else { throw DateParser.diagnose(bytes, expected: expected) }
        numbers.2 = value; widths.2 = width

        let written: DateFormat
        let year, month, day: Int
        var evidence = Evidence.none
        if separators.0 == UInt8(ascii: "-") {
            guard widths == (4, 2, 2) else { throw DateParser.diagnose(bytes, expected: expected) }
            written = .iso
            (year, month, day) = numbers
        } else if widths.0 == 4 && (1...2).contains(widths.1) && (1...2).contains(widths.2) {
            // 2023/06/01: year first, which no one writes with the day before the month.
            guard format == nil else { throw ValueError(expected: expected) }
            guard order == nil || order == .ymd else {
                throw ValueError(expected: expected, reason: "it is written year first, and --date-order says \(order?.phrase ?? "")")
            }
            written = .iso
            (year, month, day) = numbers
        } else {
            guard (1...2).contains(widths.0), (1...2).contains(widths.1) else { throw DateParser.diagnose(bytes, expected: expected) }
            guard widths.2 == 4 else {
                if widths.2 == 2 {
                    throw ValueError(expected: expected, reason: "\"\(String(decoding: bytes, as: UTF8.self))\" has a two-digit year, "
                        + "which a spreadsheet writes when the column's date format shortens it: format the column as dd/mm/yyyy "
                        + "(a four-digit year) and save the file again")
                }
                throw DateParser.diagnose(bytes, expected: expected)
            }
            written = widths.0 == 2 && widths.1 == 2 ? .dayMonthYear : .dayMonthYearShort
            let first = numbers.0, second = numbers.1
            switch order {
            case .dmy?: (day, month, year) = numbers
            case .mdy?: (month, day, year) = numbers
            case .ymd?:
                throw ValueError(expected: expected, reason: "it is written with the year last, and --date-order says year first")
            case nil:
                if first > 12 && second <= 12 {
                    (day, month, year) = numbers
                    evidence = .dayFirst
                } else if second > 12 && first <= 12 {
                    (month, day, year) = numbers
                    evidence = .monthFirst
                } else {
                    (day, month, year) = numbers
                    evidence = first != second && first <= 12 ? .ambiguous : .none
                }
            }
        }
        if let format, format != written && !(format == .dayMonthYearShort && written == .dayMonthYear) {
            throw ValueError(expected: expected)
        }
        let date = try DateParser.validated(year: year, month: month, day: day,
                                            text: String(decoding: bytes, as: UTF8.self))
        return (date, evidence)
    }

    /// The error for a value that is not a date in any accepted form, naming the spreadsheet
    /// habit it comes from where it shows one.
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>, expected: String) -> ValueError {
        if bytes.count == 5 || bytes.count == 4, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            var serial = 0
            for b in bytes { serial = serial * 10 + Int(b - 0x30) }
            if serial >= 3_000, let date = SpreadsheetNumber.date(serial: bytes, system1904: false) {
                return ValueError(expected: expected, reason: "\(serial) looks like an Excel date serial (day \(serial) is "
                    + "\(date.vietnamese) in Excel's date system): the spreadsheet shows the column as numbers; format it as a "
                    + "date (dd/mm/yyyy) and save the file again")
            }
        }
        return ValueError(expected: expected)
    }

    // MARK: - Validation

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                                     "August", "September", "October", "November", "December"]

    /// The date, or why it does not exist.
    static func validated(year: Int, month: Int, day: Int, text: @autoclosure () -> String) throws(ValueError) -> CivilDate {
        let expected = "a date that exists"
        guard (1...12).contains(month) else { throw ValueError(expected: expected, reason: "month \(month) does not exist") }
        guard (1900...9999).contains(year) else {
            throw ValueError(expected: expected, reason: "year \(year) is outside 1900–9999")
        }
        guard day >= 1 else { throw ValueError(expected: expected, reason: "day \(day) does not exist") }
        let days = CivilDate.daysInMonth(year: year, month: month)
        guard day <= days, let date = CivilDate(year: year, month: month, day: day) else {
            throw ValueError(expected: expected,
                             reason: "\(text()) is not a date: \(monthNames[month - 1]) \(year) has \(days) days")
        }
        return date
    }
}
