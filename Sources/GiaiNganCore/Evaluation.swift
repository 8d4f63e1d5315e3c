/// A checkpoint's status for one subject.
public enum CheckpointStatus: String, Sendable, Hashable, Codable {
    /// Passed (date ≤ as-of) and the threshold was reached on its date.
    case met
    /// Passed and the threshold was not reached on its date.
    case missed
    /// Ahead: projected to be met.
    case onTrack = "on_track"
    /// Ahead: projected to be missed.
    case atRisk = "at_risk"
    /// Ahead: cannot be met at any pace seen so far.
    case offTrack = "off_track"
    /// Ahead, beyond the next checkpoint: no projection is made.
    case pending
    /// The subject had no plan (zero or less) on the checkpoint's date, or, for the next
    /// checkpoint ahead, has none today: nothing is required, so it is neither met nor missed.
    case noPlan = "no_plan"

    init(_ risk: RiskStatus) {
        switch risk {
        case .onTrack: self = .onTrack
        case .atRisk: self = .atRisk
        case .offTrack: self = .offTrack
        }
    }

    /// Whether the status asks for attention.
    public var isAdverse: Bool { self == .missed || self == .atRisk || self == .offTrack }
}

/// A milestone's state at one checkpoint, for a new-start project.
public struct MilestoneCheck: Sendable, Hashable {
    public var milestone: Milestone
    /// The date by which it is due (the checkpoint's date).
    public var dueOn: CivilDate
    /// When it was reached, if on or before the as-of date.
    public var reachedOn: CivilDate?
    /// Reached on or before the due date.
    public var isOnTime: Bool { reachedOn.map { $0 <= dueOn } ?? false }
}

/// One checkpoint evaluated for one subject.
public struct CheckpointResult: Sendable, Hashable {
    public var checkpoint: Checkpoint
    public var threshold: Threshold
    public var status: CheckpointStatus
    /// Figures on the checkpoint's own date, for a checkpoint already passed.
    public var atCheckpoint: Position?
    /// For the next checkpoint ahead: the early-warning figures.
    public var risk: RiskAssessment?
    /// For new-start projects: the milestones this checkpoint requires.
    public var milestones: [MilestoneCheck]
}

/// A subject's counted figures from one fund source.
public struct FundSourcePart: Sendable, Hashable {
    /// The code (the rules' groups applied), `FundSource.unspecified` for lines without one.
    public var fundSource: String
    public var position: Position
    public var remainingVND: VND { VND(clamping: Int128(position.planVND) - Int128(position.disbursedVND)) }
}

/// A subject's figures in one tranche.
public struct TranchePart: Sendable, Hashable {
    public var tranche: Tranche
    public var position: Position
}

/// How investors are ranked.
public enum RankOrder: String, Sendable, Hashable, CaseIterable {
    /// Highest rate first, compared exactly; investors without a plan last; ties by name. How DPI
    /// reports rank them ("of 17 investors, 10 are above the provincial average").
    case rate
    /// Largest shortfall to the next checkpoint first; ties by name.
    case shortfall
}

/// Where a rate stands against the provincial average, compared exactly.
public enum AverageStanding: String, Sendable, Hashable {
    case above, equal, below
}

/// The figures and checkpoint results of one subject.
public struct SubjectResult: Sendable, Hashable {
    /// Counted tranches at the as-of date.
    public var position: Position
    /// Tranches the rule set does not count (carried-over capital by default), reported apart.
    public var uncounted: Position
    public var checkpoints: [CheckpointResult]
    /// Disbursement in 28-day windows counted back from the as-of date.
    public var activity: Activity
    /// Every tranche's figures at the as-of date per fund source, the rules' groups of codes
    /// applied; the counted parts sum to `position`, the others to `uncounted`.
    public var breakdown: Breakdown = .empty
    /// The counted tranches per fund source, sorted by code with the unspecified part last: the
    /// parts sum to `position`.
    public var fundSources: [FundSourcePart] = []
    /// Each tranche's figures at the as-of date, every tranche listed.
    public var tranches: [TranchePart] = []

    /// The figures of one tranche.
    public func tranche(_ t: Tranche) -> Position { tranches.first { $0.tranche == t }?.position ?? .zero }

    /// Plan − disbursed at the as-of date: what is left to disburse (below zero when over plan).
    public var remainingVND: VND { VND(clamping: Int128(position.planVND) - Int128(position.disbursedVND)) }

    public var rate: Rate? { position.rate }

    /// Cumulative disbursed at each 28-day window boundary from the start of the plan year to the
    /// as-of date, oldest first: the line of a cumulative-disbursement chart.
    public func cumulativeSeries(asOf: CivilDate, planYear: Int) -> [(date: CivilDate, disbursedVND: VND)] {
        let start = CivilDate.startOfYear(planYear)
        var points: [(date: CivilDate, disbursedVND: VND)] = [(asOf, position.disbursedVND)]
        var cumulative = position.disbursedVND
        for (k, w) in activity.windows.enumerated() {
            cumulative -= w
            let date = asOf.adding(days: -Activity.windowDays * (k + 1))
            points.append((max(date, start.adding(days: -1)), cumulative))
        }
        return points.reversed()
    }
    /// The next checkpoint's risk assessment, if one lies ahead.
    public var risk: RiskAssessment? { checkpoints.lazy.compactMap(\.risk).first }
    /// The most recent checkpoint already passed.
    public var lastPassed: CheckpointResult? { checkpoints.last { $0.atCheckpoint != nil } }
}

