import Foundation
import XCTest

/// Issue 11 items 4 and 13 (Content-Disposition): project codes that need escaping in HTML and
/// encoding in URLs are written safely, are reachable, and stay private to their investor.
final class PortalEncodingTests: XCTestCase {
    /// Codes a registry can hold: markup, quotes, a slash, a percent sign, spaces, Vietnamese.
    static let codes = [
        #"X"><meta http-equiv=refresh content="0;url=//evil.example"><style>body{display:none}</style>"#,
        #"Q"x;y"#, "A/B 1", "100%", "%22", "Đường số 1", "a<b>&c'd", "x?y#z", "+plus",
    ]

    nonisolated(unsafe) static var server: PortalServer?

    override class func setUp() {
        super.setUp()
        server = try? PortalServer { directory, database in
            func cell(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            var projects = "project_code,project_name,investor,district\n"
            var plan = "project_code,plan_year,class,tranche,amount_vnd,effective_on\n"
            var ledger = "txn_id,project_code,plan_year,tranche,date,type,amount_vnd\n"
            for (i, code) in codes.enumerated() {
                projects += "\(cell(code)),Dự án thử \(i),UBND huyện Năm Căn,Năm Căn\n"
                plan += "\(cell(code)),2023,transitional,current,1000000000,2023-01-10\n"
                ledger += "ENC-\(i),\(cell(code)),2023,current,2023-03-01,payment,100000000\n"
            }
            try projects.write(toFile: directory + "/odd-projects.csv", atomically: true, encoding: .utf8)
            try plan.write(toFile: directory + "/odd-plan.csv", atomically: true, encoding: .utf8)
            try ledger.write(toFile: directory + "/odd-ledger.csv", atomically: true, encoding: .utf8)
            try PortalServer.cli(["import", "projects", directory + "/odd-projects.csv", "--db", database])
            try PortalServer.cli(["import", "plan", directory + "/odd-plan.csv", "--db", database])
            try PortalServer.cli(["import", "disbursements", directory + "/odd-ledger.csv", "--db", database])
        }
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    var server: PortalServer { get throws { try XCTUnwrap(Self.server, "the portal did not start") } }

    /// RFC 3986 percent-encoding of one path segment, written independently of the portal's.
    static func encoded(_ code: String) -> String {
        code.utf8.map { b -> String in
            let c = Character(Unicode.Scalar(b))
            return (c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c))) ? String(c) : String(format: "%%%02X", b)
        }.joined()
    }

