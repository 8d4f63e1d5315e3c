import Foundation
import XCTest

/// Issue 15, item 5: an investor submits its schedule in the portal; the form carries a CSRF token;
/// rows for another investor's project refuse the whole upload; DPI sees who submitted what.
final class PortalScheduleUploadTests: XCTestCase {
    static let header = "project_code,plan_year,period,planned_vnd,submitted_on\n"

    /// The CSRF token in the schedule page's form.
    func token(_ server: PortalServer, _ cookie: String) throws -> String {
        let page = try server.http.get("/schedules?as_of=2023-09-30", cookie: cookie)
        XCTAssertEqual(page.status, 200)
        let text = page.text
        guard let r = text.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else {
            XCTFail("no CSRF token in the form")
            return ""
        }
        return String(text[r].dropLast().suffix(64))
    }

    func post(_ server: PortalServer, _ cookie: String, csrf: String, csv: String) throws -> HTTP.Response {
        try server.http.request("POST", "/schedules?as_of=2023-09-30", cookie: cookie, form: ["csrf": csrf, "csv": csv],
                                headers: server.http.sameOrigin)
    }

    func stored(_ server: PortalServer) throws -> String {
        try server.http.get("/schedules?as_of=2023-09-30", cookie: try server.signIn("dpi")).text
    }

    func test_anInvestorSubmitsItsOwnScheduleAndDPISeesWhoAndWhen() throws {
        let server = try PortalServer(extraArguments: ["--insecure-cookies", "--accept-schedules"])
        defer { server.stop() }
        let cookie = try server.signIn("namcan")
        let csrf = try token(server, cookie)
        // 0065981 belongs to UBND huyện Năm Căn in the bundled registry.
        let own = Self.header + "0065981,2023,2023-10,1.000.000.000,2023-09-30\n0065981,2023,2023-11,2.000.000.000,2023-09-30\n"
        let r = try post(server, cookie, csrf: csrf, csv: own)
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertTrue(r.text.contains("2 rows: 2 added"), r.text)
        let dpi = try stored(server)
        XCTAssertTrue(dpi.contains("<td>namcan</td>") && dpi.contains("UBND huyện Năm Căn"), dpi)
        XCTAssertFalse(dpi.contains("name=\"csv\""), "DPI is offered no form")
    }

    func test_aRowForAnotherInvestorsProjectRefusesTheWholeUpload() throws {
        let server = try PortalServer(extraArguments: ["--insecure-cookies", "--accept-schedules"])
        defer { server.stop() }
        let cookie = try server.signIn("yte")
        let csrf = try token(server, cookie)
        let mixed = Self.header + "0065981,2023,2023-10,1.000.000.000,2023-09-30\n"
        let r = try post(server, cookie, csrf: csrf, csv: mixed)
        XCTAssertEqual(r.status, 422)
        XCTAssertTrue(r.text.contains("0065981 belongs to another investor"), r.text)
        XCTAssertTrue(try stored(server).contains("Chưa có."), "nothing was written")
    }

    func test_aPostWithoutTheSessionsCSRFTokenIsRefused() throws {
        let server = try PortalServer(extraArguments: ["--insecure-cookies", "--accept-schedules"])
        defer { server.stop() }
        let cookie = try server.signIn("namcan")
        let own = Self.header + "0065981,2023,2023-10,1.000.000.000,2023-09-30\n"
        XCTAssertEqual(try post(server, cookie, csrf: String(repeating: "0", count: 64), csv: own).status, 403)
        XCTAssertEqual(try server.http.request("POST", "/schedules", cookie: cookie, form: ["csv": own],
                                               headers: server.http.sameOrigin).status, 403)
        // Another session's token is not this one's.
        let other = try token(server, try server.signIn("namcan"))
        XCTAssertEqual(try post(server, cookie, csrf: other, csv: own).status, 403)
        XCTAssertTrue(try stored(server).contains("Chưa có."))
    }

    func test_withoutAcceptSchedulesThePortalWritesNothing() throws {
        let server = try PortalServer()
        defer { server.stop() }
        let cookie = try server.signIn("namcan")
        let csrf = try token(server, cookie)
        let r = try post(server, cookie, csrf: csrf, csv: Self.header + "0065981,2023,2023-10,1.000.000.000,2023-09-30\n")
        XCTAssertEqual(r.status, 503)
    }
}
