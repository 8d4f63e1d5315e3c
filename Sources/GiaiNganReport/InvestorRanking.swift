import GiaiNganCore

/// The investors table: in the evaluation's order (by rate by default, by shortfall on request),
/// against the provincial average, with the counts DPI reports print (above, equal to and below
/// the average; below each line of the rules) and the investors at 0% named.
public enum InvestorRanking {
    public static func render(_ e: Evaluation, lang L: Language, scope: ReportScope = .province) -> String {
        let display = Display(rules: e.rules, lang: L)
        let compare = ComparisonColumns(e, display: display)
        var out = L.t("CHỦ ĐẦU TƯ (\(Words.rankOrder(e.request.rankBy, L)))", "INVESTORS (\(Words.rankOrder(e.request.rankBy, L)))") + "\n"
        let comparisons = compare.headings(amountHeading: display.textHeading)
        var it = TextTable(headers: ["#", L.t("Chủ đầu tư", "Investor"), display.textHeading(L.t("Kế hoạch", "Plan")),
                                     display.textHeading(L.t("Đã GN", "Disbursed")), L.t("Tỷ lệ", "Rate")]
                                    + comparisons
                                    + [L.t("So với BQ", "vs average"), L.t("DA dưới ngưỡng", "Below"),
                                       L.t("DA nguy cơ", "At risk"), display.textHeading(L.t("Còn thiếu", "Shortfall")),
                                       display.textHeading(L.t("Còn lại", "Remaining")), L.t("Tình trạng", "Status")],
                           aligns: [.right, .left, .right, .right, .right] + comparisons.map { _ in .right }
                                   + [.left, .right, .right, .right, .right, .left])
        for (n, i) in e.investors.enumerated() {
            it.add(["\(n + 1)", i.investor.name, display.textCell(i.result.position.planVND),
                    display.textCell(i.result.position.disbursedVND), display.percent(i.result.rate)]
                   + compare.cells(now: i.result.position, .investor(i.investor), amount: display.signedTextCell)
                   + [Words.standing(i.standing, L), "\(i.projectsBelow)/\(i.projectCount)", "\(i.projectsAtRisk)",
                      display.textCell(i.shortfallVND), display.textCell(i.result.remainingVND),
                      i.result.risk.map { Words.status(CheckpointStatusText.from($0.status), L) } ?? "—"])
        }
        out += it.render()
        let average = display.percent(e.provinceAverageRate)
        if case .province = scope, e.investors.count > 1 {
            let s = e.ranking
            var line = L.t("\(s.above)/\(e.investors.count) chủ đầu tư trên mức bình quân toàn tỉnh (\(average)), \(s.equal) bằng, \(s.below) dưới",
                           "\(s.above) of \(e.investors.count) investors are above the provincial average of \(average), \(s.equal) equal to it, \(s.below) below")
            let unrated = e.investors.count - s.above - s.equal - s.below
            if unrated > 0 { line += L.t(", \(unrated) chưa có kế hoạch", ", \(unrated) without a plan") }
            out += "  " + line + ".\n"
            if let lines = belowLines(e, display) { out += "  " + lines + "\n" }
        } else if case .investor = scope {
            out += "  " + L.t("Bình quân toàn tỉnh: \(average)", "Provincial average: \(average)") + "\n"
        }
        let zero = e.investors.filter { $0.result.position.planVND > 0 && $0.result.position.disbursedVND <= 0 }
        if !zero.isEmpty {
            out += "  " + L.t("Chủ đầu tư chưa giải ngân (0%): ", "Investors at 0%: ") + zero.map(\.investor.name).joined(separator: "; ") + "\n"
        }
        return out
    }

    /// "Dưới các ngưỡng: 2 chủ đầu tư dưới 25%; 3 chủ đầu tư dưới 50%." for the rules' lines; nil
    /// without lines.
    static func belowLines(_ e: Evaluation, _ display: Display) -> String? {
        let L = display.lang
        let lines = e.ranking.belowLines
        guard !lines.isEmpty else { return nil }
        let parts = lines.map { line in
            L.t("\(line.count) chủ đầu tư dưới \(Format.threshold(line.threshold, L))",
                "\(line.count) investor\(line.count == 1 ? "" : "s") below \(Format.threshold(line.threshold, L))")
        }
        return L.t("Dưới các ngưỡng: ", "Below the lines: ") + parts.joined(separator: "; ") + "."
    }
}
