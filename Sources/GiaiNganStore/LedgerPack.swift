import Foundation
import GiaiNganCore
import GRDB
import GRDBSQLite

/// A packed copy of the ledger, per plan year, for the check (table `ledger_pack`).
///
/// A check sums every entry of a plan year up to its as-of date; read from the covering date
/// index, that is a million index records decoded by SQLite one column at a time, the largest
/// part of the check. The same figures are kept here as fixed-size records in blobs of up to
/// ``segmentEntries`` entries: a check reads a few dozen rows.
///
/// Exact by construction, not by upkeep: ledger entries are never changed or deleted, and new
/// ones get ids above every stored one. `ledger_pack_state.packed_through` says that every entry
/// with an id up to it is in exactly one segment, and no other is; entries above it (written by
/// something that did not pack them) are read from `ledger_entry` itself (``LedgerSums``). Each
/// import packs what it added in its own transaction, so a crash loses both or neither.
///
/// A record is 28 bytes, little-endian: the day number (Int32), the project id (Int32), the
/// disbursed and advance deltas (Int64 each), the fund source's index among the segment's
/// (UInt16) and the tranche's store code (UInt8), then a zero byte. The segment's fund sources
/// are stored as their UTF-8 bytes, each after its length (UInt16).
enum LedgerPack {
    static let recordBytes = 28
    /// 16,384 records of 28 bytes: 448 KiB, a few dozen segments for a province's year. Larger
    /// segments gained nothing in a check and cost an import memory (its buffer and SQLite's
    /// pages of it).
    static let segmentEntries = 16_384

