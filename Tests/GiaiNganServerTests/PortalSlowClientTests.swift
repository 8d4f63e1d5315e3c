import Foundation
import XCTest

/// Issue 11 item 7: slow, idle and non-reading clients are cut off phase by phase, the number
/// of connections is capped, and `/healthz` keeps answering. Bounded: every wait has a limit.
final class PortalSlowClientTests: XCTestCase {
    static let shortTimeouts = ["--insecure-cookies", "--idle-timeout", "2", "--header-timeout", "2",
                                "--body-timeout", "2", "--response-timeout", "2"]

    /// 300 clients each send part of a request head and then one more byte every 0.2–0.25 s (a
    /// "slowloris"): `/healthz` answers while they are all open, and each is closed once its
    /// head has taken longer than the header timeout (4 s here), however steadily its bytes arrive.
    func test_300SlowPartialRequests_healthzAnswers_andEachIsClosedAtTheHeaderTimeout() throws {
        let server = try PortalServer(extraArguments: ["--insecure-cookies", "--idle-timeout", "4", "--header-timeout", "4"])
        defer { server.stop() }
        let port = server.port
        let opened = Date()
        var slow: [RawConnection] = []
        for _ in 0..<300 {
            let c = try RawConnection(port: port, receiveTimeout: 1)
            try c.send("GET /?as_of=2023-09-15 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(c)
        }
        // While they drip, /healthz answers every time, each within a second or two.
        var fast = server.http
        fast.timeout = 5
        for _ in 0..<5 {
            XCTAssertEqual(try fast.get("/healthz").status, 200)
            for c in slow { try? c.send("a") }
            usleep(200_000)
        }
        let checked = Date().timeIntervalSince(opened)
        XCTAssertEqual(slow.filter { $0.isClosedByServer() }.count, 0, "closed before the header timeout")
        XCTAssertLessThan(checked, 3.5, "the checks ran while the slow requests were all still open")
        // Keep dripping past the header timeout: the server closes every one of them anyway.
        while Date().timeIntervalSince(opened) < 8 {
            for c in slow { try? c.send("a") }
            usleep(250_000)
        }
        let closed = slow.filter { $0.isClosedByServer() }.count
        XCTAssertEqual(closed, 300, "connections still open 8 s after they started, with a 4 s header timeout")
        XCTAssertEqual(try server.http.get("/healthz").status, 200)
        XCTAssertTrue(server.isRunning)
    }

    /// With too few file descriptors for every client (here `ulimit -n 160`), connections are
    /// capped below the limit instead of `accept` failing for everyone: the server's open files
    /// stay under the limit, and `/healthz` is answered as soon as idle clients time out.
    func test_connectionCap_keepsFilesUnderTheLimit_andHealthzIsAnsweredOnceIdleClientsTimeOut() throws {
        let server = try PortalServer(extraArguments: Self.shortTimeouts + ["--max-connections", "1000"], fileLimit: 160)
        defer { server.stop() }
        let baseline = server.openFiles
        var idle: [RawConnection] = []
        for _ in 0..<250 { idle.append(try RawConnection(port: server.port, receiveTimeout: 1)) }
        usleep(300_000)
        XCTAssertLessThanOrEqual(server.openFiles, 160 - 8, "open files: baseline \(baseline)")
        XCTAssertTrue(server.waitForLog("the open-file limit allows 96 connections"), "the lowered cap is logged")
        var check = server.http
        check.timeout = 20
        let started = Date()
        XCTAssertEqual(try check.get("/healthz").status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        XCTAssertLessThanOrEqual(server.openFiles, 160 - 8)
        XCTAssertTrue(server.isRunning)
        idle.forEach { $0.close() }
    }

    /// A body sent one byte at a time is cut off at the body timeout, not kept alive by each byte.
    func test_slowBody_isClosedAtTheBodyTimeout() throws {
        let server = try PortalServer(extraArguments: Self.shortTimeouts)
        defer { server.stop() }
        let c = try RawConnection(port: server.port, receiveTimeout: 0.2)
        try c.send("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nlogin=")
        let started = Date()
        var closedAfter: Double?
        while Date().timeIntervalSince(started) < 6 {
            if (try? c.send("a")) == nil || c.isClosedByServer() { closedAfter = Date().timeIntervalSince(started); break }
            usleep(250_000)
        }
        let after = try XCTUnwrap(closedAfter, "a body dripping one byte every 0.25 s was never cut off")
        XCTAssertGreaterThan(after, 1.5, "closed before the 2 s body timeout")
        XCTAssertEqual(try server.http.get("/healthz").status, 200)
    }

    /// A kept-alive connection that sends nothing after its response is closed at the idle timeout.
    func test_idleKeepAliveConnection_isClosedAtTheIdleTimeout() throws {
        let server = try PortalServer(extraArguments: Self.shortTimeouts)
        defer { server.stop() }
        let c = try RawConnection(port: server.port, receiveTimeout: 0.2)
        try c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let (data, closedEarly) = c.receiveUntilClosed(within: 1)
        XCTAssertFalse(closedEarly, "a kept-alive connection stays open for a while")
        XCTAssertTrue(String(decoding: data, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        let (_, closed) = c.receiveUntilClosed(within: 4)
        XCTAssertTrue(closed, "an idle connection was still open 5 s after its response, with a 2 s idle timeout")
    }

    /// A client that asks for many responses and reads none is cut off at the response timeout,
    /// instead of holding the connection (and its buffered pages) for ever.
    func test_clientThatStopsReading_isClosedAtTheResponseTimeout() throws {
        let server = try PortalServer(extraArguments: Self.shortTimeouts)
        defer { server.stop() }
        let cookie = try server.signIn("dpi")
        let c = try RawConnection(port: server.port, receiveTimeout: 0.5, receiveBuffer: 4096)
        let one = "GET /province.json?as_of=2023-09-15 HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n"
        try c.send(String(repeating: one, count: 400))
        sleep(5)
        let (data, closed) = c.receiveUntilClosed(within: 20)
        XCTAssertTrue(closed, "a client that read nothing for 5 s still had its connection")
        let responses = String(decoding: data, as: UTF8.self).components(separatedBy: "HTTP/1.1 200 OK").count - 1
        XCTAssertLessThan(responses, 400, "every response was kept for a client that did not read")
        XCTAssertEqual(try server.http.get("/healthz").status, 200)
    }
}
