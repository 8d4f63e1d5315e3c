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

    private let planYear: Int
    private let asOfDay: Int
    private let positionDays: [Int]
    private let positionCount: Int
    private let windowCount: Int
    /// Cells per group: `positionCount` disbursed buckets, `positionCount` advance buckets, `windowCount` windows.
    private let width: Int
    /// The highest project id of the registry: project ids are SQLite's consecutive row ids, so
    /// a dense table maps (project, tranche) to its group.
    private let maxID: Int64
    /// Group of (project, tranche) at `trancheCount * id + tranche`; -1 means not seen yet.
    private var groupOf: [Int32]
    private var cells: [VND] = []
    private var groupKeys: [(id: Int64, tranche: Tranche)] = []
    /// The fund sources met, in the order met, as stored and as `FundSource.key` makes them.
    private var sourceBytes: [[UInt8]] = []
    /// Per fund source met: its length and first 8 bytes, which tell a code of up to 8 bytes
    /// (every code in use: `NSTW`, `NSĐP`, `ODA`) from every other without touching its bytes;
    /// longer codes are compared in full.
    private var sourcePrefixes: [(count: Int, prefix: UInt64)] = []
    private var fundSources: [String] = []
    /// Per fund source: disbursed and advances at the as-of date of each group, two cells a
    /// group. Fund sources are few and met early, so each gets a column grown with the groups.
    private var fundSourceCells: [[VND]] = []

    private static let trancheCount = Tranche.allCases.count

    /// Sums the ledger of `request`'s plan year up to its as-of date, at its position dates and
    /// 28-day windows, in one scan.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64.
    init(_ db: Database, request: EvaluationRequest) throws {
        self.init(request: request, maxID: try LedgerSums.highestProjectID(db))
        try add(db, after: nil, through: request.asOf.dayNumber)
    }

    /// No entries yet: parts of the ledger are added with ``add(_:after:through:)`` and
    /// ``merge(_:)``.
    init(request: EvaluationRequest, maxID: Int64) {
        let positionDates = request.dates
        precondition(positionDates.last == request.asOf, "the as-of date is the last position date")
        planYear = request.planYear
        asOfDay = request.asOf.dayNumber
        positionDays = positionDates.map(\.dayNumber)
        positionCount = positionDates.count
        windowCount = request.windowCount
        width = 2 * positionCount + windowCount
        self.maxID = maxID
        groupOf = [Int32](repeating: -1, count: LedgerSums.trancheCount * (Int(maxID) + 1))
    }

    /// The highest project id, which sizes the table of groups.
    static func highestProjectID(_ db: Database) throws -> Int64 {
        let maxID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM project") ?? 0
        guard maxID >= 0 && maxID < Int64(Int32.max) else {
            throw StoreError.invalid("project ids reach \(maxID): the database holds more projects than GiaiNgan can check")
        }
        return maxID
    }

    /// The parts a ledger scan up to the as-of date is cut into, so that several threads can
    /// share it: `count` spans of equal days from the start of the plan year (the first takes
    /// every earlier date too), each as (after, through) day numbers.
    static func parts(of request: EvaluationRequest, count: Int) -> [(after: Int?, through: Int)] {
        let first = CivilDate.startOfYear(request.planYear).dayNumber, last = request.asOf.dayNumber
        let days = last - first + 1
        guard count > 1 && days >= count else { return [(nil, last)] }
        var out: [(after: Int?, through: Int)] = []
        var after: Int? = nil
        for k in 1...count {
            let through = k == count ? last : first - 1 + days * k / count
            out.append((after, through))
            after = through
        }
        return out
    }

    /// The group of (project `id`, tranche code `tranche`), made when first met.
    private mutating func group(id: Int64, tranche: Int64) -> Int {
        let slot = LedgerSums.trancheCount * Int(id) + Int(tranche)
        let known = Int(groupOf[slot])
        if known != -1 { return known }
        let group = groupKeys.count
        groupOf[slot] = Int32(group)
        groupKeys.append((id, Tranche(storeCode: tranche)))
        cells.append(contentsOf: repeatElement(0, count: width))
        for f in fundSourceCells.indices { fundSourceCells[f].append(contentsOf: [0, 0]) }
        return group
    }

    /// The first 8 bytes of `bytes` (fewer when shorter, the rest zero), as one number.
    private static func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (i, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * i) }
        return value
    }

    /// The index of a fund source stored as `bytes`, added when first met.
    private mutating func source(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count, prefix = LedgerSums.prefix(bytes)
        for f in sourcePrefixes.indices where sourcePrefixes[f].count == count && sourcePrefixes[f].prefix == prefix {
            if count <= 8 || sourceBytes[f].withUnsafeBufferPointer({ k in
                guard let k = k.baseAddress, let b = bytes.baseAddress else { return false }
                return memcmp(k, b, count) == 0
            }) {
                return f
            }
        }
        sourcePrefixes.append((count, prefix))
        sourceBytes.append(Array(bytes))
        fundSources.append(FundSource.key(String(decoding: bytes, as: UTF8.self)))
        fundSourceCells.append([VND](repeating: 0, count: 2 * groupKeys.count))
        return sourceBytes.count - 1
    }

    /// Adds the entries of the plan year dated after day `after` (any date when nil) through day
    /// `through`, in one range scan of the `ledger_by_date` index.
    ///
    /// The sums of parts added in any order, or merged, are those of one scan: every sum is of
    /// integers, and a ledger import keeps each project's and year's sum of amounts below
    /// `Store.largestProjectYearTotalVND`, so no partial sum leaves Int64 in any order.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64.
    mutating func add(_ db: Database, after: Int?, through: Int) throws {
        let statement = try db.cachedStatement(sql: """
            SELECT date, project_id, tranche, disbursed_delta, advance_delta, fund_source FROM ledger_entry
            WHERE plan_year = ? AND date > ? AND date <= ? ORDER BY plan_year, date
            """)
        try statement.setArguments([planYear, after.map(Int64.init) ?? Int64.min, min(through, asOfDay)])
        let s = statement.sqliteStatement
        let trancheCount = Int64(LedgerSums.trancheCount)
        var currentDay = Int.min
        var bucket = 0          // index of the first position date on or after the entry's date
        var window = -1         // the entry's window, or -1 when it is older than the first one
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
            let group = self.group(id: id, tranche: tranche)
            let count = Int(sqlite3_column_bytes(s, 5))
            let text = sqlite3_column_text(s, 5)
            let source = self.source(UnsafeBufferPointer(start: count > 0 ? text : nil, count: count > 0 ? count : 0))
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
            fundSourceCells[source][2 * group] = try fundSourceCells[source][2 * group].checkedAdding(disbursed, context: "a disbursed total")
            fundSourceCells[source][2 * group + 1] = try fundSourceCells[source][2 * group + 1].checkedAdding(advance, context: "an advance total")
        }
    }

    /// Adds the sums of `other`, made for the same request over other entries.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64.
    mutating func merge(_ other: LedgerSums) throws {
        precondition(other.planYear == planYear && other.asOfDay == asOfDay && other.width == width,
                     "parts of one request are merged")
        var groupMap = [Int](repeating: 0, count: other.groupKeys.count)
        for (g, key) in other.groupKeys.enumerated() {
            let slot = LedgerSums.trancheCount * Int(key.id) + Int(key.tranche.storeCode)
            if slot >= groupOf.count { groupOf.append(contentsOf: repeatElement(-1, count: slot - groupOf.count + 1)) }
            groupMap[g] = group(id: key.id, tranche: key.tranche.storeCode)
            let from = g * other.width, to = groupMap[g] * width
            for i in 0..<width {
                cells[to + i] = try cells[to + i].checkedAdding(other.cells[from + i], context: "a ledger total")
            }
        }
        for (f, bytes) in other.sourceBytes.enumerated() {
            let mine = bytes.withUnsafeBufferPointer { source($0) }
            for (g, to) in groupMap.enumerated() {
                fundSourceCells[mine][2 * to] = try fundSourceCells[mine][2 * to].checkedAdding(other.fundSourceCells[f][2 * g], context: "a disbursed total")
                fundSourceCells[mine][2 * to + 1] = try fundSourceCells[mine][2 * to + 1].checkedAdding(other.fundSourceCells[f][2 * g + 1], context: "an advance total")
            }
        }
    }

    /// Calls `body` with every (project, tranche, fund source) with entries: disbursed and
    /// outstanding advances at the as-of date. Two stored spellings of one code (`nstw`, `NSTW`)
    /// are one key.
    func forEachFundSourcePart(_ body: (_ id: Int, _ slice: Slice, _ disbursed: VND, _ advance: VND) throws -> Void) rethrows {
        for (f, source) in fundSources.enumerated() {
            let column = fundSourceCells[f]
            var slices: [Tranche: Slice] = [:]
            for (g, key) in groupKeys.enumerated() where column[2 * g] != 0 || column[2 * g + 1] != 0 {
                let slice = slices[key.tranche] ?? Slice(tranche: key.tranche, fundSource: source)
                slices[key.tranche] = slice
                try body(Int(key.id), slice, column[2 * g], column[2 * g + 1])
            }
        }
    }

    /// Calls `body` with every (project, tranche) with entries and its sums, as they are kept:
    /// disbursed and advances dated in each position date's bucket (after the one before it,
    /// through it; not yet cumulative), and disbursed in each 28-day window. The buffers are
    /// valid during the call only.
    func forEachGroup(_ body: (_ id: Int, _ tranche: Tranche, _ disbursed: UnsafeBufferPointer<VND>,
                               _ advance: UnsafeBufferPointer<VND>, _ windows: UnsafeBufferPointer<VND>) throws -> Void) rethrows {
        try cells.withUnsafeBufferPointer { cells in
            for (g, key) in groupKeys.enumerated() {
                let base = g * width
                try body(Int(key.id), key.tranche,
                         UnsafeBufferPointer(rebasing: cells[base..<(base + positionCount)]),
                         UnsafeBufferPointer(rebasing: cells[(base + positionCount)..<(base + 2 * positionCount)]),
                         UnsafeBufferPointer(rebasing: cells[(base + 2 * positionCount)..<(base + width)]))
            }
        }
    }
}
