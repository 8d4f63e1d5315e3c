import Foundation
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
    /// The fund sources met, in the order met (keys as `FundSource.key` makes them).
    private var fundSources: [String] = []
    /// Per fund source: disbursed and advances at the as-of date of each group, two cells a
    /// group. Fund sources are few and met early, so each gets a column grown with the groups.
    private var fundSourceCells: [[VND]] = []

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
        guard maxID < Int64(Int32.max) else {
            throw StoreError.invalid("project ids reach \(maxID): the database holds more projects than GiaiNgan can check")
        }
        let trancheCount = Tranche.allCases.count
        var groupOf = [Int32](repeating: -1, count: trancheCount * (Int(maxID) + 1))

        let statement = try db.makeStatement(sql: """
            SELECT date, project_id, tranche, disbursed_delta, advance_delta, fund_source FROM ledger_entry
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
        // Fund sources as their stored bytes, matched by comparing bytes (a handful of codes).
        var sourceBytes: [[UInt8]] = []
        var sources: [String] = []
        var sourceCells: [[VND]] = []
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
            guard id >= 0 && id <= maxID && tranche >= 0 && tranche < trancheCount else { continue }
            let slot = trancheCount * Int(id) + Int(tranche)
            var group = Int(groupOf[slot])
            if group == -1 {
                group = keys.count
                groupOf[slot] = Int32(group)
                keys.append((id, Tranche(storeCode: tranche)))
                cells.append(contentsOf: repeatElement(0, count: width))
                for f in sourceCells.indices { sourceCells[f].append(contentsOf: [0, 0]) }
            }
            let count = Int(sqlite3_column_bytes(s, 5))
            let text = sqlite3_column_text(s, 5)
            var source = -1
            for (f, known) in sourceBytes.enumerated() where known.count == count {
                if count == 0 || known.withUnsafeBufferPointer({ k in
                    guard let k = k.baseAddress, let text else { return false }
                    return memcmp(k, text, count) == 0
                }) {
                    source = f
                    break
                }
            }
            if source == -1 {
                let bytes = text.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
                source = sourceBytes.count
                sourceBytes.append(bytes)
                sources.append(FundSource.key(String(decoding: bytes, as: UTF8.self)))
                sourceCells.append([VND](repeating: 0, count: 2 * keys.count))
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
            sourceCells[source][2 * group] = try sourceCells[source][2 * group].checkedAdding(disbursed, context: "a disbursed total")
            sourceCells[source][2 * group + 1] = try sourceCells[source][2 * group + 1].checkedAdding(advance, context: "an advance total")
        }
        self.cells = cells
        self.groupKeys = keys
        self.fundSources = sources
        self.fundSourceCells = sourceCells
    }

    /// Every (project, tranche, fund source) with entries: disbursed and outstanding advances at
    /// the as-of date. Two stored spellings of one code (`nstw`, `NSTW`) are one key.
    func byFundSource() throws -> [(id: Int64, slice: Slice, disbursedVND: VND, advanceVND: VND)] {
        var out: [(id: Int64, slice: Slice, disbursedVND: VND, advanceVND: VND)] = []
        for (f, source) in fundSources.enumerated() {
            let column = fundSourceCells[f]
            for (g, key) in groupKeys.enumerated() where column[2 * g] != 0 || column[2 * g + 1] != 0 {
                out.append((key.id, Slice(tranche: key.tranche, fundSource: source), column[2 * g], column[2 * g + 1]))
            }
        }
        return out
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
