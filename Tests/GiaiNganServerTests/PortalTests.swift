import Foundation
import XCTest

/// Drives the real portal over loopback, as a browser would.
final class PortalTests: XCTestCase {
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
    let asOf = "as_of=2023-09-15"

    func test_loginPageIsAPlainForm() throws {
        let r = try server.http.get("/login")
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.contains("<form method=\"post\" action=\"/login\">"))
        XCTAssertTrue(r.text.contains("type=\"password\""))
        XCTAssertFalse(r.text.contains("<script"))
        XCTAssertEqual(r.header("Cache-Control"), "no-store")
        XCTAssertNotNil(r.header("Content-Security-Policy"))
    }

    func test_everyProtectedRouteSendsAnonymousUsersToLogin() throws {
        for path in ["/", "/province.csv", "/province.json", "/investors/so-y-te", "/investors/so-y-te/report.csv",
                     "/investors/so-y-te/report.json", "/projects/0063278", "/projects/0063278/entries.csv"] {
            let r = try server.http.get(path)
            XCTAssertEqual(r.status, 303, path)
            XCTAssertEqual(r.header("Location"), "/login", path)
        }
    }

    func test_wrongPasswordIsRefused_andTheCookieIsHttpOnlyAndSameSite() throws {
        let bad = try server.http.request("POST", "/login", form: ["login": "yte", "password": "not-the-password"])
        XCTAssertEqual(bad.status, 401)
        XCTAssertNil(bad.header("Set-Cookie"))
        let unknown = try server.http.request("POST", "/login", form: ["login": "nobody", "password": "whatever-123"])
        XCTAssertEqual(unknown.status, 401, "an unknown login looks the same as a wrong password")
        let good = try server.http.request("POST", "/login", form: ["login": "yte", "password": "yte-password-123"])
        XCTAssertEqual(good.status, 303)
        let cookie = try XCTUnwrap(good.header("Set-Cookie"))
        XCTAssertTrue(cookie.contains("HttpOnly"))
        XCTAssertTrue(cookie.lowercased().contains("samesite=strict"))
    }

    func test_forgedCookieIsNotASession() throws {
        let forged = "giaingan_session=" + String(repeating: "ab", count: 32)
        XCTAssertEqual(try server.http.get("/", cookie: forged).status, 303)
        XCTAssertEqual(try server.http.get("/investors/so-y-te", cookie: "giaingan_session=../../etc/passwd").status, 303)
    }

    func test_dpiSeesTheProvinceEveryInvestorAndEveryProject() throws {
        let cookie = try server.signIn("dpi")
        let home = try server.http.get("/?\(asOf)", cookie: cookie)
        XCTAssertEqual(home.status, 200)
        XCTAssertTrue(home.text.contains("Sở Y tế"))
        XCTAssertTrue(home.text.contains("UBND huyện Năm Căn"))
        XCTAssertTrue(home.text.contains("<svg"))
        for path in ["/investors/so-y-te", "/investors/ubnd-huyen-nam-can", "/projects/0063278", "/projects/0065981"] {
            XCTAssertEqual(try server.http.get(path + "?" + asOf, cookie: cookie).status, 200, path)
        }
        let csv = try server.http.get("/province.csv?\(asOf)", cookie: cookie)
        XCTAssertEqual(csv.status, 200)
        XCTAssertTrue(csv.header("Content-Type")?.hasPrefix("text/csv") ?? false)
        XCTAssertEqual(Array(csv.body.prefix(3)), [0xEF, 0xBB, 0xBF])
        let json = try server.http.get("/province.json?\(asOf)", cookie: cookie)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json.body) as? [String: Any])
        XCTAssertEqual((object["investors"] as? [Any])?.count, 12)
    }

    /// URL tampering across investors: every route and download of another investor or its
    /// projects answers 404, exactly like a page that does not exist.
    func test_investorSeesOnlyItsOwn_everyOtherURLIs404() throws {
        let cookie = try server.signIn("namcan")
        let home = try server.http.get("/?\(asOf)", cookie: cookie)
        XCTAssertEqual(home.status, 303)
        XCTAssertTrue(home.header("Location")?.hasPrefix("/investors/ubnd-huyen-nam-can") ?? false)
        let own = try server.http.get("/investors/ubnd-huyen-nam-can?\(asOf)", cookie: cookie)
        XCTAssertEqual(own.status, 200)
        XCTAssertTrue(own.text.contains("<svg"), "the chart")
        XCTAssertFalse(own.text.contains("Sở Y tế"))
        XCTAssertFalse(own.text.contains("Ban QLDA công trình giao thông"))
        for path in ["/investors/ubnd-huyen-nam-can/report.csv", "/investors/ubnd-huyen-nam-can/report.json",
                     "/projects/0065981", "/projects/0065981/entries.csv"] {
            let r = try server.http.get(path + "?" + asOf, cookie: cookie)
            XCTAssertEqual(r.status, 200, path)
            XCTAssertFalse(r.text.contains("Sở Y tế"), path)
        }
        let notFound = try server.http.get("/investors/no-such-investor", cookie: cookie)
        XCTAssertEqual(notFound.status, 404)
        for path in ["/investors/so-y-te", "/investors/so-y-te/report.csv", "/investors/so-y-te/report.json",
                     "/projects/0063278", "/projects/0063278/entries.csv", "/province.csv", "/province.json"] {
            let r = try server.http.get(path + "?" + asOf, cookie: cookie)
            XCTAssertEqual(r.status, 404, path)
            XCTAssertEqual(r.text, notFound.text, "\(path) must look exactly like a page that does not exist")
        }
    }

    /// The workbook the page offers is the investor's own report, as a real .xlsx: openpyxl
    /// (an independent reader) opens it and finds the investor's figures and no one else's.
    func test_investorAndProvinceDownloadTheReportAsAnExcelWorkbook_onlyTheirOwn() throws {
        let cookie = try server.signIn("namcan")
        let page = try server.http.get("/investors/ubnd-huyen-nam-can?\(asOf)", cookie: cookie)
        XCTAssertTrue(page.text.contains("/investors/ubnd-huyen-nam-can/report.xlsx"), "the page offers the workbook")
        let r = try server.http.get("/investors/ubnd-huyen-nam-can/report.xlsx?\(asOf)", cookie: cookie)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        XCTAssertTrue(r.header("Content-Disposition")?.contains("ubnd-huyen-nam-can-2023-09-15.xlsx") ?? false)
        let cells = try Self.workbookText(r.body)
        XCTAssertTrue(cells.contains("UBND huyện Năm Căn"), cells)
        XCTAssertFalse(cells.contains("Sở Y tế"))
        XCTAssertFalse(cells.contains("Ban QLDA công trình giao thông"))
        XCTAssertEqual(try server.http.get("/investors/so-y-te/report.xlsx?\(asOf)", cookie: cookie).status, 404)
        XCTAssertEqual(try server.http.get("/province.xlsx?\(asOf)", cookie: cookie).status, 404)
        let dpi = try server.signIn("dpi")
        let province = try server.http.get("/province.xlsx?\(asOf)", cookie: dpi)
        XCTAssertEqual(province.status, 200)
        let all = try Self.workbookText(province.body)
        XCTAssertTrue(all.contains("Sở Y tế") && all.contains("UBND huyện Năm Căn"))
    }

    /// Every cell's value of every sheet, as openpyxl reads them, one per line.
    static func workbookText(_ bytes: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("portal-\(UUID().uuidString).xlsx")
        try bytes.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1])\n"
            + "for ws in wb:\n for row in ws.iter_rows(values_only=True):\n  for v in row:\n   print(v)", path.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "openpyxl opens the workbook")
        return String(decoding: data, as: UTF8.self)
    }

    func test_logoutEndsTheSession() throws {
        let cookie = try server.signIn("yte")
        XCTAssertEqual(try server.http.get("/investors/so-y-te", cookie: cookie).status, 200)
        let out = try server.http.request("POST", "/logout", cookie: cookie)
        XCTAssertEqual(out.status, 303)
        XCTAssertEqual(try server.http.get("/investors/so-y-te", cookie: cookie).status, 303)
    }

    func test_englishSwitchAndAsOfDate() throws {
        let cookie = try server.signIn("yte")
        let en = try server.http.get("/investors/so-y-te?as_of=2023-03-15&lang=en", cookie: cookie)
        XCTAssertEqual(en.status, 200)
        XCTAssertTrue(en.text.contains("lang=\"en\""))
        XCTAssertTrue(en.text.contains("2023-03-15"))
        XCTAssertEqual(try server.http.get("/investors/so-y-te?as_of=2023-02-30", cookie: cookie).status, 400)
    }

    func test_requestsAreLoggedWithoutSecrets() throws {
        _ = try server.http.request("POST", "/login", form: ["login": "yte", "password": "a-secret-password-xyz"])
        usleep(200_000)
        let log = try String(contentsOfFile: server.errors, encoding: .utf8)
        XCTAssertTrue(log.contains("POST /login 401"), log)
        XCTAssertFalse(log.contains("a-secret-password-xyz"))
        XCTAssertFalse(log.contains("giaingan_session="))
    }
}

