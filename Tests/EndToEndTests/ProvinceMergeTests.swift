import Foundation
import XCTest

/// `giaingan merge` on the fixture pair fixtures/merge/{bac-lieu,ca-mau} (README "Reorganisation").
final class ProvinceMergeTests: XCTestCase {
    /// A database of one former province, imported through the CLI.
    func province(_ name: String, _ dir: TempDir) throws -> String {
        let db = dir.path + "/\(name).sqlite"
        let folder = CLI.fixtures + "/merge/" + name
        for (kind, file) in [("projects", "projects.csv"), ("plan", "plan.csv"), ("disbursements", "disbursements.csv")] {
            let r = try CLI.run(["import", kind, folder + "/" + file, "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    func check(_ db: String, asOf: String = "2025-11-30") throws -> [String: Any] {
        let r = try CLI.run(["check", "--db", db, "--year", "2025", "--as-of", asOf, "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
    }

    /// The money figures of a subject: its own and those at each checkpoint it passed.
    func figures(_ subject: [String: Any]) -> [String: Int] {
        var out: [String: Int] = [:]
        for key in ["plan_vnd", "disbursed_vnd", "outstanding_advance_vnd", "shortfall_vnd", "remaining_vnd"] {
            if let v = subject[key] as? Int { out[key] = v }
        }
        for c in subject["checkpoints"] as? [[String: Any]] ?? [] {
            let name = c["name"] as? String ?? "?"
            for key in ["plan_vnd", "disbursed_vnd"] {
                if let v = c[key] as? Int { out["\(name).\(key)"] = v }
            }
        }
        return out
    }

    func byKey(_ list: Any?, _ key: String) -> [String: [String: Int]] {
        Dictionary(uniqueKeysWithValues: (list as? [[String: Any]] ?? []).map { ($0[key] as? String ?? "?", figures($0)) })
    }

    func sum(_ a: [String: Int], _ b: [String: Int]) -> [String: Int] { a.merging(b, uniquingKeysWith: +) }

    func test_theMergedProvinceChecksToExactlyTheSumOfTheTwo() throws {
        let dir = TempDir()
        let bacLieu = try province("bac-lieu", dir), caMau = try province("ca-mau", dir)
        for asOf in ["2025-03-31", "2025-06-30", "2025-11-30"] {
            let a = try check(bacLieu, asOf: asOf), b = try check(caMau, asOf: asOf)
            let merged = dir.path + "/merged-\(asOf).sqlite"
            try FileManager.default.copyItem(atPath: caMau, toPath: merged)
            let r = try CLI.run(["merge", bacLieu, "--db", merged, "--former-province", "Bạc Liêu"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("6 projects"), r.stdout)
            let m = try check(merged, asOf: asOf)
            let province = { (e: [String: Any]) in self.figures(e["province"] as? [String: Any] ?? [:]) }
            // The shortfall to a checkpoint is not additive (a project ahead does not make up for
            // one behind, and the province's is figured on the province's own total): left out.
            let additive = { (f: [String: Int]) in f.filter { $0.key != "shortfall_vnd" } }
            XCTAssertEqual(additive(province(m)), additive(sum(province(a), province(b))), asOf)
            XCTAssertFalse(province(m).isEmpty)
            let groupsA = byKey(a["groups"], "class"), groupsB = byKey(b["groups"], "class")
            let groupsM = byKey(m["groups"], "class")
            XCTAssertEqual(Set(groupsM.keys), Set(groupsA.keys).union(groupsB.keys))
            for (k, v) in groupsM { XCTAssertEqual(additive(v), additive(sum(groupsA[k] ?? [:], groupsB[k] ?? [:])), "\(asOf) class \(k)") }
            // Investors and projects are each one province's: the same figures, one by one.
            XCTAssertEqual(byKey(m["investors"], "investor"), byKey(a["investors"], "investor").merging(byKey(b["investors"], "investor")) { x, _ in x })
            XCTAssertEqual(byKey(m["projects"], "project_code"), byKey(a["projects"], "project_code").merging(byKey(b["projects"], "project_code")) { x, _ in x })
            // The breakdown by former province gives each its own total back.
            let parts = try XCTUnwrap(m["former_provinces"] as? [[String: Any]])
            XCTAssertEqual(parts.count, 2)
            let own = try XCTUnwrap(parts.first { $0["former_province"] is NSNull })
            let brought = try XCTUnwrap(parts.first { $0["former_province"] as? String == "Bạc Liêu" })
            let pa = try XCTUnwrap(a["province"] as? [String: Any]), pb = try XCTUnwrap(b["province"] as? [String: Any])
            XCTAssertEqual(brought["disbursed_vnd"] as? Int, pa["disbursed_vnd"] as? Int)
            XCTAssertEqual(brought["plan_vnd"] as? Int, pa["plan_vnd"] as? Int)
            XCTAssertEqual(own["disbursed_vnd"] as? Int, pb["disbursed_vnd"] as? Int)
            XCTAssertEqual(own["projects"] as? Int, 6)
        }
    }

    func test_mergingTwiceChangesNothing() throws {
        let dir = TempDir()
        let bacLieu = try province("bac-lieu", dir), merged = try province("ca-mau", dir)
        XCTAssertEqual(try CLI.run(["merge", bacLieu, "--db", merged]).status, 0)
        let once = try CLI.run(["check", "--db", merged, "--year", "2025", "--as-of", "2025-11-30", "--format", "json"]).stdout
        let again = try CLI.run(["merge", bacLieu, "--db", merged])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("nothing new"), again.stdout)
        XCTAssertEqual(try CLI.run(["check", "--db", merged, "--year", "2025", "--as-of", "2025-11-30", "--format", "json"]).stdout, once)
        // Without --former-province the file's name says where the projects came from.
        let text = try CLI.run(["check", "--db", merged, "--year", "2025", "--as-of", "2025-11-30", "--lang", "en"]).stdout
        XCTAssertTrue(text.contains("BY FORMER PROVINCE"), text)
        XCTAssertTrue(text.contains("bac-lieu"), text)
        XCTAssertTrue(text.contains("(this province)"), text)
    }

    func test_everyConflictIsListed_andNothingIsWritten() throws {
        let dir = TempDir()
        let caMau = try province("ca-mau", dir)
        let other = dir.path + "/other.sqlite"
        // Another database that names CM001 differently and holds CM-2025-0001 with another amount.
        let projects = try String(contentsOfFile: CLI.fixtures + "/merge/ca-mau/projects.csv", encoding: .utf8)
            .replacingOccurrences(of: "CM001,Đường giao thông", with: "CM001,Đường tỉnh lộ")
        let firstEntry = try XCTUnwrap(try String(contentsOfFile: CLI.fixtures + "/merge/ca-mau/disbursements.csv", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("CM-2025-0001,") })
        var cells = firstEntry.split(separator: ",").map(String.init)
        cells[6] = "999000000"
        let ledger = "txn_id,project_code,plan_year,tranche,date,type,amount_vnd\n" + cells.joined(separator: ",") + "\n"
        XCTAssertEqual(try CLI.run(["import", "projects", dir.file("p.csv", projects), "--db", other]).status, 0)
        XCTAssertEqual(try CLI.run(["import", "disbursements", dir.file("d.csv", ledger), "--db", other]).status, 0)
        let before = try CLI.run(["check", "--db", caMau, "--year", "2025", "--as-of", "2025-11-30", "--format", "json"]).stdout
        let r = try CLI.run(["merge", other, "--db", caMau, "--former-province", "X"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("2 conflicts"), r.stderr)
        XCTAssertTrue(r.stderr.contains("project CM001: name \"Đường giao thông"), r.stderr)
        XCTAssertTrue(r.stderr.contains("txn_id CM-2025-0001: here project CM001"), r.stderr)
        XCTAssertTrue(r.stderr.contains("999000000 VND"), r.stderr)
        XCTAssertEqual(try CLI.run(["check", "--db", caMau, "--year", "2025", "--as-of", "2025-11-30", "--format", "json"]).stdout, before)
        XCTAssertEqual(try CLI.run(["merge", caMau, "--db", caMau]).status, 2, "a database is not merged into itself")
    }
}
