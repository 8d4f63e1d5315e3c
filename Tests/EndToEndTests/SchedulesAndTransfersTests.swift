import Foundation
import XCTest

/// Issue 15, items 1–4: investors' schedules imported like every other kind, performance against
/// them and every project's class in each format, and transfer proposals that `import plan` reads.
final class SchedulesAndTransfersTests: XCTestCase {
    static let province = CLI.fixtures + "/province"

    /// The bundled province with its 2023 schedules.
    func provinceDatabase(_ dir: TempDir) throws -> String {
        let db = dir.path + "/p.sqlite"
        let imports: [(String, [String])] = [
            ("projects", ["projects.csv"]), ("plan", ["plan.csv"]),
            ("disbursements", ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"]),
            ("schedules", ["schedules-2023.csv"]),
        ]
        for (kind, files) in imports {
            let r = try CLI.run(["import", kind] + files.map { Self.province + "/" + $0 } + ["--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    func expectedPerformance() throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.province + "/expected.json"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schedules = try XCTUnwrap(object["schedules_2023"] as? [String: Any])
        return try XCTUnwrap(schedules["performance"] as? [[String: Any]])
    }

    func test_theBundledProvincesSchedulePerformanceIsTheGeneratorsAtBothDates() throws {
        let dir = TempDir()
        let db = try provinceDatabase(dir)
        for expected in try expectedPerformance() {
            let asOf = try XCTUnwrap(expected["as_of"] as? String)
            let r = try CLI.run(["check", "--db", db, "--as-of", asOf, "--format", "json", "--fail-on", "never"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
            let schedule = try XCTUnwrap(object["schedule"] as? [String: Any], "a schedule section once schedules exist")
            XCTAssertEqual(schedule["month"] as? String, expected["month"] as? String)
            for key in ["projects_met", "projects_scheduled", "investors_met", "investors_scheduled"] {
                XCTAssertEqual(schedule[key] as? Int, expected[key] as? Int, "\(key) at \(asOf)")
            }
            XCTAssertEqual(schedule["unscheduled_projects"] as? [String], expected["unscheduled_projects"] as? [String])
            let projects = try XCTUnwrap(schedule["projects"] as? [[String: Any]])
            let expectedProjects = try XCTUnwrap(expected["projects"] as? [String: [String: Any]])
            for (code, figures) in expectedProjects {
                let p = try XCTUnwrap(projects.first { $0["project_code"] as? String == code }, code)
                for key in ["target_vnd", "actual_vnd", "cumulative_schedule_vnd", "cumulative_actual_vnd"] {
                    XCTAssertEqual(p[key] as? Int, figures[key] as? Int, "\(code) \(key) at \(asOf)")
                }
                XCTAssertEqual(p["met"] as? Bool, figures["met"] as? Bool, "\(code) at \(asOf)")
                XCTAssertNotNil(p["classification"] as? String)
            }
            let investors = try XCTUnwrap(schedule["investors"] as? [[String: Any]])
            for (name, figures) in try XCTUnwrap(expected["investors"] as? [String: [String: Any]]) {
                let i = try XCTUnwrap(investors.first { $0["investor"] as? String == name }, name)
                for key in ["target_vnd", "actual_vnd", "scheduled_projects", "projects_met"] {
                    XCTAssertEqual(i[key] as? Int, figures[key] as? Int, "\(name) \(key) at \(asOf)")
                }
            }
            let summary = try XCTUnwrap(schedule["summary"] as? [String])
            XCTAssertEqual(summary.first, "\(expected["investors_met"]!)/\(expected["investors_scheduled"]!) đơn vị đạt kế hoạch tháng "
                           + "\(Int(asOf.dropFirst(5).prefix(2))!)/2023")
        }
    }

    func test_everyFormatShowsTheScheduleAndTheClasses() throws {
        let dir = TempDir()
        let db = try provinceDatabase(dir)
        let args = ["check", "--db", db, "--as-of", "2023-09-30", "--fail-on", "never"]
        let text = try CLI.run(args)
        XCTAssertTrue(text.stdout.contains("7/12 đơn vị đạt kế hoạch tháng 9/2023"), text.stdout)
        XCTAssertTrue(text.stdout.contains("2 dự án chưa có kế hoạch giải ngân tháng: 0063496, 0072547"), text.stdout)
        XCTAssertTrue(text.stdout.contains("không có khả năng giải ngân"), text.stdout)
        let en = try CLI.run(args + ["--lang", "en"])
        XCTAssertTrue(en.stdout.contains("7 of 12 investors met their schedule for 2023-09"), en.stdout)
        let md = try CLI.run(args + ["--format", "md"])
        XCTAssertTrue(md.stdout.contains("7/12 đơn vị đạt kế hoạch tháng 9/2023"), md.stdout)
        let html = try CLI.run(args + ["--format", "html"])
        XCTAssertTrue(html.stdout.contains("id=\"schedule\""), String(html.stdout.prefix(400)))
        let csv = try CLI.run(args + ["--format", "csv"])
        let lines = csv.stdout.split(separator: "\r\n")
        XCTAssertTrue(lines[0].hasSuffix("schedule_month,schedule_target_vnd,schedule_actual_vnd,schedule_met,schedule_cumulative_vnd,"
                                         + "schedule_cumulative_actual_vnd,classification,classification_reasons"), String(lines[0]))
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",2023-09,") }, "every project row has the month")
        // An investor's own view: its projects only.
        let investor = try CLI.run(args + ["--investor", "UBND huyện Năm Căn", "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: investor.stdoutData) as? [String: Any])
        let schedule = try XCTUnwrap(object["schedule"] as? [String: Any])
        let names = Set(try XCTUnwrap(schedule["investors"] as? [[String: Any]]).compactMap { $0["investor"] as? String })
        XCTAssertEqual(names, ["UBND huyện Năm Căn"])
    }

    /// The weekly run recognises a schedules file in its inbox and its summary carries the counts.
    func test_theWeeklyRunImportsSchedulesFromItsInboxAndSummarisesThem() throws {
        let dir = TempDir()
        let inbox = dir.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        for f in ["projects.csv", "plan.csv", "disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv",
                  "schedules-2023.csv"] {
            try FileManager.default.copyItem(atPath: Self.province + "/" + f, toPath: inbox + "/" + f)
        }
        let r = try CLI.run(["weekly", "--db", dir.path + "/w.sqlite", "--inbox", inbox, "--out", dir.path + "/out", "--as-of", "2023-09-30"])
        XCTAssertTrue([0, 1].contains(r.status), r.stderr)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/out/2023-09-30/summary.json"))
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schedule = try XCTUnwrap(summary["schedule"] as? [String: Any], "\(summary.keys)")
        XCTAssertEqual(schedule["investors_met"] as? Int, 7)
        XCTAssertEqual(schedule["investors_scheduled"] as? Int, 12)
        XCTAssertEqual((schedule["summary"] as? [String])?.first, "7/12 đơn vị đạt kế hoạch tháng 9/2023")
    }

    func test_aDatabaseWithoutSchedulesHasNoScheduleSection() throws {
        let dir = TempDir()
        let db = dir.path + "/n.sqlite"
        for (kind, file) in [("projects", "projects.csv"), ("plan", "plan.csv"), ("disbursements", "disbursements-2023-h1.csv")] {
            XCTAssertEqual(try CLI.run(["import", kind, Self.province + "/" + file, "--db", db]).status, 0)
        }
        let r = try CLI.run(["check", "--db", db, "--as-of", "2023-06-30", "--format", "json", "--fail-on", "never"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        XCTAssertNil(object["schedule"])
    }

    func test_schedulesImportOnceKeepHistoryAndRefuseAConflictingFigure() throws {
        let dir = TempDir()
        let db = try provinceDatabase(dir)
        let again = try CLI.run(["import", "schedules", Self.province + "/schedules-2023.csv", "--db", db])
        XCTAssertTrue(again.stdout.contains("already imported"), again.stdout)
        // A later submission of the same month is a new row (history kept)…
        let revised = dir.file("revised.csv", """
            project_code,plan_year,period,planned_vnd,submitted_on
            0060045,2023,2023-10,9.000.000.000,2023-10-02

            """)
        let r = try CLI.run(["import", "schedules", revised, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1 rows: 1 added, 0 already present"), r.stdout)
        // …and in force from its date only (the month of the as-of date is the one shown).
        func monthTarget(_ asOf: String) throws -> Int? {
            let c = try CLI.run(["check", "--db", db, "--as-of", asOf, "--format", "json", "--fail-on", "never"])
            let o = try JSONSerialization.jsonObject(with: c.stdoutData) as? [String: Any]
            let projects = (o?["schedule"] as? [String: Any])?["projects"] as? [[String: Any]]
            return projects?.first { $0["project_code"] as? String == "0060045" }?["target_vnd"] as? Int
        }
        XCTAssertNotEqual(try monthTarget("2023-10-01"), 9_000_000_000)
        XCTAssertEqual(try monthTarget("2023-10-02"), 9_000_000_000)
        // The same project, month and submission date with another figure is refused, nothing written.
        let conflicting = dir.file("conflict.csv", """
            project_code,plan_year,period,planned_vnd,submitted_on
            0060045,2023,2023-11,1.000.000,2023-11-01
            0060045,2023,2023-10,8.000.000.000,2023-10-02

            """)
        let refused = try CLI.run(["import", "schedules", conflicting, "--db", db])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("conflict.csv:3: column \"planned_vnd\": value \"8000000000\": expected the figure already "
                                              + "stored for this project and month with the same submitted_on (2023-10 submitted on "
                                              + "2023-10-02: 9000000000 VND; a new figure needs a new submission date)"), refused.stderr)
        XCTAssertNotEqual(try monthTarget("2023-11-01"), 1_000_000, "the refused file's November row was not written")
    }

    func test_aScheduleWithTheVietnameseHeadersImports() throws {
        let dir = TempDir()
        let db = try provinceDatabase(dir)
        let csv = dir.file("one.csv", """
            Mã dự án,Năm kế hoạch,Kỳ,Kế hoạch giải ngân,Ngày đăng ký
            0060045,2023,2023-12,1.500.000.000,05/12/2023

            """)
        let r = try CLI.run(["import", "schedules", csv, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1 added"), "the Vietnamese aliases are read: \(r.stdout)")
    }

    /// The first 24 rows of schedules-2023.csv, opened in LibreOffice Calc 7.4 (codes as text, the
    /// other columns as Calc guesses: amounts as numbers or text, dates as date cells) and saved as .xlsx.
    func test_aScheduleWorkbookSavedByLibreOfficeImportsAsTheSameRowsAsItsCSV() throws {
        let dir = TempDir()
        let db = dir.path + "/x.sqlite"
        XCTAssertEqual(try CLI.run(["import", "projects", Self.province + "/projects.csv", "--db", db]).status, 0)
        let book = try CLI.run(["import", "schedules", CLI.fixtures + "/spreadsheets/xlsx/schedules-libreoffice.xlsx", "--db", db])
        XCTAssertEqual(book.status, 0, book.stderr)
        XCTAssertTrue(book.stdout.contains("24 rows: 24 added"), book.stdout)
        let csv = try CLI.run(["import", "schedules", Self.province + "/schedules-2023.csv", "--db", db])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(csv.stdout.contains("721 rows: 697 added, 24 already present"), csv.stdout)
    }

    // MARK: - Transfers

    /// The records of an RFC 4180 text (quoted fields may hold commas), BOM dropped.
    static func records(_ text: String) -> [[String]] {
        var out: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\r\n" || c == "\n" {
                row.append(field); field = ""
                if row != [""] { out.append(row) }
                row = []
            } else { field.append(c) }
            i += 1
        }
        return out
    }

    func test_transfersAt30SeptemberBalanceAndImportAsPlanLines() throws {
        let dir = TempDir()
        let db = try provinceDatabase(dir)
        let out = dir.path + "/de-xuat"
        let r = try CLI.run(["transfers", "--db", db, "--as-of", "2023-09-30", "--round", "1000000", "--out", out, "--backtest"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let adjustments = try String(contentsOfFile: out + "/plan-adjustments.csv", encoding: .utf8)
        var sum: Int64 = 0
        var lines = 0
        for row in adjustments.split(separator: "\r\n").dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false)
            let amount = try XCTUnwrap(Int64(cells[5]))
            XCTAssertEqual(amount % 1_000_000, 0, "round amounts: \(row)")
            XCTAssertEqual(cells[6], "2023-09-30")
            sum += amount
            lines += 1
        }
        XCTAssertGreaterThan(lines, 1, r.stdout)
        XCTAssertEqual(sum, 0, "decreases equal increases to the đồng")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/transfers.xlsx"))
        let table = try String(contentsOfFile: out + "/transfers.csv", encoding: .utf8)
        XCTAssertTrue(table.contains("dự kiến giải ngân đến hết thời hạn"), table)
        XCTAssertTrue(r.stdout.contains("backtest đến 2024-01-31"), r.stdout)

        // The province before and after the adjustment: same total plan, the lines as they say.
        func plan(_ asOf: String) throws -> Int {
            let c = try CLI.run(["check", "--db", db, "--as-of", asOf, "--format", "json", "--fail-on", "never"])
            let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: c.stdoutData) as? [String: Any])
            return try XCTUnwrap((o["province"] as? [String: Any])?["plan_vnd"] as? Int)
        }
        let before = try plan("2023-10-15")
        let imported = try CLI.run(["import", "plan", out + "/plan-adjustments.csv", "--db", db])
        XCTAssertEqual(imported.status, 0, "import plan accepts the file as it is: \(imported.stderr)")
        XCTAssertTrue(imported.stdout.contains("\(lines) rows: \(lines) added"), imported.stdout)
        XCTAssertEqual(try plan("2023-10-15"), before, "a balanced transfer leaves the province's plan as it was")
    }

    func test_transfersWithinAnInvestorNeverCrossInvestors() throws {
        let dir = TempDir()
        let db = try provinceDatabase(dir)
        let out = dir.path + "/inv"
        let r = try CLI.run(["transfers", "--db", db, "--as-of", "2023-09-30", "--within", "investor", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let table = try String(contentsOfFile: out + "/transfers.csv", encoding: .utf8)
        var investors: [String: Set<String>] = [:]
        for cells in Self.records(table).dropFirst() {
            guard cells.count > 4, !cells[1].isEmpty else { continue }   // the balance rows
            investors[cells[0], default: []].insert(cells[3])
        }
        XCTAssertFalse(investors.isEmpty, table)
        XCTAssertTrue(investors.values.allSatisfy { $0.count == 1 }, "\(investors)")
    }
}
