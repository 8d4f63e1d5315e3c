import Foundation
import GiaiNganCore
import GRDB

/// Writes one file's rows inside the import transaction, deciding for each row whether it is
/// new, already present, an update (projects), or a conflict. Ledger entries go through a
/// ``LedgerWriter``, many rows per statement.
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
        /// A new project code equal to a registry code without its leading zeros (or with more).
        case leadingZeroCollision(String)
        /// A schedule row for a project of another investor than the one submitting.
        case otherInvestor
    }

    let db: Database
    let importID: Int64
    let today: CivilDate
    private var projectIDs: [String: Int64] = [:]
    private var investorIDs: [String: Int64] = [:]
    private var planOccurrences: [String: Int] = [:]
    private var envelopeOccurrences: [String: Int] = [:]
    private var projectLines: [String: Int] = [:]
    private var insertPlan: Statement?
    private var scheduleLines: [String: (line: Int, plannedVND: VND)] = [:]
    /// The portal user who submits the schedule rows of this import ('' for a CLI import).
    var submittedBy = ""
    /// When an investor submits, the only investor whose projects its rows may name.
    var onlyInvestorID: Int64?
    /// What the import summary should say besides the counts (investor changes, README
    /// "Reorganisation").
    private(set) var notes: [String] = []

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

    // MARK: - Leading zeros

    /// Registry codes made of digits, by their value without leading zeros (built when first asked).
    private var codesByDigits: [Substring: String]?

    /// The registry code that `code` equals once leading zeros are added or dropped (`71234` and
    /// `0071234`), when `code` is made of digits and is not itself in the registry.
    func registryCode(matchingAfterLeadingZeros code: String) -> String? {
        guard projectIDs[code] == nil, let key = ImportSession.digitsKey(code) else { return nil }
        if codesByDigits == nil {
            var map: [Substring: String] = [:]
            for known in projectIDs.keys {
                if let k = ImportSession.digitsKey(known) { map[k] = map[k] ?? known }
            }
            codesByDigits = map
        }
        return codesByDigits?[key]
    }

    /// A code of ASCII digits without its leading zeros; `nil` for any other code.
    private static func digitsKey(_ code: String) -> Substring? {
        guard !code.isEmpty, code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let trimmed = code.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : Substring(trimmed)
    }

    // MARK: - Projects

    func investorID(_ investor: InvestorID) throws -> Int64 {
        if let id = investorIDs[investor.name] { return id }
        let id = try Store.insertInvestor(investor.name, db: db)
        investorIDs[investor.name] = id
        return id
    }

    /// - parameter keyProjectGiven: the file has a `key_project` column; without one the stored
    ///   mark is kept.
    func add(_ p: Project, line: Int, keyProjectGiven: Bool = true) throws -> Outcome {
        var p = p
        if let first = projectLines[p.code] { return .duplicateInFile(line: first) }
        projectLines[p.code] = line
        var investor = try investorID(p.investor)
        let proc = p.proceduresCompletedOn?.dayNumber, start = p.constructionStartedOn?.dayNumber
        guard let id = projectIDs[p.code] else {
            if let existing = registryCode(matchingAfterLeadingZeros: p.code) { return .leadingZeroCollision(existing) }
            try db.execute(sql: """
                INSERT INTO project (code, name, investor_id, district, procedures_completed_on, construction_started_on, import_id,
                    key_project)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [p.code, p.name, investor, p.district, proc, start, importID, p.isKeyProject])
            projectIDs[p.code] = db.lastInsertedRowID
            if let key = ImportSession.digitsKey(p.code), codesByDigits != nil { codesByDigits?[key] = p.code }
            return .added
        }
        guard let old = try Row.fetchOne(db, sql: """
            SELECT name, investor_id, district, procedures_completed_on, construction_started_on, key_project FROM project WHERE id = ?
            """, arguments: [id]) else { throw StoreError.invalid("project \(p.code) vanished during the import") }
        let oldInvestor: Int64 = old[1]
        if !keyProjectGiven { p.isKeyProject = old[5] }
        if oldInvestor != investor { investor = try investorChange(p, projectID: id, stored: oldInvestor, given: investor) }
        let same = (old[0] as String) == p.name && oldInvestor == investor && (old[2] as String?) == p.district
            && (old[3] as Int?) == proc && (old[4] as Int?) == start && (old[5] as Bool) == p.isKeyProject
        if same { return .present }
        if oldInvestor != investor {
            try db.execute(sql: """
                INSERT INTO investor_change (project_id, old_investor_id, new_investor_id, changed_on, import_id)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [id, oldInvestor, investor, today.dayNumber, importID])
        }
        try db.execute(sql: """
            UPDATE project SET name = ?, investor_id = ?, district = ?, procedures_completed_on = ?,
                construction_started_on = ?, import_id = ?, key_project = ? WHERE id = ?
            """, arguments: [p.name, investor, p.district, proc, start, importID, p.isKeyProject, id])
        return .updated
    }

    /// The investor a re-imported project keeps when the file gives another one than the stored.
    ///
    /// A recorded succession is never undone: a file that still names one of the project's
    /// former investors (last year's registry export) leaves the new one in place. Any other
    /// change is made as it always was (the whole year becomes the new investor's) and the
    /// summary says so, with the command that would date it instead.
    private func investorChange(_ p: Project, projectID: Int64, stored: Int64, given: Int64) throws -> Int64 {
        let storedName = try String.fetchOne(db, sql: "SELECT name FROM investor WHERE id = ?", arguments: [stored]) ?? "?"
        if let s = try Row.fetchOne(db, sql: """
            SELECT t.name, s.effective_on, s.decision_ref FROM succession s JOIN investor t ON t.id = s.to_investor_id
            WHERE s.project_id = ? AND s.from_investor_id = ? ORDER BY s.effective_on DESC LIMIT 1
            """, arguments: [projectID, given]) {
            let ref: String = s[2]
            notes.append("project \(p.code): the file gives \(p.investor), which passed it to \(s[0] as String) on "
                + "\(CivilDate(dayNumber: s[1]))\(ref.isEmpty ? "" : " (\(ref))"); the recorded succession is kept and the project stays \(storedName)'s")
            return stored
        }
        notes.append("project \(p.code): the investor changes from \(storedName) to \(p.investor) with no recorded succession, so "
            + "the whole year now counts as \(p.investor)'s; if the change has a date, record it instead: giaingan succession add "
            + "--from \"\(storedName)\" --to \"\(p.investor)\" --on DATE --ref DECISION --project \(p.code) (and re-import)")
        return given
    }

    // MARK: - Envelope lines

    /// Stores an envelope line; a line repeating one already stored (same content, same place
    /// among identical lines of its file) is already present.
    func add(_ l: EnvelopeLine) throws -> Outcome {
        let fundSource = FundSource.key(l.fundSource)
        let key = "\(l.planYear)|\(l.level.rawValue)|\(l.tranche.rawValue)|\(fundSource)|\(l.effectiveOn.dayNumber)|\(l.decisionRef ?? "")|\(l.amountVND)"
        let occurrence = envelopeOccurrences[key, default: 0] + 1
        envelopeOccurrences[key] = occurrence
        try db.execute(sql: """
            INSERT INTO envelope_line (plan_year, level, tranche, fund_source, amount, effective_on, decision_ref, occurrence,
                import_id, source_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT DO NOTHING
            """, arguments: [l.planYear, l.level.rawValue, l.tranche.storeCode, fundSource, l.amountVND, l.effectiveOn.dayNumber,
                             l.decisionRef ?? "", occurrence, importID])
        return db.changesCount > 0 ? .added : .present
    }

    /// A plan year whose stored envelope lines add up (in absolute values) beyond the bound every
    /// sum of money keeps, if any.
    func envelopeYearOverLimit() throws -> Int? {
        try Int.fetchOne(db, sql: """
            SELECT plan_year FROM envelope_line GROUP BY plan_year HAVING TOTAL(ABS(amount)) > 9e18 LIMIT 1
            """)
    }

    // MARK: - Schedule lines

    /// Stores one submitted schedule figure. The same project, year, month and submission date
    /// again with the same figure is already present; with another figure it is a conflict
    /// (in the file, or with what is stored).
    func add(_ l: ScheduleLine, line: Int) throws -> Outcome {
        guard let project = projectIDs[l.projectCode] else { return .unknownProject }
        if let only = onlyInvestorID,
           try Int64.fetchOne(db, sql: "SELECT investor_id FROM project WHERE id = ?", arguments: [project]) != only {
            return .otherInvestor
        }
        let key = "\(project)|\(l.planYear)|\(l.month)|\(l.submittedOn.dayNumber)"
        if let first = scheduleLines[key] {
            return first.plannedVND == l.plannedVND ? .present : .duplicateInFile(line: first.line)
        }
        scheduleLines[key] = (line, l.plannedVND)
        if let stored = try VND.fetchOne(db, sql: """
            SELECT planned FROM schedule_line WHERE project_id = ? AND plan_year = ? AND period = ? AND submitted_on = ?
            """, arguments: [project, l.planYear, l.month.description, l.submittedOn.dayNumber]) {
            return stored == l.plannedVND ? .present
                : .conflict("\(l.month) submitted on \(l.submittedOn): \(stored) VND; a new figure needs a new submission date")
        }
        try db.execute(sql: """
            INSERT INTO schedule_line (project_id, plan_year, period, planned, submitted_on, submitted_by, import_id, source_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [project, l.planYear, l.month.description, l.plannedVND, l.submittedOn.dayNumber, submittedBy,
                             importID, line])
        return .added
    }

    // MARK: - Plan lines

    func add(_ l: PlanLine, line: Int) throws -> Outcome {
        guard let project = projectIDs[l.projectCode] else { return .unknownProject }
        // The fund source as reports key it (`nstw` is NSTW), so a respelled file is the same lines.
        let fundSource = FundSource.key(l.fundSource)
        // Identical lines within one file are distinct decision lines: number them, so that a
        // second file repeating them is recognised as already present.
        let key = "\(project)|\(l.planYear)|\(l.tranche.rawValue)|\(l.effectiveOn.dayNumber)|\(l.decisionRef ?? "")|\(l.amountVND)|\(l.projectClass.rawValue)|\(fundSource)"
        let occurrence = planOccurrences[key, default: 0] + 1
        planOccurrences[key] = occurrence
        if insertPlan == nil {
            insertPlan = try db.makeStatement(sql: """
                INSERT INTO plan_line (project_id, plan_year, class, tranche, fund_source, amount, effective_on,
                    decision_ref, occurrence, import_id, source_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
        }
        try insertPlan?.execute(arguments: [project, l.planYear, l.projectClass.rawValue, l.tranche.storeCode,
                                            fundSource, l.amountVND, l.effectiveOn.dayNumber,
                                            l.decisionRef ?? "", occurrence, importID, line])
        return db.changesCount > 0 ? .added : .present
    }

    // MARK: - Ledger entries

    /// Project codes and their ids, as the registry stands at the start of this import.
    var projectIDsByCode: [String: Int64] { projectIDs }

    /// The writer of this file's ledger entries (created by the first call).
    private(set) var ledgerWriter: LedgerWriter?

    func beginLedger() throws -> LedgerWriter {
        if let ledgerWriter { return ledgerWriter }
        let writer = try LedgerWriter(db: db, importID: importID)
        ledgerWriter = writer
        return writer
    }
}
