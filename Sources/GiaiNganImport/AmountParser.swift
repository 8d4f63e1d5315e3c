import GiaiNganCore

/// The unit a file writes its amounts in.
public enum AmountUnit: String, Sendable, CaseIterable {
    /// Whole đồng: `1.234.567.000`, `1,234,567,000` or `1234567000`.
    case vnd
    /// Million đồng (triệu đồng) with dot thousands and a decimal comma: `1.395,6` is 1,395,600,000 VND.
    case million

    /// The unit in words, for messages.
    public var phrase: String { self == .vnd ? "whole đồng (VND)" : "triệu đồng (million VND)" }
}

/// Reads an amount of money as whole VND, exactly, without floating point.
///
/// In the ``AmountUnit/vnd`` unit an amount is digits, optionally grouped in thousands by dots or
/// by commas (one kind only, the first group 1–3 digits and every later group exactly 3), with an
/// optional leading `-`. Surrounding white space is ignored. Anything ambiguous is refused, never
/// guessed: `1.5` could be one and a half, `12.34.567` is no grouping at all.
///
/// In the ``AmountUnit/million`` unit the integer part is grouped by dots and a comma starts up to
/// six decimals (a millionth of a million is one đồng).
///
/// ```swift
/// try AmountParser().parse("1.234.567.000")              // 1_234_567_000
/// try AmountParser(unit: .million).parse("1.395,6")      // 1_395_600_000
/// try AmountParser().parse("12.34.567")                  // throws ValueError
/// ```
public struct AmountParser: Sendable {
    /// The unit the text is written in.
    public var unit: AmountUnit

    /// Creates a parser for amounts written in `unit`.
    public init(unit: AmountUnit = .vnd) { self.unit = unit }

    // MARK: - Parsing

    /// Parses `text` as an amount in ``unit`` and returns it in whole VND.
    ///
    /// - throws: ``ValueError`` that says what is wrong: a letter, a mixed or misplaced separator,
    ///   a group of the wrong size, too many decimals, or an amount beyond `Int64`.
    public func parse(_ text: String) throws(ValueError) -> VND {
        var copy = text
        let result = copy.withUTF8 { bytes in Result { () throws(ValueError) -> VND in try parse(bytes: bytes) } }
        return try result.get()
    }

    /// Parses UTF-8 bytes; the fast path of ``TableReader``.
    func parse(bytes raw: UnsafeBufferPointer<UInt8>) throws(ValueError) -> VND {
        try read(bytes: raw, separator: .comma).value
    }

    /// What an amount says about the decimal separator of its file (million unit only).
    enum Evidence: Equatable {
        case none
        /// It shows its decimal separator: both kinds, a group that is not three digits, or two
        /// of one kind.
        case shows(DecimalSeparator)
        /// One separator before exactly three digits (`18,500`, `601.629`): thousands in one
        /// convention, decimals in the other.
        case ambiguous
    }

    /// Reads an amount, in the million unit with `separator` as the decimal separator; with
    /// `separator` `nil`, an amount that shows its separator is read that way and one that does
    /// not is read with a decimal comma and says so in its evidence.
    ///
    /// Decorations a spreadsheet adds are read where they are unambiguous: `(5.000)` is −5.000 (the
    /// accounting format), and a currency word after or before the number (`đ`, `₫`, `VNĐ`,
    /// `VND`, `đồng`) is dropped in the VND unit (in the million unit it contradicts the unit and
    /// is refused).
    func read(bytes raw: UnsafeBufferPointer<UInt8>, separator: DecimalSeparator?) throws(ValueError) -> (value: VND, evidence: Evidence) {
        let bytes = Trim.whiteSpace(raw)
        if let last = bytes.last, !(last >= AmountParser.zero && last <= AmountParser.nine)
            || !((bytes[0] >= AmountParser.zero && bytes[0] <= AmountParser.nine) || bytes[0] == AmountParser.minus) {
            return try readDecorated(bytes, separator: separator)
        }
        switch unit {
        case .vnd: return (try parseWhole(bytes), .none)
        case .million:
            if let separator { return (try parseMillions(bytes, decimal: separator), .none) }
            let evidence = AmountParser.evidence(bytes)
            switch evidence {
            case .shows(let shown): return (try parseMillions(bytes, decimal: shown), evidence)
            case .ambiguous, .none: return (try parseMillions(bytes, decimal: .comma), evidence)
            }
        }
    }

