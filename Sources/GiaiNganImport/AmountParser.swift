import GiaiNganCore

/// The unit a file writes its amounts in.
public enum AmountUnit: String, Sendable, CaseIterable {
    /// Whole đồng: `1.234.567.000`, `1,234,567,000` or `1234567000`.
    case vnd
    /// Million đồng (triệu đồng) with dot thousands and a decimal comma: `1.395,6` is 1,395,600,000 VND.
    case million
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
        let bytes = Trim.whiteSpace(raw)
        switch unit {
        case .vnd: return try parseWhole(bytes)
        case .million: return try parseMillions(bytes)
        }
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

    private func parseWhole(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> VND {
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

    private func parseMillions(_ bytes: UnsafeBufferPointer<UInt8>) throws(ValueError) -> VND {
        var i = 0
        let negative = !bytes.isEmpty && bytes[0] == AmountParser.minus
        if negative { i = 1 }
        guard i < bytes.count else { throw fail(bytes.isEmpty ? "the value is empty" : "there are no digits") }
        var millions: UInt64 = 0
        var groupLength = 0, groupCount = 1
        var sawDot = false
        // Integer part: digits grouped by dots.
        while i < bytes.count && bytes[i] != AmountParser.comma {
            let b = bytes[i]
            if b >= AmountParser.zero && b <= AmountParser.nine {
                try accumulate(&millions, digit: b)
                groupLength += 1
            } else if b == AmountParser.dot {
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
            throw fail(sawDot ? "a \".\" must be followed by 3 digits" : "there are no digits before the decimal comma")
        }
        if sawDot && groupLength != 3 {
            throw fail("after the first group, every group has exactly 3 digits; the last group has \(groupLength) "
                + "(in million VND, \".\" groups thousands and \",\" marks decimals)")
        }
        // Decimals: up to six, each worth a power of ten of đồng.
        var fraction: UInt64 = 0
        var decimals = 0
        if i < bytes.count {
            i += 1  // the comma
            if i == bytes.count { throw fail("the decimal comma has no digits after it") }
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
                } else if b == AmountParser.comma {
                    throw fail("it has two decimal commas")
                } else if b == AmountParser.dot {
                    throw fail("a \".\" follows the decimal comma; in million VND \".\" groups thousands and \",\" marks decimals")
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
