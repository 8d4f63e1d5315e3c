import Foundation
import XCTest

/// Issue 13, item 2: the capital envelope is imported like the other kinds, and the Ministry of
/// Finance's figures of 27/11/2025 come out as it published them.
final class EnvelopeAndMinistryTests: XCTestCase {
    static let ministry = CLI.fixtures + "/ministry-2025"

    func ministryDatabase(_ dir: TempDir) throws -> String {
        let db = dir.path + "/mof.sqlite"
        for kind in ["projects", "plan", "envelope", "disbursements"] {
            let r = try CLI.run(["import", kind, Self.ministry + "/\(kind).csv", "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    func test_theMinistrysNationalFiguresComeOutAs57_9And59_7Percent() throws {
        let dir = TempDir()
        let db = try ministryDatabase(dir)
        let args = ["check", "--db", db, "--rules", Self.ministry + "/rules.toml", "--as-of", "2025-11-27", "--fail-on", "never"]
        let json = try CLI.run(args + ["--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let total = try XCTUnwrap((object["envelope"] as? [String: Any])?["total"] as? [String: Any])
        XCTAssertEqual(total["prime_minister_vnd"] as? Int, 913_216_200_000_000)
        XCTAssertEqual(total["adjusted_vnd"] as? Int, 885_786_600_000_000)
        XCTAssertEqual(total["disbursed_vnd"] as? Int, 528_870_200_000_000)
        XCTAssertEqual((total["rate_on_prime_minister"] as? NSNumber)?.stringValue, "0.579129")   // 0.5791293…, rounded down
        XCTAssertEqual((total["rate_on_adjusted"] as? NSNumber)?.stringValue, "0.597062")
        XCTAssertTrue(total["locally_added_vnd"] is NSNull, "no province line: nothing to add to")
        XCTAssertEqual(total["unallocated_vnd"] as? Int, 0, "allocated all the Prime Minister assigned")
        // The province is judged on the plan the Prime Minister assigned, as the rules say.
        let province = try XCTUnwrap(object["province"] as? [String: Any])
        XCTAssertEqual(province["plan_vnd"] as? Int, 913_216_200_000_000)

        let text = try CLI.run(args)
        XCTAssertTrue(text.stdout.contains("57,9%"), text.stdout)
        XCTAssertTrue(text.stdout.contains("59,7%"), text.stdout)
        XCTAssertTrue(text.stdout.contains("không tính vốn bổ sung sau 30/9"), text.stdout)
        let en = try CLI.run(args + ["--lang", "en"])
        XCTAssertTrue(en.stdout.contains("57.9%") && en.stdout.contains("59.7%"), en.stdout)
    }

    func test_envelopeFilesImportOnceAndBadOnesAreRefusedWithTheirPlace() throws {
        let dir = TempDir()
        let db = try ministryDatabase(dir)
        let again = try CLI.run(["import", "envelope", Self.ministry + "/envelope.csv", "--db", db])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("already imported"), again.stdout)
        // The same lines in another file (respelled) add nothing.
        let respelled = dir.file("giao-von.csv", """
            Năm kế hoạch,Cấp giao,Nguồn vốn,Số vốn giao,Ngày hiệu lực,Số quyết định
            2025,Thủ tướng,NSTW,885.786.600.000.000,01/01/2025,Thủ tướng giao đầu năm
            2025,TTg,nstw,27.429.600.000.000,15/10/2025,Vốn bổ sung sau 30/9

            """)
        let r = try CLI.run(["import", "envelope", respelled, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("0 added, 2 already present"), "nstw is NSTW: \(r.stdout)")
        let bad = dir.file("bad.csv", "plan_year,level,amount_vnd,effective_on\n2025,huyện,1000,2025-01-01\n2099,province,12x,2025-01-01\n")
        let refused = try CLI.run(["import", "envelope", bad, "--db", db])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("bad.csv:2: column \"level\" (2): value \"huyện\": expected an envelope level: prime_minister or province"),
                      refused.stderr)
        XCTAssertTrue(refused.stderr.contains("bad.csv:3: column \"amount_vnd\""), refused.stderr)
        // The weekly run recognises an envelope file by its header.
        let inbox = dir.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.ministry + "/envelope.csv", toPath: inbox + "/giao-von-2025.csv")
        let fresh = dir.path + "/fresh.sqlite"
        for kind in ["projects", "plan"] { _ = try CLI.run(["import", kind, Self.ministry + "/\(kind).csv", "--db", fresh]) }
        let weekly = try CLI.run(["weekly", "--db", fresh, "--inbox", inbox, "--out", dir.path + "/out", "--as-of", "2025-11-27",
                                  "--rules", Self.ministry + "/rules.toml"])
        XCTAssertTrue(weekly.stdout.contains("imported: giao-von-2025.csv"), weekly.stdout + weekly.stderr)
    }
}
