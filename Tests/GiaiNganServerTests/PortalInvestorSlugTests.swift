import Foundation
import XCTest

/// Issue 11, item 2, portal side: investors whose names fold to one slug each keep their own
/// address; neither is served the other's page or CSV.
final class PortalInvestorSlugTests: XCTestCase {
    func test_investorsWhoseNamesFoldToOneSlugEachHaveTheirOwnAddress() throws {
        // The bundled province already holds "UBND huyện Năm Căn"; a look-alike arrives later.
        let server = try PortalServer { directory, database in
            try "project_code,project_name,investor\nLA1,Đường lối mới,UBND huyen Nam Can\n"
                .write(toFile: directory + "/lookalike.csv", atomically: true, encoding: .utf8)
            try "project_code,plan_year,class,amount_vnd,effective_on\nLA1,2023,transitional,7777000000,2023-01-10\n"
                .write(toFile: directory + "/lookalike-plan.csv", atomically: true, encoding: .utf8)
            try PortalServer.cli(["import", "projects", directory + "/lookalike.csv", "--db", database])
            try PortalServer.cli(["import", "plan", directory + "/lookalike-plan.csv", "--db", database])
            try PortalServer.cli(["users", "add", "lookalike", "--role", "investor", "--investor", "UBND huyen Nam Can", "--db", database],
                                 input: "lookalike-password-1\n")
        }
        defer { server.stop() }
        let namcan = try server.signIn("namcan")
        let real = try server.http.get("/investors/ubnd-huyen-nam-can?as_of=2023-09-30", cookie: namcan)
        XCTAssertEqual(real.status, 200, "the real Năm Căn keeps its address")
        XCTAssertTrue(real.text.contains("UBND huyện Năm Căn"))
        XCTAssertFalse(real.text.contains("Đường lối mới"))
        XCTAssertEqual(try server.http.get("/investors/ubnd-huyen-nam-can-2?as_of=2023-09-30", cookie: namcan).status, 404)
        let csv = try server.http.get("/investors/ubnd-huyen-nam-can/report.csv?as_of=2023-09-30", cookie: namcan)
        XCTAssertEqual(csv.status, 200)
        XCTAssertFalse(csv.text.contains("LA1"))

        let other = try server.signIn("lookalike", "lookalike-password-1")
        let home = try server.http.get("/?as_of=2023-09-30", cookie: other)
        XCTAssertEqual(home.status, 303)
        XCTAssertTrue(home.header("Location")?.hasPrefix("/investors/ubnd-huyen-nam-can-2") == true, "\(home.header("Location") ?? "")")
        let own = try server.http.get("/investors/ubnd-huyen-nam-can-2?as_of=2023-09-30", cookie: other)
        XCTAssertEqual(own.status, 200)
        XCTAssertTrue(own.text.contains("Đường lối mới"))
        XCTAssertEqual(try server.http.get("/investors/ubnd-huyen-nam-can?as_of=2023-09-30", cookie: other).status, 404)

        // The DPI dashboard links each to its own page.
        let dpi = try server.signIn("dpi")
        let dashboard = try server.http.get("/?as_of=2023-09-30", cookie: dpi).text
        XCTAssertTrue(dashboard.contains("href=\"/investors/ubnd-huyen-nam-can?"), "links keep the query")
        XCTAssertTrue(dashboard.contains("href=\"/investors/ubnd-huyen-nam-can-2?"))
    }
}
