import Foundation
import GiaiNganCore
import GRDB
import GRDBSQLite

/// A plan year's ledger summed per project and tranche as of a date: disbursed and advances at
/// each position date, and disbursed in each 28-day window counted back from the as-of date.
///
/// The entries come from the packed copy of the ledger (``LedgerPack``: segments of fixed-size
/// records, a few dozen per plan year) and, for any entries no segment holds, from the table,
/// and are summed as they stream by. Each entry adds to the bucket of the first position date on
/// or after its own date and to the window it falls in; positions are the running totals of the
/// buckets. An entry's bucket and window are found again only when the date changes. Values are
/// read through SQLite's C API: making a GRDB `Row` per entry cost more than the scan itself.
///
/// The sums of parts added in any order, or merged, are those of one pass: every sum is of
/// integers, and a ledger import keeps each project's and year's sum of amounts below
/// `Store.largestProjectYearTotalVND`, so no partial sum leaves Int64 in any order.
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
    /// `width` cells per group, in the order groups were met.
    private var cells = Cells(capacity: 1 << 14)
    private var groupKeys: [(id: Int64, tranche: Tranche)] = []
    /// The fund sources met, in the order met, as stored and as `FundSource.key` makes them.
    private var sourceBytes: [[UInt8]] = []
    /// Per fund source met: its length and first 8 bytes, which tell a code of up to 8 bytes
    /// (every code in use: `NSTW`, `NSĐP`, `ODA`) from every other without touching its bytes;
    /// longer codes are compared in full.
    private var sourcePrefixes: [(count: Int, prefix: UInt64)] = []
    private var fundSources: [String] = []
    /// Fund sources a group has room for: when more are met, every group is given twice as many.
    private var sourceCapacity = 8
    /// Per group, `2 * sourceCapacity` cells: disbursed and advances at the as-of date for each
    /// fund source, in the order the sources were met.
    private var sourceCells = Cells(capacity: 1 << 14)

    private static let trancheCount = Tranche.allCases.count

    /// Sums the ledger of `request`'s plan year up to its as-of date, at its position dates and
    /// 28-day windows, in one scan.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64.
    init(_ db: Database, request: EvaluationRequest) throws {
        self.init(request: request, maxID: try LedgerSums.highestProjectID(db))
        try addLedger(db)
    }

    /// Adds the plan year's ledger up to the as-of date: its packed segments (``LedgerPack``)
    /// and, as the part after the last, the entries above them. Each part is taken from `parts`,
    /// which readers on other threads may share (each sees the same segments when they saw the
    /// same last import, which the caller checks).
    mutating func addLedger(_ db: Database, sharing parts: TakenCount = TakenCount()) throws {
        let segments = try LedgerPack.segments(db, planYear: planYear)
        while let k = parts.next(below: segments.count + 1) {
            if k < segments.count {
                try addSegment(db, id: segments[k])
            } else {
                try addEntries(db, after: try LedgerPack.packedThrough(db))
            }
        }
    }

    /// No entries yet: the ledger is added with ``addLedger(_:sharing:)``, parts of it with
    /// ``addSegment(_:id:)`` and ``addEntries(_:after:)``, and other sums with ``merge(_:)``.
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

    /// Whether nothing was added, not even a segment's fund sources (a part that found every
    /// segment taken): merging it would change nothing.
    var isEmpty: Bool { groupKeys.isEmpty && sourceBytes.isEmpty }

    /// The highest project id, which sizes the table of groups.
    static func highestProjectID(_ db: Database) throws -> Int64 {
        let maxID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM project") ?? 0
        guard maxID >= 0 && maxID < Int64(Int32.max) else {
            throw StoreError.invalid("project ids reach \(maxID): the database holds more projects than GiaiNgan can check")
        }
        return maxID
    }

    /// The group of (project `id`, tranche code `tranche`), made when first met.
    @inline(__always)
    private mutating func group(id: Int64, tranche: Int64) -> Int {
        let slot = LedgerSums.trancheCount * Int(id) + Int(tranche)
        let known = Int(groupOf[slot])
        return known != -1 ? known : newGroup(slot: slot, id: id, tranche: tranche)
    }

    @inline(never)
    private mutating func newGroup(slot: Int, id: Int64, tranche: Int64) -> Int {
        let group = groupKeys.count
        groupOf[slot] = Int32(group)
        groupKeys.append((id, Tranche(storeCode: tranche)))
        _ = cells.appendZeros(width)
        _ = sourceCells.appendZeros(2 * sourceCapacity)
        return group
    }

    /// The first 8 bytes of `bytes` (fewer when shorter, the rest zero), as one number.
    @inline(__always)
    private static func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        if let base = bytes.baseAddress { withUnsafeMutableBytes(of: &value) { $0.baseAddress?.copyMemory(from: base, byteCount: min(bytes.count, 8)) } }
        return value
    }

    /// The index of a fund source stored as `bytes`, added when first met.
    @inline(__always)
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
        return newSource(bytes, count: count, prefix: prefix)
    }

    @inline(never)
    private mutating func newSource(_ bytes: UnsafeBufferPointer<UInt8>, count: Int, prefix: UInt64) -> Int {
        if sourceBytes.count == sourceCapacity { widenSources() }
        sourcePrefixes.append((count, prefix))
        sourceBytes.append(Array(bytes))
        fundSources.append(FundSource.key(String(decoding: bytes, as: UTF8.self)))
        return sourceBytes.count - 1
    }

    /// Gives every group room for twice as many fund sources, keeping its sums.
    private mutating func widenSources() {
        let old = 2 * sourceCapacity, new = 2 * old
        let widened = Cells(capacity: max(1, groupKeys.count) * new)
        for g in groupKeys.indices {
            let to = widened.appendZeros(new)
            (widened.base + to).update(from: sourceCells.base + g * old, count: old)
        }
        sourceCells = widened
        sourceCapacity *= 2
    }

    /// The bucket of an entry dated `day` (the first position date on or after it) and its
    /// 28-day window (-1 when it is older than the first one).
    @inline(__always)
    private func place(_ day: Int) -> (bucket: Int, window: Int) {
        let back = asOfDay - day
        return (positionDays.firstIndex { $0 >= day } ?? positionDays.count - 1,
                back / Activity.windowDays < windowCount ? back / Activity.windowDays : -1)
    }

    /// Adds an entry's deltas to its group's cells at `cell` (its bucket, and its window when it
    /// has one) and to its fund source's two cells at `source`.
    @inline(__always)
    private func add(disbursed: VND, advance: VND, to cell: UnsafeMutablePointer<VND>, bucket: Int, window: Int,
                     source: UnsafeMutablePointer<VND>) throws {
        cell[bucket] = try cell[bucket].checkedAdding(disbursed, context: "a disbursed total")
        cell[positionCount + bucket] = try cell[positionCount + bucket].checkedAdding(advance, context: "an advance total")
        if window >= 0 {
            let w = 2 * positionCount + window
            cell[w] = try cell[w].checkedAdding(disbursed, context: "a 28-day window")
        }
        source[0] = try source[0].checkedAdding(disbursed, context: "a disbursed total")
        source[1] = try source[1].checkedAdding(advance, context: "an advance total")
    }

    /// Adds the entries of one segment of the packed ledger (``LedgerPack``), those of the plan
    /// year dated up to the as-of date.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64; `StoreError` when
    ///   the segment is not as ``LedgerPack`` writes them.
    mutating func addSegment(_ db: Database, id segment: Int64) throws {
        try LedgerPack.withSegment(db, id: segment, planYear: planYear) { records, sources, damaged in
            guard records.count > 0 else { return }
            try addPacked(records, sources: sources, damaged: damaged)
        }
    }

    /// Adds packed records (``LedgerPack``'s layout) whose fund sources are `sources`.
    private mutating func addPacked(_ records: UnsafeRawBufferPointer, sources: [[UInt8]], damaged: StoreError) throws {
        let mine = sources.map { code in code.withUnsafeBufferPointer { source($0) } }
        if !isKnownUniquelyReferenced(&cells) { cells = cells.copy() }
        if !isKnownUniquelyReferenced(&sourceCells) { sourceCells = sourceCells.copy() }
        // As in `scan`: cells by address, taken again when a group is added. The fund sources
        // are all known (above), so the fund-source cells only move with a new group.
        var cellBase = cells.base, sourceBase = sourceCells.base
        let sourceWidth = 2 * sourceCapacity
        let trancheCount = Int64(LedgerSums.trancheCount)
        var currentDay = Int.min
        var bucket = 0, window = -1
        let size = LedgerPack.recordBytes
        for at in stride(from: 0, to: records.count, by: size) {
            let day = Int(Int32(littleEndian: records.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            guard day <= asOfDay else { continue }
            let id = Int64(Int32(littleEndian: records.loadUnaligned(fromByteOffset: at + 4, as: Int32.self)))
            let f = Int(UInt16(littleEndian: records.loadUnaligned(fromByteOffset: at + 24, as: UInt16.self)))
            let tranche = Int64(records[at + 26])
            guard f < mine.count else { throw damaged }
            guard id >= 0 && id <= maxID && tranche < trancheCount else { continue }
            let groupsBefore = groupKeys.count
            let group = self.group(id: id, tranche: tranche)
            if groupKeys.count != groupsBefore {
                cellBase = cells.base
                sourceBase = sourceCells.base
            }
            if day != currentDay { currentDay = day; (bucket, window) = place(day) }
            try add(disbursed: Int64(littleEndian: records.loadUnaligned(fromByteOffset: at + 8, as: Int64.self)),
                    advance: Int64(littleEndian: records.loadUnaligned(fromByteOffset: at + 16, as: Int64.self)),
                    to: cellBase + group * width, bucket: bucket, window: window,
                    source: sourceBase + group * sourceWidth + 2 * mine[f])
        }
    }

    /// Adds the plan year's entries dated up to the as-of date whose ids are above `after`: those
    /// no segment holds (``LedgerPack``), read from `ledger_entry` by id.
    ///
    /// `NOT INDEXED` keeps SQLite on the id range (the rowid): left to itself, it takes the plan
    /// year's range of the date index and tests each of the year's entries for its id, a million
    /// at national scale, although the segments usually leave none above them.
    mutating func addEntries(_ db: Database, after: Int64) throws {
        let statement = try db.cachedStatement(sql: LedgerSums.entriesAboveSQL)
        try statement.setArguments([after, planYear, asOfDay])
        try scan(statement, db)
    }

    /// The entries of ``addEntries(_:after:)``: id above, plan year, as-of day.
    static let entriesAboveSQL = """
        SELECT date, project_id, tranche, disbursed_delta, advance_delta, fund_source FROM ledger_entry NOT INDEXED
        WHERE id > ? AND plan_year = ? AND date <= ?
        """

    /// Adds the entries a statement gives as (date, project id, tranche, disbursed delta,
    /// advance delta, fund source); fastest when they come in date order.
    private mutating func scan(_ statement: Statement, _ db: Database) throws {
        let s = statement.sqliteStatement
        let trancheCount = Int64(LedgerSums.trancheCount)
        if !isKnownUniquelyReferenced(&cells) { cells = cells.copy() }
        if !isKnownUniquelyReferenced(&sourceCells) { sourceCells = sourceCells.copy() }
        // The cells are reached through their addresses, taken again whenever a group or a
        // fund source is added (which may move them): no bounds or uniqueness check per entry.
        var cellBase = cells.base, sourceBase = sourceCells.base
        var sourceWidth = 2 * sourceCapacity
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
            let groupsBefore = groupKeys.count, sourcesBefore = sourceBytes.count
            let group = self.group(id: id, tranche: tranche)
            let text = sqlite3_column_text(s, 5)
            let count = Int(sqlite3_column_bytes(s, 5))
            let source = self.source(UnsafeBufferPointer(start: count > 0 ? text : nil, count: count > 0 ? count : 0))
            if groupKeys.count != groupsBefore || sourceBytes.count != sourcesBefore {
                cellBase = cells.base
                sourceBase = sourceCells.base
                sourceWidth = 2 * sourceCapacity
            }
            if day != currentDay { currentDay = day; (bucket, window) = place(day) }
            try add(disbursed: sqlite3_column_int64(s, 3), advance: sqlite3_column_int64(s, 4),
                    to: cellBase + group * width, bucket: bucket, window: window,
                    source: sourceBase + group * sourceWidth + 2 * source)
        }
    }

    /// Adds the sums of `other`, made for the same request over other entries.
    ///
    /// - throws: `MoneyOverflowError` when a sum leaves the range of Int64.
    mutating func merge(_ other: LedgerSums) throws {
        precondition(other.planYear == planYear && other.asOfDay == asOfDay && other.width == width,
                     "parts of one request are merged")
        if !isKnownUniquelyReferenced(&cells) { cells = cells.copy() }
        if !isKnownUniquelyReferenced(&sourceCells) { sourceCells = sourceCells.copy() }
        var groupMap = [Int](repeating: 0, count: other.groupKeys.count)
        for (g, key) in other.groupKeys.enumerated() {
            let slot = LedgerSums.trancheCount * Int(key.id) + Int(key.tranche.storeCode)
            if slot >= groupOf.count { groupOf.append(contentsOf: repeatElement(-1, count: slot - groupOf.count + 1)) }
            groupMap[g] = group(id: key.id, tranche: key.tranche.storeCode)
        }
        for (g, to) in groupMap.enumerated() {
            let from = other.cells.base + g * other.width, into = cells.base + to * width
            for i in 0..<width { into[i] = try into[i].checkedAdding(from[i], context: "a ledger total") }
        }
        for (f, bytes) in other.sourceBytes.enumerated() {
            let mine = bytes.withUnsafeBufferPointer { source($0) }
            let otherWidth = 2 * other.sourceCapacity, myWidth = 2 * sourceCapacity
            for (g, to) in groupMap.enumerated() {
                let from = other.sourceCells.base + g * otherWidth + 2 * f, into = sourceCells.base + to * myWidth + 2 * mine
                into[0] = try into[0].checkedAdding(from[0], context: "a disbursed total")
                into[1] = try into[1].checkedAdding(from[1], context: "an advance total")
            }
        }
    }

    /// Whether project `id` has entries in the sums.
    func hasEntries(project id: Int) -> Bool {
        let first = LedgerSums.trancheCount * id
        guard id >= 0 && first + LedgerSums.trancheCount <= groupOf.count else { return false }
        return (0..<LedgerSums.trancheCount).contains { groupOf[first + $0] >= 0 }
    }

    /// Calls `body` with each tranche of project `id` with entries and its sums, as they are
    /// kept: disbursed and advances dated in each position date's bucket (after the one before
    /// it, through it; not yet cumulative), and disbursed in each 28-day window. The buffers are
    /// valid during the call only.
    func forEachGroup(ofProject id: Int, _ body: (_ tranche: Tranche, _ disbursed: UnsafeBufferPointer<VND>,
                                                  _ advance: UnsafeBufferPointer<VND>, _ windows: UnsafeBufferPointer<VND>) throws -> Void) rethrows {
        let first = LedgerSums.trancheCount * id
        guard id >= 0 && first + LedgerSums.trancheCount <= groupOf.count else { return }
        try withExtendedLifetime(cells) {
            for t in 0..<LedgerSums.trancheCount {
                let g = Int(groupOf[first + t])
                guard g >= 0 else { continue }
                let cell = UnsafePointer(cells.base + g * width)
                try body(groupKeys[g].tranche,
                         UnsafeBufferPointer(start: cell, count: positionCount),
                         UnsafeBufferPointer(start: cell + positionCount, count: positionCount),
                         UnsafeBufferPointer(start: cell + 2 * positionCount, count: windowCount))
            }
        }
    }

    /// Calls `body` with each (tranche, fund source) of project `id` with entries: disbursed and
    /// outstanding advances at the as-of date. Two stored spellings of one code (`nstw`, `NSTW`)
    /// are one key, given once for each spelling.
    func forEachFundSourcePart(ofProject id: Int, _ body: (_ slice: Slice, _ disbursed: VND, _ advance: VND) throws -> Void) rethrows {
        let first = LedgerSums.trancheCount * id
        guard id >= 0 && first + LedgerSums.trancheCount <= groupOf.count else { return }
        let sourceWidth = 2 * sourceCapacity
        try withExtendedLifetime(sourceCells) {
            for t in 0..<LedgerSums.trancheCount {
                let g = Int(groupOf[first + t])
                guard g >= 0 else { continue }
                for (f, source) in fundSources.enumerated() {
                    let cell = sourceCells.base + g * sourceWidth + 2 * f
                    guard cell[0] != 0 || cell[1] != 0 else { continue }
                    try body(Slice(tranche: groupKeys[g].tranche, fundSource: source), cell[0], cell[1])
                }
            }
        }
    }
}

/// Cells of VND that grow at the end, reached by address in a scan's inner loop (an array
/// checked its bounds and its uniqueness at every write, three to five writes per entry).
/// `LedgerSums` copies them before changing cells it shares, so it keeps value semantics.
final class Cells {
    private(set) var base: UnsafeMutablePointer<VND>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Appends `n` cells of zero; returns the index of the first. Cells may move.
    func appendZeros(_ n: Int) -> Int {
        let first = count
        if count + n > capacity {
            var grown = 2 * capacity
            while grown < count + n { grown *= 2 }
            let moved = UnsafeMutablePointer<VND>.allocate(capacity: grown)
            moved.moveInitialize(from: base, count: count)
            base.deallocate()
            base = moved
            capacity = grown
        }
        (base + count).initialize(repeating: 0, count: n)
        count += n
        return first
    }

    func copy() -> Cells {
        let copy = Cells(capacity: count)
        _ = copy.appendZeros(count)
        copy.base.update(from: base, count: count)
        return copy
    }
}
