import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class HTMLReportTests: XCTestCase {
    func province(_ lang: Language = .vi) throws -> (Evaluation, String) {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        return (e, HTMLReport.render(e, lang: lang, scope: .province))
    }

    func test_pageIsSelfContained_noNetworkAddressScriptOrExternalResource() throws {
        for lang in Language.allCases {
            let (_, page) = try province(lang)
            for forbidden in ["http://", "https://", "<script", "src=", "<link", "@import", "url(", "//fonts"] {
                XCTAssertFalse(page.lowercased().contains(forbidden), "\(lang): page contains \(forbidden)")
            }
        }
    }

    func test_pageIsHTML5WithUTF8AndTheReportLanguage() throws {
        for lang in Language.allCases {
            let (_, page) = try province(lang)
            XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(lang.rawValue)\">"))
            XCTAssertTrue(page.contains("<meta charset=\"utf-8\">"))
            XCTAssertTrue(page.contains("<meta name=\"viewport\""))
            XCTAssertTrue(page.contains("@media print"))
            XCTAssertNoThrow(try checkBalancedTags(page))
        }
    }

    func test_provinceChartAndOneSmallChartPerInvestor_eachAnAccessibleImage() throws {
        let (e, page) = try province()
        let svgs = page.components(separatedBy: "<svg ").dropFirst()
        XCTAssertEqual(svgs.count, 1 + e.investors.count)
        for svg in svgs {
            XCTAssertTrue(svg.contains("role=\"img\""))
            XCTAssertTrue(svg.contains("<title id=\"chart-"))
            XCTAssertTrue(svg.contains("<polyline"), "each investor here has a plan, so each chart has a line")
        }
        XCTAssertEqual(Set(page.components(separatedBy: "<title id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }).count,
                       svgs.count, "chart ids are unique in the page")
    }

    func test_chartMarksEveryCheckpointThresholdAndTheAsOfDate() throws {
        let (_, page) = try province(.en)
        let chart = page.components(separatedBy: "<svg ")[1].components(separatedBy: "</svg>")[0]
        for label in ["Q1 25%", "Q2 50%", "Q3 75%", "Q4 100%", "As of 2023-05-15"] {
            XCTAssertTrue(chart.contains(label), "chart lacks \(label)")
        }
    }

    func test_hostileNamesAreEscapedInTextTablesAndSVG() throws {
        let (_, page) = try province()
        XCTAssertFalse(page.contains("<script>"))
        XCTAssertFalse(page.contains("<b>giai"))
        XCTAssertFalse(page.contains("& Sons"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons"))
        XCTAssertTrue(page.contains("&lt;b&gt;giai đoạn 2&lt;/b&gt;"))
        // The small chart of the hostile investor names it in its SVG title.
        XCTAssertTrue(page.contains("-title\">&lt;script&gt;alert(&quot;x&quot;)"))
    }

    func test_escapeCoversTheFiveSpecialCharacters() {
        XCTAssertEqual(HTMLReport.escape("<a href=\"x\">Tom & Jerry's</a>"),
                       "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        XCTAssertEqual(HTMLReport.escape("Cà Mau"), "Cà Mau")
    }

    func test_titleNamesProvinceYearAsOfAndRules() throws {
        let (e, page) = try province(.en)
        // The built-in rules are Cà Mau's thresholds, not a claim about whose data this is.
        XCTAssertTrue(page.contains("<h1>Public investment disbursement, plan year 2023 — the province</h1>"))
        XCTAssertTrue(page.contains("As of 2023-05-15"))
        XCTAssertTrue(page.contains(HTMLReport.escape(Words.rules(e.rules, .en))))
        XCTAssertTrue(page.contains("Cà Mau 2023 (01/CTr-UBND, footnote 4)"))
    }

    func test_averageSentenceInBothLanguages() throws {
        // 900 of 3,900 million = 23.07%: the commune (75%) is above it, roads (20%) and 003's investor (0%) below.
        let (e, en) = try province(.en)
        let average = Format.percent(e.provinceAverageRate, .en)
        XCTAssertEqual(average, "23.07%")
        XCTAssertTrue(en.contains("1 of 3 investors are above the provincial average of 23.07%."))
        let (_, vi) = try province(.vi)
        XCTAssertTrue(vi.contains("1/3 chủ đầu tư có tỷ lệ giải ngân cao hơn mức bình quân chung của tỉnh (23,07%)."))
    }

    func test_investorsAreRankedByRateHighestFirst() throws {
        let (_, page) = try province(.en)
        // The ranking's own section: the fund-source section numbers the investors too.
        let section = page.components(separatedBy: "<section id=\"investors\">")[1].components(separatedBy: "</section>")[0]
        let ranking = tableRows(section).filter { $0.count > 2 && ["1", "2", "3"].contains($0[0]) }.map { $0[1] }
        XCTAssertEqual(ranking, [Sample.commune, Sample.roads, HTMLReport.escape(Sample.hostile)])
    }

    func test_headlineGivesCheckpointFiguresAndTheNextCheckpointsRisk() throws {
        let (e, page) = try province(.en)
        let q1 = e.province.checkpoints[0]
        XCTAssertEqual(q1.status, .missed)  // 800 of 3,900 million at 31/03 = 20.51% < 25%
        XCTAssertTrue(tableRows(page).contains(["Q1", "2023-03-31", "25%", "missed", "3,900,000,000", "800,000,000", "20.51%",
                                                "short by 175,000,000 VND"]))
        XCTAssertTrue(page.contains("<td class=\"nw t-bad\">missed</td>"), "a missed status is marked for colour")
        let risk = try XCTUnwrap(e.province.risk)
        XCTAssertTrue(page.contains(HTMLReport.escape(Messages.reason(risk, .en))))
    }

    func test_everyWarningAppearsWithItsSentenceUnderItsSeverity() throws {
        let (e, page) = try province(.en)
        XCTAssertFalse(e.warnings.isEmpty)
        let names = Dictionary(e.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        for w in e.warnings {
            XCTAssertTrue(page.contains("<li>\(HTMLReport.escape(Messages.warning(w, .en, names: names)))</li>"), "\(w.key)")
        }
        XCTAssertTrue(page.contains("<h3>CRITICAL ("))
    }

    func test_carriedOverCapitalIsReportedApartFromThePlanYear() throws {
        let (e, page) = try province(.en)
        XCTAssertEqual(e.province.uncounted.planVND, 300_000_000)
        XCTAssertTrue(page.contains("Carried-over capital (reported separately)"))
        XCTAssertTrue(page.contains("Total: plan 300,000,000 VND, disbursed 50,000,000 VND (16.66%)."))
    }

    func test_investorScopeNamesNoOtherInvestorAndShowsTheProvincialAverage() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.roads)
        for lang in Language.allCases {
            let page = HTMLReport.render(e, lang: lang, scope: .investor(InvestorID(Sample.roads)))
            XCTAssertFalse(page.contains(Sample.commune))
            XCTAssertFalse(page.contains("Tân Hưng"))
            XCTAssertFalse(page.contains("Sons"))
            XCTAssertFalse(page.contains("investors are above"))
            XCTAssertFalse(page.contains("chủ đầu tư có tỷ lệ giải ngân cao hơn"))
            XCTAssertTrue(page.contains(lang.t("Bình quân chung toàn tỉnh", "Provincial average")))
            XCTAssertTrue(page.contains(Format.percent(e.provinceAverageRate, lang)))
            XCTAssertEqual(page.components(separatedBy: "<svg ").count - 1, 1, "one chart: the investor's own")
        }
        let en = HTMLReport.render(e, lang: .en, scope: .investor(InvestorID(Sample.roads)))
        XCTAssertTrue(en.contains("<h2>Headline: \(Sample.roads)</h2>"))
    }

    func test_investorScopeOfAWholeEvaluationStillNamesNoOtherInvestor() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let page = HTMLReport.render(e, lang: .en, scope: .investor(InvestorID(Sample.roads)))
        XCTAssertFalse(page.contains(Sample.commune))
        XCTAssertFalse(page.contains("Sons"))
        // The headline is the investor's own total (3,000 million), not the province's (3,900).
        XCTAssertTrue(page.contains("3,000,000,000 VND (3.00 bn)"))
        XCTAssertFalse(page.contains("3,900,000,000"))
    }
}

/// The cells of every table row of a page, as HTML text without the cell tags.
func tableRows(_ page: String) -> [[String]] {
    page.components(separatedBy: "<tr>").dropFirst().map { row in
        row.components(separatedBy: "</tr>")[0].components(separatedBy: "</td>").dropLast().map { cell in
            String(cell[cell.index(after: cell.firstIndex(of: ">")!)...])
        }
    }
}

/// Throws unless every opened element is closed in order (HTML void elements and `/>` aside).
func checkBalancedTags(_ page: String) throws {
    struct Unbalanced: Error, CustomStringConvertible { let description: String }
    let void: Set<String> = ["meta", "br", "hr", "img", "input", "link", "wbr"]
    var stack: [String] = []
    var rest = Substring(page)
    while let open = rest.firstIndex(of: "<") {
        guard let close = rest[open...].firstIndex(of: ">") else { throw Unbalanced(description: "unclosed <") }
        let tag = rest[rest.index(after: open)..<close]
        rest = rest[rest.index(after: close)...]
        if tag.hasPrefix("!") { continue }
        let closing = tag.hasPrefix("/")
        let name = String((closing ? tag.dropFirst() : tag).prefix { $0.isLetter || $0.isNumber }).lowercased()
        if closing {
            guard stack.popLast() == name else { throw Unbalanced(description: "</\(name)> does not close \(stack.last ?? "-")") }
        } else if !tag.hasSuffix("/") && !void.contains(name) {
            stack.append(name)
        }
    }
    guard stack.isEmpty else { throw Unbalanced(description: "left open: \(stack)") }
}

final class HTMLReportLimitTests: XCTestCase {
    /// A limited page keeps the largest shortfalls and says how many it left out.
    func test_limitedPageListsTheLargestShortfallsAndCountsTheRest() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let full = HTMLReport.render(e, lang: .en, scope: .province)
        let limited = HTMLReport.render(e, lang: .en, scope: .province, limit: 1)
        XCTAssertTrue(limited.contains("Showing the 1 with the largest shortfalls"), limited)
        XCTAssertTrue(limited.contains("more (see the JSON download)"))
        XCTAssertLessThan(limited.count, full.count)
        // 002 has the largest shortfall toward Q2 (40% of 2 bn, 0.1 bn paid).
        XCTAssertTrue(limited.contains("Cầu Gành Hào"))
        XCTAssertFalse(full.contains("Showing the"))
    }
}
