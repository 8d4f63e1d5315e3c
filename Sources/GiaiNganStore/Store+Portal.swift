import Foundation
import GiaiNganCore
import GRDB

extension Store {
    /// The investor a project belongs to, or nil when no project has this code: one indexed
    /// row, so the portal decides who may see a project before it reads any of its figures.
    public func projectInvestor(code: String) throws -> InvestorID? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT i.name FROM project p JOIN investor i ON i.id = p.investor_id WHERE p.code = ?",
                                arguments: [code]).map(InvestorID.init)
        }
    }

    /// The plan years that have plan lines (a capital plan), oldest first; for `investor` only,
    /// the years with plan lines of that investor's projects.
    public func planYearsWithPlans(investor: InvestorID? = nil) throws -> [Int] {
        try read { db in
            if let investor {
                return try Int.fetchAll(db, sql: """
                    SELECT DISTINCT l.plan_year FROM plan_line l JOIN project p ON p.id = l.project_id
                    JOIN investor i ON i.id = p.investor_id WHERE i.name = ? ORDER BY 1
                    """, arguments: [investor.name])
            }
            return try Int.fetchAll(db, sql: "SELECT DISTINCT plan_year FROM plan_line ORDER BY 1")
        }
    }

    /// What is wrong with the database file, or nil when SQLite's `quick_check` finds every page
    /// and index sound and the file can be read. For a health check: it reads the whole file
    /// (measured in README "Investor portal"), so callers run it sparingly.
    public func integrityProblem() -> String? {
        do {
            let lines = try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            return lines == ["ok"] ? nil : "quick_check: " + lines.joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }
}
