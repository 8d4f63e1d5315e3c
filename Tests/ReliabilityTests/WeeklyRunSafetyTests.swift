import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
import GiaiNganStore
@testable import GiaiNganApp

/// The weekly run reads a folder that other people and programs write into, and is killed by
/// timeouts and reboots: it must never write outside its folders, and a killed run must leave
/// nothing that hides its warnings from the next one.
final class WeeklyRunSafetyTests: XCTestCase {
    func weekly(_ scratch: Scratch) throws -> WeeklyRun {
        let db = scratch.path + "/db.sqlite"
        let store = try Store(path: db)
        for kind: FileKind in [.projects, .plan] {
            _ = try store.importFiles(kind: kind, paths: [Repository.bad + "/base/\(kind.rawValue).csv"], today: CivilDate(iso: "2023-06-02")!)
        }
        return WeeklyRun(store: store, databasePath: db, inbox: scratch.folder("inbox"), out: scratch.path + "/out",
                         rules: .caMau2023, asOf: CivilDate(iso: "2023-06-01")!, today: CivilDate(iso: "2023-06-02")!)
    }

    func badLedger(in inbox: String) throws {
        try Data("txn_id,project_code,plan_year,date,type,amount_vnd\nX1,DA001,2023,31/02/2023,payment,5\n".utf8)
            .write(to: URL(fileURLWithPath: inbox + "/bad.csv"))
    }

    func test_aRejectedFolderThatIsALinkStopsTheRunAndNothingLeavesTheInbox() throws {
        let scratch = Scratch()
        let run = try weekly(scratch)
        let outside = scratch.folder("outside")
        try badLedger(in: run.inbox)
        try FileManager.default.createSymbolicLink(atPath: run.inbox + "/rejected", withDestinationPath: outside)
        XCTAssertThrowsError(try run.run()) { error in
            XCTAssertTrue("\(error)".contains("rejected is not a folder (a symbolic link or a file)"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.inbox + "/bad.csv"), "the bad file stays where it was")
    }

    func test_aLinkWhereTheErrorReportGoesIsNeverFollowed() throws {
        let scratch = Scratch()
        let run = try weekly(scratch)
        let victim = scratch.folder("outside") + "/victim.txt"
        try badLedger(in: run.inbox)
        let rejected = run.inbox + "/rejected"
        try FileManager.default.createDirectory(atPath: rejected, withIntermediateDirectories: true)
        // A dangling link: fileExists says no, and a plain write would create the victim through it.
        try FileManager.default.createSymbolicLink(atPath: rejected + "/bad.csv.errors.txt", withDestinationPath: victim)
        let o = try run.run()
        XCTAssertEqual(o.files.first?.status, "rejected")
        XCTAssertFalse(FileManager.default.fileExists(atPath: victim), "nothing written through the link")
        XCTAssertTrue(FileManager.default.fileExists(atPath: rejected + "/2-bad.csv"))
        let report = try String(contentsOfFile: rejected + "/2-bad.csv.errors.txt", encoding: .utf8)
        XCTAssertTrue(report.contains("bad.csv:2: column \"date\""), report)
    }

    func test_theHiddenFoldersOfAKilledRunAreCleanedUpAndAMovedAsideFolderComesBack() throws {
        let scratch = Scratch()
        let run = try weekly(scratch)
        let fm = FileManager.default
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let partial = run.out + "/.2023-06-01.partial-\(finished.processIdentifier)"
        let movedAside = run.out + "/.2023-05-25.replaced-7"
        for folder in [partial, movedAside] { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: movedAside + "/summary.json"))
        _ = try run.run()
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: run.out).sorted(), ["2023-05-25", "2023-06-01"],
                       "the staging folder of the dead process is gone; the folder moved aside is back")
        XCTAssertTrue(fm.fileExists(atPath: run.out + "/2023-05-25/summary.json"))
        // The same date again: the folder is replaced whole and nothing hidden is left.
        _ = try run.run()
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: run.out).sorted(), ["2023-05-25", "2023-06-01"])
    }

    func test_aRunWhoseReportsAreNotPublishedIsNotStored_soItsNewWarningsComeAgain() throws {
        let scratch = Scratch()
        let run = try weekly(scratch)
        struct PublishFailed: Error {}
        XCTAssertThrowsError(try run.store.saveRun(planYear: 2023, asOf: run.asOf, rulesName: "r", rulesTOML: "", reportJSON: "{}",
                                                   warnings: [StoredWarning(key: "k", code: "C", severity: "critical", subject: "province",
                                                                            investor: nil, bodyJSON: "{}")]) { _ in throw PublishFailed() })
        XCTAssertEqual(try run.store.runs().count, 0)
        let first = try run.run()
        XCTAssertNil(first.previousRunID)
        XCTAssertTrue(first.newCritical, "the province missed Q1 and Q2: new critical warnings on the first stored run")
    }
}
