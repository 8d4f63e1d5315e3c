import Foundation
import GiaiNganCore
import GRDB

/// What a merge of another province's database brought in, table by table.
public struct MergeSummary: Sendable {
    public var formerProvince: String
    public var investors = 0, imports = 0, projects = 0, planLines = 0, envelopeLines = 0, ledgerEntries = 0
    public var accounts = 0, successions = 0, districts = 0
    /// Stored check runs of the other database, left there (README "Reorganisation").
    public var runsLeft = 0

    /// Whether the merge added anything at all.
    public var isNothingNew: Bool {
        investors + imports + projects + planLines + envelopeLines + ledgerEntries + accounts + successions + districts == 0
    }
}

/// A merge refused: every project code, txn_id, account or succession present in both databases
/// with different content.
public struct MergeConflicts: Error, CustomStringConvertible, Sendable {
    public var conflicts: [String]
    public var description: String {
        (["the merge is refused, nothing was written: \(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s") between the two databases"]
            + conflicts.map { "  " + $0 }
            + ["correct one of the databases (re-import the right file there) and merge again"]).joined(separator: "\n")
    }
}

extension Store {
    /// Migration v12: the former province of a project brought in by `giaingan merge`.
    static func addFormerProvince(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE project ADD COLUMN former_province TEXT")
    }

