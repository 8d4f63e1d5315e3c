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

    /// Whether the plan year holds nothing at all: no project has a plan line or an entry in it.
    public var isEmptyYear: Bool { projects.isEmpty }

    public var planYear: Int { request.planYear }
    public var asOf: CivilDate { request.asOf }
    public var rules: RuleSet { request.rules }
}
