/// Cumulative figures of one subject (a project, an investor, a class, the province) at one date.
public struct Position: Sendable, Hashable, Codable {
    /// The plan as allocated on the date: the sum of plan lines effective on or before it.
    public var planVND: VND
    /// Advances + payments − refunds dated on or before the date.
    public var disbursedVND: VND
    /// Advances − advance recoveries dated on or before the date.
    public var outstandingAdvanceVND: VND

    public init(planVND: VND = 0, disbursedVND: VND = 0, outstandingAdvanceVND: VND = 0) {
        self.planVND = planVND
        self.disbursedVND = disbursedVND
        self.outstandingAdvanceVND = outstandingAdvanceVND
    }

    public static let zero = Position()

    /// `nil` where the plan is zero: there is no rate, never a division by zero.
    public var rate: Rate? { Rate(disbursedVND: disbursedVND, planVND: planVND) }

    /// Adds another subject's figures, throwing on overflow.
    public func adding(_ other: Position) throws -> Position {
        Position(planVND: try planVND.checkedAdding(other.planVND, context: "a plan total"),
                 disbursedVND: try disbursedVND.checkedAdding(other.disbursedVND, context: "a disbursed total"),
                 outstandingAdvanceVND: try outstandingAdvanceVND.checkedAdding(other.outstandingAdvanceVND,
                                                                                context: "an advance total"))
    }
}

/// Disbursement in consecutive 28-day windows counted back from the as-of date.
///
/// `windows[0]` is the 28 days ending on the as-of date (as-of − 27 … as-of), `windows[1]` the
/// 28 days before those, and so on back to the start of the plan year. Windows are aligned to
/// the as-of date so that an investor's windows are exactly the sums of its projects' windows.
public struct Activity: Sendable, Hashable {
    public static let windowDays = 28
    public var windows: [VND]

    public init(windows: [VND]) { self.windows = windows }

    /// The number of windows from the start of `planYear` to `asOf`, the last one possibly partial.
    public static func windowCount(planYear: Int, asOf: CivilDate) -> Int {
        let start = CivilDate.startOfYear(planYear)
        let days = start.days(until: asOf) + 1
        guard days > 0 else { return 0 }
        return (days + windowDays - 1) / windowDays
    }

    /// The window index that a date falls in, or nil when it is after `asOf` or before the year.
    public static func windowIndex(of date: CivilDate, asOf: CivilDate, count: Int) -> Int? {
        let back = date.days(until: asOf)
        guard back >= 0 else { return nil }
        let i = back / windowDays
        return i < count ? i : nil
    }

    /// Disbursed in the last 28 days.
    public var recentVND: VND { windows.first ?? 0 }
    /// The best complete 28-day window so far (the partial oldest window counts too: it can
    /// only understate the pace).
    public var bestVND: VND { windows.max() ?? 0 }

    public func adding(_ other: Activity) throws -> Activity {
        let n = max(windows.count, other.windows.count)
        var out = [VND](repeating: 0, count: n)
        for i in 0..<n {
            let a = i < windows.count ? windows[i] : 0
            let b = i < other.windows.count ? other.windows[i] : 0
            out[i] = try a.checkedAdding(b, context: "a 28-day window")
        }
        return Activity(windows: out)
    }
}

/// A subject's cumulative figures at each position date of a request (`EvaluationRequest.dates`:
/// a handful, unique and ascending), as two arrays.
///
/// The dates are the request's, one array shared by every project of an evaluation; looking a
/// date up goes over at most six of them. A dictionary keyed by date, made for each of 20,000
/// projects and hashed at every look-up, was a tenth of a large province's check.
public struct Positions: Sendable, Hashable {
    /// Unique and ascending.
    public let dates: [CivilDate]
    /// The figures at `dates[i]` are `values[i]`.
    public var values: [Position]

    /// - precondition: `dates` are unique and ascending, and as many as `values`.
    public init(dates: [CivilDate], values: [Position]) {
        precondition(dates.count == values.count, "one position per date")
        self.dates = dates
        self.values = values
    }

    /// Zero at each of `dates`.
    public init(zeroAt dates: [CivilDate]) {
        self.init(dates: dates, values: [Position](repeating: .zero, count: dates.count))
    }

    /// The figures of a dictionary, in date order.
    public init(_ byDate: [CivilDate: Position]) {
        let dates = byDate.keys.sorted()
        self.init(dates: dates, values: dates.map { byDate[$0] ?? .zero })
    }

    /// The figures at `date`, or nil when it is not one of the dates.
    public subscript(date: CivilDate) -> Position? {
        for i in dates.indices where dates[i] == date { return values[i] }
        return nil
    }
}

/// What the evaluation needs to know about one project in one plan year.
///
/// Snapshots come from the store (SQL aggregation) or from `SnapshotBuilder` (in memory);
/// both must agree, and a test holds them to it.
public struct ProjectSnapshot: Sendable {
    public var project: Project
    /// The class of the project's plan lines in this plan year; nil when it has none.
    public var projectClass: ProjectClass?
    /// Counted tranches' figures at the as-of date and at every checkpoint date up to it.
    public var positions: Positions
    /// Figures of the tranches the rule set does not count (usually carried-over capital), as of
    /// the as-of date, reported apart.
    public var uncounted: Position
    public var activity: Activity
    /// Every tranche's figures at the as-of date, per fund source (codes as the files wrote them,
    /// `FundSource.key`): the counted parts sum to `positions[asOf]`, the others to `uncounted`.
    public var breakdown: Breakdown

