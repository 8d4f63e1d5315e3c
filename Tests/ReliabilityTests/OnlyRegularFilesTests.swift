import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11, items 16 and 21: an import reads only regular files, and reads the very file it
/// checked, whatever its name becomes meanwhile.
final class OnlyRegularFilesTests: XCTestCase {
    /// Runs `arguments`; a command that has not ended after `seconds` is killed and fails the test.
    func runBounded(_ arguments: [String], seconds: Double = 20) throws -> CLI.Result {
        let running = try CLI.Running(arguments)
        let deadline = Date().addingTimeInterval(seconds)
        while running.process.isRunning && Date() < deadline { usleep(20_000) }
        if running.process.isRunning {
            kill(running.process.processIdentifier, SIGKILL)
            _ = try running.wait()
            XCTFail("\(arguments.joined(separator: " ")) still running after \(seconds) s")
            throw XCTSkip("hung")
        }
        return try running.wait()
    }

    func test_aFIFOADeviceOrAFolderAsAnImportArgumentIsRefusedAtOnce_andNothingIsWritten() throws {
        let scratch = Scratch()
        let db = scratch.path + "/p.sqlite"
        XCTAssertEqual(try CLI.run(["import", "projects", Repository.province + "/projects.csv", "--db", db]).status, 0)
        let before = try DatabaseContent.rows(db)
        let fifo = scratch.path + "/ledger.csv"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let cases: [(String, String)] = [(fifo, "a named pipe (FIFO)"), ("/dev/zero", "a character device"),
                                         (scratch.folder("a-folder.csv"), "a folder")]
        for (path, noun) in cases {
            for kind in ["disbursements", "plan", "projects", "envelope"] {
                let started = Date()
                let r = try runBounded(["import", kind, path, "--db", db])
                XCTAssertFalse(r.crashed)
                XCTAssertEqual(r.status, 2, "\(kind) \(path): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains(path) && r.stderr.contains("is \(noun), not a regular file"), r.stderr)
                XCTAssertTrue(r.stderr.contains("nothing was imported"), r.stderr)
                XCTAssertLessThan(Date().timeIntervalSince(started), 10, "refused at once")
            }
        }
        // With a good file beside it, nothing of the good file is written either: one transaction.
        let r = try runBounded(["import", "disbursements", Repository.province + "/disbursements-2022.csv", fifo, "--db", db])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(try DatabaseContent.rows(db), before)
    }

    func test_aFIFOOrADeviceLinkInTheWeeklyInboxIsPassedOverAndSaid_theRunEnds() throws {
        let scratch = Scratch()
        let db = scratch.path + "/p.sqlite"
        let inbox = scratch.folder("inbox")
        for name in ["projects.csv", "plan.csv", "disbursements-2023-h1.csv"] {
            try FileManager.default.copyItem(atPath: Repository.province + "/" + name, toPath: inbox + "/" + name)
        }
        XCTAssertEqual(mkfifo(inbox + "/waiting.csv", 0o600), 0)
        XCTAssertEqual(symlink("/dev/zero", inbox + "/zero.csv"), 0)
        let r = try runBounded(["weekly", "--db", db, "--inbox", inbox, "--out", scratch.path + "/out", "--as-of", "2023-06-30"],
                               seconds: 60)
        XCTAssertFalse(r.crashed)
        XCTAssertTrue([0, 1].contains(r.status), r.stderr)
        let summary = try String(contentsOfFile: scratch.path + "/out/2023-06-30/summary.json", encoding: .utf8)
        XCTAssertTrue(summary.contains("a named pipe (FIFO), not a regular file"), summary)
        XCTAssertTrue(summary.contains("zero.csv") && summary.contains("a symbolic link"), summary)
        XCTAssertTrue(summary.contains("disbursements-2023-h1.csv"), summary)
    }
}
