import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class MarkdownReportTests: XCTestCase {
    func test_everyTableRowHasItsHeadersColumnCount_evenWithPipesInNames() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        for lang in Language.allCases {
            let markdown = MarkdownReport.render(e, lang: lang, scope: .province)
            let tables = markdownTables(markdown)
            XCTAssertGreaterThanOrEqual(tables.count, 6, "headline, checkpoints, classes, investors, projects, carried-over")
            for table in tables {
                let counts = table.map(cellCount)
                XCTAssertEqual(Set(counts).count, 1, "\(lang): uneven table \(table)")
                XCTAssertTrue(table[1].allSatisfy { "|-: ".contains($0) }, "the second line is the delimiter row")
            }
        }
    }

    func test_pipesAndMarkupInNamesAreEscaped() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertTrue(markdown.contains(#"\<script\>alert("x")\</script\> \& Sons \| Co"#))
        XCTAssertFalse(markdown.contains("<script>"))
        XCTAssertFalse(markdown.contains("A\nB"), "a line break in a name does not break the row")
        XCTAssertEqual(MarkdownReport.escape("a|b\\c*d_e\nf"), #"a\|b\\c\*d\_e f"#)
    }

    func test_sameSectionsAsTheHTMLPage() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        for heading in ["# Public investment disbursement, plan year 2023 — the province", "## Headline: the province", "### Checkpoints",
                        "## By project class", "## Investors ranked by rate", "## Projects failing or at risk",
                        "## Warnings", "### CRITICAL (", "## Carried-over capital (reported separately)"] {
            XCTAssertTrue(markdown.contains(heading), "missing \(heading)")
        }
        XCTAssertTrue(markdown.contains("1 of 3 investors are above the provincial average of 23.07%."))
        XCTAssertTrue(markdown.contains("| Q1 | 2023-03-31 | 25% | missed | 3,900,000,000 | 800,000,000 | 20.51% | short by 175,000,000 VND |"))
    }

    func test_listItemsCannotStartANestedListOrHeading() {
        XCTAssertEqual(MarkdownReport.escapeLineStart("- x"), #"\- x"#)
        XCTAssertEqual(MarkdownReport.escapeLineStart("12. x"), #"12\. x"#)
        XCTAssertEqual(MarkdownReport.escapeLineStart("12/30 x"), "12/30 x")
    }

    func test_investorScopeNamesNoOtherInvestorAndOmitsTheComparisonSentence() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf, investor: Sample.roads)
        for lang in Language.allCases {
            let markdown = MarkdownReport.render(e, lang: lang, scope: .investor(InvestorID(Sample.roads)))
            XCTAssertFalse(markdown.contains("Tân Hưng"))
            XCTAssertFalse(markdown.contains("Sons"))
            XCTAssertFalse(markdown.contains(lang.t("chủ đầu tư có tỷ lệ giải ngân cao hơn", "investors are above")))
            XCTAssertTrue(markdown.contains(lang.t("Bình quân chung toàn tỉnh: 23,07%.", "Provincial average: 23.07%.")))
            XCTAssertTrue(markdown.contains(lang.t("## Tổng hợp: ", "## Headline: ") + Sample.roads))
        }
    }
}

/// Runs of consecutive lines that start with `|`.
func markdownTables(_ text: String) -> [[String]] {
    var tables: [[String]] = []
    var current: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix("|") { current.append(line) } else if !current.isEmpty { tables.append(current); current = [] }
    }
    if !current.isEmpty { tables.append(current) }
    return tables
}

/// The number of cells in a table line: unescaped pipes (after an even run of backslashes), less one.
func cellCount(_ line: String) -> Int {
    var pipes = 0
    var backslashes = 0
    for ch in line {
        if ch == "|" && backslashes % 2 == 0 { pipes += 1 }
        backslashes = ch == "\\" ? backslashes + 1 : 0
    }
    return pipes - 1
}

final class MarkdownChartlessTests: XCTestCase {
    func test_noEmptyHeadingWhereTheHTMLPageHasCharts() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let markdown = MarkdownReport.render(e, lang: .en, scope: .province)
        XCTAssertFalse(markdown.contains("Cumulative disbursement by investor"))
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        func level(_ line: Substring?) -> Int { line.map { $0.prefix { $0 == "#" }.count } ?? 1 }
        for (i, line) in lines.enumerated() where line.hasPrefix("#") {
            let next = lines[(i + 1)...].first { !$0.isEmpty }
            let nextLevel = level(next)
            XCTAssertTrue(nextLevel == 0 || nextLevel > level(line), "heading \(line) has no content")
        }
    }
}
