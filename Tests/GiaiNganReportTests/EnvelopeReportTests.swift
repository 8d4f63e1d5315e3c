import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class EnvelopeReportTests: XCTestCase {
    func rich() throws -> Evaluation { try Sample.richWorld().evaluate(asOf: Sample.asOf) }

    /// The Prime Minister assigned 3,500 million, the province 4,000 (500 more, 300 of them after
    /// 31/3); 3,900 were allocated to projects, 900 disbursed.
    func test_denominatorsSideBySideWithTheRateOnEach() throws {
        let markdown = MarkdownReport.render(try rich(), lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("## Assigned plan and the denominators"))
        XCTAssertEqual(markdownRows(markdown, after: "## Assigned plan and the denominators"), [
            ["Plan assigned by the Prime Minister", "3,500,000,000", "25.71%"],
            ["Plan assigned by the province", "4,000,000,000", "22.50%"],
            ["of which added locally", "500,000,000", ""],
            ["Plan allocated to projects", "3,900,000,000", "23.07%"],
            ["Not yet allocated", "100,000,000", ""],
            ["Adjusted: không tính vốn bổ sung sau 31/3", "3,700,000,000", "24.32%"],
            ["Disbursed", "900,000,000", ""],
        ])
        XCTAssertEqual(markdownHeader(markdown, after: "### By fund source"), [
            "Fund source", "Prime Minister (VND)", "Rate", "Province (VND)", "Rate", "Added locally (VND)", "Allocated (VND)",
            "Rate", "Unallocated (VND)", "Adjusted (VND)", "Rate", "Disbursed (VND)"])
        XCTAssertEqual(markdownRows(markdown, after: "### By fund source"), [
            ["NSTW", "2,500,000,000", "20.00%", "2,500,000,000", "20.00%", "0", "2,500,000,000", "20.00%", "0", "2,500,000,000",
             "20.00%", "500,000,000"],
            ["NSĐP", "1,000,000,000", "40.00%", "1,500,000,000", "26.66%", "500,000,000", "900,000,000", "44.44%", "600,000,000",
             "1,200,000,000", "33.33%", "400,000,000"],
            ["fund source not given", "0", "—", "0", "—", "—", "500,000,000", "0.00%", "—", "0", "—", "0"],
            ["Total", "3,500,000,000", "25.71%", "4,000,000,000", "22.50%", "500,000,000", "3,900,000,000", "23.07%", "100,000,000",
             "3,700,000,000", "24.32%", "900,000,000"],
        ])
    }

    func test_denominatorsInTheVietnameseTextReport() throws {
        let text = TextReport.render(try rich(), lang: .vi, scope: .province)
        XCTAssertTrue(text.contains("KẾ HOẠCH VỐN ĐƯỢC GIAO VÀ CÁC MẪU SỐ"))
        let rows = textRows(text)
        XCTAssertTrue(rows.contains(["Kế hoạch Thủ tướng Chính phủ giao", "3,50 tỷ", "25,71%"]))
        XCTAssertTrue(rows.contains(["Kế hoạch tỉnh giao", "4,00 tỷ", "22,50%"]))
        XCTAssertTrue(rows.contains(["trong đó địa phương giao tăng thêm", "0,50 tỷ"]))
        XCTAssertTrue(rows.contains(["Chưa phân bổ", "0,10 tỷ"]))
        XCTAssertTrue(rows.contains(["Mẫu số điều chỉnh: không tính vốn bổ sung sau 31/3", "3,70 tỷ", "24,32%"]))
        XCTAssertTrue(rows.contains(["Cộng", "3,50 tỷ", "25,71%", "4,00 tỷ", "22,50%", "0,50 tỷ", "3,90 tỷ", "23,07%", "0,10 tỷ",
                                     "3,70 tỷ", "24,32%", "0,90 tỷ"]))
    }

    /// Without an adjusted denominator in the rules there is no such row or column.
    func test_noAdjustedRowWithoutOneInTheRules() throws {
        var w = Sample.richWorld()
        w.rules = .caMau2023
        let markdown = MarkdownReport.render(try w.evaluate(asOf: Sample.asOf), lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("Plan assigned by the Prime Minister"))
        XCTAssertFalse(markdown.contains("Adjusted"))
    }

    /// The envelope is the province's: an investor's view never shows it, even when it is handed
    /// the whole province's evaluation.
    func test_anInvestorsViewNeverShowsTheEnvelope() throws {
        let e = try rich()
        XCTAssertNotNil(e.envelope)
        let scope = ReportScope.investor(InvestorID(Sample.roads))
        for lang in Language.allCases {
            for page in [MarkdownReport.render(e, lang: lang, scope: scope), HTMLReport.render(e, lang: lang, scope: scope),
                         TextReport.render(e, lang: lang, scope: scope)] {
                XCTAssertFalse(page.contains(lang.t("Thủ tướng", "Prime Minister")))
                XCTAssertFalse(page.contains(lang.t("MẪU SỐ", "DENOMINATORS")))
                XCTAssertFalse(page.contains(lang.t("mẫu số", "denominators")))
                XCTAssertFalse(page.contains(lang.t("3.500.000.000", "3,500,000,000")))
            }
        }
        XCTAssertFalse(MarkdownReport.render(try Sample.world().evaluate(asOf: Sample.asOf), lang: .en, scope: .province)
            .contains("Assigned plan"), "no envelope imported, no section")
    }
}
