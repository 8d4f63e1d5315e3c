import GiaiNganCore

/// Whose report a renderer draws: the whole province, or one investor's own view.
///
/// In investor scope the caller passes an `Evaluation` that already holds only that investor's
/// projects (evaluated with the whole province's average rate). The renderers then label the
/// headline with the investor's name, show the provincial average as the one figure from
/// outside, and add nothing about any other investor: the ranking holds just that investor and
/// the "X of Y investors are above the average" sentence is left out.
///
/// ```swift
/// let page = HTMLReport.render(evaluation, lang: .vi, scope: .investor(InvestorID("Ban QLDA tỉnh")))
/// ```
public enum ReportScope: Sendable, Hashable {
    /// Every investor of the evaluation, compared with one another.
    case province
    /// One investor, compared only with the provincial average.
    case investor(InvestorID)

    /// The investor of an investor-scope report, nil for the province.
    var investor: InvestorID? {
        if case .investor(let id) = self { return id }
        return nil
    }
}
