import XCTest
import GiaiNganCore
@testable import GiaiNganReport

/// Same period last year (16.66% on 15/05/2022) and since the last report (800 million of
/// 3,900 on 30/04/2023) beside each rate.
final class ComparisonReportTests: XCTestCase {
    func compared() throws -> Evaluation { try Sample.compared(try Sample.world().evaluate(asOf: Sample.asOf)) }

    func test_headlineGivesLastYearsRateAndTheChangesSinceTheLastReport() throws {
        let e = try compared()
        let vi = TextReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(vi.contains("  Cùng kỳ năm trước (15/05/2022): 16,66% (+6,41 điểm %), đã giải ngân 0,40 tỷ\n"), vi)
        XCTAssertTrue(vi.contains("  So với kỳ báo cáo trước (30/04/2023): giải ngân thêm +0,10 tỷ, +2,56 điểm %\n"))
        let en = TextReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(en.contains("  Same day last year (2022-05-15): 16.66% (+6.41 pts), disbursed 0.40 bn\n"))
        XCTAssertTrue(en.contains("  Since the last report (2023-04-30): disbursed +0.10 bn, +2.56 pts\n"))
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("| Rate on the same day last year (2022-05-15) | 16.66% (+6.41 pts) |"))
        XCTAssertTrue(markdown.contains("| Disbursed since the last report (2023-04-30) | +100,000,000 VND; +2.56 pts |"))
        let html = HTMLReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(tableRows(html).contains(["Tỷ lệ cùng kỳ năm trước (15/05/2022)", "16,66% (+6,41 điểm %)"]))
    }

    /// Roads: 15.00% last year (+5.00 points), 100 million since 30/04 (+3.34: 16.66% then);
    /// the third investor had no project last year.
    func test_classesAndInvestorsGiveTheRateThenAndTheChange() throws {
        let e = try compared()
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        let investors = try XCTUnwrap(markdownRows(markdown, after: "## Investors ranked by rate"))
        XCTAssertEqual(investors[1][0...9], ["2", Sample.roads, "2", "3,000,000,000", "600,000,000", "20.00%", "15.00%", "+5.00 pts",
                                             "+100,000,000", "+3.34 pts"])
        XCTAssertEqual(investors[0][6...9], ["25.00%", "+50.00 pts", "0", "0.00 pts"])
        XCTAssertEqual(investors[2][6...9], ["—", "—", "0", "0.00 pts"], "no figures last year: shown as such")
        XCTAssertEqual(markdownHeader(markdown, after: "## Investors ranked by rate")?[6...9],
                       ["Same day last year", "± vs last year", "Disbursed since last report (VND)", "± since last report"])
        let classes = try XCTUnwrap(markdownRows(markdown, after: "## By project class"))
        XCTAssertEqual(classes[0][0...8], ["transitional", "3", "1,900,000,000", "800,000,000", "42.10%", "16.66%", "+25.44 pts",
                                           "+100,000,000", "+5.26 pts"])
        let text = textRows(TextReport.render(e, lang: .vi, scope: .province))
        XCTAssertTrue(text.contains { $0.starts(with: ["2", Sample.roads, "3,00 tỷ", "0,60 tỷ", "20,00%", "15,00%", "+5,00 điểm %",
                                                       "+0,10 tỷ", "+3,34 điểm %"]) })
    }

    func test_withoutComparisonsNoColumnIsAdded() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        for lang in Language.allCases {
            for page in [MarkdownReport.render(e, lang: lang, scope: .province), TextReport.render(e, lang: lang, scope: .province)] {
                XCTAssertFalse(page.contains(lang.t("Cùng kỳ", "last year")))
                XCTAssertFalse(page.contains(lang.t("điểm %", "pts")))
                XCTAssertFalse(page.contains(lang.t("kỳ trước", "last report")))
            }
        }
    }

    /// `--since DATE` names the date rather than "the last report".
    func test_sinceADateNamesTheDate() throws {
        var e = try Sample.world().evaluate(asOf: Sample.asOf)
        e.sinceLast = try Comparison(kind: .since, evaluation: Sample.world().evaluate(asOf: Sample.previousReport))
        let en = TextReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(en.contains("  Since 2023-04-30: disbursed +0.10 bn, +2.56 pts\n"))
        XCTAssertTrue(en.contains("Disbursed since 2023-04-30"))
        let vi = TextReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(vi.contains("  So với ngày 30/04/2023: giải ngân thêm +0,10 tỷ, +2,56 điểm %\n"))
    }

    /// An investor's view compares the investor with itself only.
    func test_investorViewComparesTheInvestorWithItself() throws {
        let own = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.roads)
        let e = try Sample.compared(own, investor: Sample.roads)
        let scope = ReportScope.investor(InvestorID(Sample.roads))
        let text = TextReport.render(e, lang: .en, scope: scope)
        XCTAssertTrue(text.contains("  Same day last year (2022-05-15): 15.00% (+5.00 pts), disbursed 0.30 bn\n"), text)
        XCTAssertTrue(text.contains("  Since the last report (2023-04-30): disbursed +0.10 bn, +3.34 pts\n"))
        let markdown = MarkdownReport.render(e, lang: .en, scope: scope)
        XCTAssertTrue(markdown.contains("| Rate on the same day last year (2022-05-15) | 15.00% (+5.00 pts) |"))
        XCTAssertFalse(markdown.contains("+6.41 pts"), "the province's change is not the investor's")
        XCTAssertFalse(markdown.contains(Sample.commune))
    }
}
