import Foundation
import XCTest

/// Issue 11, item 5: a week whose ledger file was rejected is reported as incomplete, first and
/// loudly, with its own exit status, and the warnings the missing ledger could change are not
/// announced as new until a run has the data.
final class WeeklyIncompleteDataTests: XCTestCase {
    func summary(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    func keys(_ list: Any?) -> Set<String> {
        Set(((list as? [[String: Any]]) ?? []).compactMap { $0["key"] as? String })
    }

    func test_aRejectedLedgerMakesTheWeekIncomplete_andItsWarningsWaitForTheData() throws {
        let scratch = Scratch()
        let inbox = scratch.folder("inbox"), out = scratch.path + "/out", db = scratch.path + "/db.sqlite"
        let fm = FileManager.default
        for f in ["projects.csv", "plan.csv", "disbursements-2022.csv"] {
            try fm.copyItem(atPath: Repository.province + "/" + f, toPath: inbox + "/" + f)
        }
        // This year's ledger with one broken amount: the whole file is rejected.
        let good = try String(contentsOfFile: Repository.province + "/disbursements-2023-h1.csv", encoding: .utf8)
        XCTAssertTrue(good.contains("KB2023-000010,0070296,2022,current,NSTW,2023-01-03,payment,616205000,"), "line 6")
        try good.replacingOccurrences(of: ",payment,616205000,", with: ",payment,616x205000,")
            .write(toFile: inbox + "/kbnn-week.csv", atomically: true, encoding: .utf8)

        let week = try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", "2023-05-15"])
        XCTAssertFalse(week.crashed)
        XCTAssertEqual(week.status, 3, week.stderr + week.stdout)
        XCTAssertTrue(week.stdout.hasPrefix("THIS WEEK'S DATA IS INCOMPLETE"), week.stdout)
        XCTAssertTrue(week.stdout.contains("kbnn-week.csv (disbursements)"), week.stdout)
        XCTAssertTrue(week.stderr.contains("INCOMPLETE"), week.stderr)
        let first = try summary(out + "/2023-05-15/summary.json")
        XCTAssertEqual(first["data_complete"] as? Bool, false)
        let incomplete = try XCTUnwrap(first["incomplete"] as? [[String: Any]])
        XCTAssertEqual(incomplete.map { $0["file"] as? String }, ["kbnn-week.csv"])
        XCTAssertTrue((incomplete.first?["detail"] as? String ?? "").contains("kbnn-week.csv:6"), "\(incomplete)")
        // With this year's ledger missing, every disbursement figure is zero: nothing but the
        // milestone warnings (registry and plan only) may be announced.
        let announced = try XCTUnwrap(first["new"] as? [[String: Any]])
        XCTAssertTrue(announced.allSatisfy { ($0["code"] as? String ?? "").hasPrefix("MILESTONE_") }, "\(announced.map { $0["code"]! })")
        let withheld = keys(first["withheld"])
        XCTAssertGreaterThan(withheld.count, 10)

        // The fixed file arrives; the next run (same date) announces what still holds.
        try fm.copyItem(atPath: Repository.province + "/disbursements-2023-h1.csv", toPath: inbox + "/kbnn-week-fixed.csv")
        let fixed = try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", "2023-05-15"])
        XCTAssertTrue([0, 1].contains(fixed.status), fixed.stderr + fixed.stdout)
        XCTAssertFalse(fixed.stdout.contains("INCOMPLETE"))
        let second = try summary(out + "/2023-05-15/summary.json")
        XCTAssertEqual(second["data_complete"] as? Bool, true)
        XCTAssertEqual((second["incomplete"] as? [Any])?.count, 0)
        let nowNew = keys(second["new"])
        let nowAll = nowNew.union(keys(second["persisting"]))
        XCTAssertFalse(nowNew.isEmpty)
        XCTAssertTrue(withheld.intersection(nowAll).isSubset(of: nowNew),
                      "a warning withheld last run is announced as new, not as persisting")
        XCTAssertTrue(keys(first["new"]).intersection(nowAll).isSubset(of: keys(second["persisting"])),
                      "what was announced is not announced twice")
        // A third run with nothing new announces nothing.
        let again = try CLI.run(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", "2023-05-15"])
        XCTAssertEqual(again.status, 0, again.stdout)
        XCTAssertEqual(keys(try summary(out + "/2023-05-15/summary.json")["new"]), [])
    }
}
