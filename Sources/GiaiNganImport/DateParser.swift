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

    /// Parses UTF-8 bytes; the fast path of ``TableReader``.
    func parse(bytes raw: UnsafeBufferPointer<UInt8>) throws(ValueError) -> CivilDate {
        let bytes = Trim.whiteSpace(raw)
        // Split into three runs of digits and the two separators between them, without allocating.
        var numbers = (0, 0, 0), widths = (0, 0, 0), separators: (UInt8, UInt8) = (0, 0)
        var part = 0, value = 0, width = 0
        for b in bytes {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                width += 1
                guard width <= 4 else { throw ValueError(expected: expected) }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            } else if (b == UInt8(ascii: "-") || b == UInt8(ascii: "/")) && width > 0 && part < 2 {
                if part == 0 { numbers.0 = value; widths.0 = width; separators.0 = b }
                else { numbers.1 = value; widths.1 = width; separators.1 = b }
                part += 1
                value = 0; width = 0
            } else {
                throw ValueError(expected: expected)
            }
        }
        guard part == 2, width > 0, separators.0 == separators.1 else { throw ValueError(expected: expected) }
        numbers.2 = value; widths.2 = width

        let written: DateFormat
        let year, month, day: Int
        if separators.0 == UInt8(ascii: "-") {
            guard widths == (4, 2, 2) else { throw ValueError(expected: expected) }
            written = .iso
            (year, month, day) = numbers
        } else {
            guard widths.2 == 4, (1...2).contains(widths.0), (1...2).contains(widths.1) else {
                throw ValueError(expected: expected)
            }
            written = widths.0 == 2 && widths.1 == 2 ? .dayMonthYear : .dayMonthYearShort
            (day, month, year) = numbers
        }
        if let format, format != written && !(format == .dayMonthYearShort && written == .dayMonthYear) {
            throw ValueError(expected: expected)
        }
        return try DateParser.validated(year: year, month: month, day: day,
                                        text: String(decoding: bytes, as: UTF8.self))
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
