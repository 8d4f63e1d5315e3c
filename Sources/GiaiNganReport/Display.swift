import GiaiNganCore

/// How one report shows rates and amounts: a rule set's display conventions in one language.
///
/// Human formats (text, Markdown, HTML and the portal) show every rate and amount through a
/// `Display`; JSON and CSV keep exact VND and rates rounded down, whatever the conventions.
/// The default conventions (two decimals rounded down, whole đồng) show exactly what
/// `Format.percent` and `Format.vnd` show.
///
/// ```swift
/// let display = Display(rules: evaluation.rules, lang: .vi)
/// display.percent(project.result.rate)   // "34,99%" (or "35,0%" with one decimal, half up, when no threshold is crossed)
/// display.amount(1_395_600_000)          // "1.395,6" with amounts in triệu and one decimal
/// ```
public struct Display: Sendable {
    public let lang: Language
    public let conventions: DisplayConventions
    /// Every threshold of the rule set (checkpoints of each class, annual goal, ranking lines),
    /// sorted, without repeats: the lines a shown rate must not appear to cross.
    let thresholds: [Threshold]

    /// The conventions of `rules`, guarding its thresholds.
    public init(rules: RuleSet, lang: Language) {
        self.lang = lang
        var c = rules.display
        c.rateDecimals = min(2, max(0, c.rateDecimals))
        c.amountDecimals = c.amountUnit == .dong ? 0 : min(3, max(0, c.amountDecimals))
        conventions = c
        var all = Set(rules.rankingLines)
        all.insert(rules.annualGoal)
        for cp in rules.checkpoints { all.formUnion([cp.wholePlan, cp.transitional, cp.newStart]) }
        thresholds = all.sorted()
    }

    /// The default conventions: what `Format` shows.
    public init(lang: Language) {
        self.lang = lang
        conventions = DisplayConventions()
        thresholds = []
    }

    /// Whether amounts are in whole đồng (the default unit).
    public var isDong: Bool { conventions.amountUnit == .dong }

    // MARK: - Rates

    /// A rate as shown: `scaled` units of 10^-`digits` percent.
    struct ShownRate: Equatable {
        var scaled: Int128
        var digits: Int
    }

    /// The value a report shows for `rate`, by the conventions, never contradicting a status.
    ///
    /// With `truncate` the rate is rounded down to `rate_decimals`; with `half_up` it is rounded
    /// half up (…,5 goes up). Then every threshold of the rule set is checked: a shown rate
    /// must reach a threshold exactly when the exact rate does.
    ///
    /// - Half up can lift a rate to a threshold it has not reached (34,96% with one decimal would
    ///   show 35,0% under a 35% threshold). The rate is then shown rounded down instead (34,9%):
    ///   rounding down never reaches a threshold the exact rate has not reached, since the
    ///   value shown is at most the exact rate.
    /// - With fewer decimals than a threshold has (47,5% shown with none), rounding down can hide
    ///   a threshold that was reached (47,6% shows 47%). The rate is then shown with two
    ///   decimals, rounded down (47,60%): thresholds are whole basis points, so at two decimals
    ///   rounded down a shown rate reaches a threshold if and only if the exact rate does.
    ///
    /// Under the default conventions (two decimals, rounded down) neither case can happen, and
    /// the rate is shown as `Format.percent` shows it.
    func shown(_ rate: Rate) -> ShownRate {
        let digits = conventions.rateDecimals
        let power = Int128(pow10(digits))
        let down = rate.floor(scale: Int64(100 * pow10(digits)))
        if digits == 2 && conventions.rounding == .truncate { return ShownRate(scaled: down, digits: 2) }
        var value = down
        if conventions.rounding == .halfUp {
            // floor(x + 1/2) for x = disbursed × 100·10^digits / plan, plan > 0.
            let n = 2 * Int128(rate.disbursedVND) * 100 * power + Int128(rate.planVND)
            value = Display.floorDivide(n, 2 * Int128(rate.planVND))
        }
        func agrees(_ v: Int128) -> Bool {
            thresholds.allSatisfy { t in
                (v * 100 >= Int128(t.basisPoints) * power) == t.isMet(disbursedVND: rate.disbursedVND, planVND: rate.planVND)
            }
        }
        if agrees(value) { return ShownRate(scaled: value, digits: digits) }
        if value != down && agrees(down) { return ShownRate(scaled: down, digits: digits) }
        return ShownRate(scaled: rate.floor(scale: 10_000), digits: 2)
    }

