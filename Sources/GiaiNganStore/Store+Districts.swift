import Foundation
import GiaiNganCore
import GRDB

extension Store {
    /// What recording a district change did.
    enum DistrictOutcome {
        case added, present
        /// The old unit already maps elsewhere (or from another date): the stored mapping.
        case conflict(String)
    }

    /// Migration v13: old units and the units that replaced them.
    static func createDistrictMap(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE district_map (
                old_unit TEXT PRIMARY KEY,
                new_unit TEXT NOT NULL,
                effective_on INTEGER NOT NULL,
                CHECK (old_unit <> new_unit)
            );
            """)
    }

    /// Records one mapping inside the transaction of `db`; one new unit per old unit.
    static func record(_ c: DistrictChange, db: Database) throws -> DistrictOutcome {
        if let r = try Row.fetchOne(db, sql: "SELECT new_unit, effective_on FROM district_map WHERE old_unit = ?", arguments: [c.oldUnit]) {
            let new: String = r[0], on = CivilDate(dayNumber: r[1])
            return new == c.newUnit && on == c.effectiveOn ? .present : .conflict("\(c.oldUnit) → \(new) from \(on)")
        }
        guard c.oldUnit != c.newUnit else { return .conflict("\(c.oldUnit) → \(c.newUnit): a unit cannot replace itself") }
        try db.execute(sql: "INSERT INTO district_map (old_unit, new_unit, effective_on) VALUES (?, ?, ?)",
                       arguments: [c.oldUnit, c.newUnit, c.effectiveOn.dayNumber])
        return .added
    }

    /// The renames in effect on `date`, old unit to new.
    static func districtMap(_ db: Database, on date: CivilDate) throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT old_unit, new_unit FROM district_map WHERE effective_on <= ?", arguments: [date.dayNumber]) {
            out[r[0]] = r[1]
        }
        return out
    }
}
