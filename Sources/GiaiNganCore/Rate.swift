/// A disbursement rate: disbursed over plan, kept as the two integers.
///
/// A rate is never stored as a float. Comparisons against a threshold are exact
/// (`disbursed × 10 000 ≥ threshold(bp) × plan`, in 128-bit arithmetic), and every displayed
/// figure is rounded *down*, so a rate of 34.9999% is shown as 34.99%, never 35.00%: a shown
/// percentage can never contradict its status.
public struct Rate: Sendable, Hashable {
    public let disbursedVND: VND
    public let planVND: VND

    /// `nil` when the plan is zero or negative: there is no rate to show.
    public init?(disbursedVND: VND, planVND: VND) {
        guard planVND > 0 else { return nil }
        self.disbursedVND = disbursedVND
        self.planVND = planVND
    }

    /// The rate scaled by `scale` and rounded toward negative infinity.
    public func floor(scale: Int64) -> Int128 {
        let n = Int128(disbursedVND) * Int128(scale)
        let d = Int128(planVND)
        var q = n / d
        if n % d != 0 && n < 0 { q -= 1 }
        return q
    }

    /// Decimal fraction with `digits` decimals, rounded down: `"0.349999"`.
    public func fractionText(digits: Int = 6) -> String {
        Rate.decimalText(floor(scale: Rate.pow10(digits)), digits: digits, separator: ".")
    }

    /// Percentage with `digits` decimals, rounded down, and the given decimal separator:
    /// `percentText(digits: 2, separator: ",")` gives `"34,99"`.
    public func percentText(digits: Int = 2, separator: Character = ".") -> String {
        Rate.decimalText(floor(scale: 100 * Rate.pow10(digits)), digits: digits, separator: separator)
    }

    /// Whether the rate reaches `threshold` (inclusive: "at least").
    public func meets(_ threshold: Threshold) -> Bool {
        threshold.isMet(disbursedVND: disbursedVND, planVND: planVND)
    }

    static func pow10(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { acc, _ in acc * 10 } }

    static func decimalText(_ scaled: Int128, digits: Int, separator: Character) -> String {
        let negative = scaled < 0
        // Round toward negative infinity already happened; format the magnitude.
        let magnitude = negative ? -scaled : scaled
        let unit = Int128(pow10(digits))
        let whole = magnitude / unit
        let fraction = magnitude % unit
        var text = negative ? "-" : ""
        text += String(whole)
        if digits > 0 {
            let f = String(fraction)
            text.append(separator)
            text += String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }
}

/// A threshold in basis points of a percent (hundredths): 3500 is 35%, 4750 is 47.5%.
public struct Threshold: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let basisPoints: Int

    /// Creates a threshold; precondition: 0 ≤ basisPoints ≤ 10 000.
    public init(basisPoints: Int) {
        precondition((0...10_000).contains(basisPoints), "a threshold is 0…100%")
        self.basisPoints = basisPoints
    }

    public init(percent: Int) { self.init(basisPoints: percent * 100) }

    /// Whether `disbursed / plan ≥ threshold`, exactly. A zero plan requires nothing.
    public func isMet(disbursedVND: VND, planVND: VND) -> Bool {
        Int128(disbursedVND) * 10_000 >= Int128(basisPoints) * Int128(planVND)
    }

    /// The least disbursed amount that meets the threshold for `planVND` (rounded up to the đồng).
    public func requiredVND(planVND: VND) -> VND {
        guard planVND > 0 else { return 0 }
        let n = Int128(basisPoints) * Int128(planVND)
        let q = (n + 9_999) / 10_000
        return VND(q)
    }

    /// Percent text: "35" or "47.5" (with the given separator).
    public func percentText(separator: Character = ".") -> String {
        let whole = basisPoints / 100, rest = basisPoints % 100
        if rest == 0 { return String(whole) }
        var r = String(rest < 10 ? "0\(rest)" : "\(rest)")
        while r.hasSuffix("0") { r.removeLast() }
        return "\(whole)\(separator)\(r)"
    }

    /// Fraction text for JSON: "0.35", "0.475", "1.0".
    public var fractionText: String {
        // Digit by digit rather than formatting and trimming a string: a large report writes a
        // threshold per checkpoint per project.
        var digits = [UInt8(ascii: "0") + UInt8(basisPoints / 10_000), UInt8(ascii: ".")]
        var rest = basisPoints % 10_000, scale = 1_000
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest / scale))
            rest %= scale
            scale /= 10
        } while rest > 0
        return String(decoding: digits, as: UTF8.self)
    }

    public var description: String { percentText() + "%" }
    public static func < (a: Threshold, b: Threshold) -> Bool { a.basisPoints < b.basisPoints }
}

extension String {
    func trimmingTrailingZeroDecimals() -> String {
        // A Character, not a String: `contains(".")` would be Foundation's substring search,
        // which showed in profiles of a large check (a threshold per checkpoint per project).
        guard contains(Character(".")) else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.append("0") }
        return s
    }
}
