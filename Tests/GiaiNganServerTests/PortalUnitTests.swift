import Foundation
import HTTPTypes
@testable import GiaiNganServer
import XCTest

/// The portal's small pieces of HTTP, each on its own.
final class WebTests: XCTestCase {
    func test_pathSegment_encodesEverythingButUnreserved() {
        XCTAssertEqual(Web.pathSegment("0063278"), "0063278")
        XCTAssertEqual(Web.pathSegment("A/B 1"), "A%2FB%201")
        XCTAssertEqual(Web.pathSegment("100%"), "100%25")
        XCTAssertEqual(Web.pathSegment(#"X"><"#), "X%22%3E%3C")
        XCTAssertEqual(Web.pathSegment("Đ"), "%C4%90")
        XCTAssertEqual(Web.pathSegment("a-b._~"), "a-b._~")
        for s in ["A/B 1", "100%", "Đường số 1", #"Q"x;y"#, "+plus", "%22"] {
            XCTAssertEqual(Web.decodedSegment(Web.pathSegment(s)), s, "round trip of \(s)")
        }
        XCTAssertNil(Web.decodedSegment("%E0%A4%A"))
        XCTAssertEqual(Web.decodedSegment("a+b"), "a+b", "a plus is a plus in a path")
    }

    func test_attachment_hasAnASCIIFallback_andTheExactNameInFilenameStar() {
        XCTAssertEqual(Web.attachment(filename: "giaingan-2023-09-15.csv"),
                       "attachment; filename=\"giaingan-2023-09-15.csv\"; filename*=UTF-8''giaingan-2023-09-15.csv")
        XCTAssertEqual(Web.attachment(filename: #"Q"x;y-2023.csv"#),
                       "attachment; filename=\"Q_x_y-2023.csv\"; filename*=UTF-8''Q%22x%3By-2023.csv")
        XCTAssertEqual(Web.attachment(filename: "Đường 1.csv"),
                       "attachment; filename=\"___ng_1.csv\"; filename*=UTF-8''%C4%90%C6%B0%E1%BB%9Dng%201.csv")
    }

    func test_logField_escapesLineBreaksControlsAndQuotes() {
        XCTAssertEqual(Web.logField("yte\nforged"), "yte\\nforged")
        XCTAssertEqual(Web.logField("a\r\tb"), "a\\r\\tb")
        XCTAssertEqual(Web.logField("\u{1B}[2J"), "\\u{1b}[2J")
        XCTAssertEqual(Web.logField("x\u{2028}y"), "x\\u{2028}y")
        XCTAssertEqual(Web.logField("say \"hi\" \\"), "say \\\"hi\\\" \\\\")
        XCTAssertEqual(Web.logField("Năm Căn"), "Năm Căn")
        XCTAssertEqual(Web.logField(String(repeating: "a", count: 300), limit: 10), "aaaaaaaaaa…")
    }

    func test_clientAddress_believesOnlyTrustedProxies_andTakesTheRightmostUntrustedHop() {
        let trusted: Set<String> = ["127.0.0.1", "10.0.0.2"]
        XCTAssertEqual(Web.clientAddress(peer: "192.0.2.9", headerValues: ["203.0.113.5"], trusted: trusted), "192.0.2.9",
                       "an untrusted peer's header is ignored")
        XCTAssertEqual(Web.clientAddress(peer: "127.0.0.1", headerValues: ["203.0.113.5"], trusted: trusted), "203.0.113.5")
        XCTAssertEqual(Web.clientAddress(peer: "127.0.0.1", headerValues: ["198.51.100.1, 203.0.113.5"], trusted: trusted), "203.0.113.5",
                       "what the client wrote to the left is ignored")
        XCTAssertEqual(Web.clientAddress(peer: "127.0.0.1", headerValues: ["203.0.113.5, 10.0.0.2"], trusted: trusted), "203.0.113.5",
                       "a chain of trusted proxies is walked")
        XCTAssertEqual(Web.clientAddress(peer: "127.0.0.1", headerValues: ["203.0.113.5, not-an-ip"], trusted: trusted), "127.0.0.1",
                       "a malformed entry stops the walk at the proxy")
        XCTAssertEqual(Web.clientAddress(peer: "127.0.0.1", headerValues: [], trusted: trusted), "127.0.0.1")
        XCTAssertEqual(Web.clientAddress(peer: "127.0.0.1", headerValues: ["2001:DB8::1"], trusted: trusted), "2001:db8::1")
        XCTAssertEqual(Web.normalizedIP("[::1]"), "::1")
        XCTAssertEqual(Web.normalizedIP("::ffff:127.0.0.1"), "127.0.0.1")
        XCTAssertEqual(Web.clientAddress(peer: Web.normalizedIP("::FFFF:127.0.0.1") ?? "", headerValues: ["203.0.113.5"], trusted: trusted),
                       "203.0.113.5", "an IPv4 proxy seen through a dual-stack socket")
        XCTAssertNil(Web.normalizedIP("1.2.3"))
        XCTAssertNil(Web.normalizedIP("example.com"))
    }

    func test_isSameOrigin() {
        func h(_ fields: [String: String]) -> HTTPFields {
            var out = HTTPFields()
            for (k, v) in fields { out[HTTPField.Name(k)!] = v }
            return out
        }
        let host = "portal.example:8443"
        XCTAssertTrue(Web.isSameOrigin(h(["Sec-Fetch-Site": "same-origin", "Origin": "https://portal.example:8443"]), host: host))
        XCTAssertTrue(Web.isSameOrigin(h(["Sec-Fetch-Site": "none"]), host: host))
        XCTAssertFalse(Web.isSameOrigin(h(["Sec-Fetch-Site": "cross-site"]), host: host))
        XCTAssertFalse(Web.isSameOrigin(h(["Sec-Fetch-Site": "same-site"]), host: host))
        XCTAssertTrue(Web.isSameOrigin(h(["Origin": "https://PORTAL.example:8443"]), host: host))
        XCTAssertFalse(Web.isSameOrigin(h(["Origin": "https://portal.example"]), host: host), "another port is another origin")
        XCTAssertFalse(Web.isSameOrigin(h(["Origin": "null"]), host: host))
        XCTAssertFalse(Web.isSameOrigin(h(["Origin": "https://evil.example"]), host: host))
        XCTAssertFalse(Web.isSameOrigin(h(["Origin": "https://portal.example:8443"]), host: nil))
        XCTAssertTrue(Web.isSameOrigin(h(["Origin": "http://[::1]:8080"]), host: "[::1]:8080"))
        XCTAssertTrue(Web.isSameOrigin(h([:]), host: host), "a client that is not a browser")
    }

    func test_allowedMethods() {
        XCTAssertEqual(Portal.allowedMethods(path: "/healthz"), [.get, .head])
        XCTAssertEqual(Portal.allowedMethods(path: "/login"), [.get, .post, .head])
        XCTAssertEqual(Portal.allowedMethods(path: "/logout"), [.post])
        XCTAssertEqual(Portal.allowedMethods(path: "/projects/A%2FB/entries.csv"), [.get, .head])
        XCTAssertNil(Portal.allowedMethods(path: "/projects/"))
        XCTAssertNil(Portal.allowedMethods(path: "/nothing"))
    }

    func test_passwordProblem_countsBytes() {
        XCTAssertNil(Portal.passwordProblem(String(repeating: "a", count: 72)))
        XCTAssertNotNil(Portal.passwordProblem(String(repeating: "a", count: 73)))
        XCTAssertNil(Portal.passwordProblem(String(repeating: "ệ", count: 24)), "72 bytes")
        XCTAssertNotNil(Portal.passwordProblem(String(repeating: "ệ", count: 25)), "75 bytes")
        XCTAssertNotNil(Portal.passwordProblem("abcdefghij\u{0}k"))
    }
}

/// Sign-in throttling, with the clock in the test's hands.
final class LoginThrottleTests: XCTestCase {
    func test_fiveFailuresThrottleThePair_onlyThePair_untilTheWindowEnds() async {
        let t = LoginThrottle(maxFailures: 5, windowSeconds: 900)
        let now = Date(timeIntervalSince1970: 1_000_000)
        for _ in 0..<5 {
            let d = await t.begin(login: "dpi", address: "a", now: now)
            XCTAssertEqual(d, .allowed)
            await t.end(login: "dpi", address: "a", outcome: .failed, now: now)
        }
        let refused = await t.begin(login: "dpi", address: "a", now: now.addingTimeInterval(60))
        XCTAssertEqual(refused, .refused(retryAfter: 840))
        let otherAddress = await t.begin(login: "dpi", address: "b", now: now)
        XCTAssertEqual(otherAddress, .allowed)
        let otherLogin = await t.begin(login: "yte", address: "a", now: now)
        XCTAssertEqual(otherLogin, .allowed)
        let later = await t.begin(login: "dpi", address: "a", now: now.addingTimeInterval(901))
        XCTAssertEqual(later, .allowed)
    }

    func test_attemptsInFlightCountAgainstTheLimit() async {
        let t = LoginThrottle(maxFailures: 5, windowSeconds: 900)
        let now = Date(timeIntervalSince1970: 1_000_000)
        var allowed = 0
        for _ in 0..<12 {
            if await t.begin(login: "yte", address: "a", now: now) == .allowed { allowed += 1 }
        }
        XCTAssertEqual(allowed, 5)
        // One of them was not checked at all (the pool was busy): it frees its place.
        await t.end(login: "yte", address: "a", outcome: .notChecked, now: now)
        let again = await t.begin(login: "yte", address: "a", now: now)
        XCTAssertEqual(again, .allowed)
    }

    func test_successClearsThePair() async {
        let t = LoginThrottle(maxFailures: 2, windowSeconds: 900)
        let now = Date(timeIntervalSince1970: 1_000_000)
        _ = await t.begin(login: "x", address: "a", now: now)
        await t.end(login: "x", address: "a", outcome: .failed, now: now)
        _ = await t.begin(login: "x", address: "a", now: now)
        await t.end(login: "x", address: "a", outcome: .succeeded, now: now)
        for _ in 0..<2 {
            let d = await t.begin(login: "x", address: "a", now: now)
            XCTAssertEqual(d, .allowed)
            await t.end(login: "x", address: "a", outcome: .failed, now: now)
        }
    }

    func test_tableStaysBounded_underMadeUpLogins() async {
        let t = LoginThrottle(maxFailures: 5, windowSeconds: 900, capacity: 1000)
        let now = Date(timeIntervalSince1970: 1_000_000)
        for i in 0..<5000 {
            _ = await t.begin(login: "made-up-\(i)", address: "a", now: now)
            await t.end(login: "made-up-\(i)", address: "a", outcome: .failed, now: now)
        }
        let count = await t.count
        XCTAssertLessThanOrEqual(count, 1001)
    }
}
