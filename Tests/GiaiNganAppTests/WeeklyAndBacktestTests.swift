import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
import GiaiNganStore
@testable import GiaiNganApp

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures").standardized.path
    static var province: String { root + "/province" }
}

func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }

final class TempDir {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-app-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func sub(_ name: String) -> String {
        let p = path + "/" + name
        try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }
}

final class WeeklyRunTests: XCTestCase {
    func makeRun(_ tmp: TempDir, asOf: String) throws -> WeeklyRun {
        let db = tmp.path + "/db.sqlite"
        return WeeklyRun(store: try Store(path: db), databasePath: db, inbox: tmp.sub("inbox"), out: tmp.sub("out"),
                         rules: .caMau2023, asOf: d(asOf), today: d("2023-09-16"))
    }

    func copyFixtures(to inbox: String) throws {
        for f in try FileManager.default.contentsOfDirectory(atPath: Fixtures.province) where f.hasSuffix(".csv") {
            try FileManager.default.copyItem(atPath: Fixtures.province + "/" + f, toPath: inbox + "/" + f)
        }
    }

    func summary(_ folder: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as! [String: Any]
    }

    func test_firstRunWritesTheDatedFolder_secondReportsNothingNew() throws {
        let tmp = TempDir()
        let run = try makeRun(tmp, asOf: "2023-09-15")
        try copyFixtures(to: run.inbox)
        let first = try run.run()
        XCTAssertEqual(first.files.filter { $0.status == "imported" }.count, 9, "every file of the province: registry, two plans, envelope, four ledgers, schedules")
        XCTAssertGreaterThan(first.new.count, 0)
        XCTAssertTrue(first.newCritical)
        let fm = FileManager.default
        for f in ["summary.json", "report.html", "report.csv", "report.json", "report.txt", "report.xlsx"] {
            XCTAssertTrue(fm.fileExists(atPath: first.folder + "/" + f), f)
        }
        let investors = try fm.contentsOfDirectory(atPath: first.folder + "/investors")
        XCTAssertEqual(investors.filter { $0.hasSuffix(".html") }.count, 12)
        XCTAssertEqual(Set(investors.filter { $0.hasSuffix(".xlsx") }.map { $0.replacingOccurrences(of: ".xlsx", with: ".html") }),
                       Set(investors.filter { $0.hasSuffix(".html") }), "one workbook per investor, under the same slug")
        XCTAssertEqual(first.folder, run.out + "/2023-09-15")

        let second = try run.run()
        XCTAssertEqual(second.new.count, 0)
        XCTAssertEqual(second.resolved.count, 0)
        XCTAssertEqual(second.persisting.count, first.new.count)
        XCTAssertFalse(second.newCritical)
        XCTAssertTrue(second.files.allSatisfy { $0.status == "already_imported" })
        let s = try summary(second.folder)
        XCTAssertEqual((s["new"] as! [Any]).count, 0)
        XCTAssertEqual((s["persisting"] as! [Any]).count, first.new.count)
        XCTAssertEqual((s["previous_run"] as! [String: Any])["id"] as? Int, Int(first.runID))
    }

    func test_lateEntryResolvesAWarning_andTheEarlierRunStaysReproducible() throws {
        let tmp = TempDir()
        let run = try makeRun(tmp, asOf: "2023-09-15")
        try copyFixtures(to: run.inbox)
        let first = try run.run()
        let firstJSON = try run.store.run(id: first.runID)!.reportJSON
        // The commune investor missed Q2 with 0 disbursed; a late treasury entry dated 30/06 lifts it.
        let missed = try XCTUnwrap(first.new.first { $0.code == "CHECKPOINT_MISSED" && $0.subject == "project:0078851" })
        _ = missed
        let late = "txn_id,project_code,plan_year,date,type,amount_vnd\nKB2023-LATE-1,0078851,2023,2023-06-30,payment,2.840.000.000\n"
        try Data(late.utf8).write(to: URL(fileURLWithPath: run.inbox + "/kbnn-late.csv"))
        let second = try run.run()
        XCTAssertTrue(second.resolved.contains { $0.key == missed.key }, "\(second.resolved.map(\.key))")
        XCTAssertEqual(try run.store.run(id: first.runID)!.reportJSON, firstJSON)
        XCTAssertEqual(try run.store.warnings(ofRun: first.runID).count, first.new.count)
    }

