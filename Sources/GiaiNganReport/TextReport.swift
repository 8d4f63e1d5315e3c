import GiaiNganCore

/// The terminal report: what a DPI officer reads. Vietnamese by default.
///
/// Sections: the headline against each checkpoint, carried-over capital apart, class groups,
/// investors ranked by shortfall against the provincial average, projects that missed or are at
/// risk, and warnings grouped by severity with their figures.
public enum TextReport {
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        // The warnings' sentences are a large part of the work: made on a second thread while
        // the tables are.
        let warnings = Background { warningsSection(e, lang) }
        var out = ""
        let L = lang
        out += L.t("BÁO CÁO GIẢI NGÂN VỐN ĐẦU TƯ CÔNG — KẾ HOẠCH NĂM \(e.planYear)",
                   "PUBLIC INVESTMENT DISBURSEMENT — PLAN YEAR \(e.planYear)") + "\n"
        out += L.t("Số liệu đến ngày \(Format.date(e.asOf, L)) · Quy định: \(Words.rules(e.rules, L))",
                   "As of \(Format.date(e.asOf, L)) · Rules: \(Words.rules(e.rules, L))") + "\n"
        switch scope {
        case .province:
            out += (Words.province(e.rules).map { L.t("Phạm vi: toàn tỉnh \($0)", "Scope: the province of \($0)") }
                ?? L.t("Phạm vi: toàn tỉnh", "Scope: the whole province")) + "\n"
        case .investor(let id):
            out += L.t("Phạm vi: chủ đầu tư \(id.name) · bình quân toàn tỉnh \(Format.percent(e.provinceAverageRate, L))",
                       "Scope: investor \(id.name) · provincial average \(Format.percent(e.provinceAverageRate, L))") + "\n"
        }
        out += L.t("Đường dự báo theo mùa: ", "Seasonal profile: ") + Words.profile(e.profile, L) + "\n\n"
        if let empty = Words.emptyYear(e, L) { out += empty + "\n\n" }

        // MARK: Headline
        let title: String
        if case .investor(let id) = scope { title = id.name.uppercased() } else { title = L.t("TOÀN TỈNH", "PROVINCE") }
        out += title + "\n"
        out += headline(e.province, L)
        out += checkpointTable(e.province, L)
        let g = e.annualGoal
        var goal = L.t("  Mục tiêu cả năm: ≥ \(Format.threshold(g.threshold, L)) đến \(Format.date(g.date, L)): \(Words.status(g.status, L))",
                       "  Annual goal: ≥ \(Format.threshold(g.threshold, L)) by \(Format.date(g.date, L)): \(Words.status(g.status, L))")
        if let at = g.atDate { goal += " (\(Format.percent(at.rate, L)))" }
        if let r = g.risk, r.status != .onTrack { goal += " — " + Messages.reason(r, L) }
        out += goal + "\n\n"

        // MARK: Classes
        if !e.groups.isEmpty {
            out += L.t("THEO NHÓM DỰ ÁN", "BY CLASS") + "\n"
            var t = TextTable(headers: [L.t("Nhóm", "Class"), L.t("Số DA", "Projects"), L.t("Kế hoạch", "Plan"),
                                        L.t("Đã giải ngân", "Disbursed"), L.t("Tỷ lệ", "Rate")]
                                       + e.rules.checkpoints.map(\.name),
                              aligns: [.left, .right, .right, .right, .right] + e.rules.checkpoints.map { _ in .left })
            for grp in e.groups {
                t.add([Words.projectClass(grp.projectClass, L), "\(grp.projectCount)",
                       Format.billions(grp.result.position.planVND, L), Format.billions(grp.result.position.disbursedVND, L),
                       Format.percent(grp.result.rate, L)]
                      + grp.result.checkpoints.map { "\(Format.threshold($0.threshold, L)) \(Words.status($0.status, L))" })
            }
            out += t.render() + "\n"
        }

        // MARK: Investors
        out += InvestorRanking.render(e, lang: L, scope: scope) + "\n"

        // MARK: Projects needing attention
        // The province lists the projects that need attention; an investor's view lists all its own.
        var own = false
        if case .investor = scope { own = true }
        let flagged = own ? e.projects : e.projects.filter { p in
            (p.result.lastPassed?.status == .missed) || (p.result.risk.map { $0.status != .onTrack } ?? false)
        }
        if own {
            out += L.t("CÁC DỰ ÁN (\(e.projects.count))", "PROJECTS (\(e.projects.count))") + "\n"
        } else {
            out += L.t("DỰ ÁN KHÔNG ĐẠT HOẶC CÓ NGUY CƠ (\(flagged.count)/\(e.projects.count))",
                       "PROJECTS THAT MISSED OR ARE AT RISK (\(flagged.count) of \(e.projects.count))") + "\n"
        }
        if flagged.isEmpty {
            out += "  " + L.t("Không có.", "None.") + "\n\n"
        } else {
            var pt = TextTable(headers: [L.t("Mã DA", "Code"), L.t("Tên dự án", "Project"), L.t("Chủ đầu tư", "Investor"),
                                         L.t("Nhóm", "Class"), L.t("Kế hoạch", "Plan"), L.t("Tỷ lệ", "Rate"),
                                         L.t("Mốc vừa qua", "Last checkpoint"), L.t("Mốc tới", "Next checkpoint")],
                               aligns: [.left, .left, .left, .left, .right, .right, .left, .left], maxWidth: 34)
            for p in flagged {
                let last = p.result.lastPassed.map { "\($0.checkpoint.name) \(Words.status($0.status, L))" } ?? "—"
                let next = p.result.risk.map { "\($0.checkpointName) \(Words.status(CheckpointStatusText.from($0.status), L))" } ?? "—"
                pt.add([p.project.code, p.project.name, p.project.investor.name, Words.projectClass(p.projectClass, L),
                        Format.billions(p.result.position.planVND, L), Format.percent(p.result.rate, L), last, next])
            }
            out += pt.render() + "\n"
        }

