/// Derives warnings from an evaluation. Each warning carries the figures that justify it.
///
/// Choices (README "Warnings"):
/// - a missed checkpoint is warned about for the most recent checkpoint passed only; earlier
///   misses stay visible in each subject's checkpoint list without repeating every week;
/// - class groups get `warning` severity where projects, investors and the province get
///   `critical`, since a class is not accountable by itself;
/// - risk toward the next checkpoint: `off_track` is critical, `at_risk` a warning.
enum WarningRules {
    /// Days before a checkpoint from which a missing milestone is warned about.
    static let milestoneLeadDays = 60

    /// The warnings of `e`, in report order (``sortedForReports(_:)``).
    ///
    /// - parameter projectCodeRanks: for each of `e.projects`, the rank of its code among theirs
    ///   (equal codes, equal ranks), when the caller knows it; found by sorting otherwise.
    ///
    /// Each project's warnings depend on that project only: they are derived on the cores, in
    /// parts of the list, and joined in its order. Subjects are ranked from what they are (the
    /// province, a class, an investor by name, a project by code), so ordering 35,000 warnings
    /// hashes no name.
    static func warnings(for e: Evaluation, projectCodeRanks: [Int]? = nil) throws -> [Warning] {
        var out: [Warning] = []
        var ranks: [Int] = []
        let asOf = e.asOf
        let lastPassedDate = e.rules.checkpoints.last(where: { $0.date <= asOf })?.date

        // Subject ranks: the province, then classes, investors and projects, each in its order.
        let classes = ProjectClass.allCases.sorted { $0.rawValue < $1.rawValue }
        func classRank(_ c: ProjectClass) -> Int { 1 + (classes.firstIndex(of: c) ?? 0) }
        let names = denseRanks(e.investors.map(\.investor.name))
        var investorRank: [InvestorID: Int] = [:]
        for (k, i) in e.investors.enumerated() { investorRank[i.investor] = 1 + classes.count + names[k] }
        let projectBase = 1 + classes.count + e.investors.count
        let codeRanks = projectCodeRanks ?? denseRanks(e.projects.map(\.project.code))
        precondition(codeRanks.count == e.projects.count, "one code rank per project")

        func thresholdWarnings(_ subject: Subject, investor: InvestorID?, result r: SubjectResult,
                               accountable: Bool, into out: inout [Warning]) {
            if let last = r.lastPassed, last.status == .missed, let at = last.atCheckpoint,
               last.checkpoint.date == lastPassedDate {
                out.append(Warning(code: .checkpointMissed, severity: accountable ? .critical : .warning,
                                   subject: subject, investor: investor, checkpointName: last.checkpoint.name,
                                   position: at, threshold: last.threshold,
                                   shortfallVND: max(0, last.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND),
                                   risk: nil, milestone: nil))
            }
            if let risk = r.risk, risk.status != .onTrack {
                let off = risk.status == .offTrack
                out.append(Warning(code: off ? .offTrack : .atRisk,
                                   severity: off && accountable ? .critical : .warning,
                                   subject: subject, investor: investor, checkpointName: risk.checkpointName,
                                   position: r.position, threshold: risk.threshold, shortfallVND: risk.shortfallVND,
                                   risk: risk, milestone: nil))
            }
            if r.position.planVND > 0 && r.position.disbursedVND > r.position.planVND {
                out.append(Warning(code: .overPlan, severity: .warning, subject: subject, investor: investor,
                                   checkpointName: nil, position: r.position, threshold: nil, shortfallVND: 0,
                                   risk: nil, milestone: nil))
            }
        }
        func ranked(_ rank: Int, from start: Int) { ranks.append(contentsOf: repeatElement(rank, count: out.count - start)) }

        var start = out.count
        thresholdWarnings(.province, investor: nil, result: e.province, accountable: true, into: &out)
        ranked(0, from: start)
        for g in e.groups {
            start = out.count
            thresholdWarnings(.group(g.projectClass), investor: nil, result: g.result, accountable: false, into: &out)
            ranked(classRank(g.projectClass), from: start)
        }
        for i in e.investors {
            start = out.count
            thresholdWarnings(.investor(i.investor), investor: i.investor, result: i.result, accountable: true, into: &out)
            if i.result.position.planVND > 0 && i.result.position.disbursedVND <= 0 {
                out.append(Warning(code: .zeroDisbursement, severity: .warning, subject: .investor(i.investor),
                                   investor: i.investor, checkpointName: nil, position: i.result.position,
                                   threshold: nil, shortfallVND: i.shortfallVND, risk: nil, milestone: nil))
            }
            ranked(investorRank[i.investor] ?? 0, from: start)
        }

        let parts = stride(from: 0, to: e.projects.count, by: 512).map { $0..<min($0 + 512, e.projects.count) }
        var projectWarnings = try Parallel.map(parts, minimumPart: 1) { part -> (warnings: [Warning], ranks: [Int]) in
            var out: [Warning] = []
            var ranks: [Int] = []
            for k in part {
                // The result is read where it is: a copy retained and released all its parts.
                let before = out.count
                let subject = Subject.project(code: e.projects[k].project.code)
                let investor = e.projects[k].project.investor
                thresholdWarnings(subject, investor: investor, result: e.projects[k].result, accountable: true, into: &out)
                let position = e.projects[k].result.position
                if position.planVND <= 0 && position.disbursedVND != 0 {
                    out.append(Warning(code: .disbursedWithoutPlan, severity: .warning, subject: subject,
                                       investor: investor, checkpointName: nil, position: position,
                                       threshold: nil, shortfallVND: 0, risk: nil, milestone: nil))
                }
                let checkpoints = e.projects[k].result.checkpoints
                for cp in checkpoints {
                    for m in cp.milestones where !m.isOnTime {
                        let passed = cp.checkpoint.date <= asOf
                        let due = !passed && asOf.days(until: cp.checkpoint.date) <= milestoneLeadDays
                        guard passed || due else { continue }
                        // A milestone missed at Q1 and still missing at Q2 is one problem: report it at
                        // the latest checkpoint that requires it.
                        let later = checkpoints.contains {
                            $0.checkpoint.date > cp.checkpoint.date && $0.checkpoint.date <= asOf
                                && $0.milestones.contains { $0.milestone == m.milestone }
                        }
                        if passed && later { continue }
                        out.append(Warning(code: passed ? .milestoneMissed : .milestoneDue,
                                           severity: passed ? .critical : .warning, subject: subject,
                                           investor: investor, checkpointName: cp.checkpoint.name,
                                           position: position, threshold: nil, shortfallVND: 0, risk: nil,
                                           milestone: m))
                    }
                }
                ranks.append(contentsOf: repeatElement(projectBase + codeRanks[k], count: out.count - before))
            }
            return (out, ranks)
        }
        // The warnings so far, each part's, and the annual goal's, joined on the cores.
        var pieces: [[Warning]] = [out]
        out = []
        pieces.reserveCapacity(projectWarnings.count + 2)
        for k in projectWarnings.indices {
            pieces.append(projectWarnings[k].warnings)
            projectWarnings[k].warnings = []   // the piece is the only holder: freed where it is copied
            ranks.append(contentsOf: projectWarnings[k].ranks)
        }

        let goal = e.annualGoal
        if goal.status == .missed, let at = goal.atDate {
            out.append(Warning(code: .annualGoalMissed, severity: .critical, subject: .province, investor: nil,
                               checkpointName: "annual", position: at, threshold: goal.threshold,
                               shortfallVND: max(0, goal.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND),
                               risk: nil, milestone: nil))
        } else if let risk = goal.risk, risk.status != .onTrack,
                  e.rules.nextCheckpoint(after: asOf)?.date == e.rules.checkpoints.last?.date {
            out.append(Warning(code: .annualGoalAtRisk, severity: .warning, subject: .province, investor: nil,
                               checkpointName: "annual", position: e.province.position, threshold: goal.threshold,
                               shortfallVND: risk.shortfallVND, risk: risk, milestone: nil))
        }
        ranked(0, from: 0)
        pieces.append(out)
        return sorted(Parallel.joined(&pieces), subjectRanks: ranks)
    }

