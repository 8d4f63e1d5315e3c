import Foundation
import XCTest

/// The portal after a succession (README "Reorganisation"): UBND huyện Năm Căn's projects pass to
/// the provincial board on 1/7/2023. The old account keeps its history up to 30/6/2023 only; the
/// new one sees the projects' whole year.
final class PortalSuccessionTests: XCTestCase {
    static let newBoard = "Ban Quản lý dự án đầu tư xây dựng tỉnh"
    nonisolated(unsafe) static var server: PortalServer?

    override class func setUp() {
        super.setUp()
        server = try? PortalServer { _, db in
            _ = try PortalServer.cli(["succession", "add", "--from", "UBND huyện Năm Căn", "--to", newBoard,
                                      "--on", "2023-07-01", "--ref", "99/QĐ-UBND", "--db", db])
            _ = try PortalServer.cli(["users", "add", "tinh", "--db", db, "--role", "investor", "--investor", newBoard],
                                     input: "tinh-password-123\n")
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    var server: PortalServer { get throws { try XCTUnwrap(Self.server, "the portal did not start") } }

    /// The dates of the entries of an entries.csv download.
    func entryDates(_ csv: String) -> [String] {
        csv.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[5]) }
    }

    func test_theOldInvestorReadsItsFormerProjectUpToTheDayBefore_andALaterDateIsClampedToIt() throws {
        let cookie = try server.signIn("namcan")
        let before = try server.http.get("/projects/0065981?as_of=2023-06-15", cookie: cookie)
        XCTAssertEqual(before.status, 200)
        let later = try server.http.get("/projects/0065981?as_of=2023-09-15", cookie: cookie)
        XCTAssertEqual(later.status, 303)
        XCTAssertEqual(later.header("Location"), "/projects/0065981?as_of=2023-06-30&lang=vi&year=2023")
        let clamped = try server.http.get("/projects/0065981?as_of=2023-06-30&lang=vi&year=2023", cookie: cookie)
        XCTAssertEqual(clamped.status, 200)
        let csv = try server.http.get("/projects/0065981/entries.csv?as_of=2023-09-15", cookie: cookie)
        XCTAssertEqual(csv.status, 303, "the download is clamped too")
        let entries = try server.http.get("/projects/0065981/entries.csv?as_of=2023-06-30&year=2023", cookie: cookie)
        XCTAssertEqual(entries.status, 200)
        let dates = entryDates(entries.text)
        XCTAssertFalse(dates.isEmpty)
        XCTAssertTrue(dates.allSatisfy { $0 <= "2023-06-30" }, "no entry of the new investor's time: \(dates.filter { $0 > "2023-06-30" })")
        // Its own page after the change says where the projects went, with a link to the day before.
        let page = try server.http.get("/investors/ubnd-huyen-nam-can?as_of=2023-09-15", cookie: cookie)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("chuyển cho \(Self.newBoard) (99/QĐ-UBND)"), page.text)
        XCTAssertTrue(page.text.contains("as_of=2023-06-30"), page.text)
        // Another investor's project is still no project at all.
        XCTAssertEqual(try server.http.get("/projects/0063278?as_of=2023-06-15", cookie: cookie).status, 404)
    }

    func test_theNewInvestorSeesTheWholeHistoryOfTheProjectsItTookOver() throws {
        let cookie = try server.signIn("tinh", "tinh-password-123")
        let entries = try server.http.get("/projects/0065981/entries.csv?as_of=2023-09-15", cookie: cookie)
        XCTAssertEqual(entries.status, 200)
        let dates = entryDates(entries.text)
        XCTAssertTrue(dates.contains { $0 < "2023-07-01" } && dates.contains { $0 >= "2023-07-01" }, "\(dates)")
        let report = try server.http.get("/investors/ban-quan-ly-du-an-dau-tu-xay-dung-tinh/report.json?as_of=2023-09-15", cookie: cookie)
        XCTAssertEqual(report.status, 200)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: report.body) as? [String: Any])
        let investors = try XCTUnwrap(top["investors"] as? [[String: Any]])
        XCTAssertEqual(investors.first?["lineage"] as? [[String: String]],
                       [["investor": "UBND huyện Năm Căn", "until": "2023-06-30", "decision_ref": "99/QĐ-UBND"]])
        let page = try server.http.get("/investors/ban-quan-ly-du-an-dau-tu-xay-dung-tinh?as_of=2023-09-15", cookie: cookie)
        XCTAssertTrue(page.text.contains("gồm UBND huyện Năm Căn đến 30/06/2023 (99/QĐ-UBND)"))
        // Another account has no access at all.
        let other = try server.signIn("yte")
        XCTAssertEqual(try server.http.get("/projects/0065981?as_of=2023-06-15", cookie: other).status, 404)
    }
}
