import Foundation
import XCTest

/// A comparison across a succession compares an investor with the same projects then
/// (README "Reorganisation"): a project it took over is not money disbursed since.
extension ReorganisationTests {
    func test_sinceADateBeforeTheChange_theNewInvestorIsComparedWithItsProjectsThen() throws {
        let dir = TempDir()
        let db = try database(dir)
        try reorganise(db)
        let r = try CLI.run(["check", "--db", db, "--year", "2025", "--as-of", "2025-09-30", "--since", "2025-06-20",
                             "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let investors = try self.investors(r)
        let since = try XCTUnwrap(investors[ReorganisationTests.tinh]?["since_last"] as? [String: Any])
        XCTAssertEqual(since["disbursed_vnd"] as? Int, 450_000_000, "P1 100 + P2 50 + P3 300 million on 20/6, under their old boards")
        XCTAssertEqual(since["disbursed_change_vnd"] as? Int, 300_000_000, "P1's 200 and P3's 100 million since")
    }
}
