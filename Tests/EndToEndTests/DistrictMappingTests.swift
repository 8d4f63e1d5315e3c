import Foundation
import XCTest

/// `giaingan import districts`: old districts and communes and the units that replaced them,
/// used for the `district` of every report from the date on (README "Reorganisation").
final class DistrictMappingTests: XCTestCase {
    func project(_ db: String, _ code: String, asOf: String) throws -> [String: Any] {
        let r = try CLI.run(["check", "--db", db, "--year", "2025", "--as-of", asOf, "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        return try XCTUnwrap((top["projects"] as? [[String: Any]])?.first { $0["project_code"] as? String == code })
    }

    func test_aRenamedDistrictShowsItsNewUnitFromTheDate_theOldOneBeside() throws {
        let dir = TempDir()
        let db = dir.path + "/d.sqlite"
        let t = ReorganisationTests.self
        for (kind, name, text) in [("projects", "projects.csv", t.projects), ("plan", "plan.csv", t.plan), ("disbursements", "l.csv", t.ledger)] {
            XCTAssertEqual(try CLI.run(["import", kind, dir.file(name, text), "--db", db]).status, 0)
        }
        let file = dir.file("dia-ban.csv", """
            Đơn vị cũ,Đơn vị mới,Ngày hiệu lực
            Huyện Hòa Bình,Xã Hòa Bình,01/07/2025
            Huyện Đông Hải,Xã Gành Hào,01/07/2025

            """)
        let r = try CLI.run(["import", "districts", file, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 rows: 2 added"), r.stdout)
        let before = try project(db, "P1", asOf: "2025-06-30")
        XCTAssertEqual(before["district"] as? String, "Huyện Hòa Bình")
        XCTAssertTrue(before["former_district"] is NSNull)
        let after = try project(db, "P3", asOf: "2025-07-01")
        XCTAssertEqual(after["district"] as? String, "Xã Gành Hào")
        XCTAssertEqual(after["former_district"] as? String, "Huyện Đông Hải")
        let csv = try CLI.run(["check", "--db", db, "--year", "2025", "--as-of", "2025-09-30", "--format", "csv", "--fail-on", "never"]).stdout
        XCTAssertTrue(csv.contains("P1,Đường Hòa Bình – Vĩnh Mỹ,Ban QLDA huyện Hòa Bình,Xã Hòa Bình,"), csv)
        XCTAssertTrue(csv.contains(",Huyện Hòa Bình\r\n"), "former_district, the last column")
        // The same unit mapped elsewhere is refused, with its line; nothing written.
        let bad = dir.file("bad.csv", "old_unit,new_unit,effective_on\nHuyện Phú Tân,Xã Phú Tân,2025-07-01\nHuyện Hòa Bình,Xã Vĩnh Mỹ,2025-07-01\n")
        let refused = try CLI.run(["import", "districts", bad, "--db", db])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("bad.csv:3: column \"old_unit\""), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Huyện Hòa Bình → Xã Hòa Bình from 2025-07-01 is already recorded"), refused.stderr)
        XCTAssertEqual(try CLI.run(["import", "districts", bad, "--db", db]).status, 2, "nothing of it was kept")
    }
}
