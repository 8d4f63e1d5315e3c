import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
import GRDB
@testable import GiaiNganStore

/// The ledger import writes hundreds of rows per statement on one thread while another decodes:
/// these tests pin that every row is still counted and reported exactly as one row at a time
/// would: duplicates, conflicts and bad rows anywhere in a statement, a batch or a file, in file order.
final class LedgerBulkImportTests: XCTestCase {
    static let projects = "project_code,project_name,investor\nP1,Đường A,Ban QLDA tỉnh\nP2,Kè B,UBND huyện Năm Căn\n"
    static let header = "txn_id,project_code,plan_year,date,type,amount_vnd\n"

    private func ledger(_ rows: Int, from first: Int = 1, amount: (Int) -> Int = { 1_000 + $0 }) -> String {
        (first..<(first + rows)).map { "T\($0),P\($0 % 2 + 1),2023,2023-03-01,payment,\(amount($0))\n" }.joined()
    }

    private func refusal(_ body: () throws -> Void) -> String {
        do {
            try body()
            XCTFail("the import was expected to be refused")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func test_manyRowsAcrossStatementsAndBatchesAreAllCounted() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        // 10,000 rows: several 4096-row batches, 256-row statements and a tail of 16- and 1-row ones.
        let first = try store.importFiles(kind: .disbursements, paths: [tmp.file("a.csv", Self.header + ledger(10_000))],
                                          today: d("2023-05-01"))[0]
        XCTAssertEqual([first.rowsRead, first.added, first.present], [10_000, 10_000, 0])
        // Overlapping export: 3,000 already stored, 4,321 new.
        let second = try store.importFiles(kind: .disbursements,
                                           paths: [tmp.file("b.csv", Self.header + ledger(7_321, from: 7_001))],
                                           today: d("2023-05-01"))[0]
        XCTAssertEqual([second.rowsRead, second.added, second.present], [7_321, 4_321, 3_000])
        XCTAssertEqual(try store.count("ledger_entry"), 14_321)
        let total = try store.read { db in try Int.fetchOne(db, sql: "SELECT SUM(amount) FROM ledger_entry")! }
        XCTAssertEqual(total, (1...14_321).reduce(0) { $0 + 1_000 + $1 })
        let lines = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT txn_id, source_line, import_id FROM ledger_entry WHERE txn_id IN ('T1', 'T10000', 'T14321')")
        }
        XCTAssertEqual(lines.map { $0[0] as String }, ["T1", "T10000", "T14321"])
        XCTAssertEqual(lines.map { $0[1] as Int }, [2, 10_001, 7_322])
    }

