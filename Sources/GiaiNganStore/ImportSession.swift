import Foundation
import GiaiNganCore
import GRDB
import GRDBSQLite

/// Writes one file's rows inside the import transaction, deciding for each row whether it is
/// new, already present, an update (projects), or a conflict.
///
/// Statements are prepared once and bound through SQLite's C API: binding Swift values through
/// `execute(arguments:)` cost about a quarter more per row when measured here.
final class ImportSession {
    enum Outcome: Equatable {
        case added
        case present
        case updated
        /// Same txn_id, different content: the stored version, for the message.
        case conflict(String)
        case unknownProject
        /// The same key twice in the file with different content.
        case duplicateInFile(line: Int)
    }

    let db: Database
    let importID: Int64
    let today: CivilDate
    private var projectIDs: [String: Int64] = [:]
    private var investorIDs: [String: Int64] = [:]
    private var planOccurrences: [String: Int] = [:]
    private var projectLines: [String: Int] = [:]
    private var insertEntry: Statement?
    private var selectEntry: Statement?
    private var insertPlan: Statement?

    init(db: Database, importID: Int64, today: CivilDate) throws {
        self.db = db
        self.importID = importID
        self.today = today
        let rows = try Row.fetchCursor(db, sql: "SELECT code, id FROM project")
        while let r = try rows.next() { projectIDs[r[0]] = r[1] }
        let inv = try Row.fetchCursor(db, sql: "SELECT name, id FROM investor")
        while let r = try inv.next() { investorIDs[r[0]] = r[1] }
    }

