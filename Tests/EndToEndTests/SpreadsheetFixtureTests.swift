import Foundation
import XCTest

/// Files that LibreOffice Calc wrote (`fixtures/spreadsheets/`, made by `scripts/gen-spreadsheets`
/// from one model): each variant is imported by the real `giaingan` and every figure compared with
/// the truth the model computed (`truth.json`): each project's plan and disbursement on every
/// checkpoint date, its outstanding advances, and the province's.
final class SpreadsheetFixtureTests: XCTestCase {
    static let folder = CLI.fixtures + "/spreadsheets"

    struct Truth: Decodable {
        struct Figures: Decodable, Equatable {
            var plan_vnd: Int64
            var disbursed_vnd: Int64
        }
        var projects: [String: [String: FiguresOrNumber]]
        var province: [String: Figures]
        var ledger_total_vnd: Int64

        enum FiguresOrNumber: Decodable, Equatable {
            case figures(Figures)
            case number(Int64)
            init(from decoder: Decoder) throws {
                if let n = try? decoder.singleValueContainer().decode(Int64.self) { self = .number(n) }
                else { self = .figures(try Figures(from: decoder)) }
            }
        }
    }

    static let truth: Truth = {
        let data = FileManager.default.contents(atPath: folder + "/truth.json") ?? Data()
        return (try? JSONDecoder().decode(Truth.self, from: data)) ?? Truth(projects: [:], province: [:], ledger_total_vnd: 0)
    }()

