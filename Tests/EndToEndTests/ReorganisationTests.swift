import Foundation
import XCTest

/// The 2025 reorganisation through the real CLI (README "Reorganisation"): a district board
/// merged into a provincial one, another split by project between a provincial board and a
/// commune, and what every view shows before and after the change.
final class ReorganisationTests: XCTestCase {
    static let hoaBinh = "Ban QLDA huyện Hòa Bình"
    static let dongHai = "Ban QLDA huyện Đông Hải"
    static let tinh = "Ban QLDA tỉnh Cà Mau"
    static let xa = "UBND xã Đông Hải"

    static let projects = """
        project_code,project_name,investor,district
        P1,Đường Hòa Bình – Vĩnh Mỹ,\(hoaBinh),Huyện Hòa Bình
        P2,Trường THCS Hòa Bình,\(hoaBinh),Huyện Hòa Bình
        P3,Cầu Gành Hào,\(dongHai),Huyện Đông Hải
        P4,Kè Điền Hải,\(dongHai),Huyện Đông Hải

        """
    static let plan = """
        project_code,plan_year,class,amount_vnd,effective_on,decision_ref
        P1,2025,transitional,1000000000,2025-01-10,10/QĐ-UBND
        P2,2025,transitional,1000000000,2025-01-10,10/QĐ-UBND
        P3,2025,transitional,1000000000,2025-01-10,10/QĐ-UBND
        P4,2025,transitional,1000000000,2025-01-10,10/QĐ-UBND

        """
    static let ledger = """
        txn_id,project_code,plan_year,date,type,amount_vnd
        T1,P1,2025,2025-03-01,payment,100000000
        T2,P1,2025,2025-08-01,payment,200000000
        T3,P2,2025,2025-05-01,payment,50000000
        T4,P3,2025,2025-06-15,payment,300000000
        T5,P3,2025,2025-07-15,payment,100000000
        T6,P4,2025,2025-09-01,payment,10000000

        """

