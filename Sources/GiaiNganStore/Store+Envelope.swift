import Foundation
import GiaiNganCore
import GRDB

extension Store {
    /// The envelope lines of a plan year, in the order they were imported.
    public func envelope(planYear: Int) throws -> [EnvelopeLine] {
        try read { db in try Store.envelope(db, planYear: planYear) }
    }

    static func envelope(_ db: Database, planYear: Int) throws -> [EnvelopeLine] {
        try Row.fetchAll(db, sql: """
            SELECT level, tranche, fund_source, amount, effective_on, decision_ref FROM envelope_line
            WHERE plan_year = ? ORDER BY id
            """, arguments: [planYear]).map { r in
            EnvelopeLine(planYear: planYear, level: EnvelopeLevel(rawValue: r[0]) ?? .province,
                         tranche: Tranche(storeCode: r[1]), fundSource: (r[2] as String).isEmpty ? nil : r[2],
                         amountVND: r[3], effectiveOn: CivilDate(dayNumber: r[4]),
                         decisionRef: (r[5] as String).isEmpty ? nil : r[5])
        }
    }
}