    /// Imports the three files (or sheets) and checks every figure against the truth.
    func importAndCompare(projects: [String], plan: [String], ledger: [String], options: [String] = [],
                          file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let dir = TempDir()
        var outputs: [String] = []
        for (kind, arguments) in [("projects", projects), ("plan", plan), ("disbursements", ledger)] {
            // `options` are the plan's and the ledger's; the registry's are in `projects`.
            let r = try CLI.run(["import", kind] + arguments + ["--db", "db.sqlite"] + (kind == "projects" ? [] : options),
                                cwd: dir.path)
            XCTAssertEqual(r.status, 0, "\(kind) \(arguments): \(r.stderr)", file: file, line: line)
            outputs.append(r.stdout)
        }
        let check = try CLI.run(["check", "--db", "db.sqlite", "--as-of", "2024-01-31", "--year", "2023", "--format", "json",
                                 "--fail-on", "never"], cwd: dir.path)
        XCTAssertEqual(check.status, 0, check.stderr, file: file, line: line)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: check.stdoutData) as? [String: Any], file: file, line: line)
        let truth = Self.truth
        XCTAssertEqual(truth.projects.count, 10, "truth.json is read", file: file, line: line)
        let projects = (json["projects"] as? [[String: Any]]) ?? []
        XCTAssertEqual(projects.count, truth.projects.count, "every project", file: file, line: line)
        for project in projects {
            let code = project["project_code"] as? String ?? ""
            guard let expected = truth.projects[code] else { XCTFail("unexpected project \(code)", file: file, line: line); continue }
            if case .number(let advance)? = expected["outstanding_advance_vnd"] {
                XCTAssertEqual((project["outstanding_advance_vnd"] as? NSNumber)?.int64Value, advance, "\(code) advances", file: file, line: line)
            }
            for checkpoint in (project["checkpoints"] as? [[String: Any]]) ?? [] {
                let name = checkpoint["name"] as? String ?? ""
                guard case .figures(let figures)? = expected[name] else { continue }
                XCTAssertEqual((checkpoint["plan_vnd"] as? NSNumber)?.int64Value, figures.plan_vnd, "\(code) plan at \(name)", file: file, line: line)
                XCTAssertEqual((checkpoint["disbursed_vnd"] as? NSNumber)?.int64Value, figures.disbursed_vnd,
                               "\(code) disbursed at \(name)", file: file, line: line)
            }
        }
        let province = json["province"] as? [String: Any] ?? [:]
        XCTAssertEqual((province["plan_vnd"] as? NSNumber)?.int64Value, truth.province["Q4"]?.plan_vnd, file: file, line: line)
        XCTAssertEqual((province["disbursed_vnd"] as? NSNumber)?.int64Value, truth.province["Q4"]?.disbursed_vnd, file: file, line: line)
        return outputs
    }

    func csv(_ variant: String) -> (String, String, String) {
        let base = Self.folder + "/csv/" + variant + "/"
        return (base + "projects.csv", base + "plan.csv", base + "disbursements.csv")
    }

    // MARK: - Workbooks

    func test_everyXLSXVariantImportsWithEveryFigureExact() throws {
        for (book, options) in [("camau-2023-vi", []), ("camau-2023-en", []), ("camau-2023-vi-reopened", []),
                                ("camau-2023-vi-1904", []), ("camau-2023-vi-million", ["--unit", "million"]),
                                ("camau-2023-en-million", ["--unit", "million"])] {
            let path = Self.folder + "/xlsx/\(book).xlsx"
            let outputs = try importAndCompare(projects: [path, "--sheet", "Dự án"], plan: [path, "--sheet", "Kế hoạch vốn"],
                                               ledger: [path, "--sheet", "Giải ngân"], options: options)
            // The treasury sheet: metadata rows, a two-row header, a row of column numbers and a total row.
            XCTAssertTrue(outputs[2].contains("\(book).xlsx:8: note: the header is on line 8–9"), outputs[2])
            XCTAssertTrue(outputs[2].contains("\(book).xlsx:10: note: skipped line 10, which numbers the columns"), outputs[2])
            XCTAssertTrue(outputs[2].contains("\(book).xlsx:71: note: skipped a total row (\"Tổng cộng\", 122.274.550.000), "
                + "the sum of the 60 rows above it"), outputs[2])
            XCTAssertTrue(outputs[2].contains("60 rows: 60 added"), outputs[2])
        }
    }

    func test_aWorkbookWithoutSheetReadsTheFirstAndSaysSo() throws {
        let dir = TempDir()
        let r = try CLI.run(["import", "projects", Self.folder + "/xlsx/camau-2023-vi.xlsx", "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("note: read sheet \"Dự án\", the first of 3 (\"Dự án\", \"Kế hoạch vốn\", \"Giải ngân\"); --sheet NAME reads another"), r.stdout)
        let missing = try CLI.run(["import", "projects", Self.folder + "/xlsx/camau-2023-vi.xlsx", "--sheet", "Sheet9", "--db", "other.sqlite"],
                                  cwd: dir.path)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("expected a worksheet named \"Sheet9\" (--sheet); the workbook has \"Dự án\", \"Kế hoạch vốn\", \"Giải ngân\""),
                      missing.stderr)
    }

    func test_theWeeklyRunImportsAWorkbookFromTheInboxAndSetsAnXLSAside() throws {
        let dir = TempDir()
        let inbox = dir.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let bad = CLI.fixtures + "/bad"
        for (from, to) in [("base/projects.csv", "1-projects.csv"), ("base/plan.csv", "2-plan.csv"),
                           ("workbook-ledger-below-a-title.xlsx", "3-ledger.xlsx"), ("workbook-excel-97.xls", "4-ledger.xls")] {
            try FileManager.default.copyItem(atPath: bad + "/" + from, toPath: inbox + "/" + to)
        }
        let r = try CLI.run(["weekly", "--db", dir.path + "/db.sqlite", "--inbox", inbox, "--out", dir.path + "/out",
                             "--as-of", "2023-09-30"])
        XCTAssertEqual(r.status, 3, "a file set aside makes the week incomplete: \(r.stderr)")
        XCTAssertTrue(r.stdout.contains("imported: 3-ledger.xlsx — 3-ledger.xlsx: 2 rows: 2 added, 0 already present, 0 conflicts"), r.stdout)
        XCTAssertTrue(r.stdout.contains("rejected: 4-ledger.xls"), r.stdout)
        let report = try String(contentsOfFile: inbox + "/rejected/4-ledger.xls.errors.txt", encoding: .utf8)
        XCTAssertTrue(report.contains("Excel 97–2003 workbook"), report)
    }

    // MARK: - CSV files LibreOffice wrote

    func test_everyVietnameseCSVVariantImportsWithEveryFigureExact() throws {
        for (variant, options) in [("vi-comma", [String]()), ("vi-semicolon", []), ("vi-bom", []),
                                   ("vi-windows-1258", ["--encoding", "windows-1258"]), ("vi-utf16-tab", [])] {
            let (projects, plan, ledger) = csv(variant)
            let outputs = try importAndCompare(projects: [projects] + options, plan: [plan], ledger: [ledger], options: options)
            XCTAssertTrue(outputs[2].contains("skipped a total row (\"Tổng cộng\", 122.274.550.000)"), "\(variant): \(outputs[2])")
            // Nothing in these files shows the order of day and month: the summary says how they were read.
            XCTAssertTrue(outputs[1].contains("plan.csv: note: dates read day-first: 05/01/2023 … 06/11/2023"), "\(variant): \(outputs[1])")
            if variant == "vi-semicolon" {
                XCTAssertTrue(outputs[2].contains("disbursements.csv:8: note: fields separated by a semicolon, found from the header"), outputs[2])
            }
            if variant == "vi-utf16-tab" {
                XCTAssertTrue(outputs[0].contains("note: read as UTF-16 (little-endian, with a byte-order mark)"), outputs[0])
                XCTAssertTrue(outputs[0].contains("note: fields separated by a tab"), outputs[0])
            }
        }
    }

    func test_windows1258WithoutTheOptionIsRefusedNamingIt() throws {
        let dir = TempDir()
        let r = try CLI.run(["import", "projects", csv("vi-windows-1258").0, "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("Windows-1258") && r.stderr.contains("--encoding windows-1258"), r.stderr)
    }

    func test_anEnglishLedgerDecidesMonthFirstFromItsOwnDatesAndIsReadAgain() throws {
        let (projects, plan, ledger) = csv("en-comma")
        // The registry and the plan have no day above 12: only --date-order can say how to read them.
        let outputs = try importAndCompare(projects: [projects, "--date-order", "mdy"], plan: [plan, "--date-order", "mdy"],
                                           ledger: [ledger], options: [])
        XCTAssertTrue(outputs[2].contains("disbursements.csv: note: read with dates month first, as the file's own values showed"),
                      outputs[2])
    }

    func test_anEnglishPlanWithoutADecidingDateIsReadDayFirstAndSaysWhichDates() throws {
        let dir = TempDir()
        XCTAssertEqual(try CLI.run(["import", "projects", csv("en-comma").0, "--date-order", "mdy", "--db", "db.sqlite"], cwd: dir.path).status, 0)
        let r = try CLI.run(["import", "plan", csv("en-comma").1, "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("plan.csv: note: dates read day-first: 01/05/2023 … 07/10/2023 (14 dates whose day and "
            + "month could be either way, and none that decides; --date-order mdy reads them month first)"), r.stdout)
    }

    func test_millionVNDFilesDecideTheirDecimalSeparatorAndImportExactly() throws {
        let (viProjects, viPlan, viLedger) = csv("vi-million-comma")
        _ = try importAndCompare(projects: [viProjects], plan: [viPlan], ledger: [viLedger], options: ["--unit", "million"])
        let (enProjects, enPlan, enLedger) = csv("en-million-comma")
        let outputs = try importAndCompare(projects: [enProjects], plan: [enPlan, "--date-order", "mdy"], ledger: [enLedger],
                                           options: ["--unit", "million"])
        XCTAssertTrue(outputs[1].contains("plan.csv: note: read with \".\" as the decimal separator, as the file's own values showed"),
                      outputs[1])
    }

    func test_anAmbiguousMillionVNDFileIsRefusedWithBothReadings() throws {
        let dir = TempDir()
        // Only the whole-million lines of the English plan: "18,500" is 18,5 or 18.500 million.
        let lines = try String(contentsOfFile: csv("en-million-comma").1, encoding: .utf8).split(separator: "\n")
        let ambiguous = [String(lines[0])] + lines.dropFirst().filter { !$0.contains(".") }.map(String.init)
        let plan = dir.file("plan.csv", ambiguous.joined(separator: "\n") + "\n")
        XCTAssertEqual(try CLI.run(["import", "projects", csv("en-million-comma").0, "--db", "db.sqlite"], cwd: dir.path).status, 0)
        let r = try CLI.run(["import", "plan", plan, "--unit", "million", "--date-order", "mdy", "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(r.status, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("plan.csv:2: column \"Kế hoạch vốn\" (5): value \"18,500\": expected amounts whose decimal "
            + "separator the file shows; \"18,500\" reads as 18,5 million VND (18.500.000 đồng) if \",\" marks decimals (Vietnamese), "
            + "or as 18.500 million VND (18.500.000.000 đồng) if \",\" groups thousands (English)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("pass --decimal-separator , or --decimal-separator ."), r.stderr)
        let settled = try CLI.run(["import", "plan", plan, "--unit", "million", "--date-order", "mdy", "--decimal-separator", ".",
                                   "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(settled.status, 0, settled.stderr)
    }

    // MARK: - Leading zeros

    func test_codesWhoseLeadingZerosTheSpreadsheetDroppedAreRefusedNamingTheMatch() throws {
        let dir = TempDir()
        XCTAssertEqual(try CLI.run(["import", "projects", csv("vi-comma").0, "--db", "db.sqlite"], cwd: dir.path).status, 0)
        let plan = try CLI.run(["import", "plan", csv("vi-codes-as-numbers").1, "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stderr.contains("value \"71234\": expected a project in the registry (1 row uses this code); 71234 looks "
            + "like 0071234 in the registry: the spreadsheet dropped its leading zeros; format the column as Text"), plan.stderr)
        let book = Self.folder + "/xlsx/camau-2023-vi-codes-as-numbers.xlsx"
        let ledger = try CLI.run(["import", "disbursements", book, "--sheet", "Giải ngân", "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(ledger.status, 2)
        XCTAssertTrue(ledger.stderr.contains("camau-2023-vi-codes-as-numbers.xlsx:11: sheet \"Giải ngân\", cell D11: column "
            + "\"project_code\": value \"71234\": expected a project in the registry (6 rows use this code); 71234 looks like 0071234"),
                      ledger.stderr)
        // A registry saved again with the zeros gone is refused, never added a second time.
        let before = try CLI.run(["investors", "--db", "db.sqlite", "--as-of", "2023-06-30"], cwd: dir.path).stdout
        let registry = try CLI.run(["import", "projects", csv("vi-codes-as-numbers").0, "--db", "db.sqlite"], cwd: dir.path)
        XCTAssertEqual(registry.status, 2)
        XCTAssertTrue(registry.stderr.contains("value \"71234\": expected a project code that is not another one's without its "
            + "leading zeros; 71234 looks like 0071234, already in the registry"), registry.stderr)
        XCTAssertFalse(registry.stderr.contains("7891234 looks like"), "codes without leading zeros are not touched")
        XCTAssertEqual(try CLI.run(["investors", "--db", "db.sqlite", "--as-of", "2023-06-30"], cwd: dir.path).stdout, before)
    }
}
