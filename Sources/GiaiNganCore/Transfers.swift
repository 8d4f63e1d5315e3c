/// What transfer proposals may cross: the plan year, tranche and fund source always bind; a
/// proposal may also be kept within one investor.
public enum TransferScope: String, Sendable, Hashable, CaseIterable {
    /// Within one plan year, tranche and fund source (the law's constraint).
    case fundSource = "fund-source"
    /// Also within one investor.
    case investor
}

/// One line of a transfer proposal: a project's plan cut (donor) or raised (recipient).
public struct TransferLine: Sendable, Hashable {
    public var projectCode: String
    public var projectName: String
    public var investor: InvestorID
    public var projectClass: ProjectClass
    public var fundSource: String
    public var tranche: Tranche
    /// The counted plan at the as-of date.
    public var planVND: VND
    public var disbursedVND: VND
    /// Projected disbursement at the window end (donors: the early-warning projection; recipients:
    /// what the schedule or the best 28-day pace can absorb).
    public var projectedVND: VND
    /// Negative for a donor, positive for a recipient; a multiple of the rounding unit.
    public var changeVND: VND
    public var reason: TransferReason
    public var newPlanVND: VND { planVND + changeVND }
}

/// Why a project gives or takes capital, with its figures.
public enum TransferReason: Sendable, Hashable {
    /// Expected surplus at the window end: plan − projected disbursement.
    case surplus(surplusVND: VND)
    /// Schedule beyond the plan: the schedule in force sums to more than the plan.
    case scheduleBeyondPlan(scheduleVND: VND)
    /// At its best 28-day pace the project can disburse more than its plan by the window end.
    case paceBeyondPlan(reachableVND: VND, bestWindowVND: VND, daysLeft: Int)
}

/// A balanced transfer: decreases and increases within one plan year, tranche, fund source (and,
/// when asked, investor), each side summing to `totalVND`.
public struct TransferProposal: Sendable, Hashable {
    public var planYear: Int
    public var tranche: Tranche
    public var fundSource: String
    /// The investor, when the proposal is kept within one.
    public var investor: InvestorID?
    public var lines: [TransferLine]
    /// What moves: the sum of the increases, equal to minus the sum of the decreases.
    public var totalVND: VND

    /// Whether decreases and increases balance to the đồng (every proposal made does).
    public var isBalanced: Bool {
        lines.filter { $0.changeVND < 0 }.reduce(Int128(0)) { $0 - Int128($1.changeVND) }
            == lines.filter { $0.changeVND > 0 }.reduce(Int128(0)) { $0 + Int128($1.changeVND) }
    }
}

/// How a donor's disbursement at the window end is projected.
public enum DonorProjection: String, Sendable, Hashable, CaseIterable {
    /// The larger of the early warning's projection and what the best 28-day pace reaches: a
    /// donor gives only what it would not use even at its best pace (the default).
    case bestPace = "best-pace"
    /// The early warning's projection alone (the lower of seasonal and recent pace).
    case earlyWarning = "early-warning"
}

