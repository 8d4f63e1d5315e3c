import GiaiNganCore

/// The investors table: ranked by shortfall, against the provincial average, investors at 0% named.
public enum InvestorRanking {
    public static func render(_ e: Evaluation, lang L: Language, scope: ReportScope = .province) -> String {
        var out = L.t("CHỦ ĐẦU TƯ (xếp theo số còn thiếu tới mốc kế tiếp)", "INVESTORS (ranked by shortfall to the next checkpoint)") + "\n"
        var it = TextTable(headers: ["#", L.t("Chủ đầu tư", "Investor"), L.t("Kế hoạch", "Plan"), L.t("Đã GN", "Disbursed"),
                                     L.t("Tỷ lệ", "Rate"), L.t("So với BQ", "vs average"), L.t("DA dưới ngưỡng", "Below"),
                                     L.t("DA nguy cơ", "At risk"), L.t("Còn thiếu", "Shortfall"), L.t("Tình trạng", "Status")],
                           aligns: [.right, .left, .right, .right, .right, .left, .right, .right, .right, .left])
        for (n, i) in e.investors.enumerated() {
            let vs = i.aboveProvinceAverage.map { $0 ? L.t("trên", "above") : L.t("dưới", "below") } ?? "—"
            it.add(["\(n + 1)", i.investor.name, Format.billions(i.result.position.planVND, L),
                    Format.billions(i.result.position.disbursedVND, L), Format.percent(i.result.rate, L), vs,
                    "\(i.projectsBelow)/\(i.projectCount)", "\(i.projectsAtRisk)", Format.billions(i.shortfallVND, L),
                    i.result.risk.map { Words.status(CheckpointStatusText.from($0.status), L) } ?? "—"])
        }
        out += it.render()
        if case .province = scope, e.investors.count > 1 {
            let above = e.investors.filter { $0.aboveProvinceAverage == true }.count
            out += "  " + L.t("\(above)/\(e.investors.count) chủ đầu tư trên mức bình quân toàn tỉnh (\(Format.percent(e.provinceAverageRate, L))), \(e.investors.count - above) ở mức bằng hoặc dưới.",
                              "\(above) of \(e.investors.count) investors are above the provincial average of \(Format.percent(e.provinceAverageRate, L)), \(e.investors.count - above) at or below.") + "\n"
        } else if case .investor = scope {
            out += "  " + L.t("Bình quân toàn tỉnh: \(Format.percent(e.provinceAverageRate, L))",
                              "Provincial average: \(Format.percent(e.provinceAverageRate, L))") + "\n"
        }
        let zero = e.investors.filter { $0.result.position.planVND > 0 && $0.result.position.disbursedVND <= 0 }
        if !zero.isEmpty {
            out += "  " + L.t("Chủ đầu tư chưa giải ngân (0%): ", "Investors at 0%: ") + zero.map(\.investor.name).joined(separator: "; ") + "\n"
        }
        return out
    }
}
