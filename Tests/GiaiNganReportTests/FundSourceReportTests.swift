import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class FundSourceReportTests: XCTestCase {
    func sample() throws -> Evaluation { try Sample.world().evaluate(asOf: Sample.asOf) }

    /// NSTW 2,500 planned, 500 disbursed; NSĐP 900 and 400; 003's 500 names no source; the
    /// total row is the province's 3,900 and 900.
    func test_provinceTableByFundSourceWithItsTotalRow_inEnglishAndVietnamese() throws {
        let e = try sample()
        let en = try XCTUnwrap(markdownRows(MarkdownReport.render(e, lang: .en, scope: .province), after: "## By fund source"))
        XCTAssertEqual(en, [
            ["NSTW", "2,500,000,000", "500,000,000", "20.00%", "2,000,000,000"],
            ["NSĐP", "900,000,000", "400,000,000", "44.44%", "500,000,000"],
            ["fund source not given", "500,000,000", "0", "0.00%", "500,000,000"],
            ["Total", "3,900,000,000", "900,000,000", "23.07%", "3,000,000,000"],
        ])
        let vi = try XCTUnwrap(markdownRows(MarkdownReport.render(e, lang: .vi, scope: .province), after: "## Theo nguồn vốn"))
        XCTAssertEqual(vi.last, ["Cộng", "3.900.000.000", "900.000.000", "23,07%", "3.000.000.000"])
        XCTAssertEqual(vi[2][0], "chưa xác định nguồn vốn")
        let text = textRows(TextReport.render(e, lang: .vi, scope: .province))
        XCTAssertTrue(text.contains(["NSTW", "2,50 tỷ", "0,50 tỷ", "20,00%", "2,00 tỷ"]))
        XCTAssertTrue(text.contains(["chưa xác định nguồn vốn", "0,50 tỷ", "0,00 tỷ", "0,00%", "0,50 tỷ"]))
        XCTAssertTrue(text.contains(["Cộng", "3,90 tỷ", "0,90 tỷ", "23,07%", "3,00 tỷ"]))
    }

    func test_eachClassHasItsFundSourceTable() throws {
        let markdown = MarkdownReport.render(try sample(), lang: .en, scope: .province)
        XCTAssertEqual(markdownRows(markdown, after: "### Class: new start"), [
            ["NSTW", "1,500,000,000", "0", "0.00%", "1,500,000,000"],
            ["NSĐP", "500,000,000", "100,000,000", "20.00%", "400,000,000"],
            ["Total", "2,000,000,000", "100,000,000", "5.00%", "1,900,000,000"],
        ])
        XCTAssertEqual(markdownRows(markdown, after: "### Class: transitional")?.last,
                       ["Total", "1,900,000,000", "800,000,000", "42.10%", "1,100,000,000"])
    }

    /// One row per investor and fund source, in the ranking's order, the name on its first row.
    func test_eachInvestorsPartsInTheRankingsOrder() throws {
        let e = try sample()
        let rows = try XCTUnwrap(markdownRows(MarkdownReport.render(e, lang: .en, scope: .province), after: "### Each investor"))
        XCTAssertEqual(rows, [
            ["1", Sample.commune, "NSĐP", "400,000,000", "300,000,000", "75.00%", "100,000,000"],
            ["2", Sample.roads, "NSTW", "2,500,000,000", "500,000,000", "20.00%", "2,000,000,000"],
            ["", "", "NSĐP", "500,000,000", "100,000,000", "20.00%", "400,000,000"],
            ["3", Sample.hostile, "fund source not given", "500,000,000", "0", "0.00%", "500,000,000"],
        ])
        let text = TextReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(text.contains("INVESTORS BY FUND SOURCE"))
        XCTAssertTrue(textRows(text).contains(["2", Sample.roads, "NSTW", "2.50 bn", "0.50 bn", "20.00%", "2.00 bn"]))
        XCTAssertTrue(textRows(text).contains(["NSĐP", "0.50 bn", "0.10 bn", "20.00%", "0.40 bn"]))
    }

    /// The portal's page lists the first investors only, and says so.
    func test_aLimitedPageCapsTheInvestorsFundSourceRows() throws {
        let page = HTMLReport.render(try sample(), lang: .en, scope: .province, limit: 1)
        XCTAssertTrue(page.contains("Showing the first 1 of 3 investors; the JSON download has all."))
        XCTAssertFalse(tableRows(page).contains { $0.count == 7 && $0[2] == "fund source not given" })
    }

    /// A province whose lines name no fund source gets its one-row table, and no per-class or
    /// per-investor tables that would repeat the same single part.
    func test_withOneFundSourceOnlyTheProvinceTableIsShown() throws {
        var w = World()
        w.project("A", investor: "X", plan: 1_000)
        w.pay("A", 250, on: "2023-02-01")
        w.project("B", investor: "Y", class: .newStart, plan: 1_000)
        let e = try w.evaluate(asOf: "2023-02-10")
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertEqual(markdownRows(markdown, after: "## By fund source"), [
            ["fund source not given", "2,000", "250", "12.50%", "1,750"],
            ["Total", "2,000", "250", "12.50%", "1,750"],
        ])
        XCTAssertFalse(markdown.contains("### Class: transitional"))
        XCTAssertFalse(markdown.contains("### Each investor"))
        XCTAssertFalse(TextReport.render(e, lang: .en, scope: .province).contains("INVESTORS BY FUND SOURCE"))
    }

    /// An investor's view shows its own parts: no other investor's source, no per-investor list.
    func test_investorViewShowsOnlyItsOwnFundSources() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.roads)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .investor(InvestorID(Sample.roads)))
        XCTAssertEqual(markdownRows(markdown, after: "## By fund source"), [
            ["NSTW", "2,500,000,000", "500,000,000", "20.00%", "2,000,000,000"],
            ["NSĐP", "500,000,000", "100,000,000", "20.00%", "400,000,000"],
            ["Total", "3,000,000,000", "600,000,000", "20.00%", "2,400,000,000"],
        ])
        XCTAssertFalse(markdown.contains("### Each investor"))
        XCTAssertFalse(markdown.contains("fund source not given"), "003's part belongs to another investor")
        let text = TextReport.render(e, lang: .vi, scope: .investor(InvestorID(Sample.roads)))
        XCTAssertTrue(textRows(text).contains(["Cộng", "3,00 tỷ", "0,60 tỷ", "20,00%", "2,40 tỷ"]))
        XCTAssertFalse(text.contains("chưa xác định nguồn vốn"))
        XCTAssertFalse(text.contains(Sample.commune))
    }

    /// On random provinces, every fund-source table's parts add up to its total row, and the
    /// total row is the subject's own figures.
    func test_fundSourceTablesSumToTheirTotalRow_onRandomProvinces() throws {
        var generator = SystemRandomNumberGenerator()
        let sources: [String?] = [nil, "NSTW", "NSĐP", "ODA", "CTMTQG"]
        for round in 0..<20 {
            var w = World()
            for p in 0..<Int.random(in: 1...15, using: &generator) {
                let code = "P\(p)"
                let c: ProjectClass = Bool.random(using: &generator) ? .transitional : .newStart
                w.project(code, investor: "Ban \(Int.random(in: 0...5, using: &generator))", class: c,
                          plan: VND.random(in: 0...9_000_000_000, using: &generator),
                          fundSource: sources.randomElement(using: &generator) ?? nil)
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    w.plan(code, VND.random(in: -500_000_000...3_000_000_000, using: &generator), class: c,
                           fundSource: sources.randomElement(using: &generator) ?? nil)
                }
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    w.pay(code, VND.random(in: 1...2_000_000_000, using: &generator), on: "2023-0\(Int.random(in: 1...4, using: &generator))-1\(Int.random(in: 0...9, using: &generator))",
                          type: Bool.random(using: &generator) ? .payment : .refund, fundSource: sources.randomElement(using: &generator) ?? nil)
                }
            }
            let e = try w.evaluate(asOf: "2023-05-01")
            guard !e.province.fundSources.isEmpty else { continue }
            let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
            var subjects: [(String, SubjectResult)] = [("## By fund source", e.province)]
            if e.province.fundSources.count > 1 {
                subjects += e.groups.map { ("### Class: \(Words.projectClass($0.projectClass, .en))", $0.result) }
            }
            for (heading, subject) in subjects {
                let rows = try XCTUnwrap(markdownRows(markdown, after: heading), "round \(round): \(heading)")
                let number = { (s: String) in Int64(s.replacingOccurrences(of: ",", with: "")) ?? .min }
                guard let total = rows.last else { return XCTFail("no rows") }
                XCTAssertEqual(total[0], "Total")
                XCTAssertEqual(number(total[1]), subject.position.planVND, "round \(round): \(heading)")
                XCTAssertEqual(number(total[2]), subject.position.disbursedVND, "round \(round): \(heading)")
                XCTAssertEqual(number(total[4]), subject.remainingVND, "round \(round): \(heading)")
                for column in [1, 2, 4] {
                    XCTAssertEqual(rows.dropLast().map { number($0[column]) }.reduce(0, +), number(total[column]),
                                   "round \(round): \(heading), column \(column)")
                }
            }
        }
    }
}
