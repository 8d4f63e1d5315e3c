import Foundation
import XCTest

final class CheckCommandTests: XCTestCase {
    let asOf = ["--as-of", "2023-09-15"]

    func test_demoPrintsAFullReport() throws {
        let r = try CLI.run(["demo"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for section in ["TOÀN TỈNH", "THEO NHÓM DỰ ÁN", "CHỦ ĐẦU TƯ", "CẢNH BÁO", "Q1", "Q4", "1.005.196.000.000"] {
            XCTAssertTrue(r.stdout.contains(section), section)
        }
        let en = try CLI.run(["demo", "--lang", "en"])
        XCTAssertTrue(en.stdout.contains("PROVINCE"))
        XCTAssertTrue(en.stdout.contains("investors are above the provincial average"))
    }

    func test_jsonFollowsTheContract() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["check", "--db", db, "--format", "json", "--fail-on", "never"] + asOf)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        XCTAssertEqual(json["as_of"] as? String, "2023-09-15")
        XCTAssertEqual(json["plan_year"] as? Int, 2023)
        XCTAssertNotNil(json["rules"] as? String)
        let province = try XCTUnwrap(json["province"] as? [String: Any])
        XCTAssertEqual(province["plan_vnd"] as? Int, 1_005_196_000_000)
        XCTAssertNotNil(province["disbursed_vnd"] as? Int)
        let checkpoints = try XCTUnwrap(province["checkpoints"] as? [[String: Any]])
        XCTAssertEqual(checkpoints.map { $0["name"] as? String }, ["Q1", "Q2", "Q3", "Q4"])
        XCTAssertEqual(checkpoints[0]["status"] as? String, "missed")
        XCTAssertNotNil(checkpoints[0]["rate"])
        XCTAssertTrue(["on_track", "at_risk", "off_track"].contains(checkpoints[2]["status"] as? String ?? ""))
        XCTAssertEqual(checkpoints[3]["status"] as? String, "pending")
        let groups = try XCTUnwrap(json["groups"] as? [[String: Any]])
        XCTAssertEqual(Set(groups.compactMap { $0["class"] as? String }), ["transitional", "new_start"])
        let investors = try XCTUnwrap(json["investors"] as? [[String: Any]])
        XCTAssertEqual(investors.count, 12)
        for key in ["investor", "plan_vnd", "disbursed_vnd", "rate", "projects", "projects_below", "shortfall_vnd", "risk", "checkpoints"] {
            XCTAssertNotNil(investors[0][key], key)
        }
        let projects = try XCTUnwrap(json["projects"] as? [[String: Any]])
        XCTAssertEqual(projects.count, 51)
        for key in ["project_code", "investor", "class", "plan_vnd", "disbursed_vnd", "outstanding_advance_vnd", "rate", "checkpoints"] {
            XCTAssertNotNil(projects[0][key], key)
        }
        XCTAssertTrue(projects.allSatisfy { ($0["project_code"] as? String)?.hasPrefix("00") == true }, "codes keep their leading zeros")
        let warnings = try XCTUnwrap(json["warnings"] as? [[String: Any]])
        XCTAssertFalse(warnings.isEmpty)
        for w in warnings {
            XCTAssertTrue(["critical", "warning", "info"].contains(w["severity"] as? String ?? ""))
            XCTAssertNotNil(w["code"] as? String)
            XCTAssertNotNil(w["subject"] as? String)
            XCTAssertNotNil(w["message"] as? String)
        }
        XCTAssertTrue(r.stdout.contains("Chủ đầu tư") || r.stdout.contains("Ban QLDA"), "Vietnamese stays unescaped")
        XCTAssertFalse(r.stdout.contains("\\u00"), "no escaped Vietnamese")
    }

    func test_exitStatusFollowsFailOn() throws {
        let db = try ProvinceDatabase.path()
        XCTAssertEqual(try CLI.run(["check", "--db", db] + asOf).status, 1, "critical warnings exist")
        XCTAssertEqual(try CLI.run(["check", "--db", db, "--fail-on", "never"] + asOf).status, 0)
        // Before any checkpoint and with the province well under way, nothing critical may exist;
        // the status then depends only on the warnings printed.
        let json = try CLI.run(["check", "--db", db, "--format", "json", "--fail-on", "never", "--as-of", "2023-01-10"])
        let critical = json.stdout.contains("\"severity\": \"critical\"")
        XCTAssertEqual(try CLI.run(["check", "--db", db, "--as-of", "2023-01-10"]).status, critical ? 1 : 0)
    }