    /// The rank of each of `texts` among them by `<`: equal texts share a rank, and the ranks
    /// are 0, 1, 2, … with no gaps. A list already in order (as the store lists codes) is
    /// ranked in one pass.
    static func denseRanks(_ texts: [String]) -> [Int] {
        var ranks = [Int](repeating: 0, count: texts.count)
        let ascending = zip(texts, texts.dropFirst()).allSatisfy { $0 <= $1 }
        let order = ascending ? Array(texts.indices) : texts.indices.sorted { texts[$0] < texts[$1] }
        var rank = -1
        for (k, i) in order.enumerated() {
            if k == 0 || texts[order[k - 1]] != texts[i] { rank += 1 }
            ranks[i] = rank
        }
        return ranks
    }

    /// `warnings` in report order, given each one's subject rank (the order of subjects):
    /// by severity, subject and code, ties in their original order. The order is found on small
    /// keys and the warnings moved once: sorting the warnings themselves copied each large value
    /// at every step, which with one warning per project of a big province cost more than
    /// deriving them.
    static func sorted(_ warnings: consuming [Warning], subjectRanks: [Int]) -> [Warning] {
        precondition(subjectRanks.count == warnings.count, "one subject rank per warning")
        let keys = warnings.indices.map { (warnings[$0].severity.rank, subjectRanks[$0], codeRank[warnings[$0].code] ?? 0) }
        let order = keys.indices.sorted { i, j in
            let a = keys[i], b = keys[j]
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 { return a.1 < b.1 }
            if a.2 != b.2 { return a.2 < b.2 }
            return i < j
        }
        // The warnings put in that order where they are, by swaps along each cycle of the
        // permutation (`out[k]` is `warnings[order[k]]`): a swap moves two values, where
        // `order.map { warnings[$0] }` copied each one, retains and releases of all its parts.
        var out = warnings
        var placed = [Bool](repeating: false, count: order.count)
        for i in order.indices where !placed[i] {
            var k = i
            while true {
                placed[k] = true
                let j = order[k]
                if j == i { break }
                out.swapAt(k, j)
                k = j
            }
        }
        return out
    }

    /// Codes ordered by their text, as reports list them.
    static let codeRank: [WarningCode: Int] = Dictionary(
        uniqueKeysWithValues: WarningCode.allCases.sorted { $0.rawValue < $1.rawValue }.enumerated().map { ($1, $0) })

    /// `warnings` ordered by severity, subject and code, ties in their original order (a stable
    /// sort), for warnings whose subjects' ranks are not known: each distinct subject is ranked
    /// once (there are far fewer than warnings) and the order found by ``sorted(_:subjectRanks:)``.
    static func sortedForReports(_ warnings: [Warning]) -> [Warning] {
        let subjects = Set(warnings.map(\.subject)).sorted()
        let subjectRank = Dictionary(uniqueKeysWithValues: subjects.enumerated().map { ($1, $0) })
        return sorted(warnings, subjectRanks: warnings.map { subjectRank[$0.subject] ?? 0 })
    }
}
