import Foundation
import XCTest

/// Issue 11 items 12 and 13: methods, sizes and errors are answered the way HTTP says, and no
/// error page tells a visitor about the server's insides.
final class PortalProtocolTests: XCTestCase {
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

    func test_HEAD_isAnsweredLikeGET_withoutABody() throws {
        let cookie = try server.signIn("dpi")
        for path in ["/healthz", "/login", "/?as_of=2023-09-15", "/province.csv?as_of=2023-09-15",
                     "/investors/so-y-te?as_of=2023-09-15", "/projects/0063838/entries.csv?as_of=2023-09-15"] {
            let get = try server.http.request("GET", path, cookie: cookie)
            let head = try server.http.request("HEAD", path, cookie: cookie)
            XCTAssertEqual(head.status, get.status, path)
            XCTAssertEqual(head.body.count, 0, "HEAD \(path) sends no body")
            XCTAssertEqual(head.header("Content-Type"), get.header("Content-Type"), path)
            XCTAssertEqual(head.header("Content-Length"), String(get.body.count), "HEAD \(path) announces the GET body's length")
            XCTAssertEqual(head.header("Content-Disposition"), get.header("Content-Disposition"), path)
        }
        // Anonymous HEAD is redirected like GET; a missing page is 404, bodiless.
        XCTAssertEqual(try server.http.request("HEAD", "/").status, 303)
        let missing = try server.http.request("HEAD", "/no-such-page", cookie: cookie)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.body.count, 0)
    }

    func test_unsupportedMethods_are405_withAllow() throws {
        for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "MKCOL"] {
            let r = try server.http.request(method, "/healthz")
            XCTAssertEqual(r.status, 405, method)
            XCTAssertEqual(r.header("Allow"), "GET, HEAD", method)
        }
        let getLogout = try server.http.request("GET", "/logout")
        XCTAssertEqual(getLogout.status, 405)
        XCTAssertEqual(getLogout.header("Allow"), "POST")
        let postHome = try server.http.request("POST", "/", headers: server.http.sameOrigin)
        XCTAssertEqual(postHome.status, 405)
        XCTAssertEqual(postHome.header("Allow"), "GET, HEAD")
        XCTAssertEqual(try server.http.request("PUT", "/no-such-page").status, 405)
        // A method HTTP's parser does not know at all is a malformed request.
        XCTAssertEqual(try server.http.request("BREW", "/healthz").status, 400)
        XCTAssertEqual(try server.http.get("/healthz").status, 200)
    }

    /// CONNECT turns the rest of a connection into a tunnel for the HTTP decoder: it used to
    /// get a head without a body length and then hang. Now 405 and the connection closes.
    func test_CONNECT_is405_andTheConnectionCloses() throws {
        let c = try RawConnection(port: try server.port, receiveTimeout: 10)
        try c.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        let (data, closed) = c.receiveUntilClosed(within: 10)
        XCTAssertTrue(closed, "the connection hung")
        let r = try HTTP.parse(data)
        XCTAssertEqual(r.status, 405)
        XCTAssertEqual(r.header("Allow"), "GET, HEAD, POST")
        XCTAssertEqual(try server.http.get("/healthz").status, 200)
    }

    func test_oversizedBodies_are413_withoutInternalNames() throws {
        let big = String(repeating: "a", count: 20_000)
        let declared = try server.http.request("POST", "/login", form: ["login": "yte", "password": big], headers: server.http.sameOrigin)
        XCTAssertEqual(declared.status, 413)
        XCTAssertFalse(declared.text.contains("NIO"), declared.text)
        XCTAssertFalse(declared.text.contains("Error"), declared.text)
        // Chunked, with no length announced: still 413 once the limit is passed.
        let chunk = String(repeating: "b", count: 8_000)
        var raw = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
        raw += "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        for _ in 0..<3 { raw += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
        raw += "0\r\n\r\n"
        let chunked = try HTTP.parse(try server.http.exchange(Data(raw.utf8)))
        XCTAssertEqual(chunked.status, 413)
        XCTAssertFalse(chunked.text.contains("NIO"), chunked.text)
        XCTAssertEqual(try server.http.get("/healthz").status, 200)
    }

    func test_healthzAnswersOk_onASoundDatabase() throws {
        let r = try server.http.get("/healthz")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.text, "ok\n")
    }
}

/// A database whose pages are damaged: `/healthz` says so, and the pages that fail say nothing
/// about the server's files or types.
final class PortalDamagedDatabaseTests: XCTestCase {
    func test_damagedDatabase_healthzIs503_andErrorPagesAreGeneric() throws {
        let server = try PortalServer { _, database in
            // Fold the journal into the file, then overwrite the plan's and the ledger's pages.
            let pages = try PortalDamagedDatabaseTests.sqlite(database, """
                PRAGMA wal_checkpoint(TRUNCATE);
                SELECT pageno FROM dbstat WHERE name IN ('plan_line', 'ledger_entry', 'ledger_total', 'ledger_by_date');
                """).split(separator: "\n").compactMap { Int($0) }
            XCTAssertFalse(pages.isEmpty)
            let pageSize = Int(try PortalDamagedDatabaseTests.sqlite(database, "PRAGMA page_size;").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 4096
            let file = try XCTUnwrap(FileHandle(forUpdatingAtPath: database))
            for page in pages {
                try file.seek(toOffset: UInt64((page - 1) * pageSize + 8))
                file.write(Data((0..<(pageSize - 16)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
            }
            try file.close()
        }
        defer { server.stop() }
        let health = try server.http.get("/healthz")
        XCTAssertEqual(health.status, 503)
        XCTAssertEqual(health.text, "database unavailable\n")
        let cookie = try server.signIn("dpi")
        let page = try server.http.get("/?as_of=2023-09-15&lang=en", cookie: cookie)
        XCTAssertEqual(page.status, 500)
        for leak in [server.database, server.directory, "/tmp", "StoreError", "DatabaseError", "SQLite", "GRDB", "sqlite"] {
            XCTAssertFalse(page.text.contains(leak), "the error page shows \(leak): \(page.text)")
        }
        let incident = try XCTUnwrap(page.text.range(of: #"incident [0-9a-f]{8}"#, options: .regularExpression).map { String(page.text[$0]) })
        XCTAssertTrue(server.waitForLog(incident.replacingOccurrences(of: "incident ", with: "incident=")), "the log names the incident")
        XCTAssertTrue(server.isRunning)
    }

    @discardableResult
    static func sqlite(_ database: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sqlite3", database]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }
}
