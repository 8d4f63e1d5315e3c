/// How urgent a warning is. `critical` fails a scripted run by default.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case critical, warning, info
    var rank: Int { switch self { case .critical: 0; case .warning: 1; case .info: 2 } }
    /// `critical` sorts first.
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What a warning or a figure is about.
public enum Subject: Sendable, Hashable, Comparable, CustomStringConvertible {
    case province
    case group(ProjectClass)
    case investor(InvestorID)
    case project(code: String)

    /// Stable text form used in JSON and to match warnings between weekly runs:
    /// `province`, `class:transitional`, `investor:<name>`, `project:<code>`.
    public var description: String {
        switch self {
        case .province: return "province"
        case .group(let c): return "class:\(c.rawValue)"
        case .investor(let i): return "investor:\(i.name)"
        case .project(let code): return "project:\(code)"
        }
    }

    var rank: Int { switch self { case .province: 0; case .group: 1; case .investor: 2; case .project: 3 } }
    /// Orders by kind, then by `description`. Within a kind the descriptions share their prefix
    /// (`class:`, `investor:`, `project:`), which ends in a colon that combines with nothing, so
    /// comparing what follows it is the same and makes no string: sorting 40,000 warnings made
    /// more than a million.
    public static func < (a: Subject, b: Subject) -> Bool {
        switch (a, b) {
        case (.group(let x), .group(let y)): return x.rawValue < y.rawValue
        case (.investor(let x), .investor(let y)): return x.name < y.name
        case (.project(let x), .project(let y)): return x < y
        default: return a.rank < b.rank
        }
    }
}

/// The kinds of warning GiaiNgan raises. Codes are part of the JSON contract.
public enum WarningCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The most recent checkpoint passed and its threshold was not reached on its date.
    case checkpointMissed = "CHECKPOINT_MISSED"
    /// Toward the next checkpoint: cannot be met at any pace seen so far.
    case offTrack = "OFF_TRACK"
    /// Toward the next checkpoint: projected to be missed.
    case atRisk = "AT_RISK"
    /// A new start had not reached a required milestone by a checkpoint already passed.
    case milestoneMissed = "MILESTONE_MISSED"
    /// A new start has not yet reached a milestone due at the next checkpoint.
    case milestoneDue = "MILESTONE_DUE"
    /// An investor with a plan has disbursed nothing.
    case zeroDisbursement = "ZERO_DISBURSEMENT"
    /// Money was disbursed against a plan year in which the project has no plan.
    case disbursedWithoutPlan = "DISBURSED_WITHOUT_PLAN"
    /// Disbursed exceeds the plan (for example after a cut).
    case overPlan = "OVER_PLAN"
    /// The window closed below the annual goal.
    case annualGoalMissed = "ANNUAL_GOAL_MISSED"
    /// The annual goal is at risk (raised once the last checkpoint is the next one).
    case annualGoalAtRisk = "ANNUAL_GOAL_AT_RISK"
}

/// One warning, with the figures that justify it.
public struct Warning: Sendable, Hashable {
    public var code: WarningCode
    public var severity: Severity
    public var subject: Subject
    /// The investor the warning belongs to (nil for the province and class groups), so that an
    /// investor's view keeps exactly its own warnings.
    public var investor: InvestorID?
    public var checkpointName: String?
    /// Figures at the relevant date (the checkpoint's for a miss, the as-of date otherwise).
    public var position: Position
    public var threshold: Threshold?
    public var shortfallVND: VND
    public var risk: RiskAssessment?
    public var milestone: MilestoneCheck?

    /// Identity across weekly runs: the same code, subject and checkpoint is the same warning.
    public var key: String { "\(code.rawValue)|\(subject)|\(checkpointName ?? "")" }
    public var rate: Rate? { position.rate }
}
