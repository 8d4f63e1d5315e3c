import Foundation
import XCTest

/// Issue 11 item 1: every date and year a query can carry, at every entry point that reads one,
/// is answered (200, or 400 with a page naming the supported range) and never stops the server.
final class PortalDateRangeTests: XCTestCase {
    /// `as_of` values and the status each must get (plan year from the date: January belongs to
    /// the year before, so 2000-01-xx is plan year 1999 and 2100-02-01 plan year 2100).
    static let asOfCases: [(String, Int)] = [
        ("0000-01-01", 400), ("0001-01-01", 400), ("1800-06-01", 400), ("1899-12-31", 400), ("1900-01-15", 400),
        ("1900-06-01", 400), ("1999-12-31", 400), ("2000-01-01", 400), ("2000-01-31", 400), ("2000-02-01", 200),
        ("2023-09-15", 200), ("2099-12-31", 200), ("2100-01-31", 200), ("2100-02-01", 400), ("2100-12-31", 400),
        ("2101-01-01", 400), ("9999-12-31", 400), ("10000-01-01", 400), ("99999999999999999999-01-01", 400),
        ("-5-01-01", 400), ("-0005-01-01", 400), ("2023-02-30", 400), ("2023-13-01", 400), ("2023-9-15", 400),
        ("20230915", 400), ("garbage", 400), ("%00", 400), ("2023-09-15%0A", 400), ("%EF%BC%92023-09-15", 400),
        ("", 200),
    ]

    /// `year` values (with an as-of date inside the range) and the status each must get.
    static let yearCases: [(String, Int)] = [
        ("0", 400), ("1800", 400), ("1899", 400), ("1900", 400), ("1999", 400), ("2000", 200), ("2023", 200),
        ("2099", 200), ("2100", 400), ("2101", 400), ("9999", 400), ("10000", 400), ("99999999999999999999", 400),
        ("-5", 400), ("-2023", 400), ("%2B2023", 400), ("2023.0", 400), ("abc", 400), ("%202023", 400), ("", 200),
    ]

    /// Both together: an explicit year decides the plan year whatever the date.
    static let combinedCases: [(String, Int)] = [
        ("year=2099&as_of=2100-12-31", 200), ("year=2000&as_of=2000-01-01", 200), ("year=2000&as_of=1999-12-31", 400),
        ("year=2099&as_of=2000-02-01", 200), ("year=9999&as_of=9999-12-31", 400), ("year=1899&as_of=2023-09-15", 400),
    ]

    func test_everyDateAndYear_atEveryEntryPoint_is200Or400_andTheServerKeepsAnswering() throws {
        let server = try PortalServer()
        defer { server.stop() }
        let dpi = try server.signIn("dpi")
        let yte = try server.signIn("yte")
        // Every route that reads as_of or year, each as a user allowed to see it.
        let entryPoints: [(path: String, cookie: String, ok: Int)] = [
            ("/", dpi, 200), ("/", yte, 303), ("/province.csv", dpi, 200), ("/province.json", dpi, 200),
            ("/investors/so-y-te", yte, 200), ("/investors/so-y-te/report.csv", yte, 200),
            ("/investors/so-y-te/report.json", yte, 200), ("/projects/0063838", yte, 200),
            ("/projects/0063838/entries.csv", dpi, 200),
        ]
        var queries = Self.asOfCases.map { ("as_of=\($0.0)", $0.1) }
        queries += Self.yearCases.map { ("as_of=2023-09-15&year=\($0.0)", $0.1) }
        queries += Self.combinedCases
        var checked = 0
        for entry in entryPoints {
            for (query, expected) in queries {
                let path = entry.path + "?" + query
                let r = try server.http.get(path, cookie: entry.cookie)
                XCTAssertEqual(r.status, expected == 200 ? entry.ok : 400, path)
                if r.status == 400 {
                    XCTAssertTrue(r.text.contains("2000"), "the 400 page names the supported range: \(path)")
                    XCTAssertTrue(r.header("Content-Type")?.hasPrefix("text/html") ?? false, path)
                }
                XCTAssertTrue(server.isRunning, "the server died on \(path)")
                XCTAssertEqual(try server.http.get("/healthz").status, 200, "/healthz after \(path)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, entryPoints.count * queries.count)
    }

    func test_the400PageSaysWhatIsAccepted_inTheLanguageAsked() throws {
        let server = try PortalServer()
        defer { server.stop() }
        let dpi = try server.signIn("dpi")
        let vi = try server.http.get("/?as_of=9999-12-31", cookie: dpi)
        XCTAssertEqual(vi.status, 400)
        XCTAssertTrue(vi.text.contains("nằm ngoài khoảng GiaiNgan hỗ trợ (2000-01-01…2100-12-31)"), vi.text)
        let en = try server.http.get("/?year=9999&as_of=2023-09-15&lang=en", cookie: dpi)
        XCTAssertEqual(en.status, 400)
        XCTAssertTrue(en.text.contains("year must be a plan year within 2000–2099"), en.text)
        let january = try server.http.get("/?as_of=2000-01-15&lang=en", cookie: dpi)
        XCTAssertTrue(january.text.contains("belongs to plan year 1999"), january.text)
    }

    /// With a rules file the plan year is the file's: another `?year=` is a 400, not ignored.
    func test_withARulesFile_anotherYearIsRefused() throws {
        let rules = PortalServer.repository + "/fixtures/rules/camau-2023.toml"
        let server = try PortalServer(extraArguments: ["--insecure-cookies", "--rules", rules])
        defer { server.stop() }
        let dpi = try server.signIn("dpi")
        XCTAssertEqual(try server.http.get("/?as_of=2023-09-15&year=2023", cookie: dpi).status, 200)
        let other = try server.http.get("/?as_of=2023-09-15&year=2024&lang=en", cookie: dpi)
        XCTAssertEqual(other.status, 400)
        XCTAssertTrue(other.text.contains("runs the rules for plan year 2023"), other.text)
        XCTAssertEqual(try server.http.get("/?as_of=9999-12-31", cookie: dpi).status, 400)
        XCTAssertTrue(server.isRunning)
    }
}