    func test_badFileIsSetAsideAndTheOthersStillImport() throws {
        let tmp = TempDir()
        let run = try makeRun(tmp, asOf: "2023-09-15")
        try copyFixtures(to: run.inbox)
        let bad = "txn_id,project_code,plan_year,date,type,amount_vnd\nX1,0078851,2023,31/02/2023,payment,5\n"
        try Data(bad.utf8).write(to: URL(fileURLWithPath: run.inbox + "/kbnn-bad.csv"))
        let o = try run.run()
        let rejected = try XCTUnwrap(o.files.first { $0.file == "kbnn-bad.csv" })
        XCTAssertEqual(rejected.status, "rejected")
        XCTAssertEqual(o.files.filter { $0.status == "imported" }.count, 9)
        let fm = FileManager.default
        XCTAssertFalse(fm.fileExists(atPath: run.inbox + "/kbnn-bad.csv"))
        XCTAssertTrue(fm.fileExists(atPath: run.inbox + "/rejected/kbnn-bad.csv"))
        let report = try String(contentsOfFile: run.inbox + "/rejected/kbnn-bad.csv.errors.txt", encoding: .utf8)
        XCTAssertTrue(report.contains("kbnn-bad.csv:2"), report)
        XCTAssertTrue(report.contains("31/02/2023"), report)
    }

    func test_twoRunsAtOnceRefuseClearly() throws {
        let tmp = TempDir()
        let run = try makeRun(tmp, asOf: "2023-09-15")
        let held = try RunLock(path: run.databasePath + ".weekly.lock")
        defer { held.release() }
        XCTAssertThrowsError(try run.run()) { error in
            XCTAssertTrue("\(error)".contains("another weekly run"), "\(error)")
        }
    }

    func test_symlinksInTheInboxAreNotFollowed() throws {
        let tmp = TempDir()
        let run = try makeRun(tmp, asOf: "2023-09-15")
        try FileManager.default.createSymbolicLink(atPath: run.inbox + "/outside.csv", withDestinationPath: Fixtures.province + "/projects.csv")
        let o = try run.run()
        XCTAssertEqual(o.files.first?.status, "skipped")
        XCTAssertEqual(try run.store.investorNames(), [])
    }
}

final class BacktestTests: XCTestCase {
    /// The early warning leads most misses on the bundled province: most checkpoint misses were
    /// flagged at least one month end before, and most flags were right.
    func test_flagsLeadMostMissesOnTheFixtures() throws {
        let tmp = TempDir()
        let store = try Store(path: tmp.path + "/db.sqlite")
        let p = Fixtures.province
        _ = try store.importFiles(kind: .projects, paths: [p + "/projects.csv"], today: d("2024-02-15"))
        _ = try store.importFiles(kind: .plan, paths: [p + "/plan.csv"], today: d("2024-02-15"))
        _ = try store.importFiles(kind: .disbursements, paths: ["2022", "2023-h1", "2023-h2"].map { p + "/disbursements-\($0).csv" }, today: d("2024-02-15"))
        let r = try Backtest.run(store: store, rules: .caMau2023)
        XCTAssertEqual(r.rows.count, 12)
        XCTAssertGreaterThan(r.misses, 50)
        XCTAssertGreaterThanOrEqual(r.missesFlaggedInAdvance * 10, r.misses * 8, "\(r.missesFlaggedInAdvance) of \(r.misses)")
        XCTAssertGreaterThanOrEqual(r.precisionPerMille, 600)
        XCTAssertGreaterThanOrEqual(r.recallPerMille, 700)
    }
}