public struct ProjectResult: Sendable, Hashable {
    public var project: Project
    public var projectClass: ProjectClass?
    public var result: SubjectResult
}

public struct InvestorResult: Sendable, Hashable {
    public var investor: InvestorID
    public var result: SubjectResult
    public var projectCount: Int
    /// Projects that missed the most recent checkpoint already passed.
    public var projectsBelow: Int
    /// Projects at risk or off track toward the next checkpoint.
    public var projectsAtRisk: Int
    /// The share of the investor's plan held by projects at risk or off track, in basis points.
    public var planAtRiskBasisPoints: Int
    /// Amount still needed toward the next checkpoint's whole-plan threshold (or, with none
    /// ahead, the shortfall at the last one).
    public var shortfallVND: VND
    /// Above (true), at or below (false) the provincial average rate; nil when either has no rate.
    public var aboveProvinceAverage: Bool?
    /// Above, equal to or below the provincial average rate; nil when either has no rate.
    public var standing: AverageStanding?
}

/// The ranking as DPI reports print it: how many investors stand above, at and below the
/// provincial average, which are at 0%, and how many are below each line the rules list.
public struct RankingSummary: Sendable, Hashable {
    public var above = 0, equal = 0, below = 0
    /// Investors with a plan and nothing disbursed, by name.
    public var atZero: [InvestorID] = []
    /// For each line (the rules' `ranking_lines_percent`), the investors with a plan below it.
    public var belowLines: [(threshold: Threshold, count: Int)] = []

    public static func == (a: RankingSummary, b: RankingSummary) -> Bool {
        a.above == b.above && a.equal == b.equal && a.below == b.below && a.atZero == b.atZero
            && a.belowLines.map(\.threshold) == b.belowLines.map(\.threshold) && a.belowLines.map(\.count) == b.belowLines.map(\.count)
    }
    public func hash(into h: inout Hasher) { h.combine(above); h.combine(equal); h.combine(below); h.combine(atZero) }
}

public struct GroupResult: Sendable, Hashable {
    public var projectClass: ProjectClass
    public var projectCount: Int
    public var result: SubjectResult
}

/// The annual goal (95% in Cà Mau 2023), judged at the end of the disbursement window.
public struct AnnualGoalResult: Sendable, Hashable {
    public var threshold: Threshold
    public var date: CivilDate
    public var status: CheckpointStatus
    public var atDate: Position?
    public var risk: RiskAssessment?
}

/// The whole check of one plan year at one as-of date: what every report renders.
public struct Evaluation: Sendable {
    public var request: EvaluationRequest
    public var profile: SeasonalProfile
    public var province: SubjectResult
    public var annualGoal: AnnualGoalResult
    public var groups: [GroupResult]
    /// Ranked by shortfall, largest first.
    public var investors: [InvestorResult]
    /// Ordered by investor, then project code.
    public var projects: [ProjectResult]
    /// Ordered by severity, then subject.
    public var warnings: [Warning]
    /// The whole province's average rate: in an investor's view, the one figure from outside it.
    public var provinceAverageRate: Rate?
    /// The plan years the database holds (filled by the caller that read the store), so a report of
    /// an empty year can say which years have data.
    public var planYearsInDatabase: [Int] = []
    /// The province's envelope beside the allocated plan, when envelope lines exist for the year
    /// (never in an investor's view).
    public var envelope: EnvelopeFigures?
    /// The same subjects on the same day of the previous plan year, when the database holds it.
    public var lastYear: Comparison?
    /// The same subjects at the previous report (weekly run) or at `--since DATE`.
    public var sinceLast: Comparison?
    /// Performance against the investors' schedules and every project's class, when schedules
    /// were submitted for the plan year (filled by the caller that read the store).
    public var schedule: ScheduleReport?

    /// Whether the plan year holds nothing at all: no project has a plan line or an entry in it.
    public var isEmptyYear: Bool { projects.isEmpty }

    public var planYear: Int { request.planYear }

    /// The ranking summary of `investors` against the provincial average.
    public var ranking: RankingSummary {
        var s = RankingSummary()
        for i in investors {
            switch i.standing {
            case .above: s.above += 1
            case .equal: s.equal += 1
            case .below: s.below += 1
            case nil: break
            }
            if i.result.position.planVND > 0 && i.result.position.disbursedVND <= 0 { s.atZero.append(i.investor) }
        }
        s.atZero.sort()
        s.belowLines = rules.rankingLines.map { line in
            (line, investors.filter { i in
                i.result.position.planVND > 0 && !line.isMet(disbursedVND: i.result.position.disbursedVND, planVND: i.result.position.planVND)
            }.count)
        }
        return s
    }

    /// Key projects (dự án trọng điểm) with their share of the province's plan, largest first.
    public var keyProjects: [(project: ProjectResult, shareOfPlan: Rate?)] {
        projects.filter { $0.project.isKeyProject }
            .sorted { ($0.result.position.planVND, $1.project.code) > ($1.result.position.planVND, $0.project.code) }
            .map { ($0, Rate(disbursedVND: $0.result.position.planVND, planVND: province.position.planVND)) }
    }
    public var asOf: CivilDate { request.asOf }
    public var rules: RuleSet { request.rules }
}
