import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class TrancheReportTests: XCTestCase {
    /// Carried-over (300 million, 50 paid, on 001) and advance-plan capital (100 million, 20
    /// paid, on 004) are each reported apart on their own row.
    func test_eachTrancheReportedApartHasItsOwnRow() throws {
        let e = try Sample.richWorld().evaluate(asOf: Sample.asOf)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        let heading = "## Carried-over and advance-plan capital (reported separately)"
        XCTAssertTrue(markdown.contains(heading))
        XCTAssertTrue(markdown.contains("Carried-over capital is not counted in the plan-year rates above. Total: plan 300,000,000 VND, disbursed 50,000,000 VND (16.66%)."))
        XCTAssertTrue(markdown.contains("Advance-plan capital is not counted in the plan-year rates above. Total: plan 100,000,000 VND, disbursed 20,000,000 VND (20.00%)."))
        XCTAssertEqual(markdownRows(markdown, after: heading), [
            ["carried-over capital", "300,000,000", "50,000,000", "16.66%", "250,000,000"],
            ["advance-plan capital", "100,000,000", "20,000,000", "20.00%", "80,000,000"],
        ])
        XCTAssertEqual(markdownRows(markdown, after: "### By investor"), [
            [Sample.commune, "advance-plan capital", "100,000,000", "20,000,000", "20.00%", "80,000,000"],
            [Sample.roads, "carried-over capital", "300,000,000", "50,000,000", "16.66%", "250,000,000"],
        ])
        XCTAssertEqual(markdownRows(markdown, after: "### By project"), [
            ["001", "Đường Cà Mau – Đầm Dơi", "carried-over capital", "300,000,000", "50,000,000", "16.66%", "250,000,000"],
            ["004", "Trường tiểu học Tân Hưng", "advance-plan capital", "100,000,000", "20,000,000", "20.00%", "80,000,000"],
        ])
        XCTAssertEqual(e.province.position.planVND, 3_900_000_000, "neither is in the plan-year figures")

        let text = TextReport.render(e, lang: .vi, scope: .province)
        XCTAssertTrue(text.contains("  Vốn kéo dài (báo cáo riêng): kế hoạch 0,30 tỷ, đã giải ngân 0,05 tỷ — 16,66%\n"))
        XCTAssertTrue(text.contains("  Vốn ứng trước (báo cáo riêng): kế hoạch 0,10 tỷ, đã giải ngân 0,02 tỷ — 20,00%\n"))
    }

    /// Rules that count carried-over capital say so, and still report advance plans apart.
    func test_rulesCountingCarriedOverCapitalStillReportAdvancePlansApart() throws {
        var w = Sample.richWorld()
        w.rules?.countedTranches = [.current, .carriedOver]
        let e = try w.evaluate(asOf: Sample.asOf)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("## Advance-plan capital (reported separately)"))
        XCTAssertTrue(markdown.contains("These rules count carried-over capital in the figures above."))
        XCTAssertEqual(markdownRows(markdown, after: "## Advance-plan capital (reported separately)"),
                       [["advance-plan capital", "100,000,000", "20,000,000", "20.00%", "80,000,000"]])
        let text = TextReport.render(e, lang: .en, scope: .province)
        XCTAssertFalse(text.contains("Carried-over capital (reported apart)"))
        XCTAssertTrue(text.contains("Advance-plan capital (reported apart): plan 0.10 bn, disbursed 0.02 bn — 20.00%"))

        w.rules?.countedTranches = [.current, .carriedOver, .advancePlan]
        let all = MarkdownReport.render(try w.evaluate(asOf: Sample.asOf), lang: .vi, scope: .province)
        XCTAssertTrue(all.contains("## Vốn kéo dài và vốn ứng trước\n"))
        XCTAssertTrue(all.contains("Quy tắc này tính vốn ứng trước vào kế hoạch và số giải ngân ở trên."))
    }

    /// Without either tranche the section keeps what it always said.
    func test_withoutCarriedOverOrAdvancePlanCapitalTheSectionSaysSo() throws {
        var w = World()
        w.project("A", investor: "X", plan: 1_000)
        let markdown = MarkdownReport.render(try w.evaluate(asOf: "2023-02-01"), lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains("## Carried-over capital (reported separately)\n\nNo carried-over capital.\n"))
    }
}
