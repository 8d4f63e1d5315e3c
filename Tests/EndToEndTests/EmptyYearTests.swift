import Foundation
import XCTest

/// Issue 11, items 6 and 25 (CLI side): a plan year with no plan has its own status, in the
/// report's language, names no province it does not know, and says which years have data.
final class EmptyYearTests: XCTestCase {
    func test_aYearWithoutAPlanIsNeitherMetNorMissed_inEveryFormat() throws {
        let db = try ProvinceDatabase.path()
        let args = ["check", "--db", db, "--year", "2024", "--as-of", "2024-03-31", "--fail-on", "never"]
        let json = try CLI.run(args + ["--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let province = try XCTUnwrap(object["province"] as? [String: Any])
        let statuses = (province["checkpoints"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
        XCTAssertEqual(statuses, ["no_plan", "no_plan", "pending", "pending"])
        XCTAssertEqual((province["annual_goal"] as? [String: Any])?["status"] as? String, "no_plan")
        XCTAssertEqual(object["plan_years_in_database"] as? [Int], [2022, 2023])

        let text = try CLI.run(args)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("chưa có kế hoạch"), text.stdout)
        XCTAssertFalse(text.stdout.contains("đã đạt ngưỡng"), text.stdout)
        XCTAssertFalse(text.stdout.range(of: #"Q1\s.*\s đạt"#, options: .regularExpression) != nil, text.stdout)
        XCTAssertFalse(text.stdout.contains("thresholds applied"), "no English inside a Vietnamese report")
        XCTAssertTrue(text.stdout.contains("áp dụng cho năm 2024"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Phạm vi: toàn tỉnh\n"), "no province named without a rules file")
        XCTAssertTrue(text.stdout.contains("Các năm có số liệu: 2022, 2023."), text.stdout)
        for format in ["md", "html", "csv"] {
            let r = try CLI.run(args + ["--format", format])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stdout.contains("thresholds applied"), format)
            XCTAssertFalse(r.stdout.contains("Cà Mau</"), format)
            if format != "csv" { XCTAssertTrue(r.stdout.contains("Các năm có số liệu: 2022, 2023."), format) }
        }
        let en = try CLI.run(args + ["--lang", "en"])
        XCTAssertTrue(en.stdout.contains("no plan"), en.stdout)
        XCTAssertTrue(en.stdout.contains("Scope: the whole province"), en.stdout)
        XCTAssertFalse(en.stdout.contains("has reached"), en.stdout)
    }

    func test_aRulesFileNamesItsProvince() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["check", "--db", db, "--rules", CLI.fixtures + "/rules/quangninh-2022.toml",
                             "--as-of", "2022-12-31", "--fail-on", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Phạm vi: toàn tỉnh Quảng Ninh"), r.stdout)
    }
}