/// Proposes moving capital from projects expected to leave part of their plan unspent at the
/// window end to projects that can absorb more.
///
/// - Donors: the expected surplus is plan − projected disbursement at the window end. The
///   projection is the early warning's toward the window end (`RiskAssessment.assess`: the lower of
///   the seasonal and the recent-pace projections), raised by default to what the best 28-day pace
///   reaches (`DonorProjection`). A donor gives its surplus rounded down to the unit.
/// - Recipients: need = the larger of (schedule in force for the whole window − plan) and (what
///   its best 28-day pace reaches by the window end − plan), rounded down to the unit.
/// - Within each group (plan year, tranche, fund source, and investor when asked), what moves is
///   the smaller of the two sides; donors with the largest surplus give first, recipients with
///   the largest need take first. Every amount is a multiple of the unit, so both sides sum to
///   the same total exactly.
/// - Only the current tranche of projects whose counted plan comes from one fund source is
///   proposed: a plan line names one fund source, and splitting a projection between sources
///   would be a guess.
public enum TransferPlanner {
    public static func propose(evaluation e: Evaluation, schedule: Schedule, roundVND: VND,
                               within scope: TransferScope,
                               donorProjection: DonorProjection = .bestPace) throws -> [TransferProposal] {
        precondition(roundVND > 0, "the rounding unit is positive")
        let windowEnd = e.rules.windowEnd
        guard e.asOf < windowEnd else { return [] }
        let daysLeft = e.asOf.days(until: windowEnd)
        let end = Checkpoint(name: "window_end", date: windowEnd, wholePlan: Threshold(percent: 100),
                             transitional: Threshold(percent: 100), newStart: Threshold(percent: 100))
        struct Candidate { var line: TransferLine; var amount: VND }
        var donors: [String: [Candidate]] = [:], recipients: [String: [Candidate]] = [:]
        var groups: [String: (Tranche, String, InvestorID?)] = [:]
        func floorTo(_ v: VND) -> VND { v <= 0 ? 0 : v / roundVND * roundVND }
        for p in e.projects {
            let r = p.result
            guard let projectClass = p.projectClass, r.position.planVND > 0, r.fundSources.count == 1,
                  e.rules.countedTranches == [.current] else { continue }
            let fund = r.fundSources[0].fundSource
            let key = scope == .investor ? "\(fund)|\(p.project.investor.name)" : fund
            groups[key] = (.current, fund, scope == .investor ? p.project.investor : nil)
            let risk = RiskAssessment.assess(now: r.position, activity: r.activity, checkpoint: end,
                                             threshold: Threshold(percent: 100), asOf: e.asOf, planYear: e.planYear,
                                             profile: e.profile)
            var line = TransferLine(projectCode: p.project.code, projectName: p.project.name, investor: p.project.investor,
                                    projectClass: projectClass, fundSource: fund, tranche: .current,
                                    planVND: r.position.planVND, disbursedVND: r.position.disbursedVND,
                                    projectedVND: risk.projectedVND, changeVND: 0, reason: .surplus(surplusVND: 0))
            // A donor gives only what it would not use even at its best 28-day pace: the early
            // warning's (lower) projection alone took capital that donors then disbursed (README
            // "Transfer proposals", the backtest of both).
            let best = max(0, r.activity.bestVND)
            let reach = VND(clamping: Int128(r.position.disbursedVND) + Int128(best) * Int128(daysLeft) / Int128(Activity.windowDays))
            let projected = donorProjection == .earlyWarning ? risk.projectedVND : max(risk.projectedVND, reach)
            line.projectedVND = projected
            let surplus = r.position.planVND - min(projected, r.position.planVND)
            if floorTo(surplus) > 0 {
                line.reason = .surplus(surplusVND: surplus)
                donors[key, default: []].append(Candidate(line: line, amount: floorTo(surplus)))
                continue
            }
            let scheduled = try schedule.cumulative(p.project.code, through: ScheduleMonth(of: windowEnd))
            let bySchedule = scheduled - r.position.planVND, byPace = reach - r.position.planVND
            guard floorTo(max(bySchedule, byPace)) > 0 else { continue }
            if bySchedule >= byPace {
                line.reason = .scheduleBeyondPlan(scheduleVND: scheduled)
                line.projectedVND = scheduled
            } else {
                line.reason = .paceBeyondPlan(reachableVND: reach, bestWindowVND: best, daysLeft: daysLeft)
                line.projectedVND = reach
            }
            recipients[key, default: []].append(Candidate(line: line, amount: floorTo(max(bySchedule, byPace))))
        }
        var out: [TransferProposal] = []
        for key in groups.keys.sorted() {
            guard let (tranche, fund, investor) = groups[key],
                  var give = donors[key], var take = recipients[key], !give.isEmpty, !take.isEmpty else { continue }
            give.sort { ($0.amount, $1.line.projectCode) > ($1.amount, $0.line.projectCode) }
            take.sort { ($0.amount, $1.line.projectCode) > ($1.amount, $0.line.projectCode) }
            let available = give.reduce(Int128(0)) { $0 + Int128($1.amount) }
            let needed = take.reduce(Int128(0)) { $0 + Int128($1.amount) }
            let total = VND(clamping: min(available, needed))
            guard total > 0 else { continue }
            var lines: [TransferLine] = []
            var left = total
            for c in give where left > 0 {
                var l = c.line
                l.changeVND = -min(c.amount, left)
                left += l.changeVND
                lines.append(l)
            }
            left = total
            for c in take where left > 0 {
                var l = c.line
                l.changeVND = min(c.amount, left)
                left -= l.changeVND
                lines.append(l)
            }
            let proposal = TransferProposal(planYear: e.planYear, tranche: tranche, fundSource: fund, investor: investor,
                                            lines: lines, totalVND: total)
            precondition(proposal.isBalanced, "a transfer proposal balances to the đồng")
            out.append(proposal)
        }
        return out
    }
}

/// What a proposal would have changed, measured on what happened after it (README "Transfer proposals").
public struct TransferBacktest: Sendable, Hashable {
    /// Plan − disbursed at the window end, summed over projects that left capital unspent, on the
    /// plans as they were.
    public var unspentWithoutVND: VND
    /// The same with the proposal's plans, a recipient counted as using its added capital when it
    /// spent its whole former plan (it showed a need beyond it), as not using it otherwise.
    public var unspentWithVND: VND
    /// Capital cut from donors that they then disbursed anyway (their disbursement beyond the cut plan).
    public var overCutVND: VND
    /// Capital moved.
    public var movedVND: VND

    /// Measures `proposals` on the figures at the window end: `finals` holds each project's
    /// counted plan and disbursed on that date, on the plans as they were.
    public static func measure(proposals: [TransferProposal], finals: [String: Position]) -> TransferBacktest {
        var change: [String: VND] = [:]
        var moved: VND = 0
        for p in proposals {
            moved += p.totalVND
            for l in p.lines { change[l.projectCode, default: 0] += l.changeVND }
        }
        var without: Int128 = 0, with: Int128 = 0, overCut: Int128 = 0
        for (code, f) in finals {
            let plan = Int128(f.planVND), disbursed = Int128(f.disbursedVND)
            without += max(0, plan - disbursed)
            let delta = Int128(change[code] ?? 0)
            if delta < 0 {
                with += max(0, plan + delta - disbursed)
                overCut += max(0, disbursed - (plan + delta))
            } else if delta > 0 {
                with += disbursed >= plan ? 0 : plan + delta - disbursed
            } else {
                with += max(0, plan - disbursed)
            }
        }
        return TransferBacktest(unspentWithoutVND: VND(clamping: without), unspentWithVND: VND(clamping: with),
                                overCutVND: VND(clamping: overCut), movedVND: moved)
    }
}
