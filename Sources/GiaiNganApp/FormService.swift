import Foundation
import GiaiNganCore
import GiaiNganForms
import GiaiNganReport
import GiaiNganStore

/// Gathers what a report form needs from the database and computes it: the evaluation at the
/// end of the previous month (D), the previous plan year on the last day of the reporting month
/// (E), and each tranche a row group names, counted alone.
public enum FormService {
    /// The form `spec` for `month` under `rules`.
    ///
    /// - throws: `UsageProblem` when the reporting month ends after the plan year's
    ///   disbursement window, or starts before the plan year (there is nothing to report).
    public static func table(store: Store, rules: RuleSet, spec: FormSpec, month: ReportingMonth,
                             rankBy: RankOrder = .rate, lang: Language = .vi) throws -> FormTable {
        let d = month.actualDate, end = month.estimateDate
        if end > rules.windowEnd {
            throw UsageProblem("the month \(month) ends after plan year \(rules.planYear)'s disbursement window (\(rules.windowEnd)); "
                + "pass --year or another month")
        }
        if end < CivilDate.startOfYear(rules.planYear) {
            throw UsageProblem("the month \(month) is before plan year \(rules.planYear) starts; pass --year or another month")
        }
        if let problem = SupportedRange.problem(date: d) { throw UsageProblem("the month \(month): \(problem)") }
        func figures(_ r: RuleSet) throws -> FormInputs.Figures {
            let (actual, _) = try CheckService.evaluateProvince(store: store, rules: r, asOf: d, rankBy: rankBy)
            let lastYear = try CheckService.baselines(store: store, rules: r, asOf: end, since: nil).lastYear?.comparison(for: nil)
            return FormInputs.Figures(actual: actual, lastYear: lastYear)
        }
        let main = try figures(rules)
        var byTranche: [Tranche: FormInputs.Figures] = [:]
        for t in spec.tranchesNeeded {
            if rules.countedTranches == [t] { byTranche[t] = main; continue }
            var alone = rules
            alone.countedTranches = [t]
            byTranche[t] = try figures(alone)
        }
        return FormEngine.table(spec, inputs: FormInputs(month: month, main: main, byTranche: byTranche), lang: lang)
    }
}