    static func createTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ledger_pack (
                id INTEGER PRIMARY KEY,
                plan_year INTEGER NOT NULL,
                entries INTEGER NOT NULL,
                sources BLOB NOT NULL,
                records BLOB NOT NULL
            );
            CREATE INDEX ledger_pack_by_year ON ledger_pack(plan_year);
            CREATE TABLE ledger_pack_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                packed_through INTEGER NOT NULL
            );
            INSERT INTO ledger_pack_state (id, packed_through) VALUES (1, 0);
            """)
    }

    /// The highest entry id the segments cover (every entry up to it, none above).
    static func packedThrough(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT packed_through FROM ledger_pack_state WHERE id = 1") ?? 0
    }

    /// Packs every entry above `packed_through`, read back from `ledger_entry` by id: after a
    /// merge, in the migration that made the table, and before an import that finds entries
    /// nobody packed.
    static func catchUp(_ db: Database) throws {
        var packer = try Packer(db: db)
        try packer.readBack()
        try packer.finish()
    }

    /// Packs the ledger again from nothing, in segments of `segmentEntries`, the entries with ids
    /// up to `through` only (every one when nil): the rest are left to be read from the table.
    /// For tests of the readers, which must give the same figures for any packing.
    static func repack(_ db: Database, segmentEntries: Int, through: Int64? = nil) throws {
        try db.execute(sql: "DELETE FROM ledger_pack; UPDATE ledger_pack_state SET packed_through = 0 WHERE id = 1")
        var packer = try Packer(db: db, segmentEntries: segmentEntries, through: through)
        try packer.finish()
    }

    /// The segments being filled, one per plan year, each written out when full and at the end.
    struct Packer {
        let db: Database
        /// The highest id packed or buffered: the entries up to it are accounted for.
        private(set) var lastID: Int64
        private var open: [Int: Segment] = [:]
        private let segmentEntries: Int
        /// The highest id `readBack` reads (tests' partial packings).
        private let through: Int64

        struct Segment {
            var sources: [[UInt8]] = []
            var sourceIndex: [[UInt8]: UInt16] = [:]
            var records: [UInt8] = []
            var entries = 0
            var lastSource: UInt16?

            init(capacity: Int) { records.reserveCapacity(capacity * LedgerPack.recordBytes) }
        }

        /// Starts after the entries already packed; entries above them that nobody packed
        /// are packed first, so that the ids after this point are all that is left.
        init(db: Database, segmentEntries: Int = LedgerPack.segmentEntries, through: Int64? = nil) throws {
            precondition(segmentEntries > 0)
            self.db = db
            self.segmentEntries = segmentEntries
            self.through = through ?? .max
            lastID = try LedgerPack.packedThrough(db)
            let highest = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM ledger_entry") ?? 0
            if highest > lastID { try readBack() }
        }

        /// Adds the entry with the next id (the caller knows it was inserted, ids in order).
        mutating func add(planYear: Int, day: Int, projectID: Int64, tranche: Int64, fundSource: UnsafeBufferPointer<UInt8>,
                          disbursed: VND, advance: VND) throws {
            lastID += 1
            try append(planYear: planYear, day: day, projectID: projectID, tranche: tranche, fundSource: fundSource,
                       disbursed: disbursed, advance: advance)
        }

        /// Adds the entries inserted since the last one accounted for, read back by id.
        mutating func readBack() throws {
            let statement = try db.makeStatement(sql: """
                SELECT id, plan_year, date, project_id, tranche, fund_source, disbursed_delta, advance_delta
                FROM ledger_entry WHERE id > ? AND id <= ? ORDER BY id
                """)
            try statement.setArguments([lastID, through])
            let s = statement.sqliteStatement
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let id = sqlite3_column_int64(s, 0)
                let text = sqlite3_column_text(s, 5), count = Int(sqlite3_column_bytes(s, 5))
                try append(planYear: Int(sqlite3_column_int64(s, 1)), day: Int(sqlite3_column_int64(s, 2)),
                           projectID: sqlite3_column_int64(s, 3), tranche: sqlite3_column_int64(s, 4),
                           fundSource: UnsafeBufferPointer(start: count > 0 ? text : nil, count: max(0, count)),
                           disbursed: sqlite3_column_int64(s, 6), advance: sqlite3_column_int64(s, 7))
                lastID = max(lastID, id)
            }
        }

        private mutating func append(planYear: Int, day: Int, projectID: Int64, tranche: Int64,
                                     fundSource: UnsafeBufferPointer<UInt8>, disbursed: VND, advance: VND) throws {
            guard let day32 = Int32(exactly: day), let id32 = Int32(exactly: projectID), let tranche8 = UInt8(exactly: tranche),
                  fundSource.count <= Int(UInt16.max) else {
                throw StoreError.invalid("a ledger entry GiaiNgan cannot pack (day \(day), project id \(projectID), tranche \(tranche), "
                                         + "fund source of \(fundSource.count) bytes)")
            }
            var segment = open.removeValue(forKey: planYear) ?? Segment(capacity: segmentEntries)
            let source: UInt16
            if let last = segment.lastSource, segment.sources[Int(last)].elementsEqual(fundSource) {
                // Most entries have the fund source of the one before: no array made, no hashing.
                source = last
            } else {
                let code = Array(fundSource)
                if let known = segment.sourceIndex[code] {
                    source = known
                } else {
                    source = UInt16(segment.sources.count)
                    segment.sourceIndex[code] = source
                    segment.sources.append(code)
                }
                segment.lastSource = source
            }
            withUnsafeBytes(of: day32.littleEndian) { segment.records.append(contentsOf: $0) }
            withUnsafeBytes(of: id32.littleEndian) { segment.records.append(contentsOf: $0) }
            withUnsafeBytes(of: disbursed.littleEndian) { segment.records.append(contentsOf: $0) }
            withUnsafeBytes(of: advance.littleEndian) { segment.records.append(contentsOf: $0) }
            withUnsafeBytes(of: source.littleEndian) { segment.records.append(contentsOf: $0) }
            segment.records.append(tranche8)
            segment.records.append(0)
            segment.entries += 1
            // A full segment, or one whose sources would not fit its 16-bit indices, is written.
            if segment.entries >= segmentEntries || segment.sources.count >= Int(UInt16.max) {
                try write(planYear: planYear, segment)
            } else {
                open[planYear] = segment
            }
        }

        private func write(planYear: Int, _ segment: Segment) throws {
            var sources: [UInt8] = []
            for code in segment.sources {
                withUnsafeBytes(of: UInt16(code.count).littleEndian) { sources.append(contentsOf: $0) }
                sources.append(contentsOf: code)
            }
            // The buffers bound as they are (SQLITE_STATIC: they outlive the statement's run), not
            // copied into `Data` first.
            let statement = try db.cachedStatement(sql: "INSERT INTO ledger_pack (plan_year, entries, sources, records) VALUES (?, ?, ?, ?)")
            let s = statement.sqliteStatement
            sqlite3_reset(s)
            defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
            let rc = sources.withUnsafeBytes { sourceBytes in
                segment.records.withUnsafeBytes { recordBytes in
                    sqlite3_bind_int64(s, 1, Int64(planYear))
                    sqlite3_bind_int64(s, 2, Int64(segment.entries))
                    sqlite3_bind_blob64(s, 3, sourceBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(sourceBytes.count), nil)
                    sqlite3_bind_blob64(s, 4, recordBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(recordBytes.count), nil)
                    return sqlite3_step(s)
                }
            }
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }

        /// Writes the segments being filled and records how far the segments reach.
        mutating func finish() throws {
            for (year, segment) in open.sorted(by: { $0.key < $1.key }) { try write(planYear: year, segment) }
            open = [:]
            try db.execute(sql: "UPDATE ledger_pack_state SET packed_through = ? WHERE id = 1", arguments: [lastID])
        }
    }

    /// The segments of a plan year, in the order they were written.
    static func segments(_ db: Database, planYear: Int) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM ledger_pack WHERE plan_year = ? ORDER BY id", arguments: [planYear])
    }

    /// Calls `body` with segment `segment`'s records (``recordBytes`` each) and fund sources,
    /// after checking that it belongs to `planYear` and that its sizes agree. The bytes are
    /// SQLite's and live only during the call.
    static func withSegment<T>(_ db: Database, id segment: Int64, planYear: Int,
                               _ body: (_ records: UnsafeRawBufferPointer, _ sources: [[UInt8]], _ damaged: StoreError) throws -> T) throws -> T {
        let statement = try db.cachedStatement(sql: "SELECT plan_year, entries, sources, records FROM ledger_pack WHERE id = ?")
        try statement.setArguments([segment])
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        let rc = sqlite3_step(s)
        guard rc == SQLITE_ROW else {
            if rc == SQLITE_DONE { throw StoreError.invalid("ledger_pack segment \(segment) is missing") }
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let damaged = StoreError.invalid("ledger_pack segment \(segment) is damaged: run giaingan with a database restored from a backup")
        guard sqlite3_column_int64(s, 0) == Int64(planYear) else { throw damaged }
        let entries = Int(sqlite3_column_int64(s, 1))
        let sources = try LedgerPack.sources(UnsafeRawBufferPointer(start: sqlite3_column_blob(s, 2), count: Int(sqlite3_column_bytes(s, 2))))
        let count = Int(sqlite3_column_bytes(s, 3))
        guard entries >= 0, count == entries * LedgerPack.recordBytes else { throw damaged }
        return try body(UnsafeRawBufferPointer(start: count > 0 ? sqlite3_column_blob(s, 3) : nil, count: count), sources, damaged)
    }

    /// Calls `body` with the day, the tranche's store code and the disbursed delta of every
    /// entry of `planYear`: the segments' records, then the entries above them, read from
    /// `ledger_entry` by id (`NOT INDEXED`, as in ``LedgerSums/addEntries(_:after:)``). In no
    /// particular order of days.
    static func forEachEntry(_ db: Database, planYear: Int,
                             _ body: (_ day: Int, _ tranche: Int64, _ disbursed: VND) throws -> Void) throws {
        for segment in try segments(db, planYear: planYear) {
            try withSegment(db, id: segment, planYear: planYear) { records, _, _ in
                for at in stride(from: 0, to: records.count, by: recordBytes) {
                    try body(Int(Int32(littleEndian: records.loadUnaligned(fromByteOffset: at, as: Int32.self))),
                             Int64(records[at + 26]),
                             Int64(littleEndian: records.loadUnaligned(fromByteOffset: at + 8, as: Int64.self)))
                }
            }
        }
        try db.forEachRawRow(entriesAboveSQL, arguments: [try packedThrough(db), planYear]) { r in
            try body(Int(r.int64(0)), r.int64(1), r.int64(2))
        }
    }

    /// The entries of ``forEachEntry(_:planYear:_:)`` above the segments: id above, plan year.
    static let entriesAboveSQL = "SELECT date, tranche, disbursed_delta FROM ledger_entry NOT INDEXED WHERE id > ? AND plan_year = ?"

    /// The fund sources of a segment, as stored.
    static func sources(_ bytes: UnsafeRawBufferPointer) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            guard at + 2 <= bytes.count else { throw StoreError.invalid("a damaged ledger_pack segment (its fund sources)") }
            let n = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
            guard at + 2 + n <= bytes.count else { throw StoreError.invalid("a damaged ledger_pack segment (its fund sources)") }
            out.append(Array(bytes[(at + 2)..<(at + 2 + n)]))
            at += 2 + n
        }
        return out
    }
}
