/// How a project disburses, as the Prime Minister's dispatches (169/CĐ-TTg, 237/CĐ-TTg) ask
/// agencies to sort projects: well, slowly, or unable to disburse.
public enum DisbursementClass: String, Sendable, Hashable, CaseIterable {
    /// Tốt: on its schedule and its class threshold, and able to reach its plan.
    case good
    /// Chậm: behind its schedule or its class threshold at the last checkpoint.
    case slow
    /// Không có khả năng giải ngân: cannot reach its plan by the window end even at its best pace.
    case unable
}

/// The criteria that sort projects into good, slow and unable: rules data (`[classification]` in a
/// rules file), so that a DPI can change them without a release.
public struct ClassificationCriteria: Sendable, Hashable, Codable {
    /// A project is unable when, from its disbursed total, its best 28-day window repeated over
    /// the days left to the window end cannot reach its plan.
    public var unableWhenBestPaceShort = true
    /// A project is slow when what it disbursed is below this share of what its schedule had due
    /// by the as-of date (the months ended by then). 100% (default): any shortfall is slow.
    public var slowBelowSchedule = Threshold(percent: 100)
    /// A project is slow when it missed its class threshold at the last checkpoint passed.
    public var slowWhenCheckpointMissed = true

    public init() {}
}

/// One figure-backed reason for a project's class.
public enum ClassificationReason: Sendable, Hashable {
    /// Disbursed plus the best 28-day window over the days left reaches `reachableVND` < plan.
    case cannotReachPlan(planVND: VND, disbursedVND: VND, bestWindowVND: VND, daysLeft: Int, reachableVND: VND)
    /// At the best pace the plan is within reach.
    case canReachPlan(planVND: VND, disbursedVND: VND, bestWindowVND: VND, daysLeft: Int, reachableVND: VND)
    /// Disbursed below the required share of what the schedule had due.
    case behindSchedule(disbursedVND: VND, dueVND: VND)
    /// Disbursed at or above the required share of what the schedule had due.
    case onSchedule(disbursedVND: VND, dueVND: VND)
    /// The class threshold of the last checkpoint was missed (figures on its date).
    case missedCheckpoint(name: String, disbursedVND: VND, planVND: VND, threshold: Threshold)
    /// The class threshold of the last checkpoint was met.
    case metCheckpoint(name: String, disbursedVND: VND, planVND: VND, threshold: Threshold)
    /// The project has no plan (zero or less) at the as-of date: nothing to disburse.
    case noPlan
    /// The project has no schedule for the plan year.
    case noSchedule
}

/// A project's class with the reasons that decided it (the deciding ones first).
public struct ProjectClassification: Sendable, Hashable {
    public var projectCode: String
    public var investor: InvestorID
    public var disbursementClass: DisbursementClass
    public var reasons: [ClassificationReason]

    /// Classifies every project of an evaluation.
    ///
    /// - parameter schedule: the schedules in force at `asOf`.
    public static func classify(projects: [ProjectResult], schedule: Schedule, asOf: CivilDate, windowEnd: CivilDate,
                                criteria: ClassificationCriteria) throws -> [ProjectClassification] {
        try projects.map { p in
            try classify(p, schedule: schedule, asOf: asOf, windowEnd: windowEnd, criteria: criteria)
        }
    }