    func test_badUsageExitsTwoWithAMessageOnStderr() throws {
        let db = try ProvinceDatabase.path()
        let badDate = try CLI.run(["check", "--db", db, "--as-of", "31/02/2023"])
        XCTAssertEqual(badDate.status, 2)
        XCTAssertTrue(badDate.stderr.contains("31/02/2023"), badDate.stderr)
        XCTAssertEqual(badDate.stdout, "")
        XCTAssertEqual(try CLI.run(["check", "--db", db, "--format", "pdf"]).status, 2)
        XCTAssertEqual(try CLI.run(["frobnicate"]).status, 2)
        let missing = try CLI.run(["check", "--db", "/nonexistent/x.sqlite"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no database"), missing.stderr)
        let unknown = try CLI.run(["check", "--db", db, "--investor", "UBND huyen Nam Cam"] + asOf)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("UBND huyện Năm Căn"), "close matches are listed: \(unknown.stderr)")
        XCTAssertEqual(try CLI.run(["--help"]).status, 0)
    }

    func test_investorNameMatchesIgnoringCaseAndDiacritics() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["check", "--db", db, "--investor", "ubnd huyen nam can", "--fail-on", "never"] + asOf)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("UBND huyện Năm Căn"))
    }

    func test_importOfABadFileExitsTwoAndWritesNothing() throws {
        let tmp = TempDir()
        let db = tmp.path + "/db.sqlite"
        XCTAssertEqual(try CLI.run(["import", "projects", CLI.province + "/projects.csv", "--db", db]).status, 0)
        let bad = tmp.file("bad.csv", "txn_id,project_code,plan_year,date,type,amount_vnd\nT1,0063278,2023,2023-03-01,payment,12.34.567\n")
        let r = try CLI.run(["import", "disbursements", bad, "--db", db])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.csv:2"), r.stderr)
        XCTAssertTrue(r.stderr.contains("12.34.567"), r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was imported"), r.stderr)
        let history = try CLI.run(["imports", "--db", db])
        XCTAssertFalse(history.stdout.contains("bad.csv"))
        let again = try CLI.run(["import", "projects", CLI.province + "/projects.csv", "--db", db])
        XCTAssertTrue(again.stdout.contains("already imported"), again.stdout)
    }

    func test_dbFromEnvironment() throws {
        let db = try ProvinceDatabase.path()
        let r = try CLI.run(["investors"] + asOf, environment: ["GIAINGAN_DB": db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("chủ đầu tư trên mức bình quân toàn tỉnh"), r.stdout)
    }

    func test_rulesShowAndValidate() throws {
        let show = try CLI.run(["rules", "show"])
        XCTAssertEqual(show.status, 0)
        XCTAssertTrue(show.stdout.contains("transitional_percent = 35"))
        let tmp = TempDir()
        let good = tmp.file("r.toml", show.stdout)
        XCTAssertEqual(try CLI.run(["rules", "validate", good]).status, 0)
        let bad = tmp.file("bad.toml", show.stdout.replacingOccurrences(of: "whole_plan_percent = 25", with: "whole_plan_percent = 250"))
        let r = try CLI.run(["rules", "validate", bad])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("checkpoints[0].whole_plan_percent"), r.stderr)
    }
}

final class ProfileImportTests: XCTestCase {
    /// A treasury export in its own layout (title lines, Vietnamese headers, million-VND amounts,
    /// TU/TT/THTU/NT codes) imports through a mapping profile without editing the export.
    func test_treasuryExportImportsThroughItsProfile() throws {
        let tmp = TempDir()
        let db = tmp.path + "/db.sqlite"
        let export = CLI.fixtures + "/profiles/kbnn-camau-export.csv"
        let text = try String(contentsOfFile: export, encoding: .utf8)
        let codes = Set(text.components(separatedBy: .newlines).filter { !$0.isEmpty }.dropFirst(3).compactMap { line -> String? in
            let cells = line.components(separatedBy: ",")
            return cells.count > 3 && !cells[3].isEmpty ? cells[3] : nil
        })
        XCTAssertFalse(codes.isEmpty)
        let projects = tmp.file("projects.csv", "project_code,project_name,investor\n"
            + codes.sorted().map { "\($0),Dự án \($0),UBND huyện Thới Bình" }.joined(separator: "\n") + "\n")
        XCTAssertEqual(try CLI.run(["import", "projects", projects, "--db", db]).status, 0)
        let r = try CLI.run(["import", "disbursements", export, "--profile", CLI.fixtures + "/profiles/kbnn-camau-export.profile", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("12 added"), r.stdout)
        let json = try CLI.run(["check", "--db", db, "--year", "2022", "--as-of", "2023-01-31", "--format", "json", "--fail-on", "never"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let province = try XCTUnwrap(object["province"] as? [String: Any])
        let carried = try XCTUnwrap(province["carried_over"] as? [String: Any])
        XCTAssertGreaterThanOrEqual(carried["disbursed_vnd"] as? Int ?? 0, 1_250_500_000, "1.250,5 million VND read exactly")
    }
}