    /// A rate as a percentage by the conventions: `34,99%` (vi), `34.99%` (en); `—` without a plan.
    public func percent(_ rate: Rate?) -> String {
        guard let rate else { return "—" }
        let s = shown(rate)
        return decimal(s.scaled, digits: s.digits) + "%"
    }

    /// A share (a key project's part of the plan) as a percentage: rounded as rates are, with
    /// no threshold to guard, since a share is judged against none.
    public func share(_ rate: Rate?) -> String {
        guard let rate else { return "—" }
        let digits = conventions.rateDecimals
        let scale = Int128(100 * pow10(digits))
        let value = conventions.rounding == .halfUp
            ? Display.floorDivide(2 * Int128(rate.disbursedVND) * scale + Int128(rate.planVND), 2 * Int128(rate.planVND))
            : rate.floor(scale: Int64(scale))
        return decimal(value, digits: digits) + "%"
    }

    /// The change between two shown rates in percentage points, signed: `+17,51 điểm %` /
    /// `+17.51 pts`; nil when either has no rate.
    ///
    /// It is the difference of the two rates as shown, so it agrees with the figures printed
    /// beside it (under the default conventions it is the JSON `points_change`).
    public func points(now: Rate?, then: Rate?) -> String? {
        guard let now, let then else { return nil }
        let a = shown(now), b = shown(then)
        let digits = max(a.digits, b.digits)
        let difference = a.scaled * Int128(pow10(digits - a.digits)) - b.scaled * Int128(pow10(digits - b.digits))
        return (difference > 0 ? "+" : "") + decimal(difference, digits: digits) + lang.t(" điểm %", " pts")
    }

    // MARK: - Amounts

    /// The unit of amounts as a column heading or a sentence names it: `đồng`, `triệu đồng`,
    /// `tỷ đồng` (vi); `VND`, `million VND`, `billion VND` (en).
    public var unitName: String {
        switch conventions.amountUnit {
        case .dong: lang.t("đồng", "VND")
        case .million: lang.t("triệu đồng", "million VND")
        case .billion: lang.t("tỷ đồng", "billion VND")
        }
    }