    /// A database with the registry, plan and ledger above, before any succession.
    func database(_ dir: TempDir) throws -> String {
        let db = dir.path + "/reorg.sqlite"
        for (kind, name, text) in [("projects", "projects.csv", Self.projects), ("plan", "plan.csv", Self.plan),
                                   ("disbursements", "ledger.csv", Self.ledger)] {
            let r = try CLI.run(["import", kind, dir.file(name, text), "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    /// Records the merge (Hòa Bình whole) and the split (Đông Hải by project) on 1/7/2025.
    func reorganise(_ db: String) throws {
        for args in [["--from", Self.hoaBinh, "--to", Self.tinh],
                     ["--from", Self.dongHai, "--to", Self.tinh, "--project", "P3"],
                     ["--from", Self.dongHai, "--to", Self.xa, "--project", "P4"]] {
            let r = try CLI.run(["succession", "add"] + args + ["--on", "2025-07-01", "--ref", "1234/QĐ-UBND", "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
    }

    func check(_ db: String, asOf: String, format: String = "json", lang: String = "vi") throws -> CLI.Result {
        let r = try CLI.run(["check", "--db", db, "--year", "2025", "--as-of", asOf, "--format", format, "--lang", lang,
                             "--fail-on", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r
    }

    func investors(_ r: CLI.Result) throws -> [String: [String: Any]] {
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        let list = try XCTUnwrap(top["investors"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["investor"] as? String ?? "", $0) })
    }

    func province(_ r: CLI.Result) throws -> [String: Any] {
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        return try XCTUnwrap(top["province"] as? [String: Any])
    }

    func test_mergeAndSplit_theNewInvestorsHoldTheWholeYear_withTheirLineage() throws {
        let dir = TempDir()
        let db = try database(dir)
        let before = try check(db, asOf: "2025-09-30")
        try reorganise(db)
        let after = try check(db, asOf: "2025-09-30")
        let i = try investors(after)
        XCTAssertEqual(Set(i.keys), [Self.tinh, Self.xa], "the old boards hold nothing on 30/9/2025")
        XCTAssertEqual(i[Self.tinh]?["plan_vnd"] as? Int, 3_000_000_000)
        XCTAssertEqual(i[Self.tinh]?["disbursed_vnd"] as? Int, 750_000_000, "P1 + P2 + P3, before and after 1/7 alike")
        XCTAssertEqual(i[Self.xa]?["disbursed_vnd"] as? Int, 10_000_000)
        let lineage = try XCTUnwrap(i[Self.tinh]?["lineage"] as? [[String: String]])
        XCTAssertEqual(lineage, [["investor": Self.hoaBinh, "until": "2025-06-30", "decision_ref": "1234/QĐ-UBND"],
                                 ["investor": Self.dongHai, "until": "2025-06-30", "decision_ref": "1234/QĐ-UBND"]]
                                    .sorted { $0["investor"]! < $1["investor"]! })
        XCTAssertEqual((i[Self.xa]?["lineage"] as? [[String: String]])?.map { $0["investor"] }, [Self.dongHai])
        // The province is the same money, whoever holds it.
        XCTAssertEqual(try province(after)["disbursed_vnd"] as? Int, try province(before)["disbursed_vnd"] as? Int)
        XCTAssertEqual(try province(after)["plan_vnd"] as? Int, 4_000_000_000)

        let text = try check(db, asOf: "2025-09-30", format: "text").stdout
        XCTAssertTrue(text.contains("\(Self.tinh): gồm \(Self.hoaBinh) đến 30/06/2025 (1234/QĐ-UBND); \(Self.dongHai) đến 30/06/2025 (1234/QĐ-UBND)"), text)
        let english = try check(db, asOf: "2025-09-30", format: "text", lang: "en").stdout
        XCTAssertTrue(english.contains("\(Self.xa): including \(Self.dongHai) until 2025-06-30 (1234/QĐ-UBND)"), english)
        for format in ["md", "html"] {
            let out = try check(db, asOf: "2025-09-30", format: format).stdout
            XCTAssertTrue(out.contains("gồm \(Self.dongHai) đến 30/06/2025"), format)
        }
        let csv = try check(db, asOf: "2025-09-30", format: "csv").stdout
        let header = try XCTUnwrap(csv.split(separator: "\r\n").first)
        XCTAssertTrue(header.hasSuffix(",investor_lineage,former_province,former_district"), String(header))
        XCTAssertTrue(csv.contains("P4,Kè Điền Hải,\(Self.xa),"), csv)
        XCTAssertTrue(csv.contains("\(Self.dongHai) until 2025-06-30 (1234/QĐ-UBND)"), csv)
    }

    func test_anAsOfDateBeforeTheChange_showsTheInvestorsAsTheyWere() throws {
        let dir = TempDir()
        let db = try database(dir)
        let before = try check(db, asOf: "2025-06-20")
        try reorganise(db)
        let then = try check(db, asOf: "2025-06-20")
        let i = try investors(then)
        XCTAssertEqual(Set(i.keys), [Self.hoaBinh, Self.dongHai])
        XCTAssertEqual(i[Self.hoaBinh]?["disbursed_vnd"] as? Int, 150_000_000)
        XCTAssertEqual(i[Self.dongHai]?["disbursed_vnd"] as? Int, 300_000_000)
        XCTAssertEqual((i[Self.hoaBinh]?["lineage"] as? [Any])?.count, 0)
        // Exactly the report made before the successions were recorded.
        XCTAssertEqual(try investors(before).mapValues { $0["disbursed_vnd"] as? Int }, i.mapValues { $0["disbursed_vnd"] as? Int })
        // The last day of the old board, and the first of the new one.
        XCTAssertEqual(Set(try investors(try check(db, asOf: "2025-06-30")).keys), [Self.hoaBinh, Self.dongHai])
        XCTAssertEqual(Set(try investors(try check(db, asOf: "2025-07-01")).keys), [Self.tinh, Self.xa])
    }

    func test_theSameSuccessionTwiceChangesNothing_andAWrongOneIsRefused() throws {
        let dir = TempDir()
        let db = try database(dir)
        try reorganise(db)
        let again = try CLI.run(["succession", "add", "--from", Self.hoaBinh, "--to", Self.tinh, "--on", "2025-07-01",
                                 "--ref", "1234/QĐ-UBND", "--db", db])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("nothing new"), again.stdout)
        let list = try CLI.run(["succession", "list", "--db", db])
        XCTAssertEqual(list.stdout.split(separator: "\n").count, 4, list.stdout)
        // Hòa Bình holds nothing after 1/7/2025: nothing to pass on.
        let none = try CLI.run(["succession", "add", "--from", Self.hoaBinh, "--to", Self.xa, "--on", "2025-08-01",
                                "--ref", "5/QĐ", "--db", db])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("holds none"), none.stderr)
        // P1 is not Đông Hải's.
        let wrong = try CLI.run(["succession", "add", "--from", Self.dongHai, "--to", Self.xa, "--on", "2025-08-01",
                                 "--ref", "5/QĐ", "--project", "P1", "--db", db])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("the investor of project P1 on 2025-07-31"), wrong.stderr)
        XCTAssertEqual(try CLI.run(["succession", "list", "--db", db]).stdout, list.stdout, "nothing written")
    }

    func test_aRegistryReimportNeverUndoesASuccession_andAnUndatedChangeIsNoted() throws {
        let dir = TempDir()
        let db = try database(dir)
        try reorganise(db)
        // Last year's registry export again (P1 still Hòa Bình's), P4 now under a third board.
        let reimport = Self.projects.replacingOccurrences(of: "P4,Kè Điền Hải,\(Self.dongHai)", with: "P4,Kè Điền Hải,Ban QLDA khu vực")
        let r = try CLI.run(["import", "projects", dir.file("projects-2.csv", reimport), "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("project P1: the file gives \(Self.hoaBinh), which passed it to \(Self.tinh) on 2025-07-01 (1234/QĐ-UBND); the recorded succession is kept"), r.stdout)
        XCTAssertTrue(r.stdout.contains("project P4: the investor changes from \(Self.xa) to Ban QLDA khu vực with no recorded succession"), r.stdout)
        XCTAssertTrue(r.stdout.contains("giaingan succession add"), r.stdout)
        let i = try investors(try check(db, asOf: "2025-09-30"))
        XCTAssertEqual(i[Self.tinh]?["disbursed_vnd"] as? Int, 750_000_000, "P1–P3 stay with the provincial board")
        XCTAssertEqual(i["Ban QLDA khu vực"]?["disbursed_vnd"] as? Int, 10_000_000, "an undated change moves the year, as before")
        // Before 1/7 the old boards still hold their projects.
        XCTAssertEqual(try investors(try check(db, asOf: "2025-06-20"))[Self.hoaBinh]?["disbursed_vnd"] as? Int, 150_000_000)
    }

    func test_aSuccessionsFile_recordsWhatTheCommandsDo() throws {
        let dir = TempDir()
        let byCommand = try database(dir)
        try reorganise(byCommand)
        let other = TempDir()
        let byFile = try database(other)
        let file = other.file("sap-xep.csv", """
            Chủ đầu tư cũ,Chủ đầu tư mới,Ngày hiệu lực,Số quyết định,Mã dự án
            \(Self.hoaBinh),\(Self.tinh),01/07/2025,1234/QĐ-UBND,
            \(Self.dongHai),\(Self.tinh),01/07/2025,1234/QĐ-UBND,P3
            \(Self.dongHai),\(Self.xa),01/07/2025,1234/QĐ-UBND,P4

            """)
        let r = try CLI.run(["import", "successions", file, "--db", byFile])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("3 rows: 4 added"), r.stdout)
        let list = { (db: String) in try CLI.run(["succession", "list", "--json", "--db", db]).stdout }
        XCTAssertEqual(try list(byFile), try list(byCommand))
        XCTAssertEqual(try check(byFile, asOf: "2025-09-30").stdout, try check(byCommand, asOf: "2025-09-30").stdout)
        // A row naming a project its old investor did not hold refuses the whole file.
        let bad = other.file("bad.csv", """
            from_investor,to_investor,effective_on,decision_ref,project_code
            \(Self.tinh),\(Self.xa),2025-10-01,77/QĐ,P1
            \(Self.hoaBinh),\(Self.xa),2025-10-01,77/QĐ,P2

            """)
        let refused = try CLI.run(["import", "successions", bad, "--db", byFile])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("bad.csv:3: column \"from_investor\""), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("the investor of project P2 on 2025-09-30"), refused.stderr)
        XCTAssertEqual(try list(byFile), try list(byCommand), "nothing written")
    }
}
