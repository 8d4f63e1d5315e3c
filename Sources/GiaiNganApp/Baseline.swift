import Foundation
import GiaiNganCore
import GiaiNganStore

/// Figures to compare a check with — the same day of the previous plan year, a date given with
/// `--since`, or the previous stored weekly run — for the province or any one investor's view.
public struct Baseline: Sendable {
    enum Source: Sendable {
        /// Evaluated from the database: any investor's view is evaluated from the same snapshots.
        case evaluated(snapshots: [ProjectSnapshot], province: Evaluation)
        /// A stored run's report, as it was published: an investor's view is cut out of it.
        case stored(Comparison)
    }

    public let kind: Comparison.Kind
    let source: Source

    /// Evaluates the baseline at `asOf` under `rules`.
    ///
    /// - parameter holdersOn: the date of the check it is compared with. Projects that passed to
    ///   another investor (README "Reorganisation") are counted under the investor holding them
    ///   on that date, so an investor is compared with the same projects then, not with what it
    ///   held then (which would show a project it took over as money disbursed since).
    static func evaluate(kind: Comparison.Kind, store: Store, rules: RuleSet, asOf: CivilDate,
                         holdersOn: CivilDate? = nil) throws -> Baseline {
        let request = EvaluationRequest(planYear: rules.planYear, asOf: asOf, rules: rules)
        let profile = try store.seasonalProfile(for: request)
        var snapshots = try store.snapshots(for: request)
        if let holdersOn {
            let holders = try store.successionHolders(on: holdersOn)
            for i in snapshots.indices {
                if let h = holders[snapshots[i].project.code] {
                    snapshots[i].project.investor = h.investor
                    snapshots[i].project.lineage = h.lineage
                }
            }
        }
        let province = try Evaluator.evaluate(request: request, snapshots: snapshots, profile: profile,
                                              envelope: try store.envelope(planYear: rules.planYear))
        return Baseline(kind: kind, source: .evaluated(snapshots: snapshots, province: province))
    }

    /// A stored run's figures.
    public static func stored(_ comparison: Comparison) -> Baseline {
        Baseline(kind: comparison.kind, source: .stored(comparison))
    }

    /// The comparison for the whole province, or for one investor's own view (its total in place
    /// of the province's, nothing of other investors).
    public func comparison(for investor: InvestorID?) throws -> Comparison {
        switch source {
        case .evaluated(let snapshots, let province):
            guard let investor else { return try Comparison(kind: kind, evaluation: province) }
            let own = snapshots.filter { $0.project.investor == investor }
            let view = try Evaluator.evaluate(request: province.request, snapshots: own, profile: province.profile,
                                              provinceAverage: .some(province.province.rate))
            return try Comparison(kind: kind, evaluation: view)
        case .stored(let all):
            guard let investor else { return all }
            var own = Comparison(kind: all.kind, planYear: all.planYear, asOf: all.asOf, runID: all.runID)
            own.province = all.investors[investor]
            own.investors = all.investors.filter { $0.key == investor }
            own.investorsAboveAverage = all.investorsAboveAverage.filter { $0.key == investor }
            own.projects = all.projects.filter { all.projectInvestors[$0.key] == investor }
            return own
        }
    }
}

/// The baselines a check is compared with.
public struct Baselines: Sendable {
    public var lastYear: Baseline?
    public var since: Baseline?

    public init(lastYear: Baseline? = nil, since: Baseline? = nil) {
        self.lastYear = lastYear
        self.since = since
    }

    /// Sets the comparisons of an evaluation of the province (`investor` nil) or of an investor's view.
    public func attach(to e: inout Evaluation, investor: InvestorID?) throws {
        e.lastYear = try lastYear?.comparison(for: investor)
        e.sinceLast = try since?.comparison(for: investor)
    }
}
