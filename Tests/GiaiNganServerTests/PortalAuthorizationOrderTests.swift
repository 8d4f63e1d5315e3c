import Foundation
import GiaiNganCore
@testable import GiaiNganServer
import GiaiNganStore
import Logging
import XCTest

/// Issue 11 item 15: who may see a page is decided before any figure is read or computed, so a
/// 404 for another investor's existing project does the same work as one for a missing code.
///
/// The portal runs in this process (on a loopback port) so that the test can see each costly
/// step it takes (`Portal.Work`): the decision order is checked, not wall-clock time.
final class PortalAuthorizationOrderTests: XCTestCase {
    final class WorkLog: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Portal.Work] = []
        func add(_ w: Portal.Work) { lock.lock(); items.append(w); lock.unlock() }
        func take() -> [Portal.Work] { lock.lock(); defer { items = []; lock.unlock() }; return items }
    }

    final class Port: @unchecked Sendable {
        var value = 0
        let ready = DispatchSemaphore(value: 0)
    }

    func test_refusedRequests_readNoFigure_andEvaluateNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-order-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = directory + "/db.sqlite"
        try PortalServer.makeDatabase(database)

        let work = WorkLog()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var configuration = PortalConfiguration(secureCookies: false, today: { CivilDate(year: 2023, month: 9, day: 15)! })
        configuration.port = 0
        let portal = Portal(store: try Store(path: database), configuration: configuration, logger: logger,
                            observe: { work.add($0) })
        let port = Port()
        let app = portal.application { p in port.value = p; port.ready.signal() }
        let task = Task { try await app.runService() }
        defer { task.cancel() }
        XCTAssertEqual(port.ready.wait(timeout: .now() + 30), .success, "the portal did not start")
        let http = HTTP(port: port.value)

        let login = try http.request("POST", "/login", form: ["login": "namcan", "password": "namcan-password-1"])
        let cookie = try XCTUnwrap(login.header("Set-Cookie").map { String($0.split(separator: ";")[0]) })
        _ = work.take()

        // Another investor's existing project, its entries, its investor page; a missing code.
        for path in ["/projects/0063838?as_of=2023-09-15", "/projects/0063838/entries.csv?as_of=2023-09-15",
                     "/projects/0063838?as_of=2023-03-01", "/investors/so-y-te?as_of=2023-09-15",
                     "/investors/so-y-te/report.csv?as_of=2023-06-30", "/projects/NO-SUCH-CODE?as_of=2023-09-15",
                     "/province.csv?as_of=2023-05-05"] {
            XCTAssertEqual(try http.get(path, cookie: cookie).status, 404, path)
            XCTAssertEqual(work.take(), [], "\(path) did work before it was refused")
        }
        // A bad date on another investor's project is the same 404, not a 400 that tells it exists.
        XCTAssertEqual(try http.get("/projects/0063838?as_of=9999-12-31", cookie: cookie).status, 404)
        XCTAssertEqual(try http.get("/projects/NO-SUCH-CODE?as_of=9999-12-31", cookie: cookie).status, 404)

        // The investor's own project does the work: the observer sees it (this test can fail).
        XCTAssertEqual(try http.get("/projects/0065981?as_of=2023-09-15", cookie: cookie).status, 200)
        let own = work.take()
        XCTAssertEqual(own.first, .projectDetail(code: "0065981"), "\(own)")
        XCTAssertTrue(own.contains(.evaluation(planYear: 2023, asOf: CivilDate(year: 2023, month: 9, day: 15)!)), "\(own)")
    }
}
