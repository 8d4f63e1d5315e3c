import Foundation
import GiaiNganCore
import GRDB

extension Store {
    /// The snapshots the core evaluates, computed from the database.
    ///
    /// Plan lines are read once and summed at each date the core needs (the as-of date, every
    /// checkpoint passed, the window end). Ledger entries are read once, in one range scan of
    /// the plan year's date index up to the as-of date, and summed as they stream by into fixed
    /// buckets per project and tranche (``LedgerSums``): no entry is kept in memory.
    ///
    /// - parameter investor: restrict to one investor's projects (the investor view).
    ///
    /// The ledger - its packed segments (``LedgerPack``), most of the work - is shared by other
    /// threads, each on its own connection, while the registry and plans are read on this one. Each read notes
    /// the last import it sees; every change to projects, plans and the ledger is made by an
    /// import, which adds a row to `import` in the same transaction, so when all saw the same
    /// last import they saw the same data. Otherwise (an import committed in between) everything
    /// is read again in one transaction.
    public func snapshots(for request: EvaluationRequest, investor: InvestorID? = nil) throws -> [ProjectSnapshot] {
        try snapshots(for: request, investor: investor, ledgerThreads: Store.ledgerThreads)
    }

    /// Threads besides the caller that sum the ledger's segments in a check: one fewer than the
    /// cores, up to 3 (each has its own connection). The caller reads the registry and plans
    /// meanwhile, then takes whatever segments are left.
    ///
    /// Since the pack (v16) the ledger is the smaller part of reading a province's year, so on
    /// two cores one thread sums it while the caller reads the registry, and the caller finds
    /// nothing left at 1M entries: no group is made twice and nothing merged. Two threads beside
    /// the registry (the earlier setting) shared two cores three ways, each made every group,
    /// and the merge came after the registry on one core (README "Performance", stop 24).
    static let ledgerThreads = max(1, min(3, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// ``snapshots(for:investor:)`` with the packed ledger's segments of the plan year (and the
    /// entries no segment holds, ``LedgerPack``) shared by `ledgerThreads` threads and then the
    /// caller, each taking the next one nobody has (tests vary the number: the figures must not
    /// depend on it).
    func snapshots(for request: EvaluationRequest, investor: InvestorID?, ledgerThreads: Int) throws -> [ProjectSnapshot] {
        let taken = TakenCount()
        let ledger = (0..<max(1, ledgerThreads)).map { _ in
            ConcurrentRead { [self] in
                try read { db in
                    var sums = LedgerSums(request: request, maxID: try LedgerSums.highestProjectID(db))
                    try sums.addLedger(db, sharing: taken)   // the last import is compared below
                    return (try Store.lastImport(db), sums)
                }
            }
        }
        // The caller's part comes from the same transaction as the registry, so the same
        // comparison of last imports covers it.
        let (version, plans, left) = try read { db in
            let plans = try Store.registryAndPlans(db, request: request, investor: investor)
            var left = LedgerSums(request: request, maxID: try LedgerSums.highestProjectID(db))
            try left.addLedger(db, sharing: taken)
            return (try Store.lastImport(db), plans, left)
        }
        var merged: LedgerSums?
        var consistent = true
        for read in ledger {
            let (ledgerVersion, sums) = try read.result()
            consistent = consistent && ledgerVersion == version
            if merged == nil { merged = sums } else { try merged?.merge(sums) }
        }
        if !left.isEmpty { try merged?.merge(left) }
        if consistent, let merged { return try Store.assemble(plans, merged, request: request) }
        return try read { db in try Store.snapshots(db, request: request, investor: investor) }
    }

    /// The snapshots read in one transaction of `db`.
    static func snapshots(_ db: Database, request: EvaluationRequest, investor: InvestorID?) throws -> [ProjectSnapshot] {
        try assemble(try registryAndPlans(db, request: request, investor: investor), try LedgerSums(db, request: request),
                     request: request)
    }

    /// The id of the last import the transaction of `db` sees.
    static func lastImport(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM import") ?? 0
    }

    /// What the snapshots need besides the ledger: the registry, each project's class and plan,
    /// in tables indexed by project id (ids are SQLite's row ids, consecutive from 1: the ledger's
    /// sums are laid out the same way, ``LedgerSums``).
    struct RegistryAndPlans {
        /// The project of each id, nil where there is none (or, in an investor's view, another's).
        var registry: [Project?] = []
        var sums: ProjectSums
        /// The ids of `registry`'s projects in the order SQLite listed them: by code.
        var byCode: [Int] = []
    }

    /// Each project's figures as they are summed, one table per figure indexed by project id
    /// (positions and windows: `dates` or `windows` cells per id, in the order of
    /// `EvaluationRequest.dates` and of the windows). Every change is an index into an array:
    /// a value per project, reached through an optional, was copied in and out at every step.
    struct ProjectSums {
        let dates: Int
        let windowCount: Int
        /// The projects with a plan line or a ledger entry in the year.
        var present: [Bool]
        var positions: [Position]
        var uncounted: [Position]
        var windows: [VND]
        var projectClass: [ProjectClass?]
        /// The (effective date, row id) of the plan line `projectClass` comes from: the latest.
        var classFrom: [(day: Int64, id: Int64)]
        var breakdown: [[Slice: Position]]

        init(ids: Int, dates: Int, windowCount: Int) {
            self.dates = dates
            self.windowCount = windowCount
            present = [Bool](repeating: false, count: ids)
            positions = [Position](repeating: .zero, count: ids * dates)
            uncounted = [Position](repeating: .zero, count: ids)
            windows = [VND](repeating: 0, count: ids * windowCount)
            projectClass = [ProjectClass?](repeating: nil, count: ids)
            classFrom = [(day: Int64, id: Int64)](repeating: (.min, .min), count: ids)
            breakdown = [[Slice: Position]](repeating: [:], count: ids)
        }
    }

    static func registryAndPlans(_ db: Database, request: EvaluationRequest, investor: InvestorID?) throws -> RegistryAndPlans {
        let asOf = request.asOf
        let positionDays = request.dates.map { Int64($0.dayNumber) }
        let asOfDay = Int64(asOf.dayNumber)
        let counted = request.rules.countedTranches
        let maxID = Int(try LedgerSums.highestProjectID(db))

        var investorFilter = ""
        var investorArgs: [any DatabaseValueConvertible] = []
        // With successions, who holds a project depends on the as-of date (README
        // "Reorganisation"): the registry is read whole and resolved, then filtered here.
        let successions = try hasSuccessions(db) ? try successionsByProject(db) : [:]
        if let investor, successions.isEmpty {
            investorFilter = " AND project_id IN (SELECT p.id FROM project p JOIN investor i ON i.id = p.investor_id WHERE i.name = ?)"
            investorArgs = [investor.name]
        }

        // Registry, by code (the order of the snapshots; checked, not assumed, in `assemble`).
        // Separate tables, not fields of one value: a message made while `sums` changes reads `registry`.
        var registry = [Project?](repeating: nil, count: maxID + 1)
        var byCode: [Int] = []
        do {
            var sql = """
                SELECT p.id, p.code, p.name, p.investor_id, i.name, p.district, p.procedures_completed_on,
                    p.construction_started_on, p.key_project, p.former_province
                FROM project p JOIN investor i ON i.id = p.investor_id
                """
            var args: [any DatabaseValueConvertible] = []
            if let investor, successions.isEmpty { sql += " WHERE i.name = ?"; args = [investor.name] }
            sql += " ORDER BY p.code"
            // A few hundred investors own tens of thousands of projects: each name read and
            // normalised once.
            var investors: [Int64: InvestorID] = [:]
            byCode.reserveCapacity(maxID)
            try db.forEachRawRow(sql, arguments: StatementArguments(args)) { r in
                let id = r.int64(0)
                guard id >= 0 && id <= Int64(maxID) else { return }
                let investorKey = r.int64(3)
                let investor = investors[investorKey] ?? InvestorID(r.string(4))
                investors[investorKey] = investor
                var project = Project(code: r.string(1), name: r.string(2), investor: investor, district: r.optionalString(5),
                                      proceduresCompletedOn: r.optionalInt64(6).map { CivilDate(dayNumber: Int($0)) },
                                      constructionStartedOn: r.optionalInt64(7).map { CivilDate(dayNumber: Int($0)) })
                project.isKeyProject = r.int64(8) != 0
                project.formerProvince = r.optionalString(9)
                registry[Int(id)] = project
                byCode.append(Int(id))
            }
        }
        let districts = try districtMap(db, on: asOf)
        if !districts.isEmpty {
            for id in byCode {
                guard let old = registry[id]?.district, let new = DistrictChange.unit(old, in: districts) else { continue }
                registry[id]?.district = new
                registry[id]?.formerDistrict = old
            }
        }
        if !successions.isEmpty {
            resolveSuccessions(&registry, successions, on: asOf)
            if let investor {
                for id in byCode where registry[id]?.investor != investor { registry[id] = nil }
                byCode.removeAll { registry[$0] == nil }
                // Ids come from the database itself, never from input.
                investorFilter = " AND project_id IN (" + byCode.map(String.init).joined(separator: ", ") + ")"
            }
        }

        // Plan lines, in one pass: each project's class (that of its latest line of the year),
        // its plan at each position date (counted tranches) and at the as-of date (the others),
        // and at the as-of date per tranche and fund source. Every sum is of integers, and an
        // import keeps each project's and year's sum of plan amounts (in absolute values) below
        // `largestProjectYearTotalVND`, so adding line by line gives the figures `SUM` gave.
        var sums = ProjectSums(ids: maxID + 1, dates: positionDays.count, windowCount: request.windowCount)
        do {
            // A handful of fund-source spellings over tens of thousands of lines: each key made once.
            var keys: [[UInt8]: String] = [:]
            let dateCount = positionDays.count
            let isCounted = Store.countedByStoreCode(counted)
            let transitional = Array("transitional".utf8), newStart = Array("new_start".utf8)
            try db.forEachRawRow("""
                SELECT project_id, tranche, fund_source, amount, effective_on, class, id FROM plan_line
                WHERE plan_year = ?\(investorFilter)
                """, arguments: StatementArguments([request.planYear] + investorArgs)) { r in
                let id = Int(r.int64(0))
                guard id >= 0 && id <= maxID && registry[id] != nil else { return }
                sums.present[id] = true
                let day = r.int64(4), rowID = r.int64(6)
                if (day, rowID) > sums.classFrom[id] {
                    let text = r.bytes(5)
                    sums.classFrom[id] = (day, rowID)
                    sums.projectClass[id] = text.elementsEqual(transitional) ? .transitional : text.elementsEqual(newStart) ? .newStart : nil
                }
                let amount = r.int64(3)
                let tranche = Tranche(storeCode: r.int64(1))
                func what() -> String { "the plan of project \(registry[id]?.code ?? "#\(id)")" }
                if isCounted[Int(tranche.storeCode)] {
                    for i in 0..<dateCount where day <= positionDays[i] {
                        try sums.positions[id * dateCount + i].planVND.add(amount, what: what())
                    }
                } else if day <= asOfDay {
                    try sums.uncounted[id].planVND.add(amount, what: what())
                }
                guard day <= asOfDay else { return }
                let stored = r.bytes(2)
                let key: String
                if let known = keys[Array(stored)] { key = known } else {
                    key = FundSource.key(String(decoding: stored, as: UTF8.self))
                    keys[Array(stored)] = key
                }
                try sums.breakdown[id][Slice(tranche: tranche, fundSource: key), default: .zero].planVND.add(amount, what: what())
            }
        }
        return RegistryAndPlans(registry: registry, sums: sums, byCode: byCode)
    }

    /// Whether each tranche is counted, indexed by its store code (0, 1, 2): a look-up per plan
    /// line and ledger group without hashing.
    static func countedByStoreCode(_ counted: Set<Tranche>) -> [Bool] {
        var out = [Bool](repeating: false, count: Tranche.allCases.count)
        for t in Tranche.allCases { out[Int(t.storeCode)] = counted.contains(t) }
        return out
    }

    /// Gives each project the investor that held it on `date` and its lineage up to then.
    static func resolveSuccessions(_ registry: inout [Project?], _ successions: [Int64: [Succession]], on date: CivilDate) {
        for (id, list) in successions {
            guard id >= 0 && id < Int64(registry.count), var project = registry[Int(id)] else { continue }
            project.investor = Successions.investor(on: date, current: project.investor, successions: list)
            project.lineage = Successions.lineage(on: date, successions: list)
            registry[Int(id)] = project
        }
    }

    /// The snapshots of the registry's projects from their plans and ledger sums, by code.
    static func assemble(_ plans: consuming RegistryAndPlans, _ ledger: LedgerSums, request: EvaluationRequest) throws -> [ProjectSnapshot] {
        let positionDates = request.dates
        let dateCount = positionDates.count
        let windowCount = request.windowCount
        let isCounted = Store.countedByStoreCode(request.rules.countedTranches)
        let registry = plans.registry
        // Taken out of `plans`, not copied.
        var sums = ProjectSums(ids: 0, dates: dateCount, windowCount: windowCount)
        swap(&sums, &plans.sums)
        precondition(sums.dates == dateCount && sums.windowCount == windowCount, "plans and ledger summed for one request")

        // Each snapshot made on the cores, in the registry's order: its plan figures, and the
        // sums of LedgerSums for its tranches and fund sources (projects outside the registry -
        // another investor's, in an investor's view - are left out). Done per project, on the
        // cores: adding the ledger's sums into tables for all projects first, on one thread,
        // took a third of the assembly.
        let summed = sums
        let listed = plans.byCode.compactMap { id in
            summed.present[id] || ledger.hasEntries(project: id) ? registry[id].map { (id, $0) } : nil
        }
        var out = try Parallel.map(listed) { id, project in
            var values = Array(summed.positions[(id * dateCount)..<((id + 1) * dateCount)])
            var windows = Array(summed.windows[(id * windowCount)..<((id + 1) * windowCount)])
            var uncounted = summed.uncounted[id]
            var parts = summed.breakdown[id]
            try ledger.forEachGroup(ofProject: id) { tranche, disbursed, advance, inWindows in
                var runningDisbursed: VND = 0, runningAdvance: VND = 0
                if isCounted[Int(tranche.storeCode)] {
                    for i in 0..<dateCount {
                        runningDisbursed = try runningDisbursed.checkedAdding(disbursed[i], context: "a disbursed total")
                        runningAdvance = try runningAdvance.checkedAdding(advance[i], context: "an advance total")
                        try values[i].add(disbursedVND: runningDisbursed, advanceVND: runningAdvance)
                    }
                    for k in 0..<windowCount {
                        windows[k] = try windows[k].checkedAdding(inWindows[k], context: "a 28-day window")
                    }
                } else {
                    for i in 0..<dateCount {
                        runningDisbursed = try runningDisbursed.checkedAdding(disbursed[i], context: "a disbursed total")
                        runningAdvance = try runningAdvance.checkedAdding(advance[i], context: "an advance total")
                    }
                    try uncounted.add(disbursedVND: runningDisbursed, advanceVND: runningAdvance)
                }
            }
            try ledger.forEachFundSourcePart(ofProject: id) { slice, disbursed, advance in
                try parts[slice, default: .zero].add(disbursedVND: disbursed, advanceVND: advance)
            }
            return ProjectSnapshot(project: project, projectClass: summed.projectClass[id],
                                   positions: Positions(dates: positionDates, values: values),
                                   uncounted: uncounted, activity: Activity(windows: windows),
                                   breakdown: Breakdown(parts: parts))
        }
        // SQLite ordered the codes by their bytes; the snapshots are in the order of Swift's `<`
        // on strings, which agrees for every code in NFC. Checked in one pass, sorted otherwise.
        if zip(out, out.dropFirst()).contains(where: { !($0.project.code < $1.project.code) }) {
            out.sort { $0.project.code < $1.project.code }
        }
        return out
    }

    /// Past plan years' province curves, to learn the seasonal profile: cumulative disbursement
    /// (counted tranches) at each month end of each year's window, for plan years before `planYear`
    /// whose window has closed by `asOf`.
    ///
    /// Summed from the packed ledger (``LedgerPack``) and the entries above it, as a check's sums
    /// are: each entry adds to the first month end on or after its date, and the points are the
    /// running totals. The sums are held in 128 bits, so no order of the entries can overflow
    /// them; a point beyond Int64 is refused.
    public func yearCurves(before planYear: Int, asOf: CivilDate, tranches: Set<Tranche>) throws -> [SeasonalProfile.YearCurve] {
        try read { db in
            var counted = [Bool](repeating: false, count: Tranche.allCases.count)
            for tranche in tranches { counted[Int(tranche.storeCode)] = true }
            let years = try Store.ledgerPlanYears(db).filter { $0 < planYear }
            var curves: [SeasonalProfile.YearCurve] = []
            for year in years {
                let windowEnd = CivilDate(computedYear: year + 1, month: 1, day: 31)
                guard windowEnd <= asOf else { continue }
                var monthEnds: [CivilDate] = (1...12).map { CivilDate.endOfMonth(year: year, month: $0) }
                monthEnds.append(windowEnd)
                let days = monthEnds.map(\.dayNumber)
                guard let last = days.last else { continue }
                var added = [Int128](repeating: 0, count: days.count)
                try LedgerPack.forEachEntry(db, planYear: year) { day, tranche, disbursed in
                    guard day <= last, tranche >= 0, tranche < Int64(counted.count), counted[Int(tranche)] else { return }
                    var k = 0
                    while days[k] < day { k += 1 }
                    added[k] += Int128(disbursed)
                }
                var running: Int128 = 0
                var values: [Int64] = []
                for sum in added {
                    running += sum
                    guard let value = Int64(exactly: running) else {
                        throw StoreError.invalid("plan year \(year)'s disbursements reach \(running) VND, beyond what GiaiNgan can hold (\(Int64.max))")
                    }
                    values.append(value)
                }
                curves.append(.init(planYear: year, points: zip(monthEnds, values).map { ($0, $1) }, finalVND: values.last ?? 0))
            }
            return curves
        }
    }

    /// The seasonal profile for `planYear`: learned from earlier years in the database, or the
    /// national shape when there are none.
    public func seasonalProfile(for request: EvaluationRequest) throws -> SeasonalProfile {
        SeasonalProfile.learn(from: try yearCurves(before: request.planYear, asOf: request.asOf,
                                                   tranches: request.rules.countedTranches))
    }
}

private extension Position {
    /// Adds ledger sums, refusing a total that leaves Int64.
    mutating func add(disbursedVND disbursed: VND, advanceVND advance: VND) throws {
        disbursedVND = try disbursedVND.checkedAdding(disbursed, context: "a disbursed total")
        outstandingAdvanceVND = try outstandingAdvanceVND.checkedAdding(advance, context: "an advance total")
    }
}

extension Store {
    /// Every investor's name, sorted.
    public func investorNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM investor ORDER BY name") }
    }

    /// The plan years that have plan lines or ledger entries.
    public func planYears() throws -> [Int] {
        try read { db in
            let planned = try Int.fetchAll(db, sql: "SELECT DISTINCT plan_year FROM plan_line")
            return Set(planned + (try Store.ledgerPlanYears(db))).sorted()
        }
    }

    /// The distinct plan years of the ledger, ascending, found by seeking from one year to the
    /// next in the date index (one lookup per year).
    ///
    /// `SELECT DISTINCT plan_year FROM ledger_entry` reads the whole index instead - every entry,
    /// a million at national scale - and every check asked it (whether the previous year is there
    /// for the comparison): measured in README "Performance".
    static func ledgerPlanYears(_ db: Database) throws -> [Int] {
        let first = try db.makeStatement(sql: "SELECT plan_year FROM ledger_entry ORDER BY plan_year LIMIT 1")
        let next = try db.makeStatement(sql: "SELECT plan_year FROM ledger_entry WHERE plan_year > ? ORDER BY plan_year LIMIT 1")
        var years: [Int] = []
        var year = try Int.fetchOne(first)
        while let y = year {
            years.append(y)
            year = try Int.fetchOne(next, arguments: [y])
        }
        return years
    }
}

/// A project's plan lines and ledger entries for one plan year, for the project page.
public struct ProjectDetail: Sendable {
    public var project: Project
    public var planLines: [PlanLine]
    public var entries: [LedgerEntry]
    /// Entries beyond the listed limit.
    public var moreEntries: Int
}

extension Store {
    /// The registry entry, plan lines and ledger entries (newest first, up to `limit`) of a project.
    /// - parameter through: only plan lines and entries dated on or before it (what a former
    ///   investor may still read, README "Reorganisation").
    public func projectDetail(code: String, planYear: Int, limit: Int = 2_000, through: CivilDate? = nil) throws -> ProjectDetail? {
        let last = through?.dayNumber ?? Int.max
        return try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT p.id, p.code, p.name, i.name, p.district, p.procedures_completed_on, p.construction_started_on, p.key_project
                FROM project p JOIN investor i ON i.id = p.investor_id WHERE p.code = ?
                """, arguments: [code]) else { return nil }
            let id: Int64 = r[0]
            let proc: Int64? = r[5], start: Int64? = r[6]
            var project = Project(code: r[1], name: r[2], investor: InvestorID(r[3] as String), district: r[4],
                                  proceduresCompletedOn: proc.map { CivilDate(dayNumber: Int($0)) },
                                  constructionStartedOn: start.map { CivilDate(dayNumber: Int($0)) })
            project.isKeyProject = (r[7] as Int64) != 0
            let lines = try Row.fetchAll(db, sql: """
                SELECT plan_year, class, tranche, fund_source, amount, effective_on, decision_ref FROM plan_line
                WHERE project_id = ? AND plan_year = ? AND effective_on <= ? ORDER BY effective_on, id
                """, arguments: [id, planYear, last]).map { l in
                PlanLine(projectCode: code, planYear: l[0], projectClass: ProjectClass(rawValue: l[1]) ?? .transitional,
                         tranche: Tranche(storeCode: l[2]), fundSource: (l[3] as String).isEmpty ? nil : l[3], amountVND: l[4],
                         effectiveOn: CivilDate(dayNumber: l[5]), decisionRef: (l[6] as String).isEmpty ? nil : l[6])
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE project_id = ? AND plan_year = ? AND date <= ?",
                                         arguments: [id, planYear, last]) ?? 0
            let entries = try Row.fetchAll(db, sql: """
                SELECT txn_id, tranche, fund_source, date, type, amount, note FROM ledger_entry
                WHERE project_id = ? AND plan_year = ? AND date <= ? ORDER BY date DESC, id DESC LIMIT ?
                """, arguments: [id, planYear, last, limit]).map { e in
                LedgerEntry(txnID: e[0], projectCode: code, planYear: planYear, tranche: Tranche(storeCode: e[1]),
                            fundSource: (e[2] as String).isEmpty ? nil : e[2], date: CivilDate(dayNumber: e[3]),
                            type: EntryType(storeCode: e[4]), amountVND: e[5], note: e[6])
            }
            return ProjectDetail(project: project, planLines: lines, entries: entries, moreEntries: max(0, total - entries.count))
        }
    }
}
