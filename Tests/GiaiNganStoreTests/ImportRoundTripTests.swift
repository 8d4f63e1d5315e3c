import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
@testable import GiaiNganStore

final class ImportRoundTripTests: XCTestCase {
    struct Expected: Decodable {
        struct CheckpointFigures: Decodable {
            var name: String
            var date: String
            var plan_vnd: Int64
            var disbursed_vnd: Int64
            var met: [String: Int]
            var of: [String: Int]
            var investors: [InvestorFigures]
        }
        struct InvestorFigures: Decodable {
            var investor: String
            var plan_vnd: Int64
            var disbursed_vnd: Int64
            var projects: Int
            var projects_below: Int
        }
        var plan_year_2023: [CheckpointFigures]
    }

    func test_fixtureFiguresMatchTheGeneratorsOracleAtEveryCheckpoint() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        try store.importProvince()
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.province + "/expected.json")))
        XCTAssertEqual(expected.plan_year_2023.count, 4)
        for cp in expected.plan_year_2023 {
            let request = EvaluationRequest(planYear: 2023, asOf: d(cp.date), rules: .caMau2023)
            let e = try Evaluator.evaluate(request: request, snapshots: try store.snapshots(for: request))
            XCTAssertEqual(e.province.position.planVND, cp.plan_vnd, cp.name)
            XCTAssertEqual(e.province.position.disbursedVND, cp.disbursed_vnd, cp.name)
            let result = e.province.checkpoints.first { $0.checkpoint.name == cp.name }!
            XCTAssertEqual(result.atCheckpoint?.disbursedVND, cp.disbursed_vnd)
            for c in ProjectClass.allCases {
                let met = e.projects.filter { $0.projectClass == c && $0.result.checkpoints.first { $0.checkpoint.name == cp.name }?.status == .met }.count
                XCTAssertEqual(met, cp.met[c.rawValue], "\(cp.name) \(c)")
                XCTAssertEqual(e.projects.filter { $0.projectClass == c }.count, cp.of[c.rawValue], "\(cp.name) \(c)")
            }
            for inv in cp.investors {
                let r = try XCTUnwrap(e.investors.first { $0.investor == InvestorID(inv.investor) }, inv.investor)
                XCTAssertEqual(r.result.position.planVND, inv.plan_vnd, inv.investor)
                XCTAssertEqual(r.result.position.disbursedVND, inv.disbursed_vnd, inv.investor)
                XCTAssertEqual(r.projectCount, inv.projects, inv.investor)
                XCTAssertEqual(r.projectsBelow, inv.projects_below, "\(cp.name) \(inv.investor)")
            }
        }
    }

    /// The SQL aggregation and the in-memory reference definition give the same snapshots.
    func test_sqlSnapshotsEqualInMemorySnapshots() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        try store.importProvince()
        var projects: [Project] = [], lines: [PlanLine] = [], entries: [LedgerEntry] = []
        var seen = Set<String>()
        let r1 = try TableReader(path: Fixtures.province + "/projects.csv", kind: .projects)
        while let row = try r1.nextProject() { projects.append(row.value!) }
        let r2 = try TableReader(path: Fixtures.province + "/plan.csv", kind: .plan)
        while let row = try r2.nextPlanLine() { lines.append(row.value!) }
        for path in Fixtures.ledgers {
            let r = try TableReader(path: path, kind: .disbursements)
            while let row = try r.nextLedgerEntry() {
                if seen.insert(row.value!.txnID).inserted { entries.append(row.value!) }
            }
        }
        for (year, asOf) in [(2023, "2023-02-14"), (2023, "2023-03-31"), (2023, "2023-09-15"), (2023, "2024-02-01"), (2022, "2022-12-31")] {
            var rules = RuleSet.footnote4(planYear: year)
            for tranches in [Set([Tranche.current]), Set(Tranche.allCases)] {
                rules.countedTranches = tranches
                let request = EvaluationRequest(planYear: year, asOf: d(asOf), rules: rules)
                let sql = try store.snapshots(for: request)
                let memory = try SnapshotBuilder.snapshots(request: request, projects: projects, planLines: lines, entries: entries)
                XCTAssertEqual(sql.count, memory.count, asOf)
                for (a, b) in zip(sql, memory) {
                    XCTAssertEqual(a.project.code, b.project.code)
                    XCTAssertEqual(a.projectClass, b.projectClass, a.project.code)
                    XCTAssertEqual(a.positions, b.positions, "\(asOf) \(a.project.code)")
                    XCTAssertEqual(a.uncounted, b.uncounted, "\(asOf) \(a.project.code)")
                    XCTAssertEqual(a.activity, b.activity, "\(asOf) \(a.project.code)")
                    XCTAssertEqual(a.breakdown, b.breakdown, "\(asOf) \(a.project.code)")
                    // The parts sum to the totals: counted ones to the position, the rest apart.
                    XCTAssertEqual(try a.breakdown.total(tranches: tranches), a.positions[d(asOf)], "\(asOf) \(a.project.code)")
                    XCTAssertEqual(try a.breakdown.total(tranches: Set(Tranche.allCases).subtracting(tranches)), a.uncounted)
                }
            }
        }
    }

    func test_reimportIsANoOp() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        try store.importProvince()
        let before = try store.count("ledger_entry")
        let again = try store.importFiles(kind: .disbursements, paths: Fixtures.ledgers, today: d("2024-03-01"))
        XCTAssertTrue(again.allSatisfy { if case .alreadyImported = $0.status { return true } else { return false } })
        XCTAssertEqual(try store.count("ledger_entry"), before)
        let plan = try store.importFiles(kind: .plan, paths: [Fixtures.province + "/plan.csv"], today: d("2024-03-01"))
        XCTAssertTrue(plan[0].line.contains("already imported"))
    }

    func test_overlappingExportsCountEachTxnOnce() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [Fixtures.province + "/projects.csv"], today: d("2024-02-01"))
        let h1 = try store.importFiles(kind: .disbursements, paths: [Fixtures.ledgers[1]], today: d("2024-02-01"))[0]
        let h2 = try store.importFiles(kind: .disbursements, paths: [Fixtures.ledgers[2]], today: d("2024-02-01"))[0]
        XCTAssertEqual(h1.present, 0)
        XCTAssertGreaterThan(h2.present, 0, "the two 2023 exports overlap")
        XCTAssertEqual(try store.count("ledger_entry"), h1.added + h2.added)
        XCTAssertEqual(h2.rowsRead, h2.added + h2.present)
    }

    static let projects = "project_code,project_name,investor\nP1,Đường A,Ban QLDA tỉnh\nP2,Kè B,UBND huyện Năm Căn\n"

    func test_conflictingTxnIsRefusedWithBothVersions() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        let first = tmp.file("a.csv", "txn_id,project_code,plan_year,date,type,amount_vnd\nT1,P1,2023,2023-03-01,payment,1.000.000\n")
        _ = try store.importFiles(kind: .disbursements, paths: [first], today: d("2023-05-01"))
        let second = tmp.file("b.csv", "txn_id,project_code,plan_year,date,type,amount_vnd\nT2,P1,2023,2023-03-02,payment,5\nT1,P1,2023,2023-03-01,payment,2.000.000\n")
        XCTAssertThrowsError(try store.importFiles(kind: .disbursements, paths: [second], today: d("2023-05-01"))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("b.csv:3"), text)
            XCTAssertTrue(text.contains("\"T1\""), text)
            XCTAssertTrue(text.contains("1000000 VND (from a.csv, line 2)"), text)
            XCTAssertTrue(text.contains("this row says project P1, plan year 2023, current, 2023-03-01, payment, 2000000 VND"), text)
            XCTAssertTrue(text.contains("nothing was imported"), text)
        }
        XCTAssertEqual(try store.count("ledger_entry"), 1, "T2 was not written either")
        XCTAssertEqual(try store.count("import"), 2)
    }

    func test_oneBadRowAmongGoodOnesWritesNothing() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        var text = "txn_id,project_code,plan_year,date,type,amount_vnd\n"
        for i in 1...100 { text += "T\(i),P1,2023,2023-03-01,payment,1.000\n" }
        text += "T101,P1,2023,31/02/2023,payment,1.000\n"
        XCTAssertThrowsError(try store.importFiles(kind: .disbursements, paths: [tmp.file("l.csv", text)], today: d("2023-05-01"))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("l.csv:102"), text)
            XCTAssertTrue(text.contains("31/02/2023"), text)
        }
        XCTAssertEqual(try store.count("ledger_entry"), 0)
        XCTAssertEqual(try store.count("import"), 1, "only the projects import is recorded")
    }

    func test_unknownProjectsAreAllListed() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        let text = "txn_id,project_code,plan_year,date,type,amount_vnd\nT1,X9,2023,2023-03-01,payment,1\nT2,P1,2023,2023-03-01,payment,1\nT3,X8,2023,2023-03-01,payment,1\nT4,X9,2023,2023-03-01,payment,1\n"
        XCTAssertThrowsError(try store.importFiles(kind: .disbursements, paths: [tmp.file("l.csv", text)], today: d("2023-05-01"))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("l.csv:2: column \"project_code\": value \"X9\""), text)
            XCTAssertTrue(text.contains("(2 rows use this code)"), text)
            XCTAssertTrue(text.contains("l.csv:4: column \"project_code\": value \"X8\""), text)
        }
        XCTAssertEqual(try store.count("ledger_entry"), 0)
    }

    func test_entriesForAPlanYearWithoutPlanAreAcceptedAndNoted() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2024-01-10"))
        let s = try store.importFiles(kind: .disbursements, paths: [tmp.file("l.csv", "txn_id,project_code,plan_year,date,type,amount_vnd\nT1,P1,2024,2024-01-05,advance,7\n")], today: d("2024-01-10"))
        XCTAssertEqual(s[0].added, 1)
        XCTAssertTrue(s[0].notes.contains { $0.contains("plan year 2024, which has no plan yet") }, "\(s[0].notes)")
    }

    func test_reimportedRegistryUpdatesNamesAndRecordsInvestorChange() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2025-06-01"))
        let moved = "project_code,project_name,investor\nP1,Đường A (giai đoạn 2),Ban QLDA tỉnh\nP2,Kè B,UBND xã Đất Mũi\n"
        let s = try store.importFiles(kind: .projects, paths: [tmp.file("p2.csv", moved)], today: d("2025-07-01"))
        XCTAssertEqual(s[0].updated, 2)
        let changes = try store.read { db in try Row.fetchAll(db, sql: "SELECT changed_on FROM investor_change") }
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(CivilDate(dayNumber: changes[0][0]), d("2025-07-01"))
        XCTAssertEqual(try store.investorNames(), ["Ban QLDA tỉnh", "UBND huyện Năm Căn", "UBND xã Đất Mũi"])
    }

    func test_nfdInvestorSpellingJoinsTheNfcInvestor() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        let nfd = "project_code,project_name,investor\nP3,Cầu C,\("UBND huyện Năm Căn".decomposedStringWithCanonicalMapping)\n"
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects), tmp.file("q.csv", nfd)], today: d("2023-05-01"))
        XCTAssertEqual(try store.investorNames().count, 2)
    }

    func test_importHistoryRecordsProvenance() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        try store.importProvince()
        let h = try store.importHistory()
        XCTAssertEqual(h.count, 5)
        XCTAssertEqual(h.last?.fileName, "projects.csv")
        XCTAssertEqual(h.first?.sha256.count, 64)
        XCTAssertEqual(h.first?.sha256, try FileDigest.sha256Hex(ofFile: Fixtures.ledgers[2]))
    }
}

import GRDB

final class LedgerTotalsTests: XCTestCase {
    /// The running totals that bound overflow count each stored entry once, whatever overlaps.
    func test_runningTotalsEqualTheLedgerAfterOverlappingImports() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        try store.importProvince()
        // The same rows again in another file (different bytes, same entries): nothing new.
        let h1 = try String(contentsOfFile: Fixtures.ledgers[1], encoding: .utf8)
        let copy = tmp.file("h1-again.csv", h1.replacingOccurrences(of: "\r\n", with: "\n"))
        let again = try store.importFiles(kind: .disbursements, paths: [copy], today: d("2024-03-01"))
        XCTAssertEqual(again[0].added, 0)
        let mismatches = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (
                    SELECT project_id, plan_year, TOTAL(amount) AS t FROM ledger_entry GROUP BY project_id, plan_year
                ) l LEFT JOIN ledger_total r USING (project_id, plan_year) WHERE r.total IS NULL OR r.total != l.t
                """)
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertGreaterThan(try store.count("ledger_total"), 40)
    }
}
