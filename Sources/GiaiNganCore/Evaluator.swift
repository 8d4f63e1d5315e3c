/// Evaluates a plan year at an as-of date: figures, checkpoint statuses, risk and warnings.
///
/// ```swift
/// let request = EvaluationRequest(planYear: 2023, asOf: CivilDate(year: 2023, month: 3, day: 31)!,
///                                 rules: .caMau2023)
/// let evaluation = try Evaluator.evaluate(request: request, snapshots: snapshots)
/// evaluation.province.checkpoints[0].status   // .met or .missed
/// ```
public enum Evaluator {
    /// Evaluates `snapshots` (one per project) and aggregates them per investor, class and for
    /// the whole scope.
    ///
    /// - parameter provinceAverage: the provincial average rate to compare investors against;
    ///   pass the whole province's when `snapshots` holds one investor's projects only.
    /// - throws: `MoneyOverflowError` when a total leaves the range of Int64.
    /// - parameter envelope: the province's envelope lines (any plan year; the request's is used):
    ///   reported beside the allocated plan, and the plan the province's checkpoints are judged on
    ///   when the rules' `checkpointBasis` names it. Leave it empty for an investor's view.
    public static func evaluate(request: EvaluationRequest, snapshots: [ProjectSnapshot],
                                profile: SeasonalProfile = .national, settings: RiskSettings = .init(),
                                provinceAverage: Rate?? = nil, envelope: [EnvelopeLine] = []) throws -> Evaluation {
        let context = Context(request: request, profile: profile, settings: settings)

        // MARK: Projects
        // Each project on its own, shared by the cores: its result, which holds its parts with the
        // rules' fund-source groups applied (once: the aggregates use them too). The results are
        // made in the order they are listed in (`order`), so that none is copied or moved after.
        let order = orderByInvestorAndCode(snapshots)
        let projects = try Parallel.map(order) { index -> ProjectResult in
            // The snapshot is read where it is: a copy retained and released each of its fields.
            let projectClass = snapshots[index].projectClass
            let threshold: (Checkpoint) -> Threshold = { cp in projectClass.map(cp.threshold(for:)) ?? cp.wholePlan }
            let breakdown = request.rules.fundSourceGroups.isEmpty ? snapshots[index].breakdown
                : try snapshots[index].breakdown.grouped(by: request.rules.fundSourceGroup)
            var result = try context.subject(positions: snapshots[index].positions, uncounted: snapshots[index].uncounted,
                                             activity: snapshots[index].activity, breakdown: breakdown, threshold: threshold)
            if projectClass == .newStart {
                result.checkpoints = result.checkpoints.map { cp in
                    var cp = cp
                    cp.milestones = cp.checkpoint.milestones.map { m in
                        let date = m == .proceduresCompleted ? snapshots[index].project.proceduresCompletedOn
                                                             : snapshots[index].project.constructionStartedOn
                        return MilestoneCheck(milestone: m, dueOn: cp.checkpoint.date,
                                              reachedOn: date.flatMap { $0 <= request.asOf ? $0 : nil })
                    }
                    return cp
                }
            }
            return ProjectResult(project: snapshots[index].project, projectClass: projectClass, result: result)
        }

        // MARK: Aggregates
        // `order` lists each investor's projects together: each investor's run is aggregated on
        // its own (shared by the cores), with its projects per class, and the class and province
        // aggregates are the sums of the investors' (a few hundred additions instead of 20,000
        // each). The sums are exact integers, so the order of adding does not matter.
        var runs: [Range<Int>] = []
        var runStart = 0
        for k in order.indices.dropFirst()
        where snapshots[order[k]].project.investor != snapshots[order[k - 1]].project.investor {
            runs.append(runStart..<k)
            runStart = k
        }
        if !order.isEmpty { runs.append(runStart..<order.count) }
        let investorParts = try Parallel.map(runs, minimumPart: 8) { run -> InvestorPart in
            var part = InvestorPart(investor: snapshots[order[run.lowerBound]].project.investor,
                                    all: Aggregate(dates: request.dates, windows: request.windowCount))
            // The snapshot and the result are read where they are: a copy of each retained
            // and released every field of both, 20,000 times.
            for k in run {
                let i = order[k]
                try part.all.add(snapshots[i], breakdown: projects[k].result.breakdown)
                if let c = snapshots[i].projectClass {
                    try part.byClass[c, default: Aggregate(dates: request.dates, windows: request.windowCount)]
                        .add(snapshots[i], breakdown: projects[k].result.breakdown)
                }
                if projects[k].result.lastPassed?.status == .missed { part.below += 1 }
                if (projects[k].result.risk?.status ?? .onTrack) != .onTrack {
                    part.risky += 1
                    part.riskyPlan += Int128(max(0, projects[k].result.position.planVND))
                }
            }
            return part
        }
        var byInvestor: [InvestorID: Aggregate] = [:]
        var byClass: [ProjectClass: Aggregate] = [:]
        var all = Aggregate(dates: request.dates, windows: request.windowCount)
        // Per investor: its projects, those below their threshold at the last checkpoint passed,
        // and those at risk with their plan.
        var counts: [InvestorID: (projects: Int, below: Int, risky: Int, riskyPlan: Int128)] = [:]
        for part in investorParts {
            // One run per investor, as `order` is sorted by investor; added all the same.
            try byInvestor[part.investor, default: Aggregate(dates: request.dates, windows: request.windowCount)].add(part.all)
            for (c, a) in part.byClass {
                try byClass[c, default: Aggregate(dates: request.dates, windows: request.windowCount)].add(a)
            }
            try all.add(part.all)
            var c = counts[part.investor] ?? (0, 0, 0, 0)
            c.projects += part.all.count
            c.below += part.below
            c.risky += part.risky
            c.riskyPlan += part.riskyPlan
            counts[part.investor] = c
        }
        let envelopeLines = envelope.filter { $0.planYear == request.planYear }
        if request.rules.checkpointBasis != .allocated && provinceAverage == nil {
            // The province is judged on the envelope the rules name, at each date as it stood then.
            for (i, date) in all.dates.enumerated() {
                all.values[i].planVND = try EnvelopeFigures.assigned(lines: envelopeLines, basis: request.rules.checkpointBasis,
                                                                     rules: request.rules, on: date)
            }
        }
        let province = try context.subject(positions: all.positions, uncounted: all.uncounted, activity: all.activity,
                                       breakdown: all.breakdown, threshold: { $0.wholePlan })
        let averageRate: Rate? = provinceAverage ?? province.rate

        let groups = try ProjectClass.allCases.compactMap { c -> GroupResult? in
            guard let a = byClass[c] else { return nil }
            return GroupResult(projectClass: c, projectCount: a.count,
                               result: try context.subject(positions: a.positions, uncounted: a.uncounted,
                                                       activity: a.activity, breakdown: a.breakdown,
                                                       threshold: { $0.threshold(for: c) }))
        }

        var investors: [InvestorResult] = try byInvestor.map { id, a in
            let r = try context.subject(positions: a.positions, uncounted: a.uncounted, activity: a.activity,
                                    breakdown: a.breakdown, threshold: { $0.wholePlan })
            let own = counts[id] ?? (0, 0, 0, 0)
            let planBP = r.position.planVND > 0 ? Int(own.riskyPlan * 10_000 / Int128(r.position.planVND)) : 0
            return InvestorResult(investor: id, result: r, projectCount: own.projects, projectsBelow: own.below,
                                  projectsAtRisk: own.risky, planAtRiskBasisPoints: planBP,
                                  shortfallVND: context.shortfall(r), aboveProvinceAverage: above(r.rate, averageRate),
                                  standing: standing(r.rate, averageRate))
        }
        switch request.rankBy {
        case .shortfall: investors.sort { ($0.shortfallVND, $1.investor) > ($1.shortfallVND, $0.investor) }
        case .rate: investors = rankedByRate(investors)
        }

        let annual = context.annualGoal(province: all)
        var evaluation = Evaluation(request: request, profile: profile, province: province, annualGoal: annual,
                                    groups: groups, investors: investors, projects: projects, warnings: [],
                                    provinceAverageRate: averageRate)
        if !envelopeLines.isEmpty {
            evaluation.envelope = try EnvelopeFigures.make(lines: envelopeLines, provinceBreakdown: all.breakdown,
                                                           rules: request.rules, asOf: request.asOf)
        }
        // Codes ranked in the snapshots' order (the store lists them by code: one pass), then
        // given to the results in theirs.
        let codeRanks = WarningRules.denseRanks(snapshots.map(\.project.code))
        evaluation.warnings = try WarningRules.warnings(for: evaluation, projectCodeRanks: order.map { codeRanks[$0] })
        return evaluation
    }

