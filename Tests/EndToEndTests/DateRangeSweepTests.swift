import Foundation
import XCTest

/// Issue 11, item 1: no year or date a user can type reaches a trap. Every CLI entry point that
/// takes a date or a year, and every rules-file `plan_year`, is swept across the edges of
/// `SupportedRange` and far beyond; out of range is exit 2 with a message naming the range.
final class DateRangeSweepTests: XCTestCase {
    static let badYears = ["0", "1", "-5", "1800", "1899", "1900", "1999", "2100", "2101", "9999", "10000",
                           "99999999999999999"]
    static let badDates = ["2100-12-31", "1900-01-05", "1900-01-15", "1999-12-31", "2000-01-15", "2101-01-01", "9999-06-01",
                           "9999-12-31", "31/12/9999"]

    /// A crash shows as a signal (SIGILL 4, SIGTRAP 5, SIGABRT 6, SIGSEGV 11) or exit 132–139.
    func assertRefused(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(arguments)
        XCTAssertEqual(r.status, 2, "\(arguments.joined(separator: " ")): status \(r.status)\n\(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains("supported range") || r.stderr.contains("not a date") || r.stderr.contains("not a plan year")
                      || r.stderr.contains("Could not parse") || r.stderr.contains("Missing value"),
                      "\(arguments.joined(separator: " ")): \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr, file: file, line: line)
    }

    func test_everyDateOptionRefusesDatesOutsideTheSupportedRange() throws {
        let db = try ProvinceDatabase.path()
        let dir = TempDir()
        let inbox = dir.path + "/inbox", out = dir.path + "/out"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        for date in Self.badDates {
            try assertRefused(["check", "--db", db, "--as-of", date])
            try assertRefused(["check", "--db", db, "--as-of", date, "--format", "json"])
            try assertRefused(["investors", "--db", db, "--as-of", date])
            try assertRefused(["report", "--db", db, "--as-of", date, "--per-investor", dir.path + "/r"])
            try assertRefused(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--as-of", date])
        }
        for year in Self.badYears {
            try assertRefused(["check", "--db", db, "--year", year, "--as-of", "2023-09-15"])
            try assertRefused(["investors", "--db", db, "--year", year, "--as-of", "2023-09-15"])
            try assertRefused(["weekly", "--db", db, "--inbox", inbox, "--out", out, "--year", year, "--as-of", "2023-09-15"])
            try assertRefused(["backtest", "--db", db, "--year", year])
            try assertRefused(["rules", "show", "--year", year])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/9999-12-31"))
    }

    func test_theEdgesOfTheSupportedRangeWork() throws {
        let db = try ProvinceDatabase.path()
        for arguments in [["--as-of", "2000-02-01"], ["--as-of", "2100-01-31"], ["--as-of", "2100-12-31", "--year", "2099"],
                          ["--as-of", "2000-01-01", "--year", "2000"]] {
            let r = try CLI.run(["check", "--db", db, "--fail-on", "never"] + arguments)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
        }
    }

    func test_rulesFilesWithAPlanYearOutOfRangeAreRefusedEverywhere() throws {
        let db = try ProvinceDatabase.path()
        let dir = TempDir()
        for year in ["9999", "1800", "0", "-5", "99999999999999999", "2100", "1999"] {
            let text = try String(contentsOfFile: CLI.fixtures + "/rules/camau-2023.toml", encoding: .utf8)
                .replacingOccurrences(of: "plan_year = 2023", with: "plan_year = \(year)")
            let path = dir.file("rules-\(year).toml", text)
            for arguments in [["rules", "validate", path], ["rules", "show", path],
                              ["check", "--db", db, "--rules", path, "--as-of", "2023-09-15"],
                              ["serve", "--db", db, "--rules", path, "--port", "0"]] {
                let r = try CLI.run(arguments)
                XCTAssertEqual(r.status, 2, "\(arguments): \(r.status) \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("plan_year") && r.stderr.contains("2000–2099"), "\(arguments): \(r.stderr)")
            }
        }
    }

    /// Issue 11, item 22: a rules file is bounded, and the bound is named.
    func test_aRulesFileWithThousandsOfCheckpointsIsRefusedNamingTheLimit() throws {
        let dir = TempDir()
        func rules(checkpoints: Int) -> String {
        var text = """
        name = "many"
        province = "Cà Mau"
        plan_year = 2023
        annual_goal_percent = 95

        """
        for i in 0..<checkpoints {
            text += """

            [[checkpoints]]
            name = "C\(i)"
            date = 2023-06-30
            whole_plan_percent = 50
            transitional_percent = 50
            new_start_percent = 50

            """
        }
        return text
        }
        let r = try CLI.run(["rules", "validate", dir.file("many.toml", rules(checkpoints: 1_000))])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("1000 checkpoints; at most 100"), r.stderr)
        let huge = try CLI.run(["rules", "validate", dir.file("huge.toml", rules(checkpoints: 10_000))])
        XCTAssertEqual(huge.status, 2, huge.stderr)
        XCTAssertTrue(huge.stderr.contains("larger than 256 KiB"), huge.stderr)
        let long = dir.file("long.toml", """
            name = "\(String(repeating: "x", count: 300))"
            province = "Cà Mau"
            plan_year = 2023
            annual_goal_percent = 95

            [[checkpoints]]
            name = "\(String(repeating: "Q", count: 50))"
            date = 2023-06-30
            whole_plan_percent = 50
            transitional_percent = 50
            new_start_percent = 50
            """)
        let l = try CLI.run(["rules", "validate", long])
        XCTAssertEqual(l.status, 2)
        XCTAssertTrue(l.stderr.contains("name: 300 characters; at most 200"), l.stderr)
        XCTAssertTrue(l.stderr.contains(".name: 50 characters; at most 40"), l.stderr)
    }
}
