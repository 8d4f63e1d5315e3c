import XCTest
import GiaiNganCore
@testable import GiaiNganReport

/// The investors ranked as DPI reports print them: by rate by default, with the counts above,
/// equal to and below the provincial average, those at 0% named, and the counts below each line.
final class RankingReportTests: XCTestCase {
    func test_rankedByRateByDefaultAndTheHeadingSaysSo() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let vi = InvestorRanking.render(e, lang: .vi)
        XCTAssertTrue(vi.hasPrefix("CHỦ ĐẦU TƯ (xếp theo tỷ lệ giải ngân, cao nhất trước)\n"))
        let ranks = textRows(vi).filter { ["1", "2", "3"].contains($0.first ?? "") }.map { $0[1] }
        XCTAssertEqual(ranks, [Sample.commune, Sample.roads, Sample.hostile])
        XCTAssertTrue(InvestorRanking.render(e, lang: .en).hasPrefix("INVESTORS (ranked by rate, highest first)\n"))
        XCTAssertTrue(MarkdownReport.render(e, lang: .vi, scope: .province).contains("## Xếp hạng chủ đầu tư theo tỷ lệ giải ngân\n"))
    }

    /// `--rank shortfall`: roads (900 million short of Q2), the third investor (250), the commune (0).
    func test_rankedByShortfallOnRequest() throws {
        var w = Sample.world()
        w.rankBy = .shortfall
        let e = try w.evaluate(asOf: Sample.asOf)
        let en = InvestorRanking.render(e, lang: .en)
        XCTAssertTrue(en.hasPrefix("INVESTORS (ranked by shortfall to the next checkpoint)\n"))
        XCTAssertEqual(textRows(en).filter { ["1", "2", "3"].contains($0.first ?? "") }.map { $0[1] },
                       [Sample.roads, Sample.hostile, Sample.commune])
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("## Investors ranked by shortfall to the next checkpoint\n"))
        XCTAssertEqual(markdownRows(markdown, after: "## Investors ranked by shortfall")?.map { $0[1] },
                       [Sample.roads, Sample.hostile, Sample.commune])
    }

    func test_countsAboveEqualAndBelowTheAverageAndBelowEachLine() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let vi = InvestorRanking.render(e, lang: .vi)
        XCTAssertTrue(vi.contains("  1/3 chủ đầu tư trên mức bình quân toàn tỉnh (23,07%), 0 bằng, 2 dưới.\n"))
        XCTAssertTrue(vi.contains("  Dưới các ngưỡng: 2 chủ đầu tư dưới 25%; 2 chủ đầu tư dưới 50%; 2 chủ đầu tư dưới 75%; 3 chủ đầu tư dưới 100%.\n"))
        XCTAssertTrue(vi.contains("  Chủ đầu tư chưa giải ngân (0%): \(Sample.hostile)\n"))
        let en = InvestorRanking.render(e, lang: .en)
        XCTAssertTrue(en.contains("  1 of 3 investors are above the provincial average of 23.07%, 0 equal to it, 2 below.\n"))
        XCTAssertTrue(en.contains("  Below the lines: 2 investors below 25%; 2 investors below 50%; 2 investors below 75%; 3 investors below 100%.\n"))
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("1 of 3 investors are above the provincial average of 23.07%. 0 are equal to it and 2 below it."))
        XCTAssertTrue(markdown.contains("Below the lines: 2 investors below 25%; 2 investors below 50%;"))
        let vim = MarkdownReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(vim.contains("1/3 chủ đầu tư có tỷ lệ giải ngân cao hơn mức bình quân chung của tỉnh (23,07%). 0 chủ đầu tư bằng và 2 chủ đầu tư thấp hơn mức này."))
    }

    /// Two investors at exactly the average are counted as equal to it, and shown so.
    func test_anInvestorExactlyAtTheAverageIsCountedEqual() throws {
        var w = World()
        w.project("A", investor: "Ban A", plan: 1_000)
        w.pay("A", 500, on: "2023-02-01")
        w.project("B", investor: "Ban B", plan: 3_000)
        w.pay("B", 1_500, on: "2023-02-01")
        w.project("C", investor: "Ban C", plan: 0)
        w.rules = { var r = RuleSet.caMau2023; r.rankingLinesOverride = [Threshold(percent: 50)]; return r }()
        let e = try w.evaluate(asOf: "2023-02-10")
        let en = InvestorRanking.render(e, lang: .en)
        XCTAssertTrue(en.contains("  0 of 3 investors are above the provincial average of 50.00%, 2 equal to it, 0 below, 1 without a plan.\n"), en)
        XCTAssertTrue(en.contains("  Below the lines: 0 investors below 50%.\n"))
        XCTAssertTrue(textRows(en).contains { $0.count > 5 && $0[1] == "Ban A" && $0[5] == "equal" })
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("0 of 3 investors are above the provincial average of 50.00%. 2 are equal to it and 0 below it; 1 have no plan."))
        XCTAssertEqual(markdownRows(markdown, after: "## Investors ranked by rate")?.first?.last, "equal to")
    }

    func test_investorViewHasNoCountsOfOtherInvestors() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.roads)
        for lang in Language.allCases {
            let text = InvestorRanking.render(e, lang: lang, scope: .investor(InvestorID(Sample.roads)))
            XCTAssertFalse(text.contains(lang.t("Dưới các ngưỡng", "Below the lines")))
            XCTAssertFalse(text.contains(lang.t("trên mức bình quân toàn tỉnh", "investors are above")))
            XCTAssertTrue(text.contains(lang.t("Bình quân toàn tỉnh: 23,07%", "Provincial average: 23.07%")))
            let markdown = MarkdownReport.render(e, lang: lang, scope: .investor(InvestorID(Sample.roads)))
            XCTAssertFalse(markdown.contains(lang.t("Dưới các ngưỡng", "Below the lines")))
            XCTAssertTrue(markdown.contains(lang.t("(chủ đầu tư thấp hơn mức này)", "(the investor is below it)")))
        }
    }
}
