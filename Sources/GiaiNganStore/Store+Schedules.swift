import Foundation
import GiaiNganCore
import GRDB

/// One stored schedule upload, as DPI sees it: who submitted what, and when.
public struct ScheduleSubmission: Sendable, Hashable {
    /// The import that brought the rows.
    public var importID: Int64
    public var fileName: String
    /// When the file was imported (ISO 8601, UTC).
    public var importedAt: String
    /// The portal user who uploaded it; empty for a CLI import.
    public var submittedBy: String
    /// The investors whose projects the rows name.
    public var investors: [String]
    public var rows: Int
    public var plannedVND: VND
    /// The plan years the rows name, comma-separated.
    public var planYears: String
}

extension Store {
    /// Every submitted schedule line of a plan year, all submissions kept.
    public func scheduleLines(planYear: Int) throws -> [ScheduleLine] {
        try read { db in try Store.scheduleLines(db, planYear: planYear) }
    }

    static func scheduleLines(_ db: Database, planYear: Int) throws -> [ScheduleLine] {
        try Row.fetchAll(db, sql: """
            SELECT p.code, s.period, s.planned, s.submitted_on FROM schedule_line s JOIN project p ON p.id = s.project_id
            WHERE s.plan_year = ? ORDER BY s.id
            """, arguments: [planYear]).compactMap { r in
            guard let month = ScheduleMonth(text: r[1]) else { return nil }
            return ScheduleLine(projectCode: r[0], planYear: planYear, month: month, plannedVND: r[2],
                                submittedOn: CivilDate(dayNumber: r[3]))
        }
    }

    /// The schedule uploads (of one plan year, or of all), newest first; with `investor`, only those naming its projects.
    public func scheduleSubmissions(planYear: Int? = nil, investor: InvestorID? = nil) throws -> [ScheduleSubmission] {
        try read { db in
            // One row per import and investor, gathered in Swift: a name may hold any character.
            let rows = try Row.fetchAll(db, sql: """
                SELECT i.id, i.file_name, i.imported_at, s.submitted_by, v.name, COUNT(*), SUM(s.planned), GROUP_CONCAT(DISTINCT s.plan_year)
                FROM schedule_line s JOIN import i ON i.id = s.import_id JOIN project p ON p.id = s.project_id
                JOIN investor v ON v.id = p.investor_id
                WHERE ? IS NULL OR s.plan_year = ?
                GROUP BY i.id, s.submitted_by, v.name ORDER BY i.id DESC, v.name
                """, arguments: [planYear, planYear])
            var out: [ScheduleSubmission] = []
            for r in rows {
                let id: Int64 = r[0], by: String = r[3], name: String = r[4], count: Int = r[5], sum: VND = r[6]
                if let last = out.last, last.importID == id, last.submittedBy == by {
                    out[out.count - 1].investors.append(name)
                    out[out.count - 1].rows += count
                    out[out.count - 1].plannedVND = try out[out.count - 1].plannedVND.checkedAdding(sum)
                } else {
                    out.append(ScheduleSubmission(importID: id, fileName: r[1], importedAt: r[2], submittedBy: by, investors: [name],
                                                  rows: count, plannedVND: sum, planYears: (r[7] as String?) ?? ""))
                }
            }
            guard let investor else { return out }
            return out.filter { $0.investors.contains(investor.name) }
        }
    }
}
