import GiaiNganCore

/// The value of a number cell of a worksheet, read exactly from the text the workbook stores.
///
/// A workbook stores a number as the shortest decimal text of a binary double (`1395.6`,
/// `1.2345E+10`), or with 17 significant digits when a program wrote all of them
/// (`1395.5999999999999` for a sum). Spreadsheets show and compute with 15 significant digits, so
/// the value is rounded to 15 significant digits — the figure the user saw in the cell — and
/// written back as a plain decimal with a `.` and no exponent (`1395.6`), in decimal arithmetic,
/// never through a `Double`. A value of more than 15 significant digits before its decimal point
/// cannot be exact in a spreadsheet and is written with an `E` so that no amount accepts it.
enum SpreadsheetNumber {
    static let significantDigits = 15
    /// Day 1 of the 1900 system and day 0 of the 1904 system.
    static let firstDay1900 = CivilDate(year: 1900, month: 1, day: 1)
    static let epoch1904 = CivilDate(year: 1904, month: 1, day: 1)

    /// The canonical decimal text of `raw`, appended to `out`; `false` when `raw` is not a number.
    static func appendCanonical(_ raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let bytes = Trim.whiteSpace(raw)
        var i = 0
        var negative = false
        if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        // value = mantissa × 10^exponent10, in decimal digits as written.
        var digits: [UInt8] = []
        var integerCount = 0
        var sawDigit = false, sawPoint = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                sawDigit = true
                guard digits.count < 400 else { return false }
                digits.append(b - 0x30)
                if !sawPoint { integerCount += 1 }
            } else if b == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return false }
        var exponent10 = integerCount - digits.count
        if let firstNonZero = digits.firstIndex(where: { $0 != 0 }) { digits.removeFirst(firstNonZero) } else { digits = [] }
        if i < bytes.count {
            guard bytes[i] == UInt8(ascii: "E") || bytes[i] == UInt8(ascii: "e") else { return false }
            i += 1
            var expNegative = false
            if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var sawExp = false
            while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                e = min(e * 10 + Int(bytes[i] - 0x30), 10_000)
                sawExp = true
                i += 1
            }
            guard sawExp else { return false }
            exponent10 += expNegative ? -e : e
        }
        guard i == bytes.count else { return false }
        if digits.isEmpty {
            out.append(0x30)
            return true
        }
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast(); exponent10 += 1 }
        // Round to 15 significant digits, half away from zero. Rounding away digits of the
        // integer part would change a whole number: such a value stays visibly inexact.
        let integerDigitsBefore = digits.count + exponent10
        if digits.count > significantDigits && integerDigitsBefore > significantDigits {
            if negative { out.append(UInt8(ascii: "-")) }
            out.append(digits[0] + 0x30)
            out.append(UInt8(ascii: "E"))
            out.append(contentsOf: Array(String(integerDigitsBefore - 1).utf8))
            return true
        }
        if digits.count > significantDigits {
            let roundUp = digits[significantDigits] >= 5
            exponent10 += digits.count - significantDigits
            digits.removeLast(digits.count - significantDigits)
            if roundUp {
                var k = digits.count - 1
                while k >= 0 {
                    if digits[k] == 9 { digits[k] = 0; k -= 1 } else { digits[k] += 1; break }
                }
                if k < 0 { digits.insert(1, at: 0); digits.removeLast(); exponent10 += 1 }
            }
        }
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast(); exponent10 += 1 }
        if negative { out.append(UInt8(ascii: "-")) }
        let integerDigits = digits.count + exponent10
        if integerDigits > significantDigits + 5 {
            // Far beyond what a cell holds exactly: kept visibly inexact.
            out.append(digits[0] + 0x30)
            out.append(UInt8(ascii: "E"))
            out.append(contentsOf: Array(String(integerDigits - 1).utf8))
            return true
        }
        if exponent10 >= 0 {
            for d in digits { out.append(d + 0x30) }
            for _ in 0..<exponent10 { out.append(0x30) }
        } else if integerDigits > 0 {
            for d in digits[..<integerDigits] { out.append(d + 0x30) }
            out.append(UInt8(ascii: "."))
            for d in digits[integerDigits...] { out.append(d + 0x30) }
        } else {
            out.append(0x30)
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-integerDigits) { out.append(0x30) }
            for d in digits { out.append(d + 0x30) }
        }
        return true
    }

    /// The date a serial number names in a workbook's date system, or `nil` when it names none.
    ///
    /// The 1900 system counts 1 January 1900 as day 1 and, as Lotus 1-2-3 did, has a 29 February
    /// 1900 (day 60) that never existed; the 1904 system counts 1 January 1904 as day 0. A
    /// fraction is the time of day, which a date column does not keep.
    static func date(serial raw: UnsafeBufferPointer<UInt8>, system1904: Bool) -> CivilDate? {
        let bytes = Trim.whiteSpace(raw)
        var day = 0
        var i = 0
        guard !bytes.isEmpty, bytes[0] != UInt8(ascii: "-") else { return nil }
        while i < bytes.count, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
            day = day * 10 + Int(bytes[i] - 0x30)
            if day > 3_000_000 { return nil }
            i += 1
        }
        if i < bytes.count {
            // A fraction (the time) or an exponent: read through the canonical form.
            var canonical: [UInt8] = []
            guard appendCanonical(bytes, to: &canonical), !canonical.contains(UInt8(ascii: "E")) else { return nil }
            day = 0
            for b in canonical {
                if b == UInt8(ascii: ".") { break }
                day = day * 10 + Int(b - 0x30)
                if day > 3_000_000 { return nil }
            }
        }
        if system1904 { return epoch1904?.adding(days: day).checkedYear }
        if day < 1 || day == 60 { return nil }
        // Day 1 is 1 January 1900; after the day that never was (60), every day counts one less.
        return firstDay1900?.adding(days: day < 60 ? day - 1 : day - 2).checkedYear
    }
}

private extension CivilDate {
    /// The date, if its year is one a date column may hold (1900–9999).
    var checkedYear: CivilDate? { (1900...9999).contains(year) ? self : nil }
}

/// Which cell styles of a workbook show their number as a date, decided from the number formats
/// of `styles.xml` (built-in formats by their number, custom ones by their format code).
enum NumberFormatKind {
    /// Built-in format numbers that show a date: 14–17 and 22 in every locale, 27–36 and 50–58 in
    /// the East Asian ones (18–21 and 45–47 show a time only).
    static let builtInDates: Set<Int> = Set([14, 15, 16, 17, 22] + Array(27...36) + Array(50...58))

    /// Whether the format code shows a date: it holds a day, month or year part outside
    /// quoted text, escaped characters and `[…]` sections (colours, locales such as `[$-42A]`).
    static func isDate(code: String) -> Bool {
        // "General" (which LibreOffice writes as a custom format) and scientific "0.00E+00" hold
        // letters that are no date parts.
        if code.lowercased().hasPrefix("general") { return false }
        var inQuote = false, inBracket = false, escaped = false
        var sawDay = false, sawYear = false, sawMonth = false, sawTime = false
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket { if ch == "]" { inBracket = false }; continue }
            switch ch {
            case "\\", "_", "*": escaped = true
            case "\"": inQuote = true
            case "[": inBracket = true
            case "d": sawDay = true
            case "y": sawYear = true
            case "m": sawMonth = true
            case "h", "s": sawTime = true
            default: break
            }
        }
        if sawDay || sawYear { return true }
        return sawMonth && !sawTime
    }
}