    /// Highest rate first (compared exactly), investors without a plan last, ties by name.
    static func rankedByRate(_ list: [InvestorResult]) -> [InvestorResult] {
        list.sorted { a, b in
            switch (a.result.rate, b.result.rate) {
            case let (ra?, rb?):
                let left = Int128(ra.disbursedVND) * Int128(rb.planVND)
                let right = Int128(rb.disbursedVND) * Int128(ra.planVND)
                return left != right ? left > right : a.investor < b.investor
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.investor < b.investor
            }
        }
    }

    static func standing(_ rate: Rate?, _ average: Rate?) -> AverageStanding? {
        guard let r = rate, let a = average else { return nil }
        let left = Int128(r.disbursedVND) * Int128(a.planVND), right = Int128(a.disbursedVND) * Int128(r.planVND)
        return left > right ? .above : left == right ? .equal : .below
    }

    static func above(_ rate: Rate?, _ average: Rate?) -> Bool? {
        guard let r = rate, let a = average else { return nil }
        return Int128(r.disbursedVND) * Int128(a.planVND) > Int128(a.disbursedVND) * Int128(r.planVND)
    }

    // MARK: - Aggregation

    /// The indices of `projects` in the order they are listed: by investor, then project code,
    /// ties in their original order (a stable sort). Each of the few hundred investor names is
    /// ranked once and the order found on (rank, code) keys: comparing names at every step of
    /// sorting 20,000 large results cost more than evaluating them, and sorting the indices
    /// before evaluating leaves the results where they are made.
    static func orderByInvestorAndCode(_ snapshots: [ProjectSnapshot]) -> [Int] {
        // Each project's investor as a number, the investors numbered in order of name.
        var seen: [InvestorID: Int] = [:]
        var investors: [InvestorID] = []
        var investorOf = [Int](repeating: 0, count: snapshots.count)
        for i in snapshots.indices {
            let id = snapshots[i].project.investor
            if let k = seen[id] { investorOf[i] = k; continue }
            seen[id] = investors.count
            investorOf[i] = investors.count
            investors.append(id)
        }
        var rank = [Int](repeating: 0, count: investors.count)
        for (r, k) in investors.indices.sorted(by: { investors[$0] < investors[$1] }).enumerated() { rank[k] = r }
        // The store lists projects by code: then each investor's projects are in code order
        // already, and the order is the projects dealt out to their investors' ranks in turn
        // (no comparison of codes but the check that they increase). Otherwise, a sort.
        let byCode = snapshots.indices.dropFirst().allSatisfy { snapshots[$0 - 1].project.code < snapshots[$0].project.code }
        guard byCode else {
            return snapshots.indices.sorted { i, j in
                let a = rank[investorOf[i]], b = rank[investorOf[j]]
                if a != b { return a < b }
                let x = snapshots[i].project.code, y = snapshots[j].project.code
                if x != y { return x < y }
                return i < j
            }
        }
        var start = [Int](repeating: 0, count: investors.count + 1)
        for i in snapshots.indices { start[rank[investorOf[i]] + 1] += 1 }
        for r in investors.indices { start[r + 1] += start[r] }
        var order = [Int](repeating: 0, count: snapshots.count)
        for i in snapshots.indices {
            let r = rank[investorOf[i]]
            order[start[r]] = i
            start[r] += 1
        }
        return order
    }

