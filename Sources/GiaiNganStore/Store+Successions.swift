import Foundation
import GiaiNganCore
import GRDB

/// What recording successions did: the per-project rows added, and those already recorded.
public struct SuccessionOutcome: Sendable {
    public var added: [Succession] = []
    public var present: [Succession] = []
}

/// Why a succession cannot be recorded; `column` names the input it is about.
public struct SuccessionProblem: Error, CustomStringConvertible, Sendable {
    public var column: String
    public var value: String
    public var expected: String
    public var description: String { "\(column) \"\(value)\": expected \(expected)" }
}

extension Store {
    /// Migration v11: the `succession` table, one row per project and date.
    static func createSuccessions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE succession (
                id INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES project(id),
                from_investor_id INTEGER NOT NULL REFERENCES investor(id),
                to_investor_id INTEGER NOT NULL REFERENCES investor(id),
                effective_on INTEGER NOT NULL,
                decision_ref TEXT NOT NULL DEFAULT '',
                recorded_at TEXT NOT NULL,
                CHECK (from_investor_id <> to_investor_id)
            );
            CREATE UNIQUE INDEX succession_by_project ON succession(project_id, effective_on);
            """)
    }

    /// Records successions in one transaction: all of them, or none (the first problem thrown).
    public func addSuccessions(_ requests: [SuccessionRequest]) throws -> SuccessionOutcome {
        try write { db in
            var out = SuccessionOutcome()
            for r in requests {
                let o = try Store.record(r, db: db)
                out.added += o.added
                out.present += o.present
            }
            // Announce the change to readers that cache by the last import (the portal's views).
            if !out.added.isEmpty { try Store.noteDataChange(db, what: "succession", rows: out.added.count) }
            return out
        }
    }

    /// Every recorded succession, by date, then project.
    public func successions() throws -> [Succession] {
        try read { db in try Store.successionsByProject(db).values.joined().sorted {
            ($0.effectiveOn, $0.projectCode) < ($1.effectiveOn, $1.projectCode)
        } }
    }

    /// The successions of each project id.
    static func successionsByProject(_ db: Database) throws -> [Int64: [Succession]] {
        var out: [Int64: [Succession]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT s.project_id, p.code, f.name, t.name, s.effective_on, s.decision_ref
            FROM succession s JOIN project p ON p.id = s.project_id
            JOIN investor f ON f.id = s.from_investor_id JOIN investor t ON t.id = s.to_investor_id
            ORDER BY s.effective_on, s.id
            """)
        while let r = try rows.next() {
            out[r[0], default: []].append(Succession(projectCode: r[1], from: InvestorID(r[2] as String), to: InvestorID(r[3] as String),
                                                     effectiveOn: CivilDate(dayNumber: r[4]), decisionRef: r[5]))
        }
        return out
    }

    /// Whether the database holds any succession (the snapshot read skips the work without).
    static func hasSuccessions(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM succession)") ?? false
    }

    /// Adds a row to the import history so that readers keyed by the last import see a change
    /// that no file made (a succession recorded from the command line).
    static func noteDataChange(_ db: Database, what: String, rows: Int) throws {
        let stamp = ISO8601DateFormatter().string(from: Date())
        try db.execute(sql: """
            INSERT INTO import (kind, file_name, sha256, imported_at, unit, rows_read, rows_added, rows_present, rows_updated)
            VALUES (?, ?, ?, ?, 'vnd', ?, ?, 0, 0)
            """, arguments: [what, "(\(what) add)", "\(what)-\(stamp)-\(UUID().uuidString)", stamp, rows, rows])
    }

    /// Records one request inside the transaction of `db`.
    static func record(_ r: SuccessionRequest, db: Database) throws -> SuccessionOutcome {
        guard r.from != r.to else {
            throw SuccessionProblem(column: "to_investor", value: r.to.name, expected: "an investor other than the old one")
        }
        guard let fromID = try Int64.fetchOne(db, sql: "SELECT id FROM investor WHERE name = ?", arguments: [r.from.name]) else {
            let names = try String.fetchAll(db, sql: "SELECT name FROM investor ORDER BY name")
            let close = names.filter { NormalizedText.searchKey($0).contains(NormalizedText.searchKey(r.from.name)) }.prefix(5)
            throw SuccessionProblem(column: "from_investor", value: r.from.name, expected: "an investor of the registry"
                + (close.isEmpty ? " (giaingan investors lists them)" : "; did you mean " + close.joined(separator: ", ") + "?"))
        }
        let toID = try Int64.fetchOne(db, sql: "SELECT id FROM investor WHERE name = ?", arguments: [r.to.name])
            ?? insertInvestor(r.to.name, db: db)
        let byProject = try successionsByProject(db)
        let dayBefore = r.effectiveOn.adding(days: -1)

        // The projects: the listed ones, or every project `from` holds the day before.
        var projects: [(id: Int64, code: String)] = []
        let all = try Row.fetchAll(db, sql: "SELECT p.id, p.code, i.name FROM project p JOIN investor i ON i.id = p.investor_id ORDER BY p.code")
        var byCode: [String: (Int64, InvestorID)] = [:]
        for row in all { byCode[row[1]] = (row[0], InvestorID(row[2] as String)) }
        func holder(_ id: Int64, _ current: InvestorID, on date: CivilDate) -> InvestorID {
            Successions.investor(on: date, current: current, successions: byProject[id] ?? [])
        }
        if r.projectCodes.isEmpty {
            for (code, (id, current)) in byCode.sorted(by: { $0.key < $1.key }) {
                let same = (byProject[id] ?? []).contains { $0.effectiveOn == r.effectiveOn && $0.from == r.from && $0.to == r.to }
                if holder(id, current, on: dayBefore) == r.from || same { projects.append((id, code)) }
            }
            guard !projects.isEmpty else {
                throw SuccessionProblem(column: "from_investor", value: r.from.name,
                                        expected: "an investor that holds projects on \(dayBefore) (the day before \(r.effectiveOn)); it holds none")
            }
        } else {
            for code in r.projectCodes {
                guard let (id, _) = byCode[code] else {
                    throw SuccessionProblem(column: "project_code", value: code, expected: "a project of the registry")
                }
                projects.append((id, code))
            }
        }

        var out = SuccessionOutcome()
        for (id, code) in projects {
            let current = byCode[code]?.1 ?? r.from
            let own = byProject[id] ?? []
            let row = Succession(projectCode: code, from: r.from, to: r.to, effectiveOn: r.effectiveOn, decisionRef: r.decisionRef)
            if let same = own.first(where: { $0.effectiveOn == r.effectiveOn }) {
                guard same.from == r.from && same.to == r.to else {
                    throw SuccessionProblem(column: "effective_on", value: "\(r.effectiveOn)", expected: "one succession per project and "
                        + "date: project \(code) already passes from \(same.from) to \(same.to) on \(same.effectiveOn)"
                        + (same.decisionRef.isEmpty ? "" : " (\(same.decisionRef))"))
                }
                out.present.append(same)
                continue
            }
            let held = holder(id, current, on: dayBefore)
            guard held == r.from else {
                throw SuccessionProblem(column: "from_investor", value: r.from.name, expected: "the investor of project \(code) on "
                    + "\(dayBefore), the day before the succession; that is \(held)")
            }
            // A later succession must start from the new investor, or the chain would say two
            // things about the days between.
            if let next = own.filter({ $0.effectiveOn > r.effectiveOn }).min(by: { $0.effectiveOn < $1.effectiveOn }), next.from != r.to {
                throw SuccessionProblem(column: "to_investor", value: r.to.name, expected: "\(next.from): project \(code) passes from "
                    + "\(next.from) to \(next.to) on \(next.effectiveOn), so it is \(next.from)'s before that")
            }
            try db.execute(sql: """
                INSERT INTO succession (project_id, from_investor_id, to_investor_id, effective_on, decision_ref, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, fromID, toID, r.effectiveOn.dayNumber, r.decisionRef, ISO8601DateFormatter().string(from: Date())])
            // The registry keeps the newest investor: the one the year's figures belong to.
            if !own.contains(where: { $0.effectiveOn > r.effectiveOn }) {
                try db.execute(sql: "UPDATE project SET investor_id = ? WHERE id = ?", arguments: [toID, id])
            }
            out.added.append(row)
        }
        return out
    }
}

extension Store {
    /// The last day `investor` held the project `code` before a succession passed it on, or nil
    /// when it never passed from `investor` (the portal's read access of a former investor).
    public func heldUntil(code: String, investor: InvestorID) throws -> CivilDate? {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT MAX(s.effective_on) FROM succession s JOIN project p ON p.id = s.project_id
                JOIN investor f ON f.id = s.from_investor_id WHERE p.code = ? AND f.name = ?
                """, arguments: [code, investor.name]).map { CivilDate(dayNumber: $0).adding(days: -1) }
        }
    }

    /// The investor holding each project that has successions on `date`, with its lineage then,
    /// by project code (a comparison counts the same projects under the same investors).
    public func successionHolders(on date: CivilDate) throws -> [String: (investor: InvestorID, lineage: [LineageStep])] {
        try read { db in
            let byProject = try Store.successionsByProject(db)
            guard !byProject.isEmpty else { return [:] }
            var out: [String: (investor: InvestorID, lineage: [LineageStep])] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT p.id, p.code, i.name FROM project p JOIN investor i ON i.id = p.investor_id "
                                        + "WHERE p.id IN (SELECT project_id FROM succession)") {
                let list = byProject[r[0]] ?? []
                out[r[1]] = (Successions.investor(on: date, current: InvestorID(r[2] as String), successions: list),
                             Successions.lineage(on: date, successions: list))
            }
            return out
        }
    }

    /// The successions that took projects away from `investor`, by date, then project.
    public func successions(from investor: InvestorID) throws -> [Succession] {
        try successions().filter { $0.from == investor }
    }
}
