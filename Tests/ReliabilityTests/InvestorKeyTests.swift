import Foundation
import XCTest

/// Issue 11, item 2: investors whose names fold to the same slug keep distinct, stable file
/// names and addresses; a file named for one investor never holds another's figures.
final class InvestorKeyTests: XCTestCase {
    static let header = "project_code,project_name,investor\n"

    func plan(_ codes: [String]) -> String {
        "project_code,plan_year,class,amount_vnd,effective_on\n"
            + codes.map { "\($0),2023,transitional,1000000000,2023-01-05" }.joined(separator: "\n") + "\n"
    }

    func ledger(_ rows: [(String, String, Int)]) -> String {
        "txn_id,project_code,plan_year,date,type,amount_vnd\n"
            + rows.map { "\($0.0),\($0.1),2023,2023-02-01,payment,\($0.2)" }.joined(separator: "\n") + "\n"
    }

    func test_theWeeklyFileOfAnInvestorKeepsItsNameWhenAnotherInvestorFoldsToTheSameSlug() throws {
        let scratch = Scratch()
        let db = scratch.path + "/db.sqlite", out = scratch.path + "/out"
        let inbox = scratch.folder("inbox")
        // Week 1: only Năm Căn.
        scratch.file("inbox/projects-1.csv", Self.header + "P1,Kè sông,UBND huyện Năm Căn\n")
        scratch.file("inbox/plan-1.csv", plan(["P1"]))
        scratch.file("inbox/ledger-1.csv", ledger([("T1", "P1", 111_000_000)]))
        let week1 = try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", "2023-02-10"])
        XCTAssertTrue([0, 1].contains(week1.status), week1.stderr)
        let first = try String(contentsOfFile: out + "/2023-02-10/investors/ubnd-huyen-nam-can.html", encoding: .utf8)
        XCTAssertTrue(first.contains("UBND huyện Năm Căn"))

        // Week 2: an investor spelt without diacritics arrives; it sorts before Năm Căn.
        scratch.file("inbox/projects-2.csv", Self.header + "P1,Kè sông,UBND huyện Năm Căn\nP2,Đường,UBND huyen Nam Can\n"
                        + "P3,Cầu,Ban C\nP4,Chợ,Ban -C\n")
        scratch.file("inbox/plan-2.csv", plan(["P2", "P3", "P4"]))
        scratch.file("inbox/ledger-2.csv", ledger([("T2", "P2", 222_000_000), ("T3", "P3", 333_000_000), ("T4", "P4", 444_000_000)]))
        let week2 = try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", "2023-02-17"])
        XCTAssertTrue([0, 1].contains(week2.status), week2.stderr)
        let dir = out + "/2023-02-17/investors/"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(files, ["ban-c-2.html", "ban-c-2.xlsx", "ban-c.html", "ban-c.xlsx", "ubnd-huyen-nam-can-2.html",
                               "ubnd-huyen-nam-can-2.xlsx", "ubnd-huyen-nam-can.html", "ubnd-huyen-nam-can.xlsx"])
        let namCan = try String(contentsOfFile: dir + "ubnd-huyen-nam-can.html", encoding: .utf8)
        XCTAssertTrue(namCan.contains("UBND huyện Năm Căn"))
        XCTAssertTrue(namCan.contains("111.000.000") || namCan.contains("0,11"), "Năm Căn's own figure")
        XCTAssertFalse(namCan.contains("UBND huyen Nam Can"), "no other investor in Năm Căn's file")
        XCTAssertFalse(namCan.contains("P2"))
        let other = try String(contentsOfFile: dir + "ubnd-huyen-nam-can-2.html", encoding: .utf8)
        XCTAssertTrue(other.contains("UBND huyen Nam Can"))
        XCTAssertFalse(other.contains("UBND huyện Năm Căn"))
        // The order of first appearance decides: "Ban C" came first in the file.
        XCTAssertTrue(try String(contentsOfFile: dir + "ban-c.html", encoding: .utf8).contains(">Ban C<")
                      || String(contentsOfFile: dir + "ban-c.html", encoding: .utf8).contains("Ban C"))
        XCTAssertFalse(try String(contentsOfFile: dir + "ban-c.html", encoding: .utf8).contains("Ban -C"))
        XCTAssertTrue(try String(contentsOfFile: dir + "ban-c-2.html", encoding: .utf8).contains("Ban -C"))

        // `report --per-investor` uses the same names.
        let report = scratch.path + "/report"
        let r = try CLI.run(["report", "--db", db, "--per-investor", report, "--format", "json", "--as-of", "2023-02-17"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try String(contentsOfFile: report + "/ubnd-huyen-nam-can.json", encoding: .utf8)
        XCTAssertTrue(json.contains("\"investor\": \"UBND huyện Năm Căn\""), json)
    }
}
