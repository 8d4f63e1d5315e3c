import GiaiNganCore
import GRDB
import GRDBSQLite

/// A plan year's ledger summed per project and tranche as of a date: disbursed and advances at
/// each position date, and disbursed in each 28-day window counted back from the as-of date.
///
/// The entries are read in one range scan of the `ledger_by_date` index (plan year, date, …), which
/// holds every column needed, and summed as they stream by. Each entry adds to the bucket of the
/// first position date on or after its own date and to the window it falls in; positions are the
/// running totals of the buckets. Since the scan is in date order, an entry's bucket and window are
/// found once per date. Values are read through SQLite's C API: making a GRDB `Row` per entry cost
/// more than the scan itself.
struct LedgerSums {
    struct Totals {
        /// Disbursed and outstanding advances at each position date (cumulative).
        var disbursed: [VND]
        var advance: [VND]
        /// Disbursed in window k: the 28 days ending 28·k days before the as-of date.
        var windows: [VND]
    }

    private let positionCount: Int
    private let windowCount: Int
    /// Per group: `positionCount` disbursed buckets, `positionCount` advance buckets, `windowCount` windows.
    private var cells: [VND] = []
    private var groupKeys: [(id: Int64, tranche: Tranche)] = []

    /// Sums the ledger of `request`'s plan year up to its as-of date, at its position dates and
    /// 28-day windows.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64.
    init(_ db: Database, request: EvaluationRequest) throws {
        let positionDates = request.dates
        let asOf = request.asOf, planYear = request.planYear, windowCount = request.windowCount
        precondition(positionDates.last == asOf, "the as-of date is the last position date")
        self.positionCount = positionDates.count
        self.windowCount = windowCount
        let width = 2 * positionCount + windowCount

        // Group of (project, tranche): project ids are SQLite's consecutive row ids, so a dense
        // table maps them; -1 means not seen yet.
        let maxID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM project") ?? 0
        precondition(maxID < Int64(Int32.max), "project ids are row ids below 2^31")
        var groupOf = [Int32](repeating: -1, count: 2 * (Int(maxID) + 1))

        let statement = try db.makeStatement(sql: """
            SELECT date, project_id, tranche, disbursed_delta, advance_delta FROM ledger_entry
            WHERE plan_year = ? AND date <= ? ORDER BY plan_year, date
            """)
        try statement.setArguments([planYear, asOf.dayNumber])
        let s = statement.sqliteStatement
        let asOfDay = asOf.dayNumber
        let positionDays = positionDates.map(\.dayNumber)
        var currentDay = Int.min
        var bucket = 0          // index of the first position date on or after the entry's date
        var window = -1         // the entry's window, or -1 when it is older than the first one
        var cells: [VND] = []
        var keys: [(id: Int64, tranche: Tranche)] = []
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            let day = Int(sqlite3_column_int64(s, 0))
            let id = sqlite3_column_int64(s, 1)
            let tranche = sqlite3_column_int64(s, 2)
            guard id >= 0 && id <= maxID && (tranche == 0 || tranche == 1) else { continue }
            let slot = 2 * Int(id) + Int(tranche)
            var group = Int(groupOf[slot])
            if group == -1 {
                group = keys.count
                groupOf[slot] = Int32(group)
                keys.append((id, Tranche(storeCode: tranche)))
                cells.append(contentsOf: repeatElement(0, count: width))
            }
            if day != currentDay {
                currentDay = day
                bucket = positionDays.firstIndex { $0 >= day } ?? positionDays.count - 1
                let back = asOfDay - day
                window = back / Activity.windowDays < windowCount ? back / Activity.windowDays : -1
            }
            let disbursed = sqlite3_column_int64(s, 3), advance = sqlite3_column_int64(s, 4)
            let base = group * width
            cells[base + bucket] = try cells[base + bucket].checkedAdding(disbursed, context: "a disbursed total")
            cells[base + positionCount + bucket] = try cells[base + positionCount + bucket].checkedAdding(advance, context: "an advance total")
            if window >= 0 {
                let w = base + 2 * positionCount + window
                cells[w] = try cells[w].checkedAdding(disbursed, context: "a 28-day window")
            }
        }
        self.cells = cells
        self.groupKeys = keys
    }

    /// Every (project, tranche) with entries, with its totals.
    func groups() throws -> [(id: Int64, tranche: Tranche, totals: Totals)] {
        let width = 2 * positionCount + windowCount
        return try groupKeys.enumerated().map { g, key in
            let base = g * width
            var disbursed = [VND](repeating: 0, count: positionCount), advance = disbursed
            var runningDisbursed: VND = 0, runningAdvance: VND = 0
            for i in 0..<positionCount {
                runningDisbursed = try runningDisbursed.checkedAdding(cells[base + i], context: "a disbursed total")
                runningAdvance = try runningAdvance.checkedAdding(cells[base + positionCount + i], context: "an advance total")
                disbursed[i] = runningDisbursed
                advance[i] = runningAdvance
            }
            let windows = Array(cells[(base + 2 * positionCount)..<(base + width)])
            return (key.id, key.tranche, Totals(disbursed: disbursed, advance: advance, windows: windows))
        }
    }
}
