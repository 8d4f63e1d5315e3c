import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class CSVReportTests: XCTestCase {
    static let expectedHeader = [
        "project_code", "project_name", "investor", "district", "class", "plan_vnd", "disbursed_vnd",
        "outstanding_advance_vnd", "rate_percent", "carried_over_plan_vnd", "carried_over_disbursed_vnd",
        "Q1_threshold_percent", "Q1_status", "Q1_disbursed_vnd", "Q2_threshold_percent", "Q2_status", "Q2_disbursed_vnd",
        "Q3_threshold_percent", "Q3_status", "Q3_disbursed_vnd", "Q4_threshold_percent", "Q4_status", "Q4_disbursed_vnd",
        "next_checkpoint", "shortfall_vnd", "risk", "reason",
        "remaining_vnd", "key_project", "rate_last_year", "points_change_last_year", "disbursed_change_since_last",
        "points_change_since_last", "advance_plan_plan_vnd", "advance_plan_disbursed_vnd",
        // Issue 16 (README "Reorganisation"), at the end like issue 13's.
        "investor_lineage", "former_province", "former_district",
    ]

    func csv(_ lang: Language = .en) throws -> (Evaluation, String) {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        return (e, CSVReport.render(e, lang: lang))
    }

    func test_startsWithABOMAndEndsEveryRecordWithCRLF() throws {
        let (_, text) = try csv()
        XCTAssertEqual(text.unicodeScalars.first, "\u{FEFF}")
        XCTAssertTrue(text.hasSuffix("\r\n"))
        // The only bare line feed is the one quoted inside project 003's name.
        let scalars = Array(text.unicodeScalars)
        let bare = scalars.indices.filter { scalars[$0] == "\n" && ($0 == 0 || scalars[$0 - 1] != "\r") }
        XCTAssertEqual(bare.count, 1)
    }

    func test_headerHasExactlyTheContractColumns() throws {
        let (_, text) = try csv()
        let records = parseCSV(String(text.unicodeScalars.dropFirst()))
        XCTAssertEqual(records.first, Self.expectedHeader)
        XCTAssertEqual(CSVReport.header(.caMau2023), Self.expectedHeader)
    }

    func test_parsesBackToOneRowPerProjectWithExactFigures() throws {
        let (e, text) = try csv()
        let records = parseCSV(String(text.unicodeScalars.dropFirst()))
        XCTAssertEqual(records.count, 1 + e.projects.count)
        XCTAssertTrue(records.allSatisfy { $0.count == Self.expectedHeader.count })
        let rows = Dictionary(uniqueKeysWithValues: records.dropFirst().map { row in
            (row[0], Dictionary(uniqueKeysWithValues: zip(Self.expectedHeader, row)))
        })

        let roads = try XCTUnwrap(rows["001"])
        XCTAssertEqual(roads["project_name"], "Đường Cà Mau – Đầm Dơi")
        XCTAssertEqual(roads["investor"], Sample.roads)
        XCTAssertEqual(roads["district"], "Đầm Dơi")
        XCTAssertEqual(roads["class"], "transitional")
        XCTAssertEqual(roads["plan_vnd"], "1000000000")
        XCTAssertEqual(roads["disbursed_vnd"], "500000000")
        XCTAssertEqual(roads["outstanding_advance_vnd"], "400000000")
        XCTAssertEqual(roads["rate_percent"], "50.00")
        XCTAssertEqual(roads["carried_over_plan_vnd"], "300000000")
        XCTAssertEqual(roads["carried_over_disbursed_vnd"], "50000000")
        XCTAssertEqual(roads["Q1_threshold_percent"], "35")
        XCTAssertEqual(roads["Q1_status"], "met")
        XCTAssertEqual(roads["Q1_disbursed_vnd"], "400000000", "figure on the checkpoint's own date")
        XCTAssertEqual(roads["Q2_threshold_percent"], "60")
        XCTAssertEqual(roads["Q2_disbursed_vnd"], "", "empty for a checkpoint still ahead")
        XCTAssertEqual(roads["Q3_status"], "pending")
        XCTAssertEqual(roads["next_checkpoint"], "Q2")
        XCTAssertEqual(roads["shortfall_vnd"], "100000000")   // 60% of 1,000 million less 500
        let risk = try XCTUnwrap(e.projects.first { $0.project.code == "001" }?.result.risk)
        XCTAssertEqual(roads["risk"], risk.status.rawValue)
        XCTAssertEqual(roads["reason"], Messages.reason(risk, .en))

        let newStart = try XCTUnwrap(rows["002"])
        XCTAssertEqual(newStart["class"], "new_start")
        XCTAssertEqual(newStart["Q1_threshold_percent"], "20")
        XCTAssertEqual(newStart["Q1_status"], "missed")
        XCTAssertEqual(newStart["rate_percent"], "5.00")

        let tricky = try XCTUnwrap(rows["003"])
        XCTAssertEqual(tricky["project_name"], Sample.trickyProject, "commas, quotes and a line break survive quoting")
        XCTAssertEqual(tricky["investor"], Sample.hostile)
        XCTAssertEqual(tricky["rate_percent"], "0.00")
        XCTAssertEqual(tricky["district"], "")

        let total = rows.values.compactMap { Int64($0["plan_vnd"] ?? "") }.reduce(0, +)
        XCTAssertEqual(total, e.province.position.planVND, "amounts are plain integers that sum to the province")
    }

    func test_rateIsRoundedDownNeverUp() throws {
        var w = World()
        w.project("A", investor: "X", plan: 3)
        w.pay("A", 2, on: "2023-02-01")   // 66.666…%
        let records = parseCSV(String(CSVReport.render(try w.evaluate(asOf: "2023-02-10"), lang: .vi).unicodeScalars.dropFirst()))
        XCTAssertEqual(records[1][8], "66.66")
    }

    func test_formulaLikeNamesAreNeutralizedButNegativeAmountsStayNumbers() throws {
        var w = World()
        w.project("=1+1", name: "=HYPERLINK(\"x\",\"click\")", investor: "@SUM(A1)", plan: 100)
        w.pay("=1+1", 150, on: "2023-02-01")
        w.project("B", investor: "+Ban", plan: 100)
        w.pay("B", 10, on: "2023-02-01")
        w.pay("B", 30, on: "2023-02-02", type: .refund)   // disbursed −20
        let records = parseCSV(String(CSVReport.render(try w.evaluate(asOf: "2023-02-10"), lang: .vi).unicodeScalars.dropFirst()))
        let first = try XCTUnwrap(records.first { $0[0] == "'=1+1" })
        let second = try XCTUnwrap(records.first { $0[0] == "B" })
        XCTAssertEqual(first[1], "'=HYPERLINK(\"x\",\"click\")")
        XCTAssertEqual(first[2], "'@SUM(A1)")
        XCTAssertEqual(second[2], "'+Ban")
        XCTAssertEqual(second[6], "-20", "a negative amount stays a number")
        XCTAssertEqual(second[8], "-20.00")
    }

    func test_neutralize() {
        XCTAssertEqual(CSVReport.neutralize("=1+1"), "'=1+1")
        XCTAssertEqual(CSVReport.neutralize("+SUM(A1)"), "'+SUM(A1)")
        XCTAssertEqual(CSVReport.neutralize("-2+3"), "'-2+3")
        XCTAssertEqual(CSVReport.neutralize("@cmd"), "'@cmd")
        XCTAssertEqual(CSVReport.neutralize("\t=x"), "'\t=x")
        XCTAssertEqual(CSVReport.neutralize("\r=x"), "'\r=x")
        XCTAssertEqual(CSVReport.neutralize("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")")
        XCTAssertEqual(CSVReport.neutralize("-"), "'-")
        XCTAssertEqual(CSVReport.neutralize("-1."), "'-1.")
        XCTAssertEqual(CSVReport.neutralize("-1e5"), "'-1e5")
        XCTAssertEqual(CSVReport.neutralize("-1,234"), "'-1,234")
        XCTAssertEqual(CSVReport.neutralize("--1"), "'--1")
        // Kept: plain numbers and cells that do not start with a trigger.
        XCTAssertEqual(CSVReport.neutralize("-1234"), "-1234")
        XCTAssertEqual(CSVReport.neutralize("+1234"), "+1234")
        XCTAssertEqual(CSVReport.neutralize("-20.00"), "-20.00")
        XCTAssertEqual(CSVReport.neutralize("1.234"), "1.234")
        XCTAssertEqual(CSVReport.neutralize(""), "")
        XCTAssertEqual(CSVReport.neutralize("Cầu 1+1"), "Cầu 1+1")
        XCTAssertEqual(CSVReport.neutralize(" =1+1"), " =1+1")
    }

    func test_fieldsAreQuotedOnlyWhenTheyMustBe() {
        XCTAssertEqual(CSVReport.field("Cà Mau"), "Cà Mau")
        XCTAssertEqual(CSVReport.field("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVReport.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVReport.field("a\r\nb"), "\"a\r\nb\"")
        XCTAssertEqual(CSVReport.field("=a,b"), "\"'=a,b\"", "neutralized, then quoted")
    }

    func test_csvHoldsEachTrancheApartInItsOwnColumns() throws {
        let e = try Sample.richWorld().evaluate(asOf: Sample.asOf)
        let records = parseCSV(String(CSVReport.render(e, lang: .en).unicodeScalars.dropFirst()))
        let header = records[0]
        let rows = Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[0], Dictionary(uniqueKeysWithValues: zip(header, $0))) })
        XCTAssertEqual(rows["001"]?["carried_over_plan_vnd"], "300000000")
        XCTAssertEqual(rows["001"]?["carried_over_disbursed_vnd"], "50000000")
        XCTAssertEqual(rows["001"]?["advance_plan_plan_vnd"], "0")
        XCTAssertEqual(rows["004"]?["carried_over_plan_vnd"], "0", "advance-plan capital is not carried over")
        XCTAssertEqual(rows["004"]?["advance_plan_plan_vnd"], "100000000")
        XCTAssertEqual(rows["004"]?["advance_plan_disbursed_vnd"], "20000000")
    }

    func test_csvGivesEachProjectsRateLastYearAndTheChanges() throws {
        let e = try Sample.compared(try Sample.world().evaluate(asOf: Sample.asOf))
        let records = parseCSV(String(CSVReport.render(e, lang: .en).unicodeScalars.dropFirst()))
        let header = records[0]
        let rows = Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[0], Dictionary(uniqueKeysWithValues: zip(header, $0))) })
        // 001: 500 of 1,000 now; 300 of 2,000 last year; 400 on 30/04.
        XCTAssertEqual(rows["001"]?["rate_last_year"], "15.00")
        XCTAssertEqual(rows["001"]?["points_change_last_year"], "35.00")
        XCTAssertEqual(rows["001"]?["disbursed_change_since_last"], "100000000")
        XCTAssertEqual(rows["001"]?["points_change_since_last"], "10.00")
        XCTAssertEqual(rows["004"]?["points_change_last_year"], "50.00")
        XCTAssertEqual(rows["003"]?["rate_last_year"], "", "no figures last year")
        XCTAssertEqual(rows["003"]?["points_change_last_year"], "")
        XCTAssertEqual(rows["003"]?["disbursed_change_since_last"], "0")
        let plain = parseCSV(String(CSVReport.render(try Sample.world().evaluate(asOf: Sample.asOf), lang: .en).unicodeScalars.dropFirst()))
        let index = try XCTUnwrap(plain[0].firstIndex(of: "rate_last_year"))
        XCTAssertTrue(plain.dropFirst().allSatisfy { $0[index...index + 3].allSatisfy(\.isEmpty) }, "empty without comparisons")
    }

    func test_csvMarksKeyProjects() throws {
        let records = parseCSV(String(CSVReport.render(try Sample.world().evaluate(asOf: Sample.asOf), lang: .en).unicodeScalars.dropFirst()))
        let index = try XCTUnwrap(records[0].firstIndex(of: "key_project"))
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[0], $0[index]) }),
                       ["001": "false", "002": "true", "003": "false", "004": "false"])
    }

    func test_csvGivesEachProjectsRemainingPlan() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let csv = parseCSV(String(CSVReport.render(e, lang: .en).unicodeScalars.dropFirst()))
        let index = try XCTUnwrap(csv[0].firstIndex(of: "remaining_vnd"))
        XCTAssertEqual(csv.first { $0[0] == "001" }?[index], "500000000")
        XCTAssertEqual(csv.first { $0[0] == "002" }?[index], "1900000000")
    }

    /// The rules' display conventions are for people: the CSV keeps whole VND and rates with
    /// two decimals rounded down, for the scripts that read it.
    func test_displayConventionsNeverChangeTheCSV() throws {
        var w = Sample.world()
        let plain = CSVReport.render(try w.evaluate(asOf: Sample.asOf), lang: .vi)
        var rules = RuleSet.caMau2023
        rules.display = DisplayConventions(rateDecimals: 1, rounding: .halfUp, amountUnit: .billion, amountDecimals: 3)
        w.rules = rules
        XCTAssertEqual(CSVReport.render(try w.evaluate(asOf: Sample.asOf), lang: .vi), plain)
    }

    func test_theTestSplitterHandlesQuotesAndEmbeddedBreaks() {
        XCTAssertEqual(parseCSV("a,\"b,\"\"c\"\"\r\nd\",\r\n1,2,3\r\n"), [["a", "b,\"c\"\r\nd", ""], ["1", "2", "3"]])
    }
}

/// Splits RFC 4180 text into records of fields: `"` quoting, `""` escapes, CRLF record ends,
/// commas and line breaks inside quoted fields.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    while let c = scalars.popFirst() {
        if quoted {
            if c == "\"" {
                if scalars.first == "\"" { field.unicodeScalars.append("\""); scalars.removeFirst() } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" && field.isEmpty {
            quoted = true
        } else if c == "," {
            record.append(field); field = ""
        } else if c == "\r" && scalars.first == "\n" {
            scalars.removeFirst()
            record.append(field); field = ""
            records.append(record); record = []
        } else {
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}
