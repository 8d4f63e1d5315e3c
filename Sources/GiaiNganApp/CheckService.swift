import Foundation
import GiaiNganCore
import GiaiNganRules
import GiaiNganStore

/// A problem with what the user asked for (exit status 2), with a message that says what to do.
public struct UsageProblem: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}

/// The check pipeline every command shares: rules → snapshots (SQL) → evaluation (core).
public enum CheckService {
    /// The rule set and plan year for a check.
    ///
    /// With `--rules FILE`, the file's plan year is used unless `--year` is given, and they must
    /// agree. Without it, the built-in Cà Mau footnote (4) rules are used for the year (for years
    /// other than 2023 the report's rules name says so).
    ///
    /// - throws: `UsageProblem` when the as-of date or the plan year is outside `SupportedRange`.
    public static func rules(path: String?, year: Int?, asOf: CivilDate) throws -> RuleSet {
        if let problem = SupportedRange.problem(date: asOf) { throw UsageProblem("as-of date \(problem)") }
        if let year, let problem = SupportedRange.problem(planYear: year) { throw UsageProblem("--year: \(problem)") }
        if let path {
            let rules = try RulesFile.load(path: path)
            if let year, year != rules.planYear {
                throw UsageProblem("--year \(year) does not match the rules file \(path), which is for plan year \(rules.planYear)")
            }
            return rules
        }
        let planYear = year ?? RuleSet.defaultPlanYear(asOf: asOf)
        if let problem = SupportedRange.problem(planYear: planYear) {
            throw UsageProblem("as-of \(asOf) falls in \(problem); pass --year")
        }
        return RuleSet.footnote4(planYear: planYear)
    }

    /// Evaluates the province, and when `investor` is given, that investor's own view (only its
    /// projects, with the provincial average rate as the one outside figure).
    ///
    /// Both carry the same subjects on the same day of the previous plan year (`lastYear`) when
    /// the database holds that year, and at `since` (`sinceLast`) when given.
    ///
    /// The baselines are evaluated on a second thread meanwhile: they read the database on their
    /// own connections and share nothing with the check itself, and the previous year's
    /// evaluation is as much work as the check's. An error of the check is reported before one
    /// of the baselines, as when they ran one after the other.
    public static func evaluate(store: Store, rules: RuleSet, asOf: CivilDate, investor: InvestorID? = nil,
                                since: CivilDate? = nil, rankBy: RankOrder = .rate) throws -> (province: Evaluation, view: Evaluation) {
        let background = ConcurrentRead { try baselines(store: store, rules: rules, asOf: asOf, since: since) }
        var (province, view) = try evaluateOnce(store: store, rules: rules, asOf: asOf, investor: investor, rankBy: rankBy)
        let b = try background.result()
        try b.attach(to: &province, investor: nil)
        try b.attach(to: &view, investor: investor)
        return (province, view)
    }

    /// The same day of the previous plan year (when the database holds that year) and `since`.
    public static func baselines(store: Store, rules: RuleSet, asOf: CivilDate, since: CivilDate?) throws -> Baselines {
        var b = Baselines()
        if try store.planYears().contains(rules.planYear - 1) {
            var previous = RuleSet.footnote4(planYear: rules.planYear - 1)
            previous.countedTranches = rules.countedTranches
            previous.fundSourceGroups = rules.fundSourceGroups
            previous.checkpointBasis = rules.checkpointBasis
            b.lastYear = try Baseline.evaluate(kind: .sameDayLastYear, store: store, rules: previous,
                                               asOf: Comparison.sameDayOneYearBefore(asOf), holdersOn: asOf)
        }
        if let since {
            guard since < asOf else { throw UsageProblem("--since \(since) is not before the as-of date \(asOf)") }
            b.since = try Baseline.evaluate(kind: .since, store: store, rules: rules, asOf: since, holdersOn: asOf)
        }
        return b
    }

    /// The province evaluated without comparisons, with the snapshots it was made from (every
    /// investor's view is evaluated from them).
    public static func evaluateProvince(store: Store, rules: RuleSet, asOf: CivilDate,
                                        rankBy: RankOrder = .rate) throws -> (Evaluation, [ProjectSnapshot]) {
        let request = EvaluationRequest(planYear: rules.planYear, asOf: asOf, rules: rules, rankBy: rankBy)
        let profile = try store.seasonalProfile(for: request)
        let all = try store.snapshots(for: request)
        var province = try Evaluator.evaluate(request: request, snapshots: all, profile: profile,
                                              envelope: try store.envelope(planYear: rules.planYear))
        if province.isEmptyYear { province.planYearsInDatabase = try store.planYears() }
        try ScheduleService.attach(store: store, to: &province)
        return (province, all)
    }

    /// One evaluation of the province and, with `investor`, of its own view.
    static func evaluateOnce(store: Store, rules: RuleSet, asOf: CivilDate, investor: InvestorID?,
                             rankBy: RankOrder = .rate) throws -> (province: Evaluation, view: Evaluation) {
        let (province, all) = try evaluateProvince(store: store, rules: rules, asOf: asOf, rankBy: rankBy)
        guard let investor else { return (province, province) }
        let profile = province.profile, request = province.request
        let own = all.filter { $0.project.investor == investor }
        var view = try Evaluator.evaluate(request: request, snapshots: own, profile: profile,
                                          provinceAverage: .some(province.province.rate))
        if view.isEmptyYear { view.planYearsInDatabase = try store.planYears() }
        view.schedule = province.schedule?.only(investor)
        return (province, view)
    }

    /// Finds the investor a person typed: exact after NFC normalisation, else a unique match
    /// ignoring case and diacritics; otherwise an error listing close matches.
    public static func matchInvestor(_ typed: String, among names: [String]) throws -> InvestorID {
        let wanted = InvestorID(typed)
        if names.contains(wanted.name) { return wanted }
        let key = NormalizedText.searchKey(typed)
        let loose = names.filter { NormalizedText.searchKey($0) == key }
        if loose.count == 1 { return InvestorID(loose[0]) }
        let close = names.filter { NormalizedText.searchKey($0).contains(key) || key.contains(NormalizedText.searchKey($0)) }
            + names.sorted { distance(NormalizedText.searchKey($0), key) < distance(NormalizedText.searchKey($1), key) }.prefix(3)
        var seen = Set<String>()
        let suggestions = close.filter { seen.insert($0).inserted }.prefix(5)
        var message = "no investor named \"\(wanted.name)\""
        if !suggestions.isEmpty {
            message += "; close matches:\n" + suggestions.map { "  \($0)" }.joined(separator: "\n")
        }
        throw UsageProblem(message)
    }

    /// Levenshtein distance over characters, for suggestions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where j <= b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
