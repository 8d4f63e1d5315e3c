import GiaiNganCore
import GiaiNganReport

/// How spreadsheet and form cells carry amounts and rates, exactly.
///
/// - An amount cell holds the exact amount in its unit (`1234567` đồng in triệu is 1.234567):
///   the number format decides only how many decimals are shown, so reading the cell back and
///   multiplying by the unit gives the đồng. An IEEE double holds every integer below 2^53,
///   and Excel shows 15 significant digits: amounts of 10^15 đồng or more (a thousand trillion,
///   beyond any province's plan) are written as text with every digit instead of a number that
///   would be shown rounded.
/// - A rate cell holds the rate already rounded *down* to the decimals its format shows
///   (0.3499 under `0.00%`): Excel rounds half up when it displays, which would show 34.9999%
///   as 35.00%; rounded down first, the shown rate never contradicts a status (thresholds are
///   whole basis points, see `Rate`).
public enum CellNumbers {
    /// Below this magnitude an amount is written as a number.
    public static let exactLimitVND: Int64 = 1_000_000_000_000_000

    public enum Amount: Equatable, Sendable {
        case number(Double)
        case text(String)
    }

    /// The cell value of an amount in a unit of `unitVND` đồng.
    public static func amount(_ vnd: VND, unitVND: Int64) -> Amount {
        guard vnd.magnitude < exactLimitVND.magnitude else { return .text(exactDecimal(vnd, unitVND: unitVND)) }
        // Both are exact doubles, so the quotient is the double nearest the exact amount.
        return .number(Double(vnd) / Double(unitVND))
    }

    /// The exact amount in the unit as decimal text with a `.`: `1234.567` (triệu), trailing zeros dropped.
    public static func exactDecimal(_ vnd: VND, unitVND: Int64) -> String {
        let negative = vnd < 0
        let m = vnd.magnitude
        let unit = UInt64(unitVND)
        var text = (negative ? "-" : "") + String(m / unit)
        var fraction = m % unit
        if fraction != 0 {
            var digits = ""
            var scale = unit / 10
            while scale > 0 {
                digits.append(Character(String(fraction / scale)))
                fraction %= scale
                scale /= 10
            }
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// The rate as a fraction rounded down to `decimals` decimals of a percent: 0.3499 for
    /// 34.9999% with two.
    public static func rateValue(_ rate: Rate, decimals: Int) -> Double {
        let digits = max(0, min(2, decimals)) + 2
        let scale = Int64([1, 10, 100, 1_000, 10_000][digits])
        return Double(rate.floor(scale: scale)) / Double(scale)
    }

    /// The Excel number format of amounts with `decimals` decimals: `#,##0`, `#,##0.0`.
    public static func amountFormat(decimals: Int) -> String {
        decimals > 0 ? "#,##0." + String(repeating: "0", count: decimals) : "#,##0"
    }

    /// The Excel number format of a percentage: `0%`, `0.0%`, `0.00%`.
    public static func rateFormat(decimals: Int) -> String {
        decimals > 0 ? "0." + String(repeating: "0", count: decimals) + "%" : "0%"
    }

    /// Percentage points with two decimals and a sign.
    public static let pointsFormat = "+0.00;-0.00;0.00"

    // MARK: - Text, for HTML and CSV

    /// An amount in the unit, rounded half away from zero to `decimals`, grouped for `lang`:
    /// `1.234,6` (vi), `1,234.6` (en).
    public static func amountText(_ vnd: VND, unitVND: Int64, decimals: Int, lang: Language) -> String {
        let power = UInt128([1, 10, 100, 1_000, 10_000, 100_000, 1_000_000][max(0, min(6, decimals))])
        let unit = UInt128(unitVND)
        let scaled = (UInt128(vnd.magnitude) * power * 2 + unit) / (2 * unit)
        var text = vnd < 0 && scaled > 0 ? "-" : ""
        text += Format.grouped(Int64(clamping: scaled / power), separator: lang == .vi ? "." : ",")
        if decimals > 0 {
            let fraction = String(scaled % power)
            text += (lang == .vi ? "," : ".") + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// A rate rounded down to `decimals`, with the language's separator: `34,9` / `34.9`.
    public static func rateText(_ rate: Rate, decimals: Int, lang: Language, sign: Bool = true) -> String {
        rate.percentText(digits: max(0, min(2, decimals)), separator: lang == .vi ? "," : ".") + (sign ? "%" : "")
    }

    /// Hundredths of a point as `+1,25` / `+1.25`.
    public static func pointsText(_ hundredths: Int, lang: Language) -> String {
        let sign = hundredths > 0 ? "+" : hundredths < 0 ? "-" : ""
        let m = hundredths.magnitude
        return "\(sign)\(m / 100)\(lang == .vi ? "," : ".")\(m % 100 < 10 ? "0" : "")\(m % 100)"
    }
}
