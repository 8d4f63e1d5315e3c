import Foundation
import GiaiNganCore
import GiaiNganImport
import GRDB
import GRDBSQLite

/// Writes a disbursements file's rows into `ledger_entry` inside the import transaction, up to
/// ``rowsPerStatement`` rows per statement, and tells which rows were new, already present, or in
/// conflict with a stored entry.
///
/// One statement per row spends most of its time starting and finishing the statement (opening a
/// cursor on the table and each index); one statement for 256 rows does that once. Each statement
/// is an upsert on the unique `txn_id`:
///
/// ```sql
/// INSERT OR FAIL INTO ledger_entry (…) VALUES (…), (…), …
/// ON CONFLICT (txn_id) DO UPDATE SET note = note
/// WHERE (project_id, plan_year, tranche, date, type, amount) IS NOT (excluded.project_id, …)
/// ```
///
/// A row whose txn_id is stored with the same content does nothing; with other content the no-op
/// update counts as a change. New rows get consecutive ids after the highest one, so the last
/// inserted id tells how many were new, and the change count how many conflicted. When none
/// conflicted — the only case in an import that succeeds — that is all there is to know, and no
/// row is looked up. Otherwise each row of the statement is looked up to find which ones
/// conflicted and with what (the import is refused, so the no-op updates are rolled back).
///
/// No statement journal. To undo one statement of many rows on its own, SQLite first copies
/// every page the statement is about to change into a statement journal, a temporary file: with
/// 64 KiB pages, 1.8 GB of writes for a million-row import whose database is 0.2 GB (`strace -e
/// pwrite64`, `wchar` in /proc/PID/io: 2.24 GB in all, 0.41 GB without). It needs one when a
/// constraint may abort the statement part-way, so neither part of the statement can:
///
/// - `OR FAIL`: a row that breaks a constraint stops the statement where it is, keeping the
///   rows before, instead of undoing it (`ABORT`). That is enough: any error ends the import,
///   and its transaction is rolled back whole.
/// - The no-op update sets `note`, a column without NOT NULL or CHECK, so it checks nothing;
///   `source_line = source_line` had SQLite check NOT NULL with `ABORT`, which alone needed it.
///
/// Text is bound from the batch's buffer without copying: the bytes stay put until the statement
/// has run.
final class LedgerWriter {
    /// What became of one row, when rows had to be looked up.
    enum Outcome: Equatable {
        case added
        case present
        /// Same txn_id, different content: the stored version, for the message.
        case conflict(String)
        /// The same txn_id earlier in this file with different content.
        case duplicateInFile(line: Int)
    }

    /// What a statement did to its rows.
    enum Result {
        /// Every row is new or already stored with the same content.
        case counts(added: Int, present: Int)
        /// Some row conflicted: one outcome per row, in order.
        case outcomes([Outcome])
    }

    static let rowsPerStatement = 256

    let db: Database
    let importID: Int64
    /// The highest ledger_entry id so far: new rows get the ids after it.
    private var highestID: Int64
    /// Prepared upserts by their number of rows (256, 16 and 1: a batch's tail takes a few).
    private var upserts: [Int: Statement] = [:]
    private var lookup: Statement?
    /// The plan years of the rows offered, for the note on years without a plan.
    private(set) var planYears = Set<Int>()
    private var lastPlanYear = Int.min

    init(db: Database, importID: Int64) throws {
        self.db = db
        self.importID = importID
        highestID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM ledger_entry") ?? 0
    }

    /// Writes rows `rows` of `batch` (valid, with a known project: `projectIDs[row] >= 0`), in order.
    func write(_ rows: ArraySlice<Int>, of batch: LedgerRowBatch, projectIDs: [Int64]) throws -> Result {
        var added = 0, present = 0
        var outcomes: [Outcome]? = nil
        var start = rows.startIndex
        while start < rows.endIndex {
            let remaining = rows.endIndex - start
            let size = remaining >= LedgerWriter.rowsPerStatement ? LedgerWriter.rowsPerStatement : remaining >= 16 ? 16 : 1
            let chunk = rows[start..<(start + size)]
            let (inserted, conflicts) = try insert(chunk, of: batch, projectIDs: projectIDs)
            if conflicts == 0 && outcomes == nil {
                added += inserted
                present += size - inserted
            } else {
                // Rows before this chunk were all added or present: which ones, only a lookup tells.
                if outcomes == nil { outcomes = try rows[rows.startIndex..<start].map { try classify($0, of: batch, projectIDs: projectIDs) } }
                outcomes! += try chunk.map { try classify($0, of: batch, projectIDs: projectIDs) }
            }
            start += size
        }
        if let outcomes { return .outcomes(outcomes) }
        return .counts(added: added, present: present)
    }

    // MARK: - Statements