        out += warnings.result()
        return out
    }

    /// The warnings, grouped by severity, each with its sentence.
    static func warningsSection(_ e: Evaluation, _ L: Language) -> String {
        var out = ""
        let names = Dictionary(e.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        out += L.t("CẢNH BÁO (\(e.warnings.count))", "WARNINGS (\(e.warnings.count))") + "\n"
        for severity in Severity.allCases {
            let ws = e.warnings.filter { $0.severity == severity }
            guard !ws.isEmpty else { continue }
            out += "  \(Words.severity(severity, L)) (\(ws.count))\n"
            for w in ws { out += "  - [\(w.code.rawValue)] " + Messages.warning(w, L, names: names) + "\n" }
        }
        if e.warnings.isEmpty { out += "  " + L.t("Không có cảnh báo.", "No warnings.") + "\n" }
        return out
    }

    static func headline(_ r: SubjectResult, _ L: Language) -> String {
        var s = L.t("  Kế hoạch vốn: \(Format.vnd(r.position.planVND, L)) đồng (\(Format.billions(r.position.planVND, L)))\n",
                    "  Plan: \(Format.vnd(r.position.planVND, L)) VND (\(Format.billions(r.position.planVND, L)))\n")
        s += L.t("  Đã giải ngân: \(Format.vnd(r.position.disbursedVND, L)) đồng (\(Format.billions(r.position.disbursedVND, L))) — \(Format.percent(r.rate, L))\n",
                 "  Disbursed: \(Format.vnd(r.position.disbursedVND, L)) VND (\(Format.billions(r.position.disbursedVND, L))) — \(Format.percent(r.rate, L))\n")
        if r.position.outstandingAdvanceVND != 0 {
            s += L.t("  Tạm ứng chưa thu hồi: \(Format.vnd(r.position.outstandingAdvanceVND, L)) đồng\n",
                     "  Outstanding advances: \(Format.vnd(r.position.outstandingAdvanceVND, L)) VND\n")
        }
        if r.uncounted.planVND != 0 || r.uncounted.disbursedVND != 0 {
            s += L.t("  Vốn kéo dài (báo cáo riêng): kế hoạch \(Format.billions(r.uncounted.planVND, L)), đã giải ngân \(Format.billions(r.uncounted.disbursedVND, L)) — \(Format.percent(r.uncounted.rate, L))\n",
                     "  Carried-over capital (reported apart): plan \(Format.billions(r.uncounted.planVND, L)), disbursed \(Format.billions(r.uncounted.disbursedVND, L)) — \(Format.percent(r.uncounted.rate, L))\n")
        }
        return s
    }

    static func checkpointTable(_ r: SubjectResult, _ L: Language) -> String {
        var t = TextTable(headers: [L.t("Mốc", "Checkpoint"), L.t("Ngày", "Date"), L.t("Ngưỡng", "Threshold"),
                                    L.t("Tình trạng", "Status"), L.t("Số liệu", "Figures")],
                          aligns: [.left, .left, .right, .left, .left], maxWidth: 140)
        for c in r.checkpoints {
            var figures = ""
            if let at = c.atCheckpoint {
                figures = L.t("\(Format.billions(at.disbursedVND, L))/\(Format.billions(at.planVND, L)) = \(Format.percent(at.rate, L))",
                              "\(Format.billions(at.disbursedVND, L)) of \(Format.billions(at.planVND, L)) = \(Format.percent(at.rate, L))")
            } else if let risk = c.risk {
                figures = Messages.reason(risk, L)
            }
            t.add([c.checkpoint.name, Format.date(c.checkpoint.date, L), "≥ " + Format.threshold(c.threshold, L),
                   Words.status(c.status, L), figures])
        }
        return t.render()
    }
}

/// Maps a risk status to the checkpoint status words.
enum CheckpointStatusText {
    static func from(_ r: RiskStatus) -> CheckpointStatus {
        switch r { case .onTrack: .onTrack; case .atRisk: .atRisk; case .offTrack: .offTrack }
    }
}