    /// One investor's run of projects, aggregated: all of them, per class, and their counts.
    struct InvestorPart {
        var investor: InvestorID
        var all: Aggregate
        var byClass: [ProjectClass: Aggregate] = [:]
        var below = 0
        var risky = 0
        var riskyPlan: Int128 = 0
    }

    struct Aggregate {
        let dates: [CivilDate]
        /// The figures at each of `dates`, in an array: adding to a dictionary while iterating it
        /// copied the dictionary at every step, 60,000 times for 20,000 projects.
        var values: [Position]
        var uncounted = Position.zero
        var activity: Activity
        var breakdown = Breakdown.empty
        var count = 0

        var positions: Positions { Positions(dates: dates, values: values) }

        init(dates: [CivilDate], windows: Int) {
            self.dates = dates
            values = [Position](repeating: .zero, count: dates.count)
            activity = Activity(windows: [VND](repeating: 0, count: windows))
        }

        mutating func add(_ s: ProjectSnapshot, breakdown parts: Breakdown) throws {
            // The snapshot's dates are the request's, as these: added index by index.
            if s.positions.dates == dates {
                for i in dates.indices { values[i] = try values[i].adding(s.positions.values[i]) }
            } else {
                for i in dates.indices { values[i] = try values[i].adding(s.positions[dates[i]] ?? .zero) }
            }
            uncounted = try uncounted.adding(s.uncounted)
            try breakdown.add(parts)
            // In place: `Activity.adding` makes a new array, 60,000 times for 20,000 projects.
            let windows = s.activity.windows
            if activity.windows.count < windows.count {
                activity.windows += [VND](repeating: 0, count: windows.count - activity.windows.count)
            }
            for i in windows.indices {
                activity.windows[i] = try activity.windows[i].checkedAdding(windows[i], context: "a 28-day window")
            }
            count += 1
        }