    /// What `bytes` shows of its decimal separator.
    static func evidence(_ bytes: UnsafeBufferPointer<UInt8>) -> Evidence {
        var dots = 0, commas = 0, lastSeparator: UInt8 = 0, digitsAfterLast = 0
        for b in bytes {
            if b == dot || b == comma {
                if b == dot { dots += 1 } else { commas += 1 }
                lastSeparator = b
                digitsAfterLast = 0
            } else if b >= zero && b <= nine {
                digitsAfterLast += 1
            }
        }
        if dots > 0 && commas > 0 { return .shows(lastSeparator == comma ? .comma : .dot) }
        if dots + commas == 0 { return .none }
        if dots > 1 { return .shows(.comma) }
        if commas > 1 { return .shows(.dot) }
        if digitsAfterLast == 3 { return .ambiguous }
        return .shows(lastSeparator == comma ? .comma : .dot)
    }

    /// Both readings of an ambiguous amount, for the message that refuses it.
    func readings(_ text: String) -> (comma: VND?, dot: VND?) {
        var copy = text
        return copy.withUTF8 { bytes in
            let trimmed = Trim.whiteSpace(bytes)
            return (try? parseMillions(trimmed, decimal: .comma), try? parseMillions(trimmed, decimal: .dot))
        }
    }