    /// Every `href="…"` value of a page, as written.
    static func hrefs(_ html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"href="([^"]*)""#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    func test_investorPage_escapesEveryAttribute_andEncodesEveryCodeInItsLink() throws {
        let cookie = try server.signIn("namcan")
        let page = try server.http.get("/investors/ubnd-huyen-nam-can?as_of=2023-09-15", cookie: cookie)
        XCTAssertEqual(page.status, 200)
        XCTAssertFalse(page.text.contains("<meta http-equiv"), "markup from a code reached the page")
        XCTAssertFalse(page.text.contains("<style>body{display:none}"))
        let hrefs = Self.hrefs(page.text)
        for code in Self.codes {
            XCTAssertTrue(hrefs.contains { $0.hasPrefix("/projects/\(Self.encoded(code))?") }, "no encoded link for \(code)")
        }
        for href in hrefs {
            XCTAssertFalse(href.contains("<") || href.contains(">") || href.contains(" ") || href.contains("'"), href)
        }
        // Every attribute value in the page is quoted, and a quote ends it where it should.
        for problem in Self.unquotedAttributes(page.text) { XCTFail(problem) }
    }

    /// Attributes written without quotes, or whose closing quote is not followed by a space, `/`
    /// or the end of the tag: what markup breaking out of a value leaves behind.
    static func unquotedAttributes(_ html: String) -> [String] {
        var problems: [String] = []
        var chars = Array(html.unicodeScalars)[...]
        // Skip the contents of <style> and <script>: not markup.
        while let open = chars.firstIndex(of: "<") {
            chars = chars[(open + 1)...]
            guard let first = chars.first, first.properties.isAlphabetic else { continue }
            let name = String(String.UnicodeScalarView(chars.prefix { !$0.properties.isWhitespace && $0 != ">" && $0 != "/" }))
            chars = chars.dropFirst(name.unicodeScalars.count)
            while let c = chars.first, c != ">" {
                if c.properties.isWhitespace || c == "/" { chars = chars.dropFirst(); continue }
                let attribute = String(String.UnicodeScalarView(chars.prefix { !$0.properties.isWhitespace && $0 != "=" && $0 != ">" }))
                chars = chars.dropFirst(max(1, attribute.unicodeScalars.count))
                guard chars.first == "=" else { continue }
                chars = chars.dropFirst()
                guard chars.first == "\"" else { problems.append("<\(name) \(attribute)= unquoted"); break }
                chars = chars.dropFirst()
                guard let close = chars.firstIndex(of: "\"") else { problems.append("<\(name) \(attribute) never closed"); break }
                chars = chars[(close + 1)...]
                if let next = chars.first, !(next.properties.isWhitespace || next == "/" || next == ">") {
                    problems.append("<\(name) \(attribute): text right after the closing quote")
                }
            }
            if name == "style" || name == "script", let end = String(String.UnicodeScalarView(chars)).range(of: "</\(name)>") {
                let rest = String(String.UnicodeScalarView(chars))
                chars = Array(rest[end.upperBound...].unicodeScalars)[...]
            }
        }
        return problems
    }

    func test_encodedCodesAreReachable_byTheirInvestorAndTheDPI_404ForAnother() throws {
        let namcan = try server.signIn("namcan")
        let dpi = try server.signIn("dpi")
        let yte = try server.signIn("yte")
        let missing = try server.http.get("/projects/no-such-code?as_of=2023-09-15", cookie: yte)
        XCTAssertEqual(missing.status, 404)
        for code in Self.codes {
            let path = "/projects/\(Self.encoded(code))?as_of=2023-09-15"
            for (who, cookie) in [("namcan", namcan), ("dpi", dpi)] {
                let r = try server.http.get(path, cookie: cookie)
                XCTAssertEqual(r.status, 200, "\(who) \(path)")
                XCTAssertTrue(r.text.contains("<h1>" + Self.html(code) + " — "), "\(who) sees the project \(code)")
                let csv = try server.http.get("/projects/\(Self.encoded(code))/entries.csv?as_of=2023-09-15", cookie: cookie)
                XCTAssertEqual(csv.status, 200, "\(who) entries of \(code)")
                XCTAssertTrue(csv.text.contains("ENC-"), "the entry of \(code)")
            }
            let other = try server.http.get(path, cookie: yte)
            XCTAssertEqual(other.status, 404, path)
            XCTAssertEqual(other.text, missing.text, "another investor's project looks exactly like a missing one")
            XCTAssertEqual(try server.http.get("/projects/\(Self.encoded(code))/entries.csv", cookie: yte).status, 404)
        }
        // A broken encoding names no project.
        XCTAssertEqual(try server.http.get("/projects/%E0%A4%A?as_of=2023-09-15", cookie: dpi).status, 404)
        XCTAssertEqual(try server.http.get("/projects/%ZZ", cookie: dpi).status, 404)
    }

    /// RFC 6266: a plain-ASCII `filename` with no quote, semicolon or slash, and the exact name in
    /// `filename*` as UTF-8.
    func test_downloadNames_useRFC6266_filenameStar() throws {
        let dpi = try server.signIn("dpi")
        for code in Self.codes {
            let r = try server.http.get("/projects/\(Self.encoded(code))/entries.csv?as_of=2023-09-15", cookie: dpi)
            let value = try XCTUnwrap(r.header("Content-Disposition"), code)
            let parts = value.components(separatedBy: "; ")
            XCTAssertEqual(parts.count, 3, value)
            XCTAssertEqual(parts.first, "attachment")
            let plain = parts[1]
            XCTAssertTrue(plain.hasPrefix("filename=\"") && plain.hasSuffix("\""), value)
            let inner = plain.dropFirst("filename=\"".count).dropLast()
            XCTAssertFalse(inner.contains { !$0.isASCII || "\"\\;/% ".contains($0) }, value)
            XCTAssertEqual(parts[2], "filename*=UTF-8''" + Self.encoded(code + "-2023.csv"), value)
        }
        let json = try server.http.get("/province.json?as_of=2023-09-15", cookie: dpi)
        XCTAssertEqual(json.header("Content-Disposition"),
                       "attachment; filename=\"giaingan-2023-09-15.json\"; filename*=UTF-8''giaingan-2023-09-15.json")
    }

    static func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
