import XCTest
import GiaiNganCore
@testable import GiaiNganReport

/// The rules' display conventions in the text, Markdown and HTML reports.
final class DisplayInReportsTests: XCTestCase {
    func rules(decimals: Int, rounding: DisplayConventions.Rounding, unit: DisplayConventions.AmountUnit = .dong,
               amountDecimals: Int = 0) -> RuleSet {
        var r = RuleSet.caMau2023
        r.display = DisplayConventions(rateDecimals: decimals, rounding: rounding, amountUnit: unit, amountDecimals: amountDecimals)
        return r
    }

    /// A report with half-up rounding to one decimal: 2,496 of 10,000 million at Q1 missed the
    /// 25% line and reads 24.9%, never 25.0%.
    func test_reportsShowAHalfUpRateBelowItsThresholdRoundedDown() throws {
        var w = World()
        w.project("A", investor: "X", plan: 10_000_000_000)
        w.pay("A", 2_496_000_000, on: "2023-03-30")
        w.rules = rules(decimals: 1, rounding: .halfUp)
        let e = try w.evaluate(asOf: "2023-04-10")
        XCTAssertEqual(e.province.checkpoints[0].status, .missed)
        let page = HTMLReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(tableRows(page).contains(["Q1", "31/03/2023", "25%", "không đạt", "10.000.000.000", "2.496.000.000", "24,9%",
                                                "còn thiếu 4.000.000 đồng"]))
        XCTAssertFalse(page.contains("25,0%"))
        let text = TextReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(text.contains("2.50 bn of 10.00 bn = 24.9%"), text)
        XCTAssertFalse(text.contains("25.0%"))
        XCTAssertTrue(text.contains("Rates are rounded half up to 0.1%, except where rounding up would reach a threshold"))
        XCTAssertTrue(MarkdownReport.render(e, lang: .en, scope: .province)
            .contains("_Rates are rounded half up to 0.1%, except where rounding up would reach a threshold the exact rate has not reached: such a rate is rounded down, so a shown rate never contradicts its status._"))
    }

    /// Amounts in tỷ with three decimals in every human format, the unit in the headings; the
    /// exact đồng stays in the headline.
    func test_reportsShowAmountsInBillionsWithThreeDecimals() throws {
        var w = Sample.world()
        w.rules = rules(decimals: 2, rounding: .truncate, unit: .billion, amountDecimals: 3)
        let e = try w.evaluate(asOf: Sample.asOf)
        let en = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertEqual(markdownHeader(en, after: "### Province"), ["Fund source", "Plan (billion VND)", "Disbursed (billion VND)", "Rate",
                                                                  "Remaining (billion VND)"])
        XCTAssertEqual(markdownRows(en, after: "### Province")?.last, ["Total", "3.900", "0.900", "23.07%", "3.000"])
        XCTAssertTrue(en.contains("| Plan | 3,900,000,000 VND (3.900 billion VND) |"), "exact đồng beside the unit")
        XCTAssertTrue(en.contains("_Amounts are in billion VND, rounded to 3 decimals;"))
        let vi = MarkdownReport.render(e, lang: .vi, scope: .province)
        XCTAssertEqual(markdownRows(vi, after: "### Toàn tỉnh")?.last, ["Cộng", "3,900", "0,900", "23,07%", "3,000"])
        XCTAssertTrue(vi.contains("còn thiếu 0,175 tỷ đồng"), "sentences name the unit")

        let text = TextReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(textRows(text).contains(["chuyển tiếp", "3", "1,900", "0,800", "42,10%", "0,340", "1,100",
                                               "35% đạt", "60% có nguy cơ", "80% chưa đến hạn", "100% chưa đến hạn"]), text)
        XCTAssertTrue(text.contains("Kế hoạch (tỷ đồng)"))
        XCTAssertTrue(text.contains("Kế hoạch vốn: 3.900.000.000 đồng (3,900 tỷ đồng)"))
        XCTAssertTrue(text.contains("Số tiền tính bằng tỷ đồng, làm tròn đến 3 chữ số thập phân"))

    }
}
