import Foundation
import XCTest

/// Issue 11 item 25: a portal opened on a plan year without a capital plan (a new install looks
/// at today's year, the bundled data is 2022–2023) says so and links to the years that have one.
final class PortalNoPlanTests: XCTestCase {
    nonisolated(unsafe) static var server: PortalServer?

    override class func setUp() {
        super.setUp()
        server = try? PortalServer()
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    var server: PortalServer { get throws { try XCTUnwrap(Self.server, "the portal did not start") } }

    func test_dashboardOfAYearWithoutAPlan_saysSo_andLinksToTheYearsWithOne() throws {
        let cookie = try server.signIn("dpi")
        let page = try server.http.get("/?as_of=2025-06-01", cookie: cookie)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("Chưa có kế hoạch vốn năm 2025 trong cơ sở dữ liệu."), page.text)
        let link2022 = #"<a href="/?as_of=2023-01-31&amp;lang=vi&amp;year=2022">2022</a>"#
        let link2023 = #"<a href="/?as_of=2024-01-31&amp;lang=vi&amp;year=2023">2023</a>"#
        XCTAssertTrue(page.text.contains(link2022), page.text)
        XCTAssertTrue(page.text.contains(link2023), page.text)
        // Following the link opens that year, with its investors and no notice.
        let year = try server.http.get("/?as_of=2024-01-31&lang=vi&year=2023", cookie: cookie)
        XCTAssertEqual(year.status, 200)
        XCTAssertFalse(year.text.contains("Chưa có kế hoạch vốn"))
        XCTAssertTrue(year.text.contains("Sở Y tế"))
        // The explicit year stays in the page's own links (language switch, investors, downloads).
        XCTAssertTrue(year.text.contains("as_of=2024-01-31&amp;lang=en&amp;year=2023"), "the language link keeps the year")
        XCTAssertTrue(year.text.contains("/province.csv?as_of=2024-01-31&amp;lang=vi&amp;year=2023"))
        let en = try server.http.get("/?as_of=2025-06-01&lang=en", cookie: cookie)
        XCTAssertTrue(en.text.contains("There is no capital plan for 2025 in the database. Years with a plan: "), en.text)
    }

    func test_investorPageOfAYearWithoutAPlan_saysSo_andLinksToItsOwnYears() throws {
        let cookie = try server.signIn("yte")
        let page = try server.http.get("/investors/so-y-te?as_of=2026-03-01&lang=en", cookie: cookie)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("There is no capital plan for 2026 in the database."), page.text)
        XCTAssertTrue(page.text.contains(#"href="/investors/so-y-te?as_of=2024-01-31&amp;lang=en&amp;year=2023""#), page.text)
        let own = try server.http.get("/investors/so-y-te?as_of=2023-09-15", cookie: cookie)
        XCTAssertFalse(own.text.contains("Chưa có kế hoạch vốn"), "a year with a plan has no notice")
    }
}
