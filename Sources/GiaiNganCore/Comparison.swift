/// Every subject's figures at another date, for a report to show beside its own: the same day of
/// the previous plan year, the previous report, or a date asked for.
public struct Comparison: Sendable {
    public enum Kind: String, Sendable {
        /// The previous plan year on the same day (29 February becomes the 28th).
        case sameDayLastYear = "same_day_last_year"
        /// The previous stored weekly run, as it was reported then.
        case previousReport = "previous_report"
        /// The same plan year at a date given with `--since`.
        case since
    }

    public var kind: Kind
    public var planYear: Int
    public var asOf: CivilDate
    /// The stored run compared with (`previousReport` only).
    public var runID: Int64?
    public var province: Position?
    public var groups: [ProjectClass: Position] = [:]
    public var investors: [InvestorID: Position] = [:]
    /// Whether each investor was above the provincial average then.
    public var investorsAboveAverage: [InvestorID: Bool] = [:]
    public var projects: [String: Position] = [:]
    /// Each project's investor then, so that an investor's view can be cut out of a stored report.
    public var projectInvestors: [String: InvestorID] = [:]
    /// Counted tranches per fund source (the rules' groups applied).
    public var fundSources: [String: Position] = [:]

    public init(kind: Kind, planYear: Int, asOf: CivilDate, runID: Int64? = nil) {
        self.kind = kind
        self.planYear = planYear
        self.asOf = asOf
        self.runID = runID
    }

    /// The figures of an evaluation, as a comparison for another one.
    public init(kind: Kind, evaluation e: Evaluation, runID: Int64? = nil) throws {
        self.init(kind: kind, planYear: e.planYear, asOf: e.asOf, runID: runID)
        province = e.province.position
        for g in e.groups { groups[g.projectClass] = g.result.position }
        for i in e.investors {
            investors[i.investor] = i.result.position
            if let above = i.aboveProvinceAverage { investorsAboveAverage[i.investor] = above }
        }
        for p in e.projects {
            projects[p.project.code] = p.result.position
            projectInvestors[p.project.code] = p.project.investor
        }
        for (code, position) in try e.province.breakdown.byFundSource(tranches: e.rules.countedTranches) {
            fundSources[code] = position
        }
    }

    /// The same day one year earlier: 29 February becomes 28 February.
    public static func sameDayOneYearBefore(_ date: CivilDate) -> CivilDate {
        CivilDate(computedYear: date.year - 1, month: date.month, day: date.day)
    }
}

/// The change between two figures of one subject, as reports print it.
public struct Change: Sendable, Hashable {
    public var disbursedVND: VND
    public var planVND: VND
    /// The change of the rate in hundredths of a percentage point, from the two rates as shown
    /// (each rounded down to 0.01%), so the difference agrees with the two figures printed; nil
    /// when either has no rate.
    public var pointsHundredths: Int?

    public init(now: Position, then: Position) {
        disbursedVND = VND(clamping: Int128(now.disbursedVND) - Int128(then.disbursedVND))
        planVND = VND(clamping: Int128(now.planVND) - Int128(then.planVND))
        if let a = now.rate, let b = then.rate {
            pointsHundredths = Int(clamping: a.floor(scale: 10_000) - b.floor(scale: 10_000))
        }
    }
}