    /// Creates the import record and returns its id; counts are filled in by `finish`.
    static func begin(db: Database, kind: String, fileName: String, sha256: String, unit: String) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO import (kind, file_name, sha256, imported_at, unit, rows_read, rows_added, rows_present, rows_updated)
            VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0)
            """, arguments: [kind, fileName, sha256, ISO8601DateFormatter().string(from: Date()), unit])
        return db.lastInsertedRowID
    }

    func finish(read: Int, added: Int, present: Int, updated: Int, notes: [String]) throws {
        try db.execute(sql: """
            UPDATE import SET rows_read = ?, rows_added = ?, rows_present = ?, rows_updated = ?, notes = ? WHERE id = ?
            """, arguments: [read, added, present, updated, notes.joined(separator: "\n"), importID])
    }

    func knowsProject(_ code: String) -> Bool { projectIDs[code] != nil }

    // MARK: - Projects

    func investorID(_ investor: InvestorID) throws -> Int64 {
        if let id = investorIDs[investor.name] { return id }
        try db.execute(sql: "INSERT INTO investor (name) VALUES (?)", arguments: [investor.name])
        let id = db.lastInsertedRowID
        investorIDs[investor.name] = id
        return id
    }

    func add(_ p: Project, line: Int) throws -> Outcome {
        if let first = projectLines[p.code] { return .duplicateInFile(line: first) }
        projectLines[p.code] = line
        let investor = try investorID(p.investor)
        let proc = p.proceduresCompletedOn?.dayNumber, start = p.constructionStartedOn?.dayNumber
        guard let id = projectIDs[p.code] else {
            try db.execute(sql: """
                INSERT INTO project (code, name, investor_id, district, procedures_completed_on, construction_started_on, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [p.code, p.name, investor, p.district, proc, start, importID])
            projectIDs[p.code] = db.lastInsertedRowID
            return .added
        }
        let old = try Row.fetchOne(db, sql: """
            SELECT name, investor_id, district, procedures_completed_on, construction_started_on FROM project WHERE id = ?
            """, arguments: [id])!
        let oldInvestor: Int64 = old[1]
        let same = (old[0] as String) == p.name && oldInvestor == investor && (old[2] as String?) == p.district
            && (old[3] as Int?) == proc && (old[4] as Int?) == start
        if same { return .present }
        if oldInvestor != investor {
            try db.execute(sql: """
                INSERT INTO investor_change (project_id, old_investor_id, new_investor_id, changed_on, import_id)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [id, oldInvestor, investor, today.dayNumber, importID])
        }
        try db.execute(sql: """
            UPDATE project SET name = ?, investor_id = ?, district = ?, procedures_completed_on = ?,
                construction_started_on = ?, import_id = ? WHERE id = ?
            """, arguments: [p.name, investor, p.district, proc, start, importID, id])
        return .updated
    }

    // MARK: - Plan lines

    func add(_ l: PlanLine, line: Int) throws -> Outcome {
        guard let project = projectIDs[l.projectCode] else { return .unknownProject }
        // Identical lines within one file are distinct decision lines: number them, so that a
        // second file repeating them is recognised as already present.
        let key = "\(project)|\(l.planYear)|\(l.tranche.rawValue)|\(l.effectiveOn.dayNumber)|\(l.decisionRef ?? "")|\(l.amountVND)|\(l.projectClass.rawValue)|\(l.fundSource ?? "")"
        let occurrence = planOccurrences[key, default: 0] + 1
        planOccurrences[key] = occurrence
        if insertPlan == nil {
            insertPlan = try db.makeStatement(sql: """
                INSERT INTO plan_line (project_id, plan_year, class, tranche, fund_source, amount, effective_on,
                    decision_ref, occurrence, import_id, source_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
        }
        try insertPlan!.execute(arguments: [project, l.planYear, l.projectClass.rawValue, l.tranche.storeCode,
                                            l.fundSource ?? "", l.amountVND, l.effectiveOn.dayNumber,
                                            l.decisionRef ?? "", occurrence, importID, line])
        return db.changesCount > 0 ? .added : .present
    }

    // MARK: - Ledger entries

    func add(_ e: LedgerEntry, line: Int) throws -> Outcome {
        guard let project = projectIDs[e.projectCode] else { return .unknownProject }
        if insertEntry == nil {
            insertEntry = try db.makeStatement(sql: """
                INSERT INTO ledger_entry (txn_id, project_id, plan_year, tranche, fund_source, date, type, amount,
                    disbursed_delta, advance_delta, note, import_id, source_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (txn_id) DO NOTHING
                """)
        }
        let s = insertEntry!.sqliteStatement
        sqlite3_reset(s)
        bindText(s, 1, e.txnID)
        sqlite3_bind_int64(s, 2, project)
        sqlite3_bind_int64(s, 3, Int64(e.planYear))
        sqlite3_bind_int64(s, 4, e.tranche.storeCode)
        bindText(s, 5, e.fundSource ?? "")
        sqlite3_bind_int64(s, 6, Int64(e.date.dayNumber))
        sqlite3_bind_int64(s, 7, e.type.storeCode)
        sqlite3_bind_int64(s, 8, e.amountVND)
        sqlite3_bind_int64(s, 9, e.type.disbursedSign * e.amountVND)
        sqlite3_bind_int64(s, 10, e.type.advanceSign * e.amountVND)
        if let note = e.note { bindText(s, 11, note) } else { sqlite3_bind_null(s, 11) }
        sqlite3_bind_int64(s, 12, importID)
        sqlite3_bind_int64(s, 13, Int64(line))
        let rc = sqlite3_step(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(s))))
        }
        if sqlite3_changes(sqlite3_db_handle(s)) > 0 { return .added }
        return try compareExisting(e, project: project)
    }

    private func compareExisting(_ e: LedgerEntry, project: Int64) throws -> Outcome {
        if selectEntry == nil {
            selectEntry = try db.makeStatement(sql: """
                SELECT l.project_id, l.plan_year, l.tranche, l.date, l.type, l.amount, l.import_id, l.source_line,
                       p.code, i.file_name
                FROM ledger_entry l JOIN project p ON p.id = l.project_id JOIN import i ON i.id = l.import_id
                WHERE l.txn_id = ?
                """)
        }
        guard let r = try Row.fetchOne(selectEntry!, arguments: [e.txnID]) else { return .present }
        let same = (r[0] as Int64) == project && (r[1] as Int) == e.planYear && (r[2] as Int64) == e.tranche.storeCode
            && (r[3] as Int) == e.date.dayNumber && (r[4] as Int64) == e.type.storeCode && (r[5] as Int64) == e.amountVND
        if same { return .present }
        let storedLine: Int = r[7]
        if (r[6] as Int64) == importID { return .duplicateInFile(line: storedLine) }
        let stored = "project \(r[8] as String), plan year \(r[1] as Int), \(Tranche(storeCode: r[2]).rawValue), "
            + "\(CivilDate(dayNumber: r[3])), \(EntryType(storeCode: r[4]).rawValue), \(r[5] as Int64) VND "
            + "(from \(r[9] as String), line \(storedLine))"
        return .conflict(stored)
    }

    private func bindText(_ s: OpaquePointer?, _ index: Int32, _ text: String) {
        var t = text
        t.withUTF8 { buf in
            guard buf.count > 0 else { _ = sqlite3_bind_text(s, index, "", 0, SQLITE_TRANSIENT_PTR); return }
            _ = sqlite3_bind_text(s, index, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), SQLITE_TRANSIENT_PTR)
        }
    }
}

/// SQLite's SQLITE_TRANSIENT, which the C macro defines as (destructor)-1: copy the bytes now.
let SQLITE_TRANSIENT_PTR = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