    public init(project: Project, projectClass: ProjectClass?, positions: Positions,
                uncounted: Position = .zero, activity: Activity, breakdown: Breakdown = .empty) {
        self.project = project
        self.projectClass = projectClass
        self.positions = positions
        self.uncounted = uncounted
        self.activity = activity
        self.breakdown = breakdown
    }
}

/// The question asked of the data: which plan year, at which date, under which rules.
public struct EvaluationRequest: Sendable {
    public var planYear: Int
    public var asOf: CivilDate
    public var rules: RuleSet
    /// How investors are ranked in the evaluation and every report made from it.
    public var rankBy: RankOrder

    public init(planYear: Int, asOf: CivilDate, rules: RuleSet, rankBy: RankOrder = .rate) {
        self.planYear = planYear
        self.asOf = asOf
        self.rules = rules
        self.rankBy = rankBy
    }

    /// The dates at which cumulative figures are needed: every checkpoint and the window end
    /// on or before the as-of date, and the as-of date itself.
    public var dates: [CivilDate] {
        let candidates = rules.checkpoints.map(\.date) + [rules.windowEnd, asOf]
        return Set(candidates.filter { $0 <= asOf }).sorted()
    }

    public var windowCount: Int { Activity.windowCount(planYear: planYear, asOf: asOf) }
}

/// Builds snapshots from plan lines and ledger entries held in memory.
///
/// This is the reference definition of every figure: the store computes the same numbers
/// in SQL, and tests compare the two.
public enum SnapshotBuilder {
    /// Snapshots for every project with a plan line or a ledger entry in the plan year.
    /// Projects missing from `projects` get a registry entry with an empty name and investor.
    public static func snapshots(request: EvaluationRequest, projects: [Project], planLines: [PlanLine],
                                 entries: [LedgerEntry]) throws -> [ProjectSnapshot] {
        let registry = Dictionary(projects.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        let counted = request.rules.countedTranches
        let dates = request.dates
        let windowCount = request.windowCount
        var classes: [String: (CivilDate, ProjectClass)] = [:]
        var positions: [String: [CivilDate: Position]] = [:]
        var uncounted: [String: Position] = [:]
        var windows: [String: [VND]] = [:]
        var breakdowns: [String: [Slice: Position]] = [:]
        var codes = Set<String>()

        for line in planLines where line.planYear == request.planYear {
            codes.insert(line.projectCode)
            if let known = classes[line.projectCode], known.0 > line.effectiveOn {} else {
                classes[line.projectCode] = (line.effectiveOn, line.projectClass)
            }
            if line.effectiveOn <= request.asOf {
                let slice = Slice(tranche: line.tranche, fundSource: FundSource.key(line.fundSource))
                var p = breakdowns[line.projectCode, default: [:]][slice, default: .zero]
                p.planVND = try p.planVND.checkedAdding(line.amountVND, context: "the plan of \(line.projectCode)")
                breakdowns[line.projectCode, default: [:]][slice] = p
            }
            if counted.contains(line.tranche) {
                for d in dates where line.effectiveOn <= d {
                    var p = positions[line.projectCode, default: [:]][d, default: .zero]
                    p.planVND = try p.planVND.checkedAdding(line.amountVND, context: "the plan of \(line.projectCode)")
                    positions[line.projectCode, default: [:]][d] = p
                }
            } else if line.effectiveOn <= request.asOf {
                uncounted[line.projectCode, default: .zero].planVND += line.amountVND
            }
        }
        for entry in entries where entry.planYear == request.planYear {
            codes.insert(entry.projectCode)
            let dSign = entry.type.disbursedSign, aSign = entry.type.advanceSign
            if entry.date <= request.asOf {
                let slice = Slice(tranche: entry.tranche, fundSource: FundSource.key(entry.fundSource))
                var p = breakdowns[entry.projectCode, default: [:]][slice, default: .zero]
                p.disbursedVND = try p.disbursedVND.checkedAdding(dSign * entry.amountVND)
                p.outstandingAdvanceVND = try p.outstandingAdvanceVND.checkedAdding(aSign * entry.amountVND)
                breakdowns[entry.projectCode, default: [:]][slice] = p
            }
            if counted.contains(entry.tranche) {
                for d in dates where entry.date <= d {
                    var p = positions[entry.projectCode, default: [:]][d, default: .zero]
                    p.disbursedVND = try p.disbursedVND.checkedAdding(dSign * entry.amountVND)
                    p.outstandingAdvanceVND = try p.outstandingAdvanceVND.checkedAdding(aSign * entry.amountVND)
                    positions[entry.projectCode, default: [:]][d] = p
                }
                if dSign != 0, let i = Activity.windowIndex(of: entry.date, asOf: request.asOf, count: windowCount) {
                    var w = windows[entry.projectCode] ?? [VND](repeating: 0, count: windowCount)
                    w[i] = try w[i].checkedAdding(dSign * entry.amountVND)
                    windows[entry.projectCode] = w
                }
            } else if entry.date <= request.asOf {
                var p = uncounted[entry.projectCode, default: .zero]
                p.disbursedVND += dSign * entry.amountVND
                p.outstandingAdvanceVND += aSign * entry.amountVND
                uncounted[entry.projectCode] = p
            }
        }
        return codes.sorted().map { code in
            var byDate = positions[code] ?? [:]
            for d in dates where byDate[d] == nil { byDate[d] = .zero }
            return ProjectSnapshot(
                project: registry[code] ?? Project(code: code, name: "", investor: InvestorID("")),
                projectClass: classes[code]?.1,
                positions: Positions(byDate),
                uncounted: uncounted[code] ?? .zero,
                activity: Activity(windows: windows[code] ?? [VND](repeating: 0, count: windowCount)),
                breakdown: Breakdown(parts: breakdowns[code] ?? [:]))
        }
    }
}
