import Foundation
import GRDB
import XCTest
@testable import GiaiNganImport

/// Several `giaingan` processes on one database, as cron, a weekly run and a person at a terminal
/// produce them: every command succeeds (a writer waits for another, readers never wait), no row
/// is lost, a reader sees the database before or after an import and never half of it, and
/// "database is locked" never reaches a user.
final class ConcurrencyTests: XCTestCase {
    let ledgers = ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv"]

    /// A database with the province's registry and plan.
    func provinceRegistry(_ scratch: Scratch) throws -> String {
        let db = scratch.path + "/db.sqlite"
        for kind in ["projects", "plan"] {
            let r = try CLI.run(["import", kind, Repository.province + "/\(kind).csv", "--db", db])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    func assertNoLockedText(_ r: CLI.Result, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.crashed, "\(what) crashed: \(r.stderr)", file: file, line: line)
        for text in [r.stdout, r.stderr] {
            XCTAssertFalse(text.lowercased().contains("locked"), "\(what): \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("SQLite error"), "\(what): \(text)", file: file, line: line)
        }
    }

    func txnIDs(_ paths: [String]) throws -> Set<String> {
        var ids = Set<String>()
        for path in paths {
            let reader = try TableReader(path: path, kind: .disbursements)
            while let row = try reader.nextLedgerEntry() { ids.insert(try XCTUnwrap(row.value).txnID) }
        }
        return ids
    }

    func provinceFigures(_ db: String, asOf: String = "2024-01-31") throws -> String {
        let r = try CLI.run(["check", "--db", db, "--as-of", asOf, "--format", "json", "--fail-on", "never"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    // MARK: - Writers

    func test_threeImportsAtOnceAllLandAndEqualTheSequentialImport() throws {
        let scratch = Scratch()
        let db = try provinceRegistry(scratch)
        let running = try ledgers.map { try CLI.Running(["import", "disbursements", Repository.province + "/" + $0, "--db", db]) }
        for (file, process) in zip(ledgers, running) {
            let r = try process.wait()
            XCTAssertEqual(r.status, 0, "\(file): \(r.stderr)")
            assertNoLockedText(r, file)
        }
        let expected = try txnIDs(ledgers.map { Repository.province + "/" + $0 })
        XCTAssertEqual(try DatabaseContent.count(db, "ledger_entry"), expected.count, "no row lost, none doubled")
        XCTAssertEqual(try DatabaseContent.count(db, "import"), 5)

        let sequential = Scratch()
        let reference = try provinceRegistry(sequential)
        for file in ledgers {
            XCTAssertEqual(try CLI.run(["import", "disbursements", Repository.province + "/" + file, "--db", reference]).status, 0)
        }
        XCTAssertEqual(try provinceFigures(db), try provinceFigures(reference))
    }

    /// Two processes opening a database that does not exist yet both migrate it (GRDB's migrator
    /// raced here: "table investor already exists", and the loser's rows were not imported).
    func test_importsStartedTogetherOnANewDatabaseAllLand() throws {
        for attempt in 1...20 {
            let scratch = Scratch()
            let db = scratch.path + "/new.sqlite"
            let files = [scratch.file("a.csv", "project_code,project_name,investor\nA1,Đường A,Ban A\n"),
                         scratch.file("b.csv", "project_code,project_name,investor\nB1,Đường B,Ban B\n"),
                         Repository.bad + "/base/projects.csv"]
            let running = try files.map { try CLI.Running(["import", "projects", $0, "--db", db]) }
            for process in running {
                let r = try process.wait()
                XCTAssertEqual(r.status, 0, "attempt \(attempt): \(r.stderr)")
                assertNoLockedText(r, "attempt \(attempt)")
            }
            XCTAssertEqual(try DatabaseContent.count(db, "project"), 5, "attempt \(attempt)")
        }
    }

    // MARK: - Readers during a write

    /// A ledger of `rows` payments of 1.000 VND on the province's projects, dated 2023-05-02.
    func syntheticLedger(_ scratch: Scratch, rows: Int) throws -> String {
        let codes = try String(contentsOfFile: Repository.province + "/projects.csv", encoding: .utf8)
            .components(separatedBy: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
        var text = "txn_id,project_code,plan_year,date,type,amount_vnd,note\n"
        text.reserveCapacity(rows * 60)
        for i in 0..<rows {
            text += "SYN-\(i),\(codes[i % codes.count]),2023,2023-05-02,payment,1.000,Thanh toán đợt \(i % 7)\n"
        }
        return scratch.file("synthetic.csv", text)
    }

    func test_checksDuringAnImportSeeAllOfItOrNoneAndNeverWait() throws {
        let scratch = Scratch()
        let db = try provinceRegistry(scratch)
        for file in ledgers {
            XCTAssertEqual(try CLI.run(["import", "disbursements", Repository.province + "/" + file, "--db", db]).status, 0)
        }
        func disbursed(_ json: String) throws -> Int {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            return (object["province"] as! [String: Any])["disbursed_vnd"] as! Int
        }
        let before = try disbursed(try provinceFigures(db, asOf: "2023-06-30"))
        let rows = 120_000
        let ledger = try syntheticLedger(scratch, rows: rows)
        let importing = try CLI.Running(["import", "disbursements", ledger, "--db", db])
        var seen: [Int] = []
        var readsDuringImport = 0
        repeat {
            let r = try CLI.run(["check", "--db", db, "--as-of", "2023-06-30", "--format", "json", "--fail-on", "never"])
            assertNoLockedText(r, "check during the import")
            XCTAssertEqual(r.status, 0, r.stderr)
            seen.append(try disbursed(r.stdout))
            if importing.process.isRunning { readsDuringImport += 1 }
            let history = try CLI.run(["imports", "--db", db])
            assertNoLockedText(history, "imports during the import")
            XCTAssertEqual(history.status, 0, history.stderr)
        } while importing.process.isRunning
        let imported = try importing.wait()
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let after = try disbursed(try provinceFigures(db, asOf: "2023-06-30"))
        XCTAssertEqual(after, before + rows * 1_000)
        XCTAssertTrue(seen.allSatisfy { $0 == before || $0 == after }, "a check saw part of an import: \(Set(seen))")
        XCTAssertGreaterThan(readsDuringImport, 0, "the import was too short to overlap a check")
    }

    func test_weeklyRunWaitsForAnImportAndBothComplete() throws {
        let scratch = Scratch()
        let db = try provinceRegistry(scratch)
        let inbox = scratch.folder("inbox")
        try FileManager.default.copyItem(atPath: Repository.province + "/disbursements-2023-h2.csv", toPath: inbox + "/h2.csv")
        let ledger = try syntheticLedger(scratch, rows: 60_000)
        let importing = try CLI.Running(["import", "disbursements", ledger, "--db", db])
        let weekly = try CLI.Running(["weekly", "--db", db, "--inbox", inbox, "--out", scratch.path + "/out", "--as-of", "2023-09-15"])
        let w = try weekly.wait(), i = try importing.wait()
        assertNoLockedText(w, "weekly")
        assertNoLockedText(i, "import")
        XCTAssertEqual(i.status, 0, i.stderr)
        XCTAssertTrue([0, 1].contains(w.status), w.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path + "/out/2023-09-15/summary.json"))
        let expected = try txnIDs([ledger, inbox + "/h2.csv"]).count
        XCTAssertEqual(try DatabaseContent.count(db, "ledger_entry"), expected)
    }

    // MARK: - The busy timeout

    /// Holds the write lock from another connection for `seconds`, as a long import would.
    func holdWriteLock(_ db: String, seconds: Double) throws -> Thread {
        let queue = try DatabaseQueue(path: db)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            try! queue.inTransaction(.immediate) { _ in
                started.signal()
                Thread.sleep(forTimeInterval: seconds)
                return .commit
            }
        }
        thread.start()
        started.wait()
        return thread
    }

    func test_aWriterThatWaitsPastTheTimeoutGetsAClearMessageAndWritesNothing() throws {
        let scratch = Scratch()
        let db = try provinceRegistry(scratch)
        let before = try DatabaseContent.rows(db)
        _ = try holdWriteLock(db, seconds: 4)
        let started = Date()
        let r = try CLI.run(["import", "disbursements", Repository.province + "/" + ledgers[0], "--db", db],
                            environment: ["GIAINGAN_BUSY_TIMEOUT": "1"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 3.5, "it gave up after its timeout")
        XCTAssertEqual(r.status, 2)
        assertNoLockedText(r, "import")
        XCTAssertTrue(r.stderr.contains("giaingan: the database \(db) is busy: another import or weekly run is writing it and did "
            + "not finish within 1 s; try again when it has finished (GIAINGAN_BUSY_TIMEOUT=SECONDS waits longer)"), r.stderr)
        Thread.sleep(forTimeInterval: 3.5)
        XCTAssertEqual(try DatabaseContent.rows(db), before)
    }

    func test_aWriterWithinTheTimeoutWaitsAndSucceeds() throws {
        let scratch = Scratch()
        let db = try provinceRegistry(scratch)
        _ = try holdWriteLock(db, seconds: 1.5)
        let started = Date()
        let r = try CLI.run(["import", "disbursements", Repository.province + "/" + ledgers[0], "--db", db],
                            environment: ["GIAINGAN_BUSY_TIMEOUT": "20"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 1.0, "it waited for the other writer")
        XCTAssertEqual(try DatabaseContent.count(db, "ledger_entry"), try txnIDs([Repository.province + "/" + ledgers[0]]).count)
    }
}
