import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class KeyProjectReportTests: XCTestCase {
    /// 002 holds 2,000 of the province's 3,900 million: 51.28%.
    func test_keyProjectsWithTheirShareOfTheProvincesPlan() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertEqual(markdownHeader(markdown, after: "## Key projects"),
                       ["Code", "Project", "Investor", "Plan (VND)", "Disbursed (VND)", "Rate", "Share of the province's plan"])
        XCTAssertEqual(markdownRows(markdown, after: "## Key projects"),
                       [["002", "Cầu Gành Hào", Sample.roads, "2,000,000,000", "100,000,000", "5.00%", "51.28%"]])
        let text = TextReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(text.contains("DỰ ÁN TRỌNG ĐIỂM (1)\n"))
        XCTAssertTrue(textRows(text).contains(["002", "Cầu Gành Hào", Sample.roads, "2,00 tỷ", "0,10 tỷ", "5,00%", "51,28%"]))
    }

    /// In the investor's own view the share is of its own plan (2,000 of 3,000): the province's
    /// plan is not the investor's to see. An investor without key projects gets no section.
    func test_investorViewGivesTheShareOfItsOwnPlan() throws {
        let roads = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.roads)
        let markdown = MarkdownReport.render(roads, lang: .en, scope: .investor(InvestorID(Sample.roads)))
        XCTAssertEqual(markdownRows(markdown, after: "## Key projects"),
                       [["002", "Cầu Gành Hào", "2,000,000,000", "100,000,000", "5.00%", "66.66%"]])
        XCTAssertTrue(markdown.contains("Share of the investor's plan"))
        let commune = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.commune)
        XCTAssertFalse(MarkdownReport.render(commune, lang: .en, scope: .investor(InvestorID(Sample.commune))).contains("Key projects"))
        XCTAssertFalse(TextReport.render(commune, lang: .en, scope: .investor(InvestorID(Sample.commune))).contains("KEY PROJECTS"))
    }
}

/// Plan − disbursed beside the shortfall to the next checkpoint, for every subject.
final class RemainingReportTests: XCTestCase {
    func test_remainingBesideTheShortfallForEverySubject() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let en = TextReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(en.contains("  Left to disburse: 3,000,000,000 VND (3.00 bn); 1.05 bn still needed for Q2 (≥ 50%)\n"))
        let vi = TextReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(vi.contains("  Còn lại chưa giải ngân: 3.000.000.000 đồng (3,00 tỷ); cần thêm 1,05 tỷ để đạt Q2 (≥ 50%)\n"))
        // Roads: 900 million short of Q2's 50% of 3,000; 2,400 left of its plan.
        XCTAssertTrue(textRows(InvestorRanking.render(e, lang: .en)).contains { $0.suffix(3) == ["0.90 bn", "2.40 bn", "off track"] })
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("| Left to disburse | 3,000,000,000 VND (3.00 bn) |"))
        XCTAssertTrue(markdown.contains("| Shortfall to Q2 | 1,050,000,000 VND (1.05 bn) |"))
        let investors = try XCTUnwrap(markdownRows(markdown, after: "## Investors ranked by rate"))
        let header = try XCTUnwrap(markdownHeader(markdown, after: "## Investors ranked by rate"))
        let shortfall = try XCTUnwrap(header.firstIndex(of: "Shortfall (VND)"))
        XCTAssertEqual(header[shortfall + 1], "Remaining (VND)")
        XCTAssertEqual(investors[1][shortfall...(shortfall + 1)], ["900,000,000", "2,400,000,000"])
        let projects = try XCTUnwrap(markdownRows(markdown, after: "## Projects failing or at risk"))
        XCTAssertTrue(projects.contains { $0[0] == "002" && $0.contains("700,000,000") && $0.contains("1,900,000,000") })
        let classes = try XCTUnwrap(markdownRows(markdown, after: "## By project class"))
        XCTAssertEqual(classes[1][5...6], ["700,000,000", "1,900,000,000"], "new starts: 40% of 2,000 less 100; 1,900 left")
    }
}
