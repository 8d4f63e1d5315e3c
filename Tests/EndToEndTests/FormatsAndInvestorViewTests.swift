import Foundation
import XCTest

final class FormatsAndInvestorViewTests: XCTestCase {
    let asOf = ["--as-of", "2023-09-15", "--fail-on", "never"]

    func test_csvHasBOMTheColumnsAndOneRowPerProject() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["check", "--db", db, "--format", "csv"] + asOf)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Array(r.stdoutData.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 BOM for Excel")
        let lines = r.stdout.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertTrue(lines[0].hasPrefix("project_code,project_name,investor,district,class,plan_vnd,disbursed_vnd,outstanding_advance_vnd,rate_percent"))
        XCTAssertTrue(lines[0].contains("Q1_status"))
        XCTAssertEqual(lines.count, 1 + 51)
    }

    func test_htmlIsOneSelfContainedPageWithCharts() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["check", "--db", db, "--format", "html"] + asOf)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("<!DOCTYPE html>") || r.stdout.hasPrefix("<!doctype html>"))
        XCTAssertGreaterThanOrEqual(r.stdout.components(separatedBy: "<svg").count - 1, 13, "the province and each of 12 investors")
        XCTAssertFalse(r.stdout.contains("http://") || r.stdout.contains("https://") || r.stdout.contains("<script"))
    }

    func test_markdownHasTables() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["check", "--db", db, "--format", "md"] + asOf)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("| --- |") || r.stdout.contains("|---|") || r.stdout.contains("| ---"))
    }

    /// The investor's view shows no other investor's name or project, in any format.
    func test_investorViewLeaksNothingInAnyFormat() throws {
        let db = try ProvinceDatabase.path()
        let json = try CLI.run(["check", "--db", db, "--format", "json"] + asOf)
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let projects = all["projects"] as! [[String: Any]]
        let investors = Set(projects.map { $0["investor"] as! String })
        XCTAssertEqual(investors.count, 12)
        let me = "UBND huyện Năm Căn"
        let mine = Set(projects.filter { $0["investor"] as! String == me }.map { $0["project_code"] as! String })
        let others = projects.filter { $0["investor"] as! String != me }
        let otherCodes = Set(others.map { $0["project_code"] as! String })
        let otherNames = Set(others.map { $0["project_name"] as! String })
        XCTAssertFalse(mine.isEmpty)
        for format in ["text", "json", "csv", "md", "html"] {
            for lang in ["vi", "en"] {
                let r = try CLI.run(["check", "--db", db, "--investor", me, "--format", format, "--lang", lang] + asOf)
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertTrue(r.stdout.contains(me), "\(format) names its investor")
                for code in mine { XCTAssertTrue(r.stdout.contains(code), "\(format) shows own project \(code)") }
                for other in investors where other != me {
                    XCTAssertFalse(r.stdout.contains(other), "\(format)/\(lang) leaks investor \(other)")
                }
                for code in otherCodes { XCTAssertFalse(r.stdout.contains(code), "\(format)/\(lang) leaks project \(code)") }
                for name in otherNames { XCTAssertFalse(r.stdout.contains(name), "\(format)/\(lang) leaks project name \(name)") }
            }
        }
        // The one outside figure allowed: the provincial average rate.
        let mineJSON = try CLI.run(["check", "--db", db, "--investor", me, "--format", "json"] + asOf)
        let view = try XCTUnwrap(try JSONSerialization.jsonObject(with: mineJSON.stdoutData) as? [String: Any])
        XCTAssertEqual("\(view["province_average_rate"]!)", "\((all["province"] as! [String: Any])["rate"]!)")
        XCTAssertEqual((view["investors"] as! [Any]).count, 1)
        XCTAssertEqual((view["projects"] as! [Any]).count, mine.count)
    }

    func test_perInvestorReportsHoldOnlyTheirInvestor() throws {
        let db = try ProvinceDatabase.path()
        let tmp = TempDir()
        let r = try CLI.run(["report", "--db", db, "--per-investor", tmp.path + "/out", "--as-of", "2023-09-15"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: tmp.path + "/out").sorted()
        XCTAssertEqual(files.count, 12)
        XCTAssertTrue(files.contains("ubnd-huyen-nam-can.html"))
        let page = try String(contentsOfFile: tmp.path + "/out/ubnd-huyen-nam-can.html", encoding: .utf8)
        XCTAssertFalse(page.contains("Ban QLDA công trình giao thông"))
        XCTAssertTrue(page.contains("UBND huyện Năm Căn"))
    }

    func test_weeklyRunTwiceThroughTheCLI() throws {
        let tmp = TempDir()
        let inbox = tmp.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: CLI.province) where f.hasSuffix(".csv") {
            try FileManager.default.copyItem(atPath: CLI.province + "/" + f, toPath: inbox + "/" + f)
        }
        let args = ["weekly", "--db", tmp.path + "/db.sqlite", "--inbox", inbox, "--out", tmp.path + "/out", "--as-of", "2023-09-15"]
        let first = try CLI.run(args)
        XCTAssertEqual(first.status, 1, "new critical warnings: \(first.stderr)")
        let second = try CLI.run(args)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("0 new"), second.stdout)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tmp.path + "/out/2023-09-15/summary.json"))) as! [String: Any]
        XCTAssertEqual((summary["new"] as! [Any]).count, 0)
        XCTAssertGreaterThan((summary["persisting"] as! [Any]).count, 0)
    }
}
