import GiaiNganCore

/// Whose report a renderer draws: the whole province, or one investor's own view.
///
/// In investor scope the caller passes an `Evaluation` that already holds only that investor's
/// projects (evaluated with the whole province's average rate). The renderers then label the
/// headline with the investor's name, show the provincial average as the one figure from
/// outside, and add nothing about any other investor: the ranking holds just that investor, the
/// "X of Y investors are above the average" sentence and the counts below each line are left
/// out, and the province's envelope (the denominators side by side) is never shown, even when
/// the evaluation carries one.
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