        /// Adds another aggregate over the same dates.
        mutating func add(_ other: Aggregate) throws {
            for i in values.indices { values[i] = try values[i].adding(other.values[i]) }
            uncounted = try uncounted.adding(other.uncounted)
            try breakdown.add(other.breakdown)
            activity = try activity.adding(other.activity)
            count += other.count
        }
    }

    // MARK: - Per-subject evaluation

    struct Context {
        let request: EvaluationRequest
        let profile: SeasonalProfile
        let settings: RiskSettings

        func subject(positions: Positions, uncounted: Position, activity: Activity, breakdown: Breakdown,
                     threshold: (Checkpoint) -> Threshold) throws -> SubjectResult {
            let asOf = request.asOf
            let now = positions[asOf] ?? .zero
            var sawNext = false
            let checkpoints = request.rules.checkpoints.map { cp -> CheckpointResult in
                let t = threshold(cp)
                if cp.date <= asOf {
                    let at = positions[cp.date] ?? .zero
                    let met = t.isMet(disbursedVND: at.disbursedVND, planVND: at.planVND)
                    return CheckpointResult(checkpoint: cp, threshold: t,
                                            status: at.planVND <= 0 ? .noPlan : met ? .met : .missed,
                                            atCheckpoint: at, risk: nil, milestones: [])
                }
                if sawNext {
                    return CheckpointResult(checkpoint: cp, threshold: t, status: .pending, atCheckpoint: nil,
                                            risk: nil, milestones: [])
                }
                sawNext = true
                let risk = RiskAssessment.assess(now: now, activity: activity, checkpoint: cp, threshold: t,
                                                 asOf: asOf, planYear: request.planYear, profile: profile,
                                                 settings: settings)
                return CheckpointResult(checkpoint: cp, threshold: t,
                                        status: now.planVND <= 0 ? .noPlan : CheckpointStatus(risk.status),
                                        atCheckpoint: nil, risk: risk, milestones: [])
            }
            var result = SubjectResult(position: now, uncounted: uncounted, checkpoints: checkpoints, activity: activity,
                                       breakdown: breakdown)
            result.fundSources = try breakdown.byFundSource(tranches: request.rules.countedTranches)
                .map { FundSourcePart(fundSource: $0.fundSource, position: $0.position) }
            result.tranches = try Tranche.allCases.map { TranchePart(tranche: $0, position: try breakdown.tranche($0)) }
            return result
        }

        /// Toward the next checkpoint, or, with none ahead, the shortfall left at the last one.
        func shortfall(_ r: SubjectResult) -> VND {
            if let risk = r.risk { return risk.shortfallVND }
            guard let last = r.lastPassed, let at = last.atCheckpoint else { return 0 }
            return max(0, last.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND)
        }

        func annualGoal(province all: Aggregate) -> AnnualGoalResult {
            let rules = request.rules
            let asOf = request.asOf
            if rules.windowEnd <= asOf {
                let at = all.positions[rules.windowEnd] ?? .zero
                let met = rules.annualGoal.isMet(disbursedVND: at.disbursedVND, planVND: at.planVND)
                return AnnualGoalResult(threshold: rules.annualGoal, date: rules.windowEnd,
                                        status: at.planVND <= 0 ? .noPlan : met ? .met : .missed, atDate: at, risk: nil)
            }
            let goal = Checkpoint(name: "annual", date: rules.windowEnd, wholePlan: rules.annualGoal,
                                  transitional: rules.annualGoal, newStart: rules.annualGoal)
            let risk = RiskAssessment.assess(now: all.positions[asOf] ?? .zero, activity: all.activity,
                                             checkpoint: goal, threshold: rules.annualGoal, asOf: asOf,
                                             planYear: request.planYear, profile: profile, settings: settings)
            let now = all.positions[asOf] ?? .zero
            return AnnualGoalResult(threshold: rules.annualGoal, date: rules.windowEnd,
                                    status: now.planVND <= 0 ? .noPlan : CheckpointStatus(risk.status), atDate: nil, risk: risk)
        }
    }
}