    /// Brings another province's database into this one in one transaction (README
    /// "Reorganisation"): investors, import history, projects (marked with `formerProvince`),
    /// plan lines, envelope lines, ledger entries, portal accounts, successions and district renames.
    ///
    /// A project code, txn_id, account login or project succession present in both with
    /// different content is a conflict: all of them are listed and nothing is written. Rows
    /// present in both with the same content are kept once, so merging twice adds nothing.
    /// Plan and envelope lines travel with their import: the lines of an import (same kind and
    /// SHA-256) this database already holds are already here.
    ///
    /// - parameter formerProvince: the name reports give the other database's projects.
    public func merge(from otherPath: String, formerProvince: String) throws -> MergeSummary {
        guard Store.canonicalPath(otherPath) != Store.canonicalPath(path) else {
            throw StoreError.invalid("\(otherPath) is this database itself: name the other province's database")
        }
        // Opening it read-only checks that it is a GiaiNgan database of this version.
        let other = try Store(path: otherPath, readOnly: true, busyTimeout: busyTimeout)
        let theirs = try other.read { db in try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) }
        let ours = try read { db in try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) }
        guard theirs.isSubset(of: ours) else {
            throw StoreError.invalid("\(otherPath) was made by a later version of GiaiNgan (it has "
                + theirs.subtracting(ours).sorted().joined(separator: ", ") + "): merge it with that version")
        }
        guard theirs == ours else {
            throw StoreError.needsMigration("\(otherPath) was made by an earlier version of GiaiNgan: open it once for writing "
                + "(for example giaingan imports --db \(otherPath)) to migrate it, then merge again")
        }
        do {
            return try pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS other", arguments: [otherPath])
                defer { try? db.execute(sql: "DETACH DATABASE other") }
                var summary = MergeSummary(formerProvince: formerProvince)
                var conflicts: [String] = []
                try db.inTransaction(.immediate) {
                    summary = try Store.mergeRows(db, formerProvince: formerProvince, conflicts: &conflicts)
                    return conflicts.isEmpty ? .commit : .rollback
                }
                if !conflicts.isEmpty { throw MergeConflicts(conflicts: conflicts) }
                return summary
            }
        } catch let e as DatabaseError {
            throw Store.translate(e, path: path, busyTimeout: busyTimeout)
        }
    }

    /// The rows of `other` that `main` lacks, inserted; conflicts collected.
    private static func mergeRows(_ db: Database, formerProvince: String, conflicts: inout [String]) throws -> MergeSummary {
        var s = MergeSummary(formerProvince: formerProvince)

        // Investors, by name.
        var investorIDs: [Int64: Int64] = [:]
        var investorNames: [Int64: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT id, name FROM other.investor ORDER BY id") {
            let name: String = r[1]
            investorNames[r[0]] = name
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM main.investor WHERE name = ?", arguments: [name]) {
                investorIDs[r[0]] = id
            } else {
                investorIDs[r[0]] = try insertInvestor(name, db: db)
                s.investors += 1
            }
        }

        // Import history, by kind and content.
        var importIDs: [Int64: Int64] = [:]
        var newImports = Set<Int64>()
        for r in try Row.fetchAll(db, sql: """
            SELECT id, kind, file_name, sha256, imported_at, unit, rows_read, rows_added, rows_present, rows_updated, notes
            FROM other.import ORDER BY id
            """) {
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM main.import WHERE kind = ? AND sha256 = ?", arguments: [r[1], r[3]]) {
                importIDs[r[0]] = id
                continue
            }
            try db.execute(sql: """
                INSERT INTO main.import (kind, file_name, sha256, imported_at, unit, rows_read, rows_added, rows_present, rows_updated, notes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]])
            importIDs[r[0]] = db.lastInsertedRowID
            newImports.insert(r[0])
            s.imports += 1
        }
        func imp(_ id: Int64) -> Int64 { importIDs[id] ?? id }

        // Projects, by code; a code in both must say the same.
        var projectIDs: [Int64: Int64] = [:]
        var projectCodes: [Int64: String] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT id, code, name, investor_id, district, procedures_completed_on, construction_started_on, import_id, key_project
            FROM other.project ORDER BY id
            """) {
            let code: String = r[1]
            projectCodes[r[0]] = code
            let investorName = investorNames[r[3]] ?? ""
            if let mine = try Row.fetchOne(db, sql: """
                SELECT p.id, p.name, i.name, p.district, p.procedures_completed_on, p.construction_started_on, p.key_project
                FROM main.project p JOIN main.investor i ON i.id = p.investor_id WHERE p.code = ?
                """, arguments: [code]) {
                projectIDs[r[0]] = mine[0]
                var differs: [String] = []
                if (mine[1] as String) != (r[2] as String) { differs.append("name \"\(mine[1] as String)\" / \"\(r[2] as String)\"") }
                if (mine[2] as String) != investorName { differs.append("investor \(mine[2] as String) / \(investorName)") }
                if (mine[3] as String?) != (r[4] as String?) { differs.append("district \(mine[3] as String? ?? "—") / \(r[4] as String? ?? "—")") }
                if (mine[4] as Int64?) != (r[5] as Int64?) || (mine[5] as Int64?) != (r[6] as Int64?) { differs.append("milestone dates") }
                if (mine[6] as Int64) != (r[8] as Int64) { differs.append("key_project") }
                if !differs.isEmpty { conflicts.append("project \(code): " + differs.joined(separator: "; ")) }
                continue
            }
            try db.execute(sql: """
                INSERT INTO main.project (code, name, investor_id, district, procedures_completed_on, construction_started_on, import_id,
                    key_project, former_province)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [code, r[2], investorIDs[r[3]], r[4], r[5], r[6], imp(r[7]), r[8], formerProvince])
            projectIDs[r[0]] = db.lastInsertedRowID
            s.projects += 1
        }

        // Plan and envelope lines travel with their imports.
        for r in try Row.fetchAll(db, sql: """
            SELECT project_id, plan_year, class, tranche, fund_source, amount, effective_on, decision_ref, occurrence, import_id, source_line
            FROM other.plan_line ORDER BY id
            """) where newImports.contains(r[9]) {
            guard let project = projectIDs[r[0]] else { continue }
            try db.execute(sql: """
                INSERT OR IGNORE INTO main.plan_line (project_id, plan_year, class, tranche, fund_source, amount, effective_on, decision_ref,
                    occurrence, import_id, source_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [project, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], imp(r[9]), r[10]])
            s.planLines += db.changesCount
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT plan_year, level, tranche, fund_source, amount, effective_on, decision_ref, occurrence, import_id, source_line
            FROM other.envelope_line ORDER BY id
            """) where newImports.contains(r[8]) {
            // Two provinces' envelopes are both the merged province's: a line identical to one
            // already here (same decision, same amount) is another line, numbered after it.
            var occurrence: Int64 = r[7]
            while try Bool.fetchOne(db, sql: """
                SELECT 1 FROM main.envelope_line WHERE plan_year = ? AND level = ? AND tranche = ? AND fund_source = ? AND effective_on = ?
                    AND decision_ref = ? AND amount = ? AND occurrence = ?
                """, arguments: [r[0], r[1], r[2], r[3], r[5], r[6], r[4], occurrence]) ?? false {
                occurrence += 1
            }
            try db.execute(sql: """
                INSERT INTO main.envelope_line (plan_year, level, tranche, fund_source, amount, effective_on, decision_ref, occurrence,
                    import_id, source_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r[0], r[1], r[2], r[3], r[4], r[5], r[6], occurrence, imp(r[8]), r[9]])
            s.envelopeLines += 1
        }

        // Ledger entries, by txn_id; an id in both must say the same.
        var touched = Set<[Int64]>()
        let entries = try Row.fetchCursor(db, sql: """
            SELECT e.txn_id, e.project_id, e.plan_year, e.tranche, e.fund_source, e.date, e.type, e.amount, e.disbursed_delta,
                e.advance_delta, e.note, e.import_id, e.source_line,
                m.project_id, m.plan_year, m.tranche, m.date, m.type, m.amount, mp.code
            FROM other.ledger_entry e LEFT JOIN main.ledger_entry m ON m.txn_id = e.txn_id
            LEFT JOIN main.project mp ON mp.id = m.project_id ORDER BY e.id
            """)
        while let r = try entries.next() {
            let txn: String = r[0]
            guard let project = projectIDs[r[1]] else { continue }
            if let mineProject: Int64 = r[13] {
                let same = mineProject == project && (r[14] as Int64) == (r[2] as Int64) && (r[15] as Int64) == (r[3] as Int64)
                    && (r[16] as Int64) == (r[5] as Int64) && (r[17] as Int64) == (r[6] as Int64) && (r[18] as Int64) == (r[7] as Int64)
                if !same {
                    let theirs = "project \(projectCodes[r[1]] ?? "?"), \(CivilDate(dayNumber: r[5])), \(EntryType(storeCode: r[6]).rawValue) \(r[7] as Int64) VND"
                    let mine = "project \(r[19] as String? ?? "?"), \(CivilDate(dayNumber: r[16])), \(EntryType(storeCode: r[17]).rawValue) \(r[18] as Int64) VND"
                    conflicts.append("txn_id \(txn): here \(mine); in the other database \(theirs)")
                }
                continue
            }
            try db.execute(sql: """
                INSERT INTO main.ledger_entry (txn_id, project_id, plan_year, tranche, fund_source, date, type, amount, disbursed_delta,
                    advance_delta, note, import_id, source_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [txn, project, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], imp(r[11]), r[12]])
            touched.insert([project, r[2]])
            s.ledgerEntries += 1
        }
        // The packed copy the checks read (LedgerPack), for the entries the merge added.
        try LedgerPack.catchUp(db)
        // The running totals the imports keep (Store+Limits) for what the merge touched.
        for key in touched {
            try db.execute(sql: """
                INSERT OR REPLACE INTO main.ledger_total (project_id, plan_year, total)
                SELECT ?, ?, TOTAL(amount) FROM main.ledger_entry WHERE project_id = ? AND plan_year = ?
                """, arguments: [key[0], key[1], key[0], key[1]])
        }

        // Portal accounts, by login.
        for r in try Row.fetchAll(db, sql: "SELECT login, password_hash, role, investor, created_at FROM other.app_user ORDER BY id") {
            let login: String = r[0]
            if let mine = try Row.fetchOne(db, sql: "SELECT password_hash, role, investor FROM main.app_user WHERE login = ?", arguments: [login]) {
                if (mine[0] as String) != (r[1] as String) || (mine[1] as String) != (r[2] as String) || (mine[2] as String?) != (r[3] as String?) {
                    conflicts.append("account \(login): a different password, role or investor in each database")
                }
                continue
            }
            try db.execute(sql: "INSERT INTO main.app_user (login, password_hash, role, investor, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [login, r[1], r[2], r[3], r[4]])
            s.accounts += 1
        }

        // Successions, by project and date.
        for r in try Row.fetchAll(db, sql: """
            SELECT project_id, from_investor_id, to_investor_id, effective_on, decision_ref, recorded_at FROM other.succession ORDER BY id
            """) {
            guard let project = projectIDs[r[0]], let from = investorIDs[r[1]], let to = investorIDs[r[2]] else { continue }
            if let mine = try Row.fetchOne(db, sql: """
                SELECT from_investor_id, to_investor_id, decision_ref FROM main.succession WHERE project_id = ? AND effective_on = ?
                """, arguments: [project, r[3]]) {
                if (mine[0] as Int64) != from || (mine[1] as Int64) != to || (mine[2] as String) != (r[4] as String) {
                    conflicts.append("succession of project \(projectCodes[r[0]] ?? "?") on \(CivilDate(dayNumber: r[3])): different in each database")
                }
                continue
            }
            try db.execute(sql: """
                INSERT INTO main.succession (project_id, from_investor_id, to_investor_id, effective_on, decision_ref, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [project, from, to, r[3], r[4], r[5]])
            s.successions += 1
        }
        // District renames, by old unit.
        for r in try Row.fetchAll(db, sql: "SELECT old_unit, new_unit, effective_on FROM other.district_map ORDER BY old_unit") {
            switch try record(DistrictChange(oldUnit: r[0], newUnit: r[1], effectiveOn: CivilDate(dayNumber: r[2])), db: db) {
            case .added: s.districts += 1
            case .present: break
            case .conflict(let stored): conflicts.append("district \(r[0] as String): here \(stored); in the other database → \(r[1] as String)")
            }
        }
        s.runsLeft = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM other.run") ?? 0
        if !s.isNothingNew && conflicts.isEmpty { try noteDataChange(db, what: "merge", rows: s.projects + s.ledgerEntries) }
        return s
    }
}