/// Throttling and shutdown get a server of their own: they change its state.
final class PortalLifecycleTests: XCTestCase {
    func test_repeatedFailuresAreThrottledEvenWithTheRightPassword() throws {
        let server = try PortalServer()
        defer { server.stop() }
        for _ in 0..<5 {
            XCTAssertEqual(try server.http.request("POST", "/login", form: ["login": "yte", "password": "guess-guess-1"]).status, 401)
        }
        let r = try server.http.request("POST", "/login", form: ["login": "yte", "password": "yte-password-123"])
        XCTAssertEqual(r.status, 429)
        XCTAssertNotNil(r.header("Retry-After"))
        // Another account is not locked out by it.
        XCTAssertEqual(try server.http.request("POST", "/login", form: ["login": "dpi", "password": "dpi-password-123"]).status, 303)
    }

    func test_secureCookieByDefault_andCleanShutdownOnSIGTERM() throws {
        let server = try PortalServer(extraArguments: [])
        let r = try server.http.request("POST", "/login", form: ["login": "dpi", "password": "dpi-password-123"])
        XCTAssertTrue(r.header("Set-Cookie")?.contains("Secure") ?? false)
        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        XCTAssertEqual(server.process.terminationReason, .exit)
        XCTAssertEqual(server.process.terminationStatus, 0)
        server.stop()
    }

    func test_passwordChangeEndsSessions() throws {
        let server = try PortalServer()
        defer { server.stop() }
        let cookie = try server.signIn("yte")
        XCTAssertEqual(try server.http.get("/investors/so-y-te", cookie: cookie).status, 200)
        try PortalServer.cli(["users", "passwd", "yte", "--db", server.database], input: "another-password-9\n")
        XCTAssertEqual(try server.http.get("/investors/so-y-te", cookie: cookie).status, 303)
        XCTAssertNoThrow(try server.signIn("yte", "another-password-9"))
    }
}