    /// A number cell of a worksheet, written as a plain decimal with a `.` (``SpreadsheetNumber``):
    /// whole VND, or million VND with up to six decimals.
    func parseExactDecimal(_ raw: UnsafeBufferPointer<UInt8>) throws(ValueError) -> VND {
        let bytes = Trim.whiteSpace(raw)
        var i = 0
        let negative = !bytes.isEmpty && bytes[0] == AmountParser.minus
        if negative { i = 1 }
        var whole: UInt64 = 0, fraction: UInt64 = 0, decimals = 0, sawPoint = false, sawDigit = false
        let allowed = unit == .million ? 6 : 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= AmountParser.zero && b <= AmountParser.nine {
                sawDigit = true
                if sawPoint {
                    decimals += 1
                    guard decimals <= allowed else {
                        throw fail(unit == .vnd ? "the cell holds \(String(decoding: bytes, as: UTF8.self)), which is not a whole "
                                       + "number of đồng (for a file in million VND, use the unit million)"
                                       : "the cell holds \(String(decoding: bytes, as: UTF8.self)), more than 6 decimals of a "
                                       + "million (a millionth of a million is one đồng)")
                    }
                    fraction = fraction * 10 + UInt64(b - AmountParser.zero)
                } else {
                    try accumulate(&whole, digit: b)
                }
            } else if b == AmountParser.dot && !sawPoint {
                sawPoint = true
            } else {
                throw fail("the cell holds \(String(decoding: bytes, as: UTF8.self)), beyond the 15 significant digits a "
                    + "spreadsheet keeps exactly: store the amount as text")
            }
            i += 1
        }
        guard sawDigit else { throw fail("the value is empty") }
        if unit == .vnd { return try AmountParser.signed(whole, negative: negative) }
        for _ in decimals..<6 { fraction *= 10 }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 1_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        guard !overflow && !overflow2 else { throw AmountParser.tooLarge(expected) }
        return try AmountParser.signed(total, negative: negative)
    }

    // MARK: - Decorations

    private static let currencyWords: [[UInt8]] = ["đồng", "vnđ", "vnd", "đ", "₫"].map { Array($0.utf8) }

    /// An amount with parentheses or a currency word around the number (the cold path).
    private func readDecorated(_ bytes: UnsafeBufferPointer<UInt8>, separator: DecimalSeparator?) throws(ValueError) -> (value: VND, evidence: Evidence) {
        var text = Array(bytes)
        var currency = false
        func dropCurrency(atEnd: Bool) {
            let lower = Array(String(decoding: text, as: UTF8.self).lowercased().utf8)
            for word in AmountParser.currencyWords {
                if atEnd, lower.count > word.count, Array(lower.suffix(word.count)) == word {
                    text.removeLast(word.count)
                    currency = true
                    return
                }
                if !atEnd, lower.count > word.count, Array(lower.prefix(word.count)) == word {
                    text.removeFirst(word.count)
                    currency = true
                    return
                }
            }
        }
        // A no-break space (U+00A0, U+202F) is what Excel's currency formats put before "₫".
        func trim() {
            while true {
                if let f = text.first, Trim.isSpace(f) { text.removeFirst() }
                else if text.starts(with: [0xC2, 0xA0]) { text.removeFirst(2) }
                else if text.starts(with: [0xE2, 0x80, 0xAF]) { text.removeFirst(3) }
                else { break }
            }
            while true {
                if let l = text.last, Trim.isSpace(l) { text.removeLast() }
                else if text.count >= 2, Array(text.suffix(2)) == [0xC2, 0xA0] { text.removeLast(2) }
                else if text.count >= 3, Array(text.suffix(3)) == [0xE2, 0x80, 0xAF] { text.removeLast(3) }
                else { break }
            }
        }
        dropCurrency(atEnd: true); trim()
        if !currency { dropCurrency(atEnd: false); trim() }
        var negative = false
        if text.first == UInt8(ascii: "(") && text.last == UInt8(ascii: ")") && text.count > 2 {
            text.removeFirst(); text.removeLast(); trim()
            negative = true
            if !currency { dropCurrency(atEnd: true); trim() }
            if !currency { dropCurrency(atEnd: false); trim() }
            if text.first == AmountParser.minus { throw fail("it has both parentheses and a minus sign; either marks a negative amount") }
        }
        guard currency || negative, let last = text.last, last >= AmountParser.zero && last <= AmountParser.nine else {
            // Not a decoration this parser knows: the plain parser says what is wrong.
            switch unit {
            case .vnd: return (try parseWhole(bytes), .none)
            case .million: return (try parseMillions(bytes, decimal: separator ?? .comma), .none)
            }
        }
        if currency && unit == .million {
            throw fail("it says đồng (a currency sign or word), but the file is read in million VND (--unit million): "
                + "import it with --unit vnd, or remove the currency from the cells")
        }
        // One decoration of each kind: what is left is the number itself ("VND 1.000 đ" names the
        // currency twice, and is refused rather than read by peeling words off in turn).
        if currency {
            let lower = Array(String(decoding: text, as: UTF8.self).lowercased().utf8)
            if let word = AmountParser.currencyWords.first(where: { lower.starts(with: $0) || lower.reversed().starts(with: $0.reversed()) }) {
                throw fail("it names the currency twice (\"\(String(decoding: word, as: UTF8.self))\" and another); the currency is "
                    + "written once, after the number: 1.000.000 đ")
            }
        }
        let inner = try text.withUnsafeBufferPointer { buffer throws(ValueError) in try read(bytes: buffer, separator: separator) }
        if inner.value < 0 && negative { throw fail("it has both parentheses and a minus sign; either marks a negative amount") }
        return (negative ? -inner.value : inner.value, inner.evidence)
    }

    /// What a valid amount in ``unit`` looks like, phrased to follow "expected".
    public var expected: String {
        switch unit {
        case .vnd: return "a whole VND amount such as 1234567000, 1.234.567.000 or 1,234,567,000"
        case .million: return "an amount in million VND such as 1.395,6 (dots group thousands, a comma marks decimals)"
        }
    }

    private static let dot = UInt8(ascii: "."), comma = UInt8(ascii: ","), minus = UInt8(ascii: "-")
    private static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

    private func fail(_ reason: String) -> ValueError { ValueError(expected: expected, reason: reason) }

    private func parseWhole(_ bytes: UnsafeBufferPointer<UInt8>, fractionAllowed: Bool = true) throws(ValueError) -> VND {
        // A spreadsheet's number format "#,##0.00" writes whole đồng with a zero fraction:
        // `556,300,000.00` (en-US), `556.300.000,00` (vi-VN), `1000.00`. One or two digits after
        // the last separator can never be a group of thousands, so the separator is the decimal
        // one: all zeros is the whole amount before it, exactly; anything else is a fraction of a
        // đồng, refused below. The grouping before it, if any, must be the other separator.
        // Only one: `70.00,0` is no amount.
        if fractionAllowed, let fraction = AmountParser.twoDigitFraction(bytes), fraction.isZero {
            let whole = UnsafeBufferPointer(rebasing: bytes[..<fraction.separatorIndex])
            if !whole.contains(bytes[fraction.separatorIndex]) { return try parseWhole(whole, fractionAllowed: false) }
        }
        var i = 0
        let negative = !bytes.isEmpty && bytes[0] == AmountParser.minus
        if negative { i = 1 }
        guard i < bytes.count else { throw fail(bytes.isEmpty ? "the value is empty" : "there are no digits") }
        var magnitude: UInt64 = 0
        var separator: UInt8? = nil
        var groupLength = 0, groupCount = 1
        while i < bytes.count {
            let b = bytes[i]
            if b >= AmountParser.zero && b <= AmountParser.nine {
                try accumulate(&magnitude, digit: b)
                groupLength += 1
            } else if b == AmountParser.dot || b == AmountParser.comma {
                if let s = separator, s != b {
                    throw fail("it mixes \".\" and \",\" as separators; a whole VND amount uses one kind only, to group thousands")
                }
                try checkGroup(length: groupLength, index: groupCount, separator: b)
                separator = b
                groupCount += 1
                groupLength = 0
            } else {
                throw fail(AmountParser.notADigit(bytes, at: i))
            }
            i += 1
        }
        if let separator {
            if groupLength == 0 {
                throw fail("it ends with \"\(String(UnicodeScalar(separator)))\"; a separator sits between groups of digits")
            }
            if groupLength != 3 {
                if groupCount == 2 {
                    throw fail("\(groupLength) digit\(groupLength == 1 ? "" : "s") after \"\(String(UnicodeScalar(separator)))\" "
                        + "look like decimals, but VND amounts are whole and \".\" or \",\" only groups thousands "
                        + "(for a file in million VND, use the unit million)")
                }
                throw fail("after the first group, every group has exactly 3 digits; the last group has \(groupLength)")
            }
        }
        return try AmountParser.signed(magnitude, negative: negative)
    }

    /// Where the last separator sits when one or two digits follow it, and whether they are zeros.
    static func twoDigitFraction(_ bytes: UnsafeBufferPointer<UInt8>) -> (separatorIndex: Int, isZero: Bool)? {
        var k = bytes.count - 1
        var digits = 0, zeros = true
        while k >= 0, bytes[k] >= zero, bytes[k] <= nine {
            if bytes[k] != zero { zeros = false }
            digits += 1
            k -= 1
        }
        guard k >= 1, (1...2).contains(digits), bytes[k] == dot || bytes[k] == comma,
              bytes[k - 1] >= zero, bytes[k - 1] <= nine else { return nil }
        return (k, zeros)
    }

    /// Checks the group that a separator closes.
    private func checkGroup(length: Int, index: Int, separator: UInt8) throws(ValueError) {
        let mark = String(UnicodeScalar(separator))
        if length == 0 {
            throw fail(index == 1 ? "it starts with \"\(mark)\"; a separator sits between groups of digits"
                                  : "two separators follow each other")
        }
        if index == 1 {
            if length > 3 {
                throw fail("the first group has \(length) digits; when thousands are grouped, the first group has 1–3 digits")
            }
        } else if length != 3 {
            throw fail("after the first group, every group has exactly 3 digits; group \(index) has \(length)")
        }
    }

    private func parseMillions(_ bytes: UnsafeBufferPointer<UInt8>, decimal: DecimalSeparator) throws(ValueError) -> VND {
        let groupMark = decimal.groupingByte, decimalMark = decimal.byte
        let groupText = String(UnicodeScalar(groupMark)), decimalText = String(UnicodeScalar(decimalMark))
        var i = 0
        let negative = !bytes.isEmpty && bytes[0] == AmountParser.minus
        if negative { i = 1 }
        guard i < bytes.count else { throw fail(bytes.isEmpty ? "the value is empty" : "there are no digits") }
        var millions: UInt64 = 0
        var groupLength = 0, groupCount = 1
        var sawDot = false
        // Integer part: digits grouped by dots (commas with a decimal dot).
        while i < bytes.count && bytes[i] != decimalMark {
            let b = bytes[i]
            if b >= AmountParser.zero && b <= AmountParser.nine {
                try accumulate(&millions, digit: b)
                groupLength += 1
            } else if b == groupMark {
                try checkGroup(length: groupLength, index: groupCount, separator: b)
                sawDot = true
                groupCount += 1
                groupLength = 0
            } else {
                throw fail(AmountParser.notADigit(bytes, at: i))
            }
            i += 1
        }
        if groupLength == 0 {
            throw fail(sawDot ? "a \"\(groupText)\" must be followed by 3 digits" : "there are no digits before the decimal \(decimal == .comma ? "comma" : "point")")
        }
        if sawDot && groupLength != 3 {
            throw fail("after the first group, every group has exactly 3 digits; the last group has \(groupLength) "
                + "(in million VND, \"\(groupText)\" groups thousands and \"\(decimalText)\" marks decimals)")
        }
        // Decimals: up to six, each worth a power of ten of đồng.
        var fraction: UInt64 = 0
        var decimals = 0
        if i < bytes.count {
            i += 1  // the comma
            if i == bytes.count { throw fail("the decimal \(decimal == .comma ? "comma" : "point") has no digits after it") }
            while i < bytes.count {
                let b = bytes[i]
                if b >= AmountParser.zero && b <= AmountParser.nine {
                    decimals += 1
                    if decimals > 6 {
                        var total = decimals
                        var k = i + 1
                        while k < bytes.count && bytes[k] >= AmountParser.zero && bytes[k] <= AmountParser.nine { total += 1; k += 1 }
                        throw fail("it has \(total) decimals; a millionth of a million is one đồng, so at most 6 decimals are exact")
                    }
                    fraction = fraction * 10 + UInt64(b - AmountParser.zero)
                } else if b == decimalMark {
                    throw fail("it has two decimal \(decimal == .comma ? "commas" : "points")")
                } else if b == groupMark {
                    throw fail("a \"\(groupText)\" follows the decimal \(decimal == .comma ? "comma" : "point"); in million VND \"\(groupText)\" groups thousands and \"\(decimalText)\" marks decimals")
                } else {
                    throw fail(AmountParser.notADigit(bytes, at: i))
                }
                i += 1
            }
        }
        for _ in decimals..<6 { fraction *= 10 }
        let (scaled, overflow) = millions.multipliedReportingOverflow(by: 1_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        guard !overflow && !overflow2 else { throw AmountParser.tooLarge(expected) }
        return try AmountParser.signed(total, negative: negative)
    }

    // MARK: - Arithmetic

    @inline(__always)
    private func accumulate(_ value: inout UInt64, digit: UInt8) throws(ValueError) {
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt64(digit - AmountParser.zero))
        // Stop long before UInt64 wraps: nothing above Int64's range is an amount.
        guard !o1 && !o2 && sum <= UInt64(Int64.max) + 1 else { throw AmountParser.tooLarge(expected) }
        value = sum
    }

    private static func signed(_ magnitude: UInt64, negative: Bool) throws(ValueError) -> VND {
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw tooLarge(AmountParser().expected) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw tooLarge(AmountParser().expected) }
        return Int64(magnitude)
    }

    private static func tooLarge(_ expected: String) -> ValueError {
        ValueError(expected: expected, reason: "it exceeds the largest amount (9.223.372.036.854.775.807 VND)")
    }

    private static func notADigit(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> String {
        var end = index + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        let character = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        if bytes[index] == UInt8(ascii: "-") { return "\"-\" may only lead the amount" }
        if bytes[index] == UInt8(ascii: " ") { return "it contains a space; digits may be grouped by dots or commas only" }
        return "\"\(ImportIssue.escaped(character))\" is not a digit"
    }
}