    /// Runs one upsert over `chunk`; returns how many rows were inserted and how many conflicted
    /// (or -1 conflicts when the counts do not add up, so that the caller looks every row up).
    private func insert(_ chunk: ArraySlice<Int>, of batch: LedgerRowBatch,
                        projectIDs: [Int64]) throws -> (inserted: Int, conflicts: Int) {
        let statement = try upsert(rows: chunk.count)
        let s = statement.sqliteStatement
        let connection = db.sqliteConnection
        sqlite3_reset(s)
        try batch.text.withUnsafeBufferPointer { text in
            let base = UnsafeRawPointer(text.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            func bind(_ index: Int32, _ span: LedgerRowBatch.Span) {
                // SQLITE_STATIC: the batch's bytes outlive the statement's run.
                if span.isAbsent { sqlite3_bind_null(s, index) }
                else { sqlite3_bind_text(s, index, base + span.offset, Int32(span.count), nil) }
            }
            var p: Int32 = 0
            for row in chunk {
                let amount = batch.amountVND[row], type = batch.type[row]
                if batch.planYear[row] != lastPlanYear {
                    lastPlanYear = batch.planYear[row]
                    planYears.insert(lastPlanYear)
                }
                bind(p + 1, batch.txnID[row])
                sqlite3_bind_int64(s, p + 2, projectIDs[row])
                sqlite3_bind_int64(s, p + 3, Int64(batch.planYear[row]))
                sqlite3_bind_int64(s, p + 4, batch.tranche[row].storeCode)
                let fund = batch.fundSource[row]
                bind(p + 5, fund.isAbsent ? LedgerRowBatch.Span(offset: 0, count: 0) : fund)   // NOT NULL DEFAULT ''

                sqlite3_bind_int64(s, p + 6, Int64(batch.date[row].dayNumber))
                sqlite3_bind_int64(s, p + 7, type.storeCode)
                sqlite3_bind_int64(s, p + 8, amount)
                sqlite3_bind_int64(s, p + 9, type.disbursedSign * amount)
                sqlite3_bind_int64(s, p + 10, type.advanceSign * amount)
                bind(p + 11, batch.note[row])
                sqlite3_bind_int64(s, p + 12, Int64(batch.lines[row]))
                p += LedgerWriter.parametersPerRow
            }
            sqlite3_set_last_insert_rowid(connection, highestID)
            let rc = sqlite3_step(s)
            sqlite3_reset(s)
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)))
            }
        }
        let changes = Int(sqlite3_changes(connection))
        let last = sqlite3_last_insert_rowid(connection)
        let inserted = Int(last - highestID)
        highestID = max(highestID, last)
        guard inserted >= 0 && inserted <= chunk.count && changes >= inserted else { return (max(0, inserted), -1) }
        return (inserted, changes - inserted)
    }

    static let parametersPerRow: Int32 = 12

    private func upsert(rows: Int) throws -> Statement {
        if let s = upserts[rows] { return s }
        // import_id is the same for every row: written into the statement, one parameter less per row.
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(importID), ?)"
        let s = try db.makeStatement(sql: """
            INSERT OR FAIL INTO ledger_entry (txn_id, project_id, plan_year, tranche, fund_source, date, type, amount,
                disbursed_delta, advance_delta, note, import_id, source_line)
            VALUES \(Array(repeating: row, count: rows).joined(separator: ", "))
            ON CONFLICT (txn_id) DO UPDATE SET note = note
            WHERE (project_id, plan_year, tranche, date, type, amount)
                IS NOT (excluded.project_id, excluded.plan_year, excluded.tranche, excluded.date, excluded.type, excluded.amount)
            """)
        upserts[rows] = s
        return s
    }

    // MARK: - Looking rows up

    /// What became of row `row`, from the entry now stored under its txn_id.
    private func classify(_ row: Int, of batch: LedgerRowBatch, projectIDs: [Int64]) throws -> Outcome {
        if lookup == nil {
            lookup = try db.makeStatement(sql: """
                SELECT project_id, plan_year, tranche, date, type, amount, import_id, source_line
                FROM ledger_entry WHERE txn_id = ?
                """)
        }
        let txnID = batch.string(batch.txnID[row])!
        guard let r = try Row.fetchOne(lookup!, arguments: [txnID]) else { return .present }
        let storedImport: Int64 = r[6], storedLine: Int = r[7]
        if storedImport == importID && storedLine == batch.lines[row] { return .added }
        let same = (r[0] as Int64) == projectIDs[row] && (r[1] as Int) == batch.planYear[row]
            && (r[2] as Int64) == batch.tranche[row].storeCode && (r[3] as Int) == batch.date[row].dayNumber
            && (r[4] as Int64) == batch.type[row].storeCode && (r[5] as Int64) == batch.amountVND[row]
        if same { return .present }
        if storedImport == importID { return .duplicateInFile(line: storedLine) }
        let names = try Row.fetchOne(db, sql: """
            SELECT (SELECT code FROM project WHERE id = ?), (SELECT file_name FROM import WHERE id = ?)
            """, arguments: [r[0] as Int64, storedImport])
        let stored = "project \((names?[0] as String?) ?? "?"), plan year \(r[1] as Int), \(Tranche(storeCode: r[2]).rawValue), "
            + "\(CivilDate(dayNumber: r[3])), \(EntryType(storeCode: r[4]).rawValue), \(r[5] as Int64) VND "
            + "(from \((names?[1] as String?) ?? "?"), line \(storedLine))"
        let incoming = "project \(batch.string(batch.projectCode[row]) ?? "?"), plan year \(batch.planYear[row]), "
            + "\(batch.tranche[row].rawValue), \(batch.date[row]), \(batch.type[row].rawValue), \(batch.amountVND[row]) VND"
        return .conflict("this row says \(incoming); the entry stored with this txn_id says \(stored)")
    }

    // MARK: - After the file

    /// The plan years this file's new entries draw on that have no plan line, with how many
    /// entries each: they count once the plan is imported.
    func planYearsWithoutPlan() throws -> [(year: Int, entries: Int)] {
        var out: [(Int, Int)] = []
        for year in planYears.sorted() {
            let planned = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM plan_line WHERE plan_year = ?)",
                                            arguments: [year]) ?? false
            if planned { continue }
            let entries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE plan_year = ? AND import_id = ?",
                                           arguments: [year, importID]) ?? 0
            if entries > 0 { out.append((year, entries)) }
        }
        return out
    }
}