    func test_sameTxnTwiceInOneFileWithTheSameContentCountsOnce() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        let text = Self.header + ledger(300) + "T5,P2,2023,2023-03-01,payment,1005\n" + ledger(10, from: 301)
        let s = try store.importFiles(kind: .disbursements, paths: [tmp.file("a.csv", text)], today: d("2023-05-01"))[0]
        XCTAssertEqual([s.rowsRead, s.added, s.present], [311, 310, 1])
    }

    func test_conflictsAnywhereAreReportedInFileOrderWithBothVersions() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        _ = try store.importFiles(kind: .disbursements, paths: [tmp.file("a.csv", Self.header + ledger(5_000))], today: d("2023-05-01"))
        // b.csv: rows 1–4999 again, three of them changed: in the first statement, deep in a
        // later batch, and in the one-row tail; plus a row repeated with a new amount.
        var rows = ledger(4_999, amount: { [3, 4_500, 4_999].contains($0) ? 7 : 1_000 + $0 })
        rows += "T6001,P1,2023,2023-03-02,advance,9\nT6001,P1,2023,2023-03-02,advance,10\n"
        let message = refusal {
            _ = try store.importFiles(kind: .disbursements, paths: [tmp.file("b.csv", Self.header + rows)], today: d("2023-05-01"))
        }
        let conflictLines = message.split(separator: "\n").filter { $0.contains("b.csv:") }.map { String($0) }
        XCTAssertEqual(conflictLines.count, 4, message)
        XCTAssertTrue(conflictLines[0].hasPrefix("\(tmp.path)/b.csv:4: column \"txn_id\": value \"T3\""), conflictLines[0])
        XCTAssertTrue(conflictLines[0].contains("project P2, plan year 2023, current, 2023-03-01, payment, 1003 VND (from a.csv, line 4)"), conflictLines[0])
        XCTAssertTrue(conflictLines[1].contains("b.csv:4501:"), conflictLines[1])
        XCTAssertTrue(conflictLines[2].contains("b.csv:5000:"), conflictLines[2])
        XCTAssertTrue(conflictLines[3].contains("b.csv:5002:"), conflictLines[3])
        XCTAssertTrue(conflictLines[3].contains("line 5001 of this file has the same txn_id with different content"), conflictLines[3])
        XCTAssertTrue(message.contains("nothing was imported"))
        XCTAssertEqual(try store.count("ledger_entry"), 5_000)
        let amount = try store.read { db in try Int.fetchOne(db, sql: "SELECT amount FROM ledger_entry WHERE txn_id = 'T3'")! }
        XCTAssertEqual(amount, 1_003, "a treasury entry is never overwritten")
    }

    func test_badRowsUnknownProjectsAndAStructuralErrorKeepFileOrder() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        var text = Self.header + ledger(5_000)
        text += "X1,P9,2023,2023-03-01,payment,5\n"             // line 5002: unknown project (reported last)
        text += "X2,P1,2023,31/02/2023,payment,5\n"            // line 5003: no such date
        text += ledger(3_000, from: 5_003)
        text += "X3,P1,2023,2023-03-01,gift,5\n"               // line 8004: bad type
        text += "X4,P1,2023,2023-03-01,payment,5,\"x\"y\n"     // line 8005: a stray quote ends the file
        text += ledger(10, from: 9_000)
        let message = refusal {
            _ = try store.importFiles(kind: .disbursements, paths: [tmp.file("l.csv", text)], today: d("2023-05-01"))
        }
        let lines = message.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 5, message)
        XCTAssertTrue(lines[0].contains("l.csv:5003:"), lines[0])
        XCTAssertTrue(lines[1].contains("l.csv:8004:"), lines[1])
        XCTAssertTrue(lines[2].contains("l.csv:8005:"), lines[2])
        XCTAssertTrue(lines[3].contains("l.csv:5002: column \"project_code\": value \"P9\""), lines[3])
        XCTAssertEqual(try store.count("ledger_entry"), 0)
    }

    func test_foreignKeysAreCheckedAgainAfterALedgerImport() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-05-01"))
        _ = try store.importFiles(kind: .disbursements, paths: [tmp.file("a.csv", Self.header + ledger(3))], today: d("2023-05-01"))
        let on = try store.write { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        XCTAssertEqual(on, 1)
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: "UPDATE ledger_entry SET project_id = 999 WHERE txn_id = 'T1'")
        })
        XCTAssertThrowsError(try store.importFiles(kind: .disbursements, paths: [tmp.file("bad.csv", "nonsense")], today: d("2023-05-01")))
        XCTAssertEqual(try store.write { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }, 1)
    }

    func test_planYearWithoutPlanIsNotedPerFile() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2024-01-10"))
        _ = try store.importFiles(kind: .plan, paths: [tmp.file("plan.csv", "project_code,plan_year,class,amount_vnd,effective_on\nP1,2023,transitional,1000000,2023-01-05\n")],
                                  today: d("2024-01-10"))
        let a = tmp.file("a.csv", Self.header + "A1,P1,2023,2023-12-01,payment,5\nA2,P1,2024,2024-01-05,advance,7\nA3,P2,2024,2024-01-06,advance,7\n")
        let b = tmp.file("b.csv", Self.header + "A2,P1,2024,2024-01-05,advance,7\nB1,P2,2024,2024-01-08,payment,9\n")
        let s = try store.importFiles(kind: .disbursements, paths: [a, b], today: d("2024-01-10"))
        XCTAssertEqual(s[0].notes, ["accepted 2 entries drawing on plan year 2024, which has no plan yet: they count once its plan is imported"])
        XCTAssertEqual(s[1].notes, ["accepted 1 entries drawing on plan year 2024, which has no plan yet: they count once its plan is imported"])
    }

    /// A database made before the date index (migrations v1 and v2 only) gets it on opening,
    /// and gives the same figures.
    func test_aDatabaseMadeBeforeTheDateIndexIsMigrated() throws {
        let tmp = TempDir()
        let request = EvaluationRequest(planYear: 2023, asOf: d("2023-09-15"), rules: .caMau2023)
        let expected = try tmp.provinceBeforeMigration(undo: """
            DROP INDEX ledger_by_date;
            CREATE INDEX ledger_as_of ON ledger_entry(plan_year, project_id, tranche, date, disbursed_delta, advance_delta);
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v4:%';
            """) { store in try store.snapshots(for: request) }
        let store = try tmp.store()
        let indexes = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_entry' ORDER BY name")
        }
        XCTAssertEqual(indexes, ["ledger_by_date", "sqlite_autoindex_ledger_entry_1"])
        let snapshots = try store.snapshots(for: request)
        XCTAssertEqual(snapshots.map(\.project.code), expected.map(\.project.code))
        XCTAssertEqual(snapshots.map(\.positions), expected.map(\.positions))
        XCTAssertEqual(snapshots.map(\.activity), expected.map(\.activity))
    }

    /// A database whose date index still has the columns the checks read before the pack
    /// (v16) gets the narrow one on opening, with the same figures and project pages, and the
    /// project page still reads the index, never the whole table.
    func test_theDateIndexLosesTheCheckColumns_andTheProjectPageStillUsesIt() throws {
        let tmp = TempDir()
        let request = EvaluationRequest(planYear: 2023, asOf: d("2023-09-15"), rules: .caMau2023)
        let (expected, code, page) = try tmp.provinceBeforeMigration(undo: """
            DROP INDEX ledger_by_date;
            CREATE INDEX ledger_by_date ON ledger_entry(plan_year, date, id, project_id, tranche, fund_source,
                disbursed_delta, advance_delta);
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v17%';
            """) { store in
            let expected = try store.snapshots(for: request)
            let code = try XCTUnwrap(expected.first { ($0.positions[request.asOf]?.disbursedVND ?? 0) > 0 }?.project.code)
            return (expected, code, try store.projectDetail(code: code, planYear: 2023, limit: 3, through: d("2023-09-15")))
        }
        let store = try tmp.store()
        let columns = try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info('ledger_by_date') ORDER BY seqno") }
        XCTAssertEqual(columns, ["plan_year", "date", "project_id"])
        let snapshots = try store.snapshots(for: request)
        XCTAssertEqual(snapshots.map(\.positions), expected.map(\.positions))
        XCTAssertEqual(snapshots.map(\.breakdown), expected.map(\.breakdown))
        let again = try XCTUnwrap(try store.projectDetail(code: code, planYear: 2023, limit: 3, through: d("2023-09-15")))
        XCTAssertEqual(again.entries.map(\.txnID), page?.entries.map(\.txnID))
        XCTAssertEqual(again.moreEntries, page?.moreEntries)
        XCTAssertFalse(again.entries.isEmpty)
        for sql in ["SELECT COUNT(*) FROM ledger_entry WHERE project_id = 1 AND plan_year = 2023 AND date <= 1",
                    "SELECT txn_id FROM ledger_entry WHERE project_id = 1 AND plan_year = 2023 AND date <= 1 ORDER BY date DESC, id DESC LIMIT 5"] {
            let plan = try store.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String } }
            XCTAssertTrue(plan.contains { $0.contains("INDEX ledger_by_date (plan_year=? AND date<?)") }, "\(sql): \(plan)")
        }
        // The entries above the packed segments, usually none, are found by id, not by testing
        // every entry of the year.
        for sql in [LedgerSums.entriesAboveSQL, LedgerPack.entriesAboveSQL] {
            let plan = try store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: StatementArguments(Array(repeating: 1, count: sql.filter { $0 == "?" }.count)))
                    .map { $0["detail"] as String }
            }
            XCTAssertEqual(plan, ["SEARCH ledger_entry USING INTEGER PRIMARY KEY (rowid>?)"], sql)
        }
    }

    func test_newDatabasesUse64KiBPages() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        XCTAssertEqual(try store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }, Store.pageSize)
    }

    /// The ledger is read on a second connection while plans are read on the first: with imports
    /// committing meanwhile, every result must still be one state of the database, never a mix.
    func test_snapshotsAreOneStateWhileImportsCommit() throws {
        let request = EvaluationRequest(planYear: 2023, asOf: d("2023-09-30"), rules: .caMau2023)
        let plan = "project_code,plan_year,class,amount_vnd,effective_on\nP1,2023,transitional,1000000000,2023-01-05\nP2,2023,new_start,2000000000,2023-01-05\n"
        let files = (0..<8).map { k in
            Self.header + (0..<50).map { i in "K\(k)-\(i),P\(i % 2 + 1),2023,2023-0\(1 + k % 8)-1\(i % 10),payment,\(1_000 * (k + 1))\n" }.joined()
        }
        func digest(_ snapshots: [ProjectSnapshot]) -> [Int64] {
            snapshots.flatMap { s in request.dates.flatMap { [s.positions[$0]!.planVND, s.positions[$0]!.disbursedVND] } + s.activity.windows }
        }
        // The states, one import at a time.
        let reference = TempDir()
        let referenceStore = try reference.store()
        _ = try referenceStore.importFiles(kind: .projects, paths: [reference.file("p.csv", Self.projects)], today: d("2023-10-01"))
        _ = try referenceStore.importFiles(kind: .plan, paths: [reference.file("plan.csv", plan)], today: d("2023-10-01"))
        var states = [digest(try referenceStore.snapshots(for: request))]
        for (k, text) in files.enumerated() {
            _ = try referenceStore.importFiles(kind: .disbursements, paths: [reference.file("l\(k).csv", text)], today: d("2023-10-01"))
            states.append(digest(try referenceStore.snapshots(for: request)))
        }
        // The same imports in another thread while this one reads.
        let tmp = TempDir()
        let store = try tmp.store()
        _ = try store.importFiles(kind: .projects, paths: [tmp.file("p.csv", Self.projects)], today: d("2023-10-01"))
        _ = try store.importFiles(kind: .plan, paths: [tmp.file("plan.csv", plan)], today: d("2023-10-01"))
        let paths = files.enumerated().map { tmp.file("l\($0.offset).csv", $0.element) }
        let done = DispatchSemaphore(value: 0)
        Thread {
            for path in paths { _ = try? store.importFiles(kind: .disbursements, paths: [path], today: d("2023-10-01")) }
            done.signal()
        }.start()
        var seen = Set<Int>()
        while done.wait(timeout: .now()) == .timedOut {
            let state = digest(try store.snapshots(for: request))
            let index = try XCTUnwrap(states.firstIndex(of: state), "a mix of two states")
            seen.insert(index)
        }
        XCTAssertEqual(digest(try store.snapshots(for: request)), states.last)
        XCTAssertFalse(seen.isEmpty)
    }
}
