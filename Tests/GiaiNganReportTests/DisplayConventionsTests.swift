import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class DisplayConventionsTests: XCTestCase {
    func rules(decimals: Int, rounding: DisplayConventions.Rounding, unit: DisplayConventions.AmountUnit = .dong,
               amountDecimals: Int = 0) -> RuleSet {
        var r = RuleSet.caMau2023
        r.display = DisplayConventions(rateDecimals: decimals, rounding: rounding, amountUnit: unit, amountDecimals: amountDecimals)
        return r
    }

    func rate(_ disbursed: VND, of plan: VND) -> Rate? { Rate(disbursedVND: disbursed, planVND: plan) }

    /// The default conventions print what every report printed before they existed.
    func test_defaultConventionsShowWhatFormatShows() {
        var generator = SystemRandomNumberGenerator()
        for lang in Language.allCases {
            let display = Display(rules: .caMau2023, lang: lang)
            for _ in 0..<5_000 {
                let plan = VND.random(in: 1...5_000_000_000_000, using: &generator)
                let disbursed = VND.random(in: -plan / 10...plan + plan / 10, using: &generator)
                XCTAssertEqual(display.percent(rate(disbursed, of: plan)), Format.percent(rate(disbursed, of: plan), lang))
                XCTAssertEqual(display.amount(disbursed), Format.vnd(disbursed, lang))
                XCTAssertEqual(display.brief(disbursed), Format.billions(disbursed, lang))
            }
            XCTAssertEqual(display.percent(nil), "—")
            XCTAssertEqual(display.heading(lang.t("Kế hoạch", "Plan")), lang.t("Kế hoạch (đồng)", "Plan (VND)"))
            XCTAssertNil(display.amountNote)
            XCTAssertEqual(display.roundingNote, lang.t("Tỷ lệ được làm tròn xuống đến 0,01%, nên không bao giờ mâu thuẫn với trạng thái đạt/không đạt.",
                                                        "Rates are rounded down to 0.01%, so a shown rate never contradicts its status."))
        }
    }

    func test_halfUpRoundsToTheNearestShownDecimal() {
        let vi = Display(rules: rules(decimals: 1, rounding: .halfUp), lang: .vi)
        XCTAssertEqual(vi.percent(rate(3_644, of: 10_000)), "36,4%")
        XCTAssertEqual(vi.percent(rate(3_645, of: 10_000)), "36,5%", "a half goes up")
        XCTAssertEqual(vi.percent(rate(3_696, of: 10_000)), "37,0%", "37% is no threshold of the rules")
        XCTAssertEqual(Display(rules: rules(decimals: 1, rounding: .truncate), lang: .en).percent(rate(3_696, of: 10_000)), "36.9%")
        XCTAssertEqual(Display(rules: rules(decimals: 0, rounding: .halfUp), lang: .en).percent(rate(2_250, of: 10_000)), "23%")
        XCTAssertEqual(Display(rules: rules(decimals: 0, rounding: .halfUp), lang: .en).percent(rate(2_350, of: 10_000)), "24%")
    }

    /// 34.96% with a 35% threshold (transitional projects at Q1) would show 35.0% half up: it is
    /// shown rounded down, 34.9%, so it never reads as reaching the threshold it missed.
    func test_halfUpRateJustBelowAThresholdIsShownRoundedDown() {
        for lang in Language.allCases {
            let display = Display(rules: rules(decimals: 1, rounding: .halfUp), lang: lang)
            XCTAssertEqual(display.percent(rate(3_496, of: 10_000)), lang.t("34,9%", "34.9%"))
            XCTAssertEqual(display.percent(rate(3_499_999, of: 10_000_000)), lang.t("34,9%", "34.9%"))
            XCTAssertEqual(display.percent(rate(3_500, of: 10_000)), lang.t("35,0%", "35.0%"), "exactly at the threshold")
            XCTAssertEqual(display.percent(rate(2_496, of: 10_000)), lang.t("24,9%", "24.9%"), "the whole-plan Q1 line")
            XCTAssertEqual(display.percent(rate(9_999, of: 10_000)), lang.t("99,9%", "99.9%"), "never 100% before it is paid")
            let whole = Display(rules: rules(decimals: 0, rounding: .halfUp), lang: lang)
            XCTAssertEqual(whole.percent(rate(1_960, of: 10_000)), "19%", "20% is the new-start Q1 threshold")
            XCTAssertEqual(whole.percent(rate(2_000, of: 10_000)), "20%")
        }
    }

    /// Every threshold of the rules, and rates on either side of it: the shown rate reaches the
    /// threshold exactly when the exact rate does, under every convention.
    func test_aShownRateNeverContradictsAThreshold() {
        var r = RuleSet.caMau2023
        r.rankingLinesOverride = [Threshold(basisPoints: 4_750), Threshold(basisPoints: 3_333)]
        var generator = SystemRandomNumberGenerator()
        for decimals in 0...2 {
            for rounding in DisplayConventions.Rounding.allCases {
                r.display = DisplayConventions(rateDecimals: decimals, rounding: rounding)
                let display = Display(rules: r, lang: .en)
                for t in display.thresholds {
                    for _ in 0..<300 {
                        let plan = VND.random(in: 1...10_000_000_000, using: &generator)
                        let near = Int128(t.basisPoints) * Int128(plan) / 10_000
                        let disbursed = VND(near) + VND.random(in: -(plan / 50)...(plan / 50), using: &generator)
                        guard let rate = rate(disbursed, of: plan) else { continue }
                        let text = display.percent(rate).dropLast()
                        let shownBasisPoints = Int(((Double(text) ?? -1) * 100).rounded())
                        XCTAssertEqual(shownBasisPoints >= t.basisPoints, t.isMet(disbursedVND: disbursed, planVND: plan),
                                       "\(disbursed)/\(plan) shown \(text)% against \(t) (\(decimals) decimals, \(rounding))")
                    }
                }
            }
        }
    }

    /// With fewer decimals than a threshold has, rounding down could hide a threshold reached
    /// (47.6% shown as 47% against 47.5%): such a rate is shown with two decimals instead.
    func test_truncationThatWouldHideAThresholdReachedShowsTwoDecimals() {
        var r = rules(decimals: 0, rounding: .truncate)
        r.rankingLinesOverride = [Threshold(basisPoints: 4_750)]
        let display = Display(rules: r, lang: .vi)
        XCTAssertEqual(display.percent(rate(4_760, of: 10_000)), "47,60%")
        XCTAssertEqual(display.percent(rate(4_730, of: 10_000)), "47%")
        XCTAssertEqual(display.percent(rate(4_890, of: 10_000)), "48%")
    }

    func test_amountsInBillionsWithThreeDecimals() {
        let vi = Display(rules: rules(decimals: 2, rounding: .truncate, unit: .billion, amountDecimals: 3), lang: .vi)
        let en = Display(rules: rules(decimals: 2, rounding: .truncate, unit: .billion, amountDecimals: 3), lang: .en)
        XCTAssertEqual(vi.amount(1_395_612_345_678), "1.395,612")
        XCTAssertEqual(en.amount(1_395_612_345_678), "1,395.612")
        XCTAssertEqual(vi.amount(913_216_200_000_000), "913.216,200")
        XCTAssertEqual(vi.amount(1_395_612_500_000), "1.395,613", "half away from zero")
        XCTAssertEqual(vi.amount(-1_500_000), "-0,002")
        XCTAssertEqual(vi.amount(0), "0,000")
        XCTAssertEqual(vi.amount(-400_000), "0,000", "no minus sign on a figure that rounds to zero")
        XCTAssertEqual(vi.amountWithUnit(2_000_000_000), "2,000 tỷ đồng")
        XCTAssertEqual(en.amountWithUnit(2_000_000_000), "2.000 billion VND")
        XCTAssertEqual(vi.heading("Kế hoạch"), "Kế hoạch (tỷ đồng)")
        XCTAssertEqual(en.heading("Plan"), "Plan (billion VND)")
        XCTAssertEqual(vi.textCell(1_395_612_345_678), "1.395,612", "the unit is in the heading")
        XCTAssertEqual(vi.textHeading("Kế hoạch"), "Kế hoạch (tỷ đồng)")
        XCTAssertEqual(vi.amount(Int64.min), "-9.223.372.036,855")
        let millions = Display(rules: rules(decimals: 2, rounding: .truncate, unit: .million, amountDecimals: 1), lang: .vi)
        XCTAssertEqual(millions.amount(1_395_600_000), "1.395,6")
        XCTAssertEqual(Display(rules: rules(decimals: 2, rounding: .truncate, unit: .million, amountDecimals: 1), lang: .en)
                        .amount(1_395_600_000), "1,395.6")
        XCTAssertEqual(millions.amountWithUnit(1_395_600_000), "1.395,6 triệu đồng")
        XCTAssertEqual(Display(rules: rules(decimals: 2, rounding: .truncate, unit: .million, amountDecimals: 0), lang: .vi)
                        .amount(1_395_600_000), "1.396")
    }

    func test_pointsChangeIsTheDifferenceOfTheShownRates() {
        let vi = Display(rules: .caMau2023, lang: .vi), en = Display(rules: .caMau2023, lang: .en)
        XCTAssertEqual(vi.points(now: rate(2_307, of: 10_000), then: rate(1_666, of: 10_000)), "+6,41 điểm %")
        XCTAssertEqual(en.points(now: rate(3_502, of: 10_000), then: rate(1_751, of: 10_000)), "+17.51 pts")
        XCTAssertEqual(en.points(now: rate(1_000, of: 10_000), then: rate(1_005, of: 10_000)), "-0.05 pts")
        XCTAssertEqual(en.points(now: rate(1_000, of: 10_000), then: rate(2_000, of: 20_000)), "0.00 pts")
        XCTAssertNil(en.points(now: rate(1, of: 2), then: nil))
        // With one decimal half up: 23.07% shows 23.1%, 16.66% shows 16.7%: 6.4 points, as printed.
        let one = Display(rules: rules(decimals: 1, rounding: .halfUp), lang: .en)
        XCTAssertEqual(one.points(now: rate(2_307, of: 10_000), then: rate(1_666, of: 10_000)), "+6.4 pts")
    }
}