    static func classify(_ p: ProjectResult, schedule: Schedule, asOf: CivilDate, windowEnd: CivilDate,
                         criteria: ClassificationCriteria) throws -> ProjectClassification {
        let code = p.project.code
        let plan = p.result.position.planVND, disbursed = p.result.position.disbursedVND
        guard plan > 0 else {
            return ProjectClassification(projectCode: code, investor: p.project.investor, disbursementClass: .good, reasons: [.noPlan])
        }
        var unable: [ClassificationReason] = [], slow: [ClassificationReason] = [], good: [ClassificationReason] = []

        // Best pace: exact, in 128 bits: reachable = disbursed + best × days / 28, rounded down.
        let daysLeft = max(0, asOf.days(until: windowEnd))
        let best = max(0, p.result.activity.bestVND)
        let reach128 = Int128(disbursed) + Int128(best) * Int128(daysLeft) / Int128(Activity.windowDays)
        let reachable = VND(clamping: reach128)
        if reach128 < Int128(plan) {
            let r = ClassificationReason.cannotReachPlan(planVND: plan, disbursedVND: disbursed, bestWindowVND: best,
                                                         daysLeft: daysLeft, reachableVND: reachable)
            if criteria.unableWhenBestPaceShort { unable.append(r) } else { good.append(r) }
        } else {
            good.append(.canReachPlan(planVND: plan, disbursedVND: disbursed, bestWindowVND: best, daysLeft: daysLeft,
                                      reachableVND: reachable))
        }

        if schedule.has(code) {
            let due = try schedule.due(code, by: asOf)
            if due > 0 {
                if criteria.slowBelowSchedule.isMet(disbursedVND: disbursed, planVND: due) {
                    good.append(.onSchedule(disbursedVND: disbursed, dueVND: due))
                } else {
                    slow.append(.behindSchedule(disbursedVND: disbursed, dueVND: due))
                }
            }
        } else {
            good.append(.noSchedule)
        }

        if let last = p.result.lastPassed, let at = last.atCheckpoint, last.status == .met || last.status == .missed {
            if last.status == .missed {
                let r = ClassificationReason.missedCheckpoint(name: last.checkpoint.name, disbursedVND: at.disbursedVND,
                                                              planVND: at.planVND, threshold: last.threshold)
                if criteria.slowWhenCheckpointMissed { slow.append(r) } else { good.append(r) }
            } else {
                good.append(.metCheckpoint(name: last.checkpoint.name, disbursedVND: at.disbursedVND, planVND: at.planVND,
                                           threshold: last.threshold))
            }
        }

        let c: DisbursementClass = !unable.isEmpty ? .unable : !slow.isEmpty ? .slow : .good
        return ProjectClassification(projectCode: code, investor: p.project.investor, disbursementClass: c,
                                     reasons: unable + slow + good)
    }
}

/// What the schedules say about a check: the month's performance and every project's class.
public struct ScheduleReport: Sendable, Hashable {
    public var performance: SchedulePerformance
    /// In the order of the evaluation's projects (by investor, then code).
    public var classifications: [ProjectClassification]

    public init(performance: SchedulePerformance, classifications: [ProjectClassification]) {
        self.performance = performance
        self.classifications = classifications
    }

    /// Builds the report of `evaluation` from the schedule lines of its plan year.
    ///
    /// - parameter disbursedBeforeMonth: each project's counted disbursement on the last day of
    ///   the month before the as-of date's.
    public static func make(evaluation e: Evaluation, lines: [ScheduleLine],
                            disbursedBeforeMonth: [String: VND]) throws -> ScheduleReport {
        let schedule = Schedule(lines: lines, planYear: e.planYear, inForceOn: e.asOf)
        let performance = try SchedulePerformance.make(schedule: schedule, projects: e.projects, asOf: e.asOf,
                                                       disbursedBeforeMonth: disbursedBeforeMonth)
        let classes = try ProjectClassification.classify(projects: e.projects, schedule: schedule, asOf: e.asOf,
                                                         windowEnd: e.rules.windowEnd, criteria: e.rules.classification)
        return ScheduleReport(performance: performance, classifications: classes)
    }

    /// Counts per class, in the order good, slow, unable.
    public var classCounts: [(DisbursementClass, Int)] {
        DisbursementClass.allCases.map { c in (c, classifications.filter { $0.disbursementClass == c }.count) }
    }

    /// The part about one investor (its own view).
    public func only(_ investor: InvestorID) -> ScheduleReport {
        ScheduleReport(performance: performance.only(investor),
                       classifications: classifications.filter { $0.investor == investor })
    }
}
