import Foundation
import XCTest

/// Every workbook GiaiNgan writes, read back with openpyxl and compared, cell by cell, with the
/// JSON figures of `check` at the same dates.
final class WorkbookTests: XCTestCase {
    static var db: String { InvestorFilesLeakTests.province.database }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLI.run(["check", "--db", Self.db, "--format", "json", "--fail-on", "never"] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    static func int(_ any: Any?) -> Int64? { (any as? NSNumber)?.int64Value }

    /// A cell's amount in đồng, from a figure in `unit` đồng.
    static func vnd(_ cell: OpenPyXL.Cell?, unit: Double) -> Int64? {
        guard let x = cell?.number else { return nil }
        return Int64((x * unit).rounded())
    }

    /// A rate fraction from JSON (rounded down to six decimals) rounded down to `decimals` of a percent.
    static func floorRate(_ any: Any?, decimals: Int) -> Double? {
        guard let text = (any as? NSNumber)?.stringValue ?? (any as? String), let x = Decimal(string: text) else { return nil }
        var scaled = x * Decimal(pow(10.0, Double(decimals + 2)))
        var down = Decimal()
        NSDecimalRound(&down, &scaled, 0, .down)
        return NSDecimalNumber(decimal: down).doubleValue / pow(10.0, Double(decimals + 2))
    }

    /// A rules file like the built-in 2023 rules, counting `tranche` alone.
    func rules(counting tranche: String, scratch: Scratch) throws -> String {
        let shown = try CLI.run(["rules", "show", "--year", "2023"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        var text = shown.stdout
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("counted_tranches") })
        text = text.replacingOccurrences(of: String(line), with: "counted_tranches = [\"\(tranche)\"]")
        return scratch.file("rules-\(tranche).toml", text)
    }

    /// Σ over projects of min(projection toward Q3, max(disbursed, plan)), at least disbursed:
    /// what the forms estimate for 30/09 from a check as of 31/08.
    static func estimate(_ check: [String: Any]) throws -> Int64 {
        var sum: Int64 = 0
        for p in check["projects"] as? [[String: Any]] ?? [] {
            let plan = try XCTUnwrap(int(p["plan_vnd"])), disbursed = try XCTUnwrap(int(p["disbursed_vnd"]))
            let q3 = (p["checkpoints"] as? [[String: Any]])?.first { $0["name"] as? String == "Q3" }
            let projected = int((q3?["risk"] as? [String: Any])?["projected_vnd"]) ?? disbursed
            sum += max(disbursed, min(projected, max(disbursed, plan)))
        }
        return sum
    }

    // MARK: - Form 01a

    func test_form01aForSeptember2023EqualsCheckToTheDong() throws {
        let scratch = Scratch()
        let out = scratch.path + "/01a.xlsx"
        let r = try CLI.run(["form", "01a", "--month", "2023-09", "--db", Self.db, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let sheets = try OpenPyXL.read(out)
        let sheet = try XCTUnwrap(sheets.first)
        XCTAssertEqual(sheets.count, 1)
        XCTAssertEqual(sheet.orientation, "landscape")
        XCTAssertEqual(sheet.paperSize, 9, "A4")
        // Headers over two rows with merged cells: "Kế hoạch vốn năm 2023" over three columns.
        let rows = sheet.rows
        let planHeader = try XCTUnwrap(sheet.cells.first { $0.text == "Kế hoạch vốn năm 2023" })
        XCTAssertTrue(sheet.merged.contains("C\(planHeader.row):E\(planHeader.row)"), "\(sheet.merged)")
        XCTAssertTrue(sheet.merged.contains("A\(planHeader.row):A\(planHeader.row + 1)"), "STT spans both header rows")
        let numbersRow = planHeader.row + 2
        XCTAssertEqual(rows[numbersRow]?[1]?.text, "A")
        XCTAssertEqual(rows[numbersRow]?[3]?.text, "1")
        XCTAssertEqual(sheet.freezePanes, "A\(numbersRow + 1)")
        XCTAssertTrue(sheet.cells.contains { ($0.text ?? "").contains("ước") && ($0.text ?? "").contains("Ghi chú") }, "the estimate is labelled")

        let dataRows = rows.keys.filter { $0 > numbersRow && rows[$0]?[2]?.text != nil && !((rows[$0]?[2]?.text ?? "").hasPrefix("Ghi chú")) }.sorted()
        let trancheRows = dataRows.filter { ["I", "II", "III"].contains(rows[$0]?[1]?.text ?? "") }
        XCTAssertEqual(trancheRows.count, 3)
        let unit = 1_000_000.0
        let atD = try json(["--as-of", "2023-08-31"])
        let atE = try json(["--as-of", "2023-09-30"])
        let lastYearAtE = try json(["--as-of", "2022-09-30", "--year", "2022"])

        // I. The year's plan (current capital): check's counted figures at D.
        let province = try XCTUnwrap(atD["province"] as? [String: Any])
        let rowI = try XCTUnwrap(rows[trancheRows[0]])
        XCTAssertEqual(rowI[2]?.text, "Vốn kế hoạch năm 2023")
        XCTAssertNil(rowI[3], "no envelope imported: the Prime Minister's plan is left empty, not zero")
        XCTAssertEqual(Self.vnd(rowI[5], unit: unit), Self.int(province["plan_vnd"]))
        XCTAssertEqual(Self.vnd(rowI[6], unit: unit), Self.int(province["disbursed_vnd"]))
        // The estimate to 30/09 is, project by project, the early-warning projection toward Q3
        // (30/09) as of 31/08, at most the project's plan; the total is their sum.
        let projected = try Self.estimate(atD)
        XCTAssertEqual(Self.vnd(rowI[7], unit: unit), projected)
        let plan = try XCTUnwrap(Self.int(province["plan_vnd"]))
        XCTAssertEqual(try XCTUnwrap(rowI[9]?.number), Double(projected * 1000 / plan) / 1000, accuracy: 1e-12,
                       "rate of the estimate, rounded down to 0.1%")
        XCTAssertEqual(rowI[9]?.numberFormat, "0.0%")
        XCTAssertEqual(rowI[5]?.numberFormat, "#,##0")
        // Same period last year: check as of 30/09/2023 compares with 30/09/2022.
        let ly = try XCTUnwrap((atE["province"] as? [String: Any])?["same_period_last_year"] as? [String: Any])
        XCTAssertEqual(Self.vnd(rowI[10], unit: unit), Self.int(ly["disbursed_vnd"]))
        XCTAssertEqual(rowI[11]?.number, Self.floorRate(ly["rate"], decimals: 1))

        // Its fund sources: check's fund_sources at D, last year's at 30/09/2022; the estimates sum to the total.
        let sources = try XCTUnwrap(province["fund_sources"] as? [[String: Any]])
        let lySources = try XCTUnwrap((lastYearAtE["province"] as? [String: Any])?["fund_sources"] as? [[String: Any]])
        let children = dataRows.filter { $0 > trancheRows[0] && $0 < trancheRows[1] }
        XCTAssertEqual(children.count, sources.count)
        var estimates: Int64 = 0
        for (row, source) in zip(children, sources) {
            let cells = try XCTUnwrap(rows[row])
            XCTAssertEqual(Self.vnd(cells[5], unit: unit), Self.int(source["plan_vnd"]), "\(source)")
            XCTAssertEqual(Self.vnd(cells[6], unit: unit), Self.int(source["disbursed_vnd"]), "\(source)")
            let code = source["fund_source"] as? String
            let then = lySources.first { ($0["fund_source"] as? String) == code }
            XCTAssertEqual(Self.vnd(cells[10], unit: unit), Self.int(then?["disbursed_vnd"]) ?? 0, "\(String(describing: code))")
            XCTAssertEqual(cells[11]?.number, Self.floorRate(then?["rate"], decimals: 1), "\(String(describing: code))")
            let estimate = try XCTUnwrap(Self.vnd(cells[7], unit: unit))
            XCTAssertGreaterThanOrEqual(estimate, try XCTUnwrap(Self.int(source["disbursed_vnd"])))
            let plan = try XCTUnwrap(Self.int(source["plan_vnd"]))
            XCTAssertEqual(try XCTUnwrap(cells[9]?.number), Double(estimate * 1000 / plan) / 1000, accuracy: 1e-12)
            XCTAssertNil(cells[3], "no envelope: no Prime Minister's plan")
            estimates += estimate
        }
        XCTAssertEqual(estimates, projected, "the fund sources' estimates sum exactly to the total's")

        // II. Carried-over capital: its tranche figures at D, and its own projection.
        let carried = try XCTUnwrap((province["tranches"] as? [[String: Any]])?.first { $0["tranche"] as? String == "carried_over" })
        let rowII = try XCTUnwrap(rows[trancheRows[1]])
        XCTAssertEqual(Self.vnd(rowII[5], unit: unit), Self.int(carried["plan_vnd"]))
        XCTAssertEqual(Self.vnd(rowII[6], unit: unit), Self.int(carried["disbursed_vnd"]))
        XCTAssertGreaterThan(Self.int(carried["plan_vnd"]) ?? 0, 0, "the fixture has carried-over capital")
        let carriedRules = try rules(counting: "carried_over", scratch: scratch)
        let carriedD = try json(["--as-of", "2023-08-31", "--rules", carriedRules])
        XCTAssertEqual(Self.vnd(rowII[7], unit: unit), try Self.estimate(carriedD))
        // Its fund sources: the carried-over check's, the estimates summing to the tranche's.
        let carriedSources = try XCTUnwrap((carriedD["province"] as? [String: Any])?["fund_sources"] as? [[String: Any]])
        let carriedChildren = dataRows.filter { $0 > trancheRows[1] && $0 < trancheRows[2] }
        XCTAssertEqual(carriedChildren.count, carriedSources.count)
        var carriedEstimates: Int64 = 0
        for (row, source) in zip(carriedChildren, carriedSources) {
            let cells = try XCTUnwrap(rows[row])
            XCTAssertEqual(Self.vnd(cells[5], unit: unit), Self.int(source["plan_vnd"]))
            XCTAssertEqual(Self.vnd(cells[6], unit: unit), Self.int(source["disbursed_vnd"]))
            carriedEstimates += try XCTUnwrap(Self.vnd(cells[7], unit: unit))
        }
        XCTAssertEqual(carriedEstimates, try Self.estimate(carriedD))

        // III. Advance plans: none in the fixture, zeros and no rate.
        let rowIII = try XCTUnwrap(rows[trancheRows[2]])
        XCTAssertEqual(Self.vnd(rowIII[5], unit: unit), 0)
        XCTAssertNil(rowIII[9], "no plan, no rate")
    }

    func test_formsRenderAsCSVAndPrintReadyHTML() throws {
        let scratch = Scratch()
        for form in ["01a", "01b", "phu-luc-cdt"] {
            let html = try CLI.run(["form", form, "--month", "2023-09", "--db", Self.db, "--format", "html"])
            XCTAssertEqual(html.status, 0, html.stderr)
            XCTAssertTrue(html.stdout.contains("@page { size: A4 landscape"))
            XCTAssertTrue(html.stdout.contains("rowspan=") || html.stdout.contains("colspan="), form)
            let csv = try CLI.run(["form", form, "--month", "2023-09", "--db", Self.db, "--format", "csv"])
            XCTAssertEqual(csv.status, 0, csv.stderr)
            XCTAssertTrue(csv.stdout.hasPrefix("\u{FEFF}"))
            let out = scratch.path + "/\(form).xlsx"
            XCTAssertEqual(try CLI.run(["form", form, "--month", "2023-09", "--db", Self.db, "--out", out]).status, 0)
            XCTAssertFalse(try OpenPyXL.read(out).isEmpty)
        }
        // A year the database does not hold is said, as check says it.
        let empty = try CLI.run(["form", "01a", "--month", "2024-02", "--db", Self.db, "--format", "csv"])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("nothing in the database for plan year 2024"), empty.stderr)
        // The appendix: one row per investor, the actual figures at D are check's.
        let csv = try CLI.run(["form", "phu-luc-cdt", "--month", "2023-09", "--db", Self.db, "--format", "csv"]).stdout
        let investors = try XCTUnwrap(try json(["--as-of", "2023-08-31"])["investors"] as? [[String: Any]])
        for i in investors {
            let name = try XCTUnwrap(i["investor"] as? String)
            let line = try XCTUnwrap(csv.components(separatedBy: "\r\n").first { $0.contains(name) }, name)
            let plan = try XCTUnwrap(Self.int(i["plan_vnd"]))
            XCTAssertTrue(line.contains(",\(plan / 1_000_000)"), "\(line) holds the plan in triệu: \(plan)")
        }
    }

    func test_form01bAndTheAppendixHoldCheckFiguresForEveryProjectAndInvestor() throws {
        let scratch = Scratch()
        let atD = try json(["--as-of", "2023-08-31"])
        let unit = 1_000_000.0
        // 01b: every project under its investor, with check's plan, disbursed and advances at D.
        let b = scratch.path + "/01b.xlsx"
        XCTAssertEqual(try CLI.run(["form", "01b", "--month", "2023-09", "--db", Self.db, "--out", b]).status, 0)
        let rows = try XCTUnwrap(try OpenPyXL.read(b).first).rows
        let projects = try XCTUnwrap(atD["projects"] as? [[String: Any]])
        // A key project is listed twice: once in section I and once under its investor, with the same figures.
        let codes = Set(projects.compactMap { $0["project_code"] as? String })
        let projectRows = rows.values.compactMap { r in r[2]?.text.flatMap { codes.contains($0) ? ($0, r) : nil } }
        var byCode: [String: [Int: OpenPyXL.Cell]] = [:]
        for (code, r) in projectRows {
            if let first = byCode[code] {
                XCTAssertEqual((3...10).map { first[$0]?.text ?? first[$0]?.number.map { "\($0)" } },
                               (3...10).map { r[$0]?.text ?? r[$0]?.number.map { "\($0)" } }, "\(code): both rows agree")
            } else { byCode[code] = r }
        }
        let keyCodes = Set(projects.filter { ($0["key_project"] as? Bool) == true }.compactMap { $0["project_code"] as? String })
        XCTAssertFalse(keyCodes.isEmpty, "the bundled province has key projects")
        XCTAssertEqual(projectRows.count, projects.count + keyCodes.count)
        XCTAssertEqual(projects.count, 51)
        var estimates: Int64 = 0
        for p in projects {
            let code = try XCTUnwrap(p["project_code"] as? String)
            let cells = try XCTUnwrap(byCode[code], code)
            XCTAssertEqual(cells[3]?.text, p["project_name"] as? String)
            XCTAssertEqual(Self.vnd(cells[5], unit: unit), Self.int(p["plan_vnd"]), code)
            XCTAssertEqual(Self.vnd(cells[6], unit: unit), Self.int(p["disbursed_vnd"]), code)
            XCTAssertEqual(Self.vnd(cells[10], unit: unit), Self.int(p["outstanding_advance_vnd"]), code)
            let estimate = try XCTUnwrap(Self.vnd(cells[7], unit: unit))
            XCTAssertLessThanOrEqual(estimate, max(try XCTUnwrap(Self.int(p["plan_vnd"])), try XCTUnwrap(Self.int(p["disbursed_vnd"]))),
                                     "\(code): never more than the plan")
            estimates += estimate
        }
        XCTAssertEqual(estimates, try Self.estimate(atD))
        // The appendix: one row per investor, in check's ranking order, with check's figures.
        let a = scratch.path + "/phu-luc.xlsx"
        XCTAssertEqual(try CLI.run(["form", "phu-luc-cdt", "--month", "2023-09", "--db", Self.db, "--out", a]).status, 0)
        let appendix = try XCTUnwrap(try OpenPyXL.read(a).first).rows
        let investors = try XCTUnwrap(atD["investors"] as? [[String: Any]])
        let investorRows = appendix.keys.sorted().compactMap { k -> [Int: OpenPyXL.Cell]? in
            guard let r = appendix[k], let n = r[1]?.text, Int(n) != nil, r[4]?.number != nil else { return nil }
            return r
        }
        XCTAssertEqual(investorRows.map { $0[2]?.text }, investors.map { $0["investor"] as? String })
        for (cells, i) in zip(investorRows, investors) {
            XCTAssertEqual(cells[3]?.number.map(Int64.init), Self.int(i["projects"]))
            XCTAssertEqual(Self.vnd(cells[4], unit: unit), Self.int(i["plan_vnd"]))
            XCTAssertEqual(Self.vnd(cells[5], unit: unit), Self.int(i["disbursed_vnd"]))
            XCTAssertEqual(cells[6]?.number, Self.floorRate(i["rate"], decimals: 1))
        }
    }

    func test_badFormFilesAreRefusedWithTheKeyNamed() throws {
        let scratch = Scratch()
        let cases: [(String, String)] = [
            ("id = \"x\"\ntitle = [\"T\"]\ncolor = 1\n[[columns]]\nmeasure = \"label\"\nheader = [\"A\"]\n[[rows]]\nkind = \"total\"\n", "color: unknown key"),
            ("id = \"x\"\ntitle = [\"T\"]\n[[columns]]\nmeasure = \"speed\"\nheader = [\"A\"]\n[[rows]]\nkind = \"total\"\n", "columns[0].measure"),
            ("id = \"x\"\ntitle = [\"{month_name}\"]\n[[columns]]\nmeasure = \"label\"\nheader = [\"A\"]\n[[rows]]\nkind = \"total\"\n", "title[0]: unknown placeholder {month_name}"),
            ("id = \"x\"\ntitle = [\"T\"]\n[[columns]]\nmeasure = \"label\"\nheader = [\"A\"]\n[[rows]]\nkind = \"total\"\nprojects = true\n", "rows[0].projects"),
            ("id = \"x\"\ntitle = [\"T\"]\n[[columns]]\nmeasure = \"label\"\nheader = [\"A\"]\n[[rows]]\nkind = \"everything\"\n", "rows[0].kind"),
        ]
        for (k, (text, expected)) in cases.enumerated() {
            let path = scratch.file("bad-\(k).toml", text)
            let r = try CLI.run(["form", "validate", path])
            XCTAssertEqual(r.status, 2, text)
            XCTAssertTrue(r.stderr.contains(expected), "\(r.stderr) names \(expected)")
            let render = try CLI.run(["form", path, "--month", "2023-09", "--db", Self.db, "--format", "csv"])
            XCTAssertEqual(render.status, 2)
            XCTAssertTrue(render.stdout.isEmpty, "nothing is written")
        }
        let month = try CLI.run(["form", "01a", "--month", "2023-13", "--db", Self.db, "--format", "csv"])
        XCTAssertEqual(month.status, 2)
        XCTAssertTrue(month.stderr.contains("--month"))
        let window = try CLI.run(["form", "01a", "--month", "2024-03", "--year", "2023", "--db", Self.db, "--format", "csv"])
        XCTAssertEqual(window.status, 2)
        XCTAssertTrue(window.stderr.contains("window"), window.stderr)
    }

    // MARK: - check, investors

    func test_checkWorkbookHoldsTheJSONFiguresSheetBySheet() throws {
        let scratch = Scratch()
        for lang in ["vi", "en"] {
            let out = scratch.path + "/check-\(lang).xlsx"
            let r = try CLI.run(["check", "--db", Self.db, "--as-of", "2023-09-15", "--format", "xlsx", "--out", out,
                                 "--fail-on", "never", "--lang", lang])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.isEmpty)
            let sheets = try OpenPyXL.read(out)
            let names = sheets.map(\.name)
            XCTAssertEqual(names, lang == "vi"
                ? ["Tỉnh", "Mốc kiểm tra", "Nhóm dự án", "Nguồn vốn", "Chủ đầu tư", "Dự án trọng điểm", "Dự án", "Cảnh báo"]
                : ["Province", "Checkpoints", "Classes", "Fund sources", "Investors", "Key projects", "Projects", "Warnings"])
            let j = try json(["--as-of", "2023-09-15"])
            for s in sheets {
                XCTAssertNotNil(s.freezePanes, "\(s.name): header frozen")
                XCTAssertNotNil(s.autoFilter, "\(s.name): filter buttons")
                XCTAssertFalse(s.widths.isEmpty, "\(s.name): column widths set")
            }
            // Projects: one row per project with the JSON's figures, numbers as numbers.
            func sheet(_ vi: String, _ en: String) throws -> OpenPyXL.Sheet {
                try XCTUnwrap(sheets.first { $0.name == (lang == "vi" ? vi : en) })
            }
            let projectSheet = try sheet("Dự án", "Projects")
            let header = projectSheet.rows[1] ?? [:]
            XCTAssertEqual(header[1]?.text, lang == "vi" ? "Mã dự án" : "Project code")
            let projects = try XCTUnwrap(j["projects"] as? [[String: Any]])
            let rows = projectSheet.rows
            XCTAssertEqual(rows.count, projects.count + 1)
            for (k, p) in projects.enumerated() {
                let cells = try XCTUnwrap(rows[k + 2])
                XCTAssertEqual(cells[1]?.text, p["project_code"] as? String)
                XCTAssertEqual(Self.vnd(cells[7], unit: 1), Self.int(p["plan_vnd"]))
                XCTAssertEqual(Self.vnd(cells[8], unit: 1), Self.int(p["disbursed_vnd"]))
                XCTAssertEqual(cells[9]?.number, Self.floorRate(p["rate"], decimals: 2))
                XCTAssertEqual(Self.vnd(cells[10], unit: 1), Self.int(p["remaining_vnd"]))
                XCTAssertEqual(Self.vnd(cells[11], unit: 1), Self.int(p["outstanding_advance_vnd"]))
                XCTAssertEqual(cells[7]?.numberFormat, "#,##0")
                if p["rate"] is NSNumber { XCTAssertEqual(cells[9]?.numberFormat, "0.00%") }
            }
            // Investors in the ranking order.
            let investors = try XCTUnwrap(j["investors"] as? [[String: Any]])
            let inv = try sheet("Chủ đầu tư", "Investors").rows
            for (k, i) in investors.enumerated() {
                let cells = try XCTUnwrap(inv[k + 2])
                XCTAssertEqual(cells[2]?.text, i["investor"] as? String)
                XCTAssertEqual(Self.vnd(cells[4], unit: 1), Self.int(i["plan_vnd"]))
                XCTAssertEqual(Self.vnd(cells[5], unit: 1), Self.int(i["disbursed_vnd"]))
                XCTAssertEqual(cells[6]?.number, Self.floorRate(i["rate"], decimals: 2))
                XCTAssertEqual(Self.vnd(cells[11], unit: 1), Self.int(i["shortfall_vnd"]))
            }
            // Fund sources of the province first.
            let province = try XCTUnwrap(j["province"] as? [String: Any])
            let sources = try XCTUnwrap(province["fund_sources"] as? [[String: Any]])
            let fs = try sheet("Nguồn vốn", "Fund sources").rows
            for (k, s) in sources.enumerated() {
                let cells = try XCTUnwrap(fs[k + 2])
                XCTAssertEqual(Self.vnd(cells[3], unit: 1), Self.int(s["plan_vnd"]))
                XCTAssertEqual(Self.vnd(cells[4], unit: 1), Self.int(s["disbursed_vnd"]))
            }
            // The summary's totals; the warnings, one row each.
            let summary = try sheet("Tỉnh", "Province")
            let values = Dictionary(summary.rows.values.compactMap { r -> (String, OpenPyXL.Cell)? in
                guard let k = r[1]?.text, let v = r[2] else { return nil }
                return (k, v)
            }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(Self.vnd(values[lang == "vi" ? "Kế hoạch vốn (đồng)" : "Plan (VND)"], unit: 1), Self.int(province["plan_vnd"]))
            XCTAssertEqual(Self.vnd(values[lang == "vi" ? "Đã giải ngân (đồng)" : "Disbursed (VND)"], unit: 1), Self.int(province["disbursed_vnd"]))
            let warnings = try XCTUnwrap(j["warnings"] as? [[String: Any]])
            let warningSheet = try sheet("Cảnh báo", "Warnings")
            XCTAssertEqual(warningSheet.rows.count, warnings.count + 1)
            for (k, w) in warnings.enumerated() {
                XCTAssertEqual(warningSheet.rows[k + 2]?[2]?.text, w["code"] as? String)
            }
        }
    }

    func test_investorsWorkbookAndTheTerminalRefusal() throws {
        let scratch = Scratch()
        let out = scratch.path + "/investors.xlsx"
        let r = try CLI.run(["investors", "--db", Self.db, "--as-of", "2023-09-15", "--format", "xlsx", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try OpenPyXL.read(out).map(\.name), ["Tỉnh", "Chủ đầu tư"])
        // Standard output redirected to a file: the bytes go there.
        let piped = try CLI.run(["check", "--db", Self.db, "--as-of", "2023-09-15", "--format", "xlsx", "--fail-on", "never"])
        XCTAssertEqual(piped.status, 0)
        XCTAssertTrue(piped.stdout.hasPrefix("PK"), "a ZIP container")
        // On a terminal it is refused: `script` gives the command one.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script to make a terminal") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", "\(CLI.binary) check --db \(Self.db) --as-of 2023-09-15 --format xlsx", "/dev/null"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 2, text)
        XCTAssertTrue(text.contains("--out FILE"), text)
        XCTAssertFalse(text.contains("PK\u{03}\u{04}"))
    }
}