    /// An amount in the unit, number only, rounded half away from zero to the unit's decimals:
    /// `1.395,6` (vi) or `1,395.6` (en) in triệu with one decimal; whole đồng as `Format.vnd`.
    public func amount(_ vnd: VND) -> String {
        guard !isDong else { return Format.vnd(vnd, lang) }
        let digits = conventions.amountDecimals
        let unit = Int128(conventions.amountUnit.vnd)
        let magnitude = Int128(vnd).magnitude
        let scaled = (magnitude * UInt128(pow10(digits)) * 2 + UInt128(unit)) / (2 * UInt128(unit))
        let power = UInt128(pow10(digits))
        var text = vnd < 0 && scaled > 0 ? "-" : ""
        text += Format.grouped(Int64(scaled / power), separator: lang == .vi ? "." : ",")
        if digits > 0 {
            let fraction = String(scaled % power)
            text += (lang == .vi ? "," : ".") + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// An amount with its unit: `1.000.000 đồng`, `1.395,6 triệu đồng`, `1,395.600 billion VND`.
    public func amountWithUnit(_ vnd: VND) -> String { amount(vnd) + " " + unitName }

    /// A column heading with the unit: `Kế hoạch (tỷ đồng)`; `Kế hoạch (đồng)` by default.
    public func heading(_ title: String) -> String { "\(title) (\(unitName))" }

    /// An amount in a terminal table: in whole đồng a table of 13-digit figures would not fit a
    /// screen, so the default unit keeps the text report's billions with two decimals
    /// (`1,23 tỷ`, as `Format.billions`); any other unit shows the number alone, the unit being
    /// in the heading (`textHeading`).
    public func textCell(_ vnd: VND) -> String { isDong ? Format.billions(vnd, lang) : amount(vnd) }

    /// A terminal table's heading for an amount column: unchanged in đồng (its cells carry
    /// "tỷ"), with the unit otherwise.
    public func textHeading(_ title: String) -> String { isDong ? title : heading(title) }

    /// An amount in a sentence: billions with two decimals by default (`1,23 tỷ`), otherwise the
    /// amount with its unit.
    public func brief(_ vnd: VND) -> String { isDong ? Format.billions(vnd, lang) : amountWithUnit(vnd) }

    /// An amount that a sentence gives bare in whole đồng (`kế hoạch 1.000.000`): with another
    /// unit it names the unit.
    public func plain(_ vnd: VND) -> String { isDong ? Format.vnd(vnd, lang) : amountWithUnit(vnd) }

    /// A change of an amount, signed: `+1,23 tỷ` in a sentence's style.
    public func signedBrief(_ vnd: VND) -> String { (vnd > 0 ? "+" : "") + brief(vnd) }

    /// A change of an amount in a table cell (`amount`), signed.
    public func signedAmount(_ vnd: VND) -> String { (vnd > 0 ? "+" : "") + amount(vnd) }

    /// A change of an amount in a terminal table cell (`textCell`), signed.
    public func signedTextCell(_ vnd: VND) -> String { (vnd > 0 ? "+" : "") + textCell(vnd) }

    // MARK: - Notes

    /// What the notes of a report say about rounding: the default sentence unchanged.
    public var roundingNote: String {
        let c = conventions
        if c.rateDecimals == 2 && c.rounding == .truncate {
            return lang.t("Tỷ lệ được làm tròn xuống đến 0,01%, nên không bao giờ mâu thuẫn với trạng thái đạt/không đạt.",
                          "Rates are rounded down to 0.01%, so a shown rate never contradicts its status.")
        }
        let step = c.rateDecimals == 0 ? "1%" : decimal(1, digits: c.rateDecimals) + "%"
        switch c.rounding {
        case .truncate:
            return lang.t("Tỷ lệ được làm tròn xuống đến \(step); khi cách làm tròn này che mất một ngưỡng đã đạt, tỷ lệ được ghi với hai chữ số thập phân, làm tròn xuống, nên không bao giờ mâu thuẫn với trạng thái đạt/không đạt.",
                          "Rates are rounded down to \(step); where that would hide a threshold reached, the rate is shown with two decimals, rounded down, so a shown rate never contradicts its status.")
        case .halfUp:
            return lang.t("Tỷ lệ được làm tròn đến \(step) (từ 5 trở lên làm tròn lên), trừ khi làm tròn lên sẽ đạt một ngưỡng mà tỷ lệ chính xác chưa đạt: khi đó tỷ lệ được làm tròn xuống; nên không bao giờ mâu thuẫn với trạng thái đạt/không đạt.",
                          "Rates are rounded half up to \(step), except where rounding up would reach a threshold the exact rate has not reached: such a rate is rounded down, so a shown rate never contradicts its status.")
        }
    }

    /// What the notes say about amounts, or nil in whole đồng.
    public var amountNote: String? {
        guard !isDong else { return nil }
        let d = conventions.amountDecimals
        return lang.t("Số tiền tính bằng \(unitName), \(d == 0 ? "làm tròn đến đơn vị" : "làm tròn đến \(d) chữ số thập phân"); do làm tròn, tổng các dòng có thể lệch dòng tổng cộng. Tệp JSON và CSV giữ số chính xác đến đồng.",
                      "Amounts are in \(unitName), rounded to \(d == 0 ? "whole units" : "\(d) decimal\(d == 1 ? "" : "s")"); rounded lines may not add up to the rounded total. The JSON and CSV files keep exact đồng.")
    }

    // MARK: - Numbers

    /// `scaled` units of 10^-digits as text with the language's decimal separator.
    func decimal(_ scaled: Int128, digits: Int) -> String {
        let magnitude = scaled.magnitude
        let power = UInt128(pow10(digits))
        var text = scaled < 0 ? "-" : ""
        text += String(magnitude / power)
        if digits > 0 {
            let fraction = String(magnitude % power)
            text += (lang == .vi ? "," : ".") + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    static func floorDivide(_ n: Int128, _ d: Int128) -> Int128 {
        var q = n / d
        if n % d != 0 && (n < 0) != (d < 0) { q -= 1 }
        return q
    }
}

func pow10(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { acc, _ in acc * 10 } }
