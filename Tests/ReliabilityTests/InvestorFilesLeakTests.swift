import Foundation
import XCTest

/// The files made for sending to investors (`report --per-investor` in every format, and the
/// weekly run's `investors/`) hold only their own investor: no other investor's name, project
/// code or project name. (`check --investor` is tested in EndToEndTests.)
final class InvestorFilesLeakTests: XCTestCase {
    static let asOf = "2023-09-15"

    /// The bundled province, imported through the CLI once.
    static let province: (scratch: Scratch, database: String) = {
        let scratch = Scratch()
        let db = scratch.path + "/province.sqlite"
        for (kind, files) in [("projects", ["projects.csv"]), ("plan", ["plan.csv"]),
                              ("disbursements", ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"])] {
            let r = try! CLI.run(["import", kind] + files.map { Repository.province + "/" + $0 } + ["--db", db])
            precondition(r.status == 0, r.stderr)
        }
        return (scratch, db)
    }()

    struct ProjectFacts { var code: String; var name: String; var investor: String }

    func projects() throws -> [ProjectFacts] {
        let r = try CLI.run(["check", "--db", Self.province.database, "--as-of", Self.asOf, "--format", "json", "--fail-on", "never"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return (json["projects"] as! [[String: Any]]).map {
            ProjectFacts(code: $0["project_code"] as! String, name: $0["project_name"] as! String, investor: $0["investor"] as! String)
        }
    }

    /// Checks one investor's file: its own investor is named, nobody else's name, code or project.
    func assertHoldsOnly(_ investor: String, text: String, projects: [ProjectFacts], file: String) {
        XCTAssertTrue(text.contains(investor) || text.contains(investor.replacingOccurrences(of: "&", with: "&amp;")),
                      "\(file) names its investor \(investor)")
        let others = projects.filter { $0.investor != investor }
        for other in Set(others.map(\.investor)) where !investor.contains(other) {
            XCTAssertFalse(text.contains(other), "\(file) leaks investor \(other)")
        }
        let ownNames = projects.filter { $0.investor == investor }.map(\.name)
        for p in others {
            XCTAssertFalse(text.contains(p.code), "\(file) leaks project \(p.code) of \(p.investor)")
            if !ownNames.contains(where: { $0.contains(p.name) }) {
                XCTAssertFalse(text.contains(p.name), "\(file) leaks project name \(p.name)")
            }
        }
    }

    func test_everyPerInvestorFileInEveryFormatHoldsOnlyItsInvestor() throws {
        let projects = try projects()
        let investors = Set(projects.map(\.investor))
        XCTAssertEqual(investors.count, 12)
        let scratch = Scratch()
        for format in ["text", "json", "csv", "md", "html"] {
            for lang in ["vi", "en"] {
                let dir = scratch.path + "/\(format)-\(lang)"
                let r = try CLI.run(["report", "--db", Self.province.database, "--per-investor", dir, "--format", format,
                                     "--lang", lang, "--as-of", Self.asOf])
                XCTAssertEqual(r.status, 0, r.stderr)
                let files = try FileManager.default.contentsOfDirectory(atPath: dir)
                XCTAssertEqual(files.count, investors.count, "\(format): one file per investor")
                var covered = Set<String>()
                for name in files {
                    let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
                    // The file's investor: the only one whose name it holds.
                    let named = investors.filter { text.contains($0) }
                    let own = try XCTUnwrap(named.max { $0.count < $1.count }, "\(format)/\(name) names no investor")
                    covered.insert(own)
                    assertHoldsOnly(own, text: text, projects: projects, file: "\(format)/\(lang)/\(name)")
                }
                XCTAssertEqual(covered, investors, "\(format): every investor has its own file")
            }
        }
    }

    func test_theWeeklyRunsInvestorFilesHoldOnlyTheirInvestor() throws {
        let projects = try projects()
        let scratch = Scratch()
        let inbox = scratch.folder("inbox")
        for f in ["projects.csv", "plan.csv", "disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"] {
            try FileManager.default.copyItem(atPath: Repository.province + "/" + f, toPath: inbox + "/" + f)
        }
        let r = try CLI.run(["weekly", "--db", scratch.path + "/db.sqlite", "--inbox", inbox, "--out", scratch.path + "/out",
                             "--as-of", Self.asOf])
        XCTAssertTrue([0, 1].contains(r.status), r.stderr)
        let dir = scratch.path + "/out/\(Self.asOf)/investors"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertEqual(files.filter { $0.hasSuffix(".html") }.count, 12)
        XCTAssertEqual(files.filter { $0.hasSuffix(".xlsx") }.count, 12)
        let investors = Set(projects.map(\.investor))
        let books = try OpenPyXL.read(files.filter { $0.hasSuffix(".xlsx") }.map { dir + "/" + $0 })
        for name in files {
            let text = name.hasSuffix(".xlsx") ? Self.text(of: books[dir + "/" + name] ?? [])
                : try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            let own = try XCTUnwrap(investors.filter { text.contains($0) }.max { $0.count < $1.count }, name)
            assertHoldsOnly(own, text: text, projects: projects, file: "weekly/\(name)")
            // The same investor's HTML and workbook share the slug.
            if name.hasSuffix(".xlsx") {
                let html = try String(contentsOfFile: dir + "/" + name.replacingOccurrences(of: ".xlsx", with: ".html"), encoding: .utf8)
                XCTAssertEqual(investors.filter { html.contains($0) }.max { $0.count < $1.count }, own, name)
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path + "/out/\(Self.asOf)/report.xlsx"))
    }

    /// Every text of a workbook read back by openpyxl: sheet names and cells.
    static func text(of sheets: [OpenPyXL.Sheet]) -> String {
        sheets.map { $0.name + "\n" + $0.allText }.joined(separator: "\n")
    }

    func test_everyPerInvestorWorkbookHoldsOnlyItsInvestor() throws {
        let projects = try projects()
        let investors = Set(projects.map(\.investor))
        let scratch = Scratch()
        for lang in ["vi", "en"] {
            let dir = scratch.path + "/xlsx-\(lang)"
            let r = try CLI.run(["report", "--db", Self.province.database, "--per-investor", dir, "--format", "xlsx",
                                 "--lang", lang, "--as-of", Self.asOf])
            XCTAssertEqual(r.status, 0, r.stderr)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            XCTAssertEqual(files.count, investors.count)
            let books = try OpenPyXL.read(files.map { dir + "/" + $0 })
            var covered = Set<String>()
            for name in files {
                let text = Self.text(of: try XCTUnwrap(books[dir + "/" + name]))
                let own = try XCTUnwrap(investors.filter { text.contains($0) }.max { $0.count < $1.count }, "xlsx/\(name) names no investor")
                covered.insert(own)
                assertHoldsOnly(own, text: text, projects: projects, file: "xlsx/\(lang)/\(name)")
            }
            XCTAssertEqual(covered, investors)
        }
    }
}
