import Foundation
import XCTest
import GiaiNganCore
import GRDB
@testable import GiaiNganStore

/// The packed copy of the ledger (`LedgerPack`) holds every entry up to `packed_through` once and
/// nothing else, after every kind of write: an import of new rows, one of rows partly stored
/// already, one refused, a merge, and the migration that makes it for an existing ledger.
final class LedgerPackTests: XCTestCase {
    struct Key: Hashable { var year: Int; var day: Int; var project: Int64; var tranche: Int; var source: [UInt8] }
    struct Sums: Equatable { var entries = 0; var disbursed: Int64 = 0; var advance: Int64 = 0 }

    /// The segments decoded, summed per (plan year, day, project, tranche, fund source), as an
    /// independent reader of the layout `LedgerPack` documents.
    static func packed(_ db: Database) throws -> [Key: Sums] {
        var out: [Key: Sums] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT plan_year, entries, sources, records FROM ledger_pack ORDER BY id") {
            let year: Int = row[0], entries: Int = row[1]
            let sourceBytes = [UInt8]((row[2] as Data)), records = [UInt8]((row[3] as Data))
            var sources: [[UInt8]] = []
            var at = 0
            while at < sourceBytes.count {
                let n = Int(sourceBytes[at]) | Int(sourceBytes[at + 1]) << 8
                sources.append(Array(sourceBytes[(at + 2)..<(at + 2 + n)]))
                at += 2 + n
            }
            XCTAssertEqual(records.count, 28 * entries)
            func int(_ at: Int, _ bytes: Int) -> Int64 {
                var v: UInt64 = 0
                for k in 0..<bytes { v |= UInt64(records[at + k]) << (8 * UInt64(k)) }
                return bytes == 4 ? Int64(Int32(truncatingIfNeeded: v)) : Int64(bitPattern: v)
            }
            for e in 0..<entries {
                let r = 28 * e
                let source = Int(records[r + 24]) | Int(records[r + 25]) << 8
                let key = Key(year: year, day: Int(int(r, 4)), project: int(r + 4, 4), tranche: Int(records[r + 26]), source: sources[source])
                XCTAssertEqual(records[r + 27], 0)
                out[key, default: Sums()].entries += 1
                out[key, default: Sums()].disbursed += int(r + 8, 8)
                out[key, default: Sums()].advance += int(r + 16, 8)
            }
        }
        return out
    }

    /// The same sums from `ledger_entry`, for the entries up to `packed_through`.
    static func stored(_ db: Database) throws -> [Key: Sums] {
        let through = try Int64.fetchOne(db, sql: "SELECT packed_through FROM ledger_pack_state") ?? -1
        var out: [Key: Sums] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT plan_year, date, project_id, tranche, CAST(fund_source AS BLOB), COUNT(*), SUM(disbursed_delta), SUM(advance_delta)
            FROM ledger_entry WHERE id <= ? GROUP BY 1, 2, 3, 4, 5
            """, arguments: [through]) {
            let key = Key(year: row[0], day: row[1], project: row[2], tranche: row[3], source: [UInt8]((row[4] as Data?) ?? Data()))
            out[key] = Sums(entries: row[5], disbursed: row[6], advance: row[7])
        }
        return out
    }

    func assertPackHoldsTheLedger(_ store: Store, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try store.read { db in
            let highest = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM ledger_entry") ?? 0
            XCTAssertEqual(try LedgerPack.packedThrough(db), highest, "\(label): every entry is packed", file: file, line: line)
            let packed = try Self.packed(db), stored = try Self.stored(db)
            XCTAssertEqual(packed.values.map(\.entries).reduce(0, +), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry"),
                           "\(label): one record per entry", file: file, line: line)
            XCTAssertEqual(packed, stored, label, file: file, line: line)
        }
    }

    func test_everyImportPacksWhatItAdded_andARefusedOneNothing() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        try assertPackHoldsTheLedger(store, "empty")
        let today = d("2024-02-15")
        _ = try store.importFiles(kind: .projects, paths: [Fixtures.province + "/projects.csv"], today: today)
        _ = try store.importFiles(kind: .plan, paths: [Fixtures.province + "/plan.csv"], today: today)
        // One file after the other: the second overlaps the first, so its batches hold rows
        // already stored (the packer reads back the new ones).
        for (k, path) in Fixtures.ledgers.enumerated() {
            _ = try store.importFiles(kind: .disbursements, paths: [path], today: today)
            try assertPackHoldsTheLedger(store, "after file \(k + 1)")
        }
        let before = try store.read { db in try Self.packed(db) }
        XCTAssertFalse(before.isEmpty)
        // The same files again: nothing new.
        _ = try store.importFiles(kind: .disbursements, paths: Fixtures.ledgers, today: today)
        try assertPackHoldsTheLedger(store, "again")
        XCTAssertEqual(try store.read { db in try Self.packed(db) }, before)
        // A file with a new row and a conflicting one is refused whole: the pack is unchanged.
        let stored = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT e.txn_id, p.code FROM ledger_entry e JOIN project p ON p.id = e.project_id LIMIT 1")
        }
        let txn: String = try XCTUnwrap(stored?[0]), code: String = try XCTUnwrap(stored?[1])
        let bad = tmp.file("bad.csv", """
            txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note
            NEW-1,\(code),2023,current,NSTW,2023-05-05,payment,1000000,
            \(txn),\(code),2023,current,NSTW,2023-05-06,payment,999999999,
            """)
        XCTAssertThrowsError(try store.importFiles(kind: .disbursements, paths: [bad], today: today))
        try assertPackHoldsTheLedger(store, "after a refused file")
        XCTAssertEqual(try store.read { db in try Self.packed(db) }, before)
    }

    /// A database whose ledger was written before the pack existed gets it on opening, and one
    /// whose entries above `packed_through` nobody packed has them packed by the next import.
    func test_theMigrationAndTheNextImportPackEntriesNobodyPacked() throws {
        let tmp = TempDir()
        let request = EvaluationRequest(planYear: 2023, asOf: d("2023-09-15"), rules: .caMau2023)
        let expected = try tmp.provinceBeforeMigration(undo: """
            DROP TABLE ledger_pack; DROP TABLE ledger_pack_state;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v16%';
            """) { store in try store.snapshots(for: request) }
        let store = try tmp.store()
        try assertPackHoldsTheLedger(store, "migrated")
        XCTAssertEqual(try store.snapshots(for: request).map(\.positions), expected.map(\.positions))

        // Entries above packed_through (as if written by something that did not pack them): read
        // from the table meanwhile, packed by the next import.
        let highest = try store.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ledger_entry") ?? 0 }
        try store.write { db in try LedgerPack.repack(db, segmentEntries: 64, through: highest / 3) }
        XCTAssertEqual(try store.read { db in try LedgerPack.packedThrough(db) } < highest, true)
        let partly = try store.snapshots(for: request)
        XCTAssertEqual(partly.map(\.positions), expected.map(\.positions))
        XCTAssertEqual(partly.map(\.breakdown), expected.map(\.breakdown))
        let code = try XCTUnwrap(try store.read { db in try String.fetchOne(db, sql: "SELECT code FROM project ORDER BY id LIMIT 1") })
        let next = tmp.file("next.csv", """
            txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note
            NEXT-1,\(code),2023,current,NSTW,2023-05-05,payment,1000000,
            """)
        _ = try store.importFiles(kind: .disbursements, paths: [next], today: d("2024-02-15"))
        try assertPackHoldsTheLedger(store, "after the next import")
    }

    func test_aMergePacksTheEntriesItBrings() throws {
        let tmp = TempDir(), other = TempDir()
        let source = try other.store()
        try source.importProvince()
        let store = try tmp.store()
        _ = try store.merge(from: other.path + "/test.sqlite", formerProvince: "Bạc Liêu")
        XCTAssertGreaterThan(try store.count("ledger_entry"), 0)
        try assertPackHoldsTheLedger(store, "merged")
    }
}
