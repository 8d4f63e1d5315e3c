import GiaiNganCore

/// The terminal report: what a DPI officer reads. Vietnamese by default.
///
/// Sections: the headline against each checkpoint (with the same day last year and the change
/// since the last report when the evaluation carries them, what is left to disburse, and each
/// tranche reported apart), the denominators side by side (province only, when an envelope was
/// imported), class groups, figures by fund source, investors ranked as the evaluation ranks
/// them against the provincial average, key projects, projects that missed or are at risk, and
/// warnings grouped by severity with their figures. Rates and amounts follow the rule set's
/// display conventions (`Display`).
public enum TextReport {
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        let display = Display(rules: e.rules, lang: lang)
        // The warnings' sentences are a large part of the work: made on a second thread while
        // the tables are.
        let warnings = Background { warningsSection(e, display) }
        let compare = ComparisonColumns(e, display: display)
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
            out += L.t("Phạm vi: chủ đầu tư \(id.name) · bình quân toàn tỉnh \(display.percent(e.provinceAverageRate))",
                       "Scope: investor \(id.name) · provincial average \(display.percent(e.provinceAverageRate))") + "\n"
        }
        out += L.t("Đường dự báo theo mùa: ", "Seasonal profile: ") + Words.profile(e.profile, L) + "\n"
        if let note = display.amountNote { out += note + "\n" }
        if display.conventions.rateDecimals != 2 || display.conventions.rounding != .truncate { out += display.roundingNote + "\n" }
        out += "\n"
        if let empty = Words.emptyYear(e, L) { out += empty + "\n\n" }

        // MARK: Headline
        let title: String
        if case .investor(let id) = scope { title = id.name.uppercased() } else { title = L.t("TOÀN TỈNH", "PROVINCE") }
        out += title + "\n"
        let subject: ComparedSubject = scope.investor.map { .investor($0) } ?? .province
        out += headline(e.province, e, display, compare: compare.sentences(now: e.province.position, subject))
        out += checkpointTable(e.province, display)
        let g = e.annualGoal
        var goal = L.t("  Mục tiêu cả năm: ≥ \(Format.threshold(g.threshold, L)) đến \(Format.date(g.date, L)): \(Words.status(g.status, L))",
                       "  Annual goal: ≥ \(Format.threshold(g.threshold, L)) by \(Format.date(g.date, L)): \(Words.status(g.status, L))")
        if let at = g.atDate { goal += " (\(display.percent(at.rate)))" }
        if let r = g.risk, r.status != .onTrack { goal += " — " + Messages.reason(r, display) }
        out += goal + "\n\n"

        // MARK: Denominators (the province's own figures: never in an investor's view)
        if scope.investor == nil, let envelope = e.envelope { out += envelopeSection(envelope, e, display) + "\n" }

        // MARK: Classes
        if !e.groups.isEmpty {
            out += L.t("THEO NHÓM DỰ ÁN", "BY CLASS") + "\n"
            let comparisons = compare.headings(amountHeading: display.textHeading)
            var t = TextTable(headers: [L.t("Nhóm", "Class"), L.t("Số DA", "Projects"), display.textHeading(L.t("Kế hoạch", "Plan")),
                                        display.textHeading(L.t("Đã giải ngân", "Disbursed")), L.t("Tỷ lệ", "Rate")]
                                       + comparisons
                                       + [display.textHeading(L.t("Còn thiếu", "Shortfall")),
                                          display.textHeading(L.t("Còn lại", "Remaining"))]
                                       + e.rules.checkpoints.map(\.name),
                              aligns: [.left, .right, .right, .right, .right] + comparisons.map { _ in .right } + [.right, .right]
                                      + e.rules.checkpoints.map { _ in .left })
            for grp in e.groups {
                let r = grp.result
                t.add([Words.projectClass(grp.projectClass, L), "\(grp.projectCount)",
                       display.textCell(r.position.planVND), display.textCell(r.position.disbursedVND), display.percent(r.rate)]
                      + compare.cells(now: r.position, .group(grp.projectClass), amount: display.signedTextCell)
                      + [display.textCell(r.shortfallVND), display.textCell(r.remainingVND)]
                      + r.checkpoints.map { "\(Format.threshold($0.threshold, L)) \(Words.status($0.status, L))" })
            }
            out += t.render() + "\n"
        }

        // MARK: Former provinces (after giaingan merge)
        if scope.investor == nil, let parts = try? e.formerProvinces(), !parts.isEmpty {
            out += L.t("THEO TỈNH CŨ", "BY FORMER PROVINCE") + "\n"
            var t = TextTable(headers: [L.t("Tỉnh cũ", "Former province"), L.t("Số DA", "Projects"),
                                        display.textHeading(L.t("Kế hoạch", "Plan")), display.textHeading(L.t("Đã giải ngân", "Disbursed")),
                                        L.t("Tỷ lệ", "Rate")],
                              aligns: [.left, .right, .right, .right, .right])
            for p in parts {
                t.add([p.formerProvince ?? L.t("(tỉnh này)", "(this province)"), "\(p.projectCount)", display.textCell(p.position.planVND),
                       display.textCell(p.position.disbursedVND), display.percent(p.position.rate)])
            }
            out += t.render() + "\n"
        }

        // MARK: Fund sources
        out += fundSourcesSection(e, display, scope: scope)

        // MARK: Investors
        out += InvestorRanking.render(e, lang: L, scope: scope) + "\n"
        let lineages = LineageText.lines(e, L)
        if !lineages.isEmpty {
            out += LineageText.title(L).uppercased() + "\n" + lineages.map { "  " + $0 + "\n" }.joined() + "\n"
        }
        if scope.investor == nil, e.province.fundSources.count > 1, !e.investors.isEmpty {
            out += investorFundSources(e, display) + "\n"
        }

        // MARK: Key projects
        out += keyProjectsSection(e, display, scope: scope)
        out += scheduleSection(e, display)

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
                                         L.t("Nhóm", "Class"), display.textHeading(L.t("Kế hoạch", "Plan")), L.t("Tỷ lệ", "Rate"),
                                         L.t("Mốc vừa qua", "Last checkpoint"), L.t("Mốc tới", "Next checkpoint"),
                                         display.textHeading(L.t("Còn thiếu", "Shortfall")),
                                         display.textHeading(L.t("Còn lại", "Remaining"))],
                               aligns: [.left, .left, .left, .left, .right, .right, .left, .left, .right, .right], maxWidth: 34)
            for p in flagged {
                let last = p.result.lastPassed.map { "\($0.checkpoint.name) \(Words.status($0.status, L))" } ?? "—"
                let next = p.result.risk.map { "\($0.checkpointName) \(Words.status(CheckpointStatusText.from($0.status), L))" } ?? "—"
                pt.add([p.project.code, p.project.name, p.project.investor.name, Words.projectClass(p.projectClass, L),
                        display.textCell(p.result.position.planVND), display.percent(p.result.rate), last, next,
                        display.textCell(p.result.shortfallVND), display.textCell(p.result.remainingVND)])
            }
            out += pt.render() + "\n"
        }

        out += warnings.result()
        return out
    }

    /// The warnings, grouped by severity, each with its sentence.
    static func warningsSection(_ e: Evaluation, _ display: Display) -> String {
        let L = display.lang
        var out = ""
        let names = Dictionary(e.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        out += L.t("CẢNH BÁO (\(e.warnings.count))", "WARNINGS (\(e.warnings.count))") + "\n"
        for severity in Severity.allCases {
            let ws = e.warnings.filter { $0.severity == severity }
            guard !ws.isEmpty else { continue }
            out += "  \(Words.severity(severity, L)) (\(ws.count))\n"
            for w in ws { out += "  - [\(w.code.rawValue)] " + Messages.warning(w, display, names: names) + "\n" }
        }
        if e.warnings.isEmpty { out += "  " + L.t("Không có cảnh báo.", "No warnings.") + "\n" }
        return out
    }

    /// The headline's figures: plan, disbursed and rate, the comparisons, what is left to
    /// disburse beside the shortfall to the next checkpoint, advances, and each tranche apart.
    static func headline(_ r: SubjectResult, _ e: Evaluation, _ display: Display, compare: [String]) -> String {
        let L = display.lang
        var s = L.t("  Kế hoạch vốn: \(Format.vnd(r.position.planVND, L)) đồng (\(display.brief(r.position.planVND)))\n",
                    "  Plan: \(Format.vnd(r.position.planVND, L)) VND (\(display.brief(r.position.planVND)))\n")
        s += L.t("  Đã giải ngân: \(Format.vnd(r.position.disbursedVND, L)) đồng (\(display.brief(r.position.disbursedVND))) — \(display.percent(r.rate))\n",
                 "  Disbursed: \(Format.vnd(r.position.disbursedVND, L)) VND (\(display.brief(r.position.disbursedVND))) — \(display.percent(r.rate))\n")
        for sentence in compare { s += "  \(sentence)\n" }
        var remaining = L.t("  Còn lại chưa giải ngân: \(Format.vnd(r.remainingVND, L)) đồng (\(display.brief(r.remainingVND)))",
                            "  Left to disburse: \(Format.vnd(r.remainingVND, L)) VND (\(display.brief(r.remainingVND)))")
        if let shortfall = shortfallPhrase(r, display) { remaining += "; " + shortfall }
        s += remaining + "\n"
        if r.position.outstandingAdvanceVND != 0 {
            s += L.t("  Tạm ứng chưa thu hồi: \(Format.vnd(r.position.outstandingAdvanceVND, L)) đồng\n",
                     "  Outstanding advances: \(Format.vnd(r.position.outstandingAdvanceVND, L)) VND\n")
        }
        for (tranche, p) in r.apart(e.rules) where p != .zero {
            let name = tranche == .carriedOver ? L.t("Vốn kéo dài", "Carried-over capital") : L.t("Vốn ứng trước", "Advance-plan capital")
            s += L.t("  \(name) (báo cáo riêng): kế hoạch \(display.brief(p.planVND)), đã giải ngân \(display.brief(p.disbursedVND)) — \(display.percent(p.rate))\n",
                     "  \(name) (reported apart): plan \(display.brief(p.planVND)), disbursed \(display.brief(p.disbursedVND)) — \(display.percent(p.rate))\n")
        }
        return s
    }

    /// "cần thêm 1,05 tỷ để đạt Q2 (≥ 50%)", or the shortfall left at the last checkpoint when
    /// none is ahead; nil when nothing is short.
    static func shortfallPhrase(_ r: SubjectResult, _ display: Display) -> String? {
        let L = display.lang
        if let risk = r.risk {
            guard risk.shortfallVND > 0 else { return nil }
            let cp = Messages.checkpointLabel(risk.checkpointName, L)
            return L.t("cần thêm \(display.brief(risk.shortfallVND)) để đạt \(cp) (≥ \(Format.threshold(risk.threshold, L)))",
                       "\(display.brief(risk.shortfallVND)) still needed for \(cp) (≥ \(Format.threshold(risk.threshold, L)))")
        }
        guard let last = r.lastPassed, r.shortfallVND > 0 else { return nil }
        return L.t("còn thiếu \(display.brief(r.shortfallVND)) tại mốc \(last.checkpoint.name)",
                   "short by \(display.brief(r.shortfallVND)) at \(last.checkpoint.name)")
    }

    static func checkpointTable(_ r: SubjectResult, _ display: Display) -> String {
        let L = display.lang
        var t = TextTable(headers: [L.t("Mốc", "Checkpoint"), L.t("Ngày", "Date"), L.t("Ngưỡng", "Threshold"),
                                    L.t("Tình trạng", "Status"), display.textHeading(L.t("Số liệu", "Figures"))],
                          aligns: [.left, .left, .right, .left, .left], maxWidth: 140)
        for c in r.checkpoints {
            var figures = ""
            if let at = c.atCheckpoint {
                figures = L.t("\(display.textCell(at.disbursedVND))/\(display.textCell(at.planVND)) = \(display.percent(at.rate))",
                              "\(display.textCell(at.disbursedVND)) of \(display.textCell(at.planVND)) = \(display.percent(at.rate))")
            } else if let risk = c.risk {
                figures = Messages.reason(risk, display)
            }
            t.add([c.checkpoint.name, Format.date(c.checkpoint.date, L), "≥ " + Format.threshold(c.threshold, L),
                   Words.status(c.status, L), figures])
        }
        return t.render()
    }

    // MARK: - New sections

    /// The denominators in use side by side: the total, one denominator a row, then each fund source.
    static func envelopeSection(_ f: EnvelopeFigures, _ e: Evaluation, _ display: Display) -> String {
        let L = display.lang
        var out = L.t("KẾ HOẠCH VỐN ĐƯỢC GIAO VÀ CÁC MẪU SỐ", "ASSIGNED PLAN AND THE DENOMINATORS") + "\n"
        var t = TextTable(headers: [L.t("Mẫu số", "Denominator"), display.textHeading(L.t("Kế hoạch", "Plan")),
                                    L.t("Tỷ lệ giải ngân", "Rate")],
                          aligns: [.left, .right, .right], maxWidth: 80)
        for row in EnvelopeRows.denominators(f.total, e.rules, L) {
            t.add([row.label, display.textCell(row.amountVND), row.rate.map(display.percent) ?? ""])
        }
        out += t.render()
        let headings = EnvelopeRows.headings(e.rules, L, amount: display.textHeading)
        var sources = TextTable(headers: headings, aligns: [.left] + Array(repeating: .right, count: headings.count - 1))
        for row in f.byFundSource {
            sources.add([Words.fundSource(row.fundSource ?? "", L)] + EnvelopeRows.cells(row, e.rules, display, amount: display.textCell))
        }
        sources.add([L.t("Cộng", "Total")] + EnvelopeRows.cells(f.total, e.rules, display, amount: display.textCell))
        out += "  " + L.t("Theo nguồn vốn:", "By fund source:") + "\n" + sources.render()
        return out
    }

    /// One subject's counted figures per fund source with a total row equal to its totals.
    static func fundSourceTable(_ r: SubjectResult, _ display: Display) -> String {
        let L = display.lang
        var t = TextTable(headers: [L.t("Nguồn vốn", "Fund source"), display.textHeading(L.t("Kế hoạch", "Plan")),
                                    display.textHeading(L.t("Đã giải ngân", "Disbursed")), L.t("Tỷ lệ", "Rate"),
                                    display.textHeading(L.t("Còn lại", "Remaining"))],
                          aligns: [.left, .right, .right, .right, .right])
        for part in r.fundSources {
            t.add([Words.fundSource(part.fundSource, L), display.textCell(part.position.planVND),
                   display.textCell(part.position.disbursedVND), display.percent(part.position.rate),
                   display.textCell(part.remainingVND)])
        }
        t.add([L.t("Cộng", "Total"), display.textCell(r.position.planVND), display.textCell(r.position.disbursedVND),
               display.percent(r.rate), display.textCell(r.remainingVND)])
        return t.render()
    }

    /// The scope's total by fund source and, when there is more than one source, each class's.
    static func fundSourcesSection(_ e: Evaluation, _ display: Display, scope: ReportScope) -> String {
        let L = display.lang
        guard !e.province.fundSources.isEmpty else { return "" }
        var out = L.t("THEO NGUỒN VỐN", "BY FUND SOURCE") + "\n"
        out += "  " + (scope.investor?.name ?? L.t("Toàn tỉnh", "Province")) + "\n"
        out += fundSourceTable(e.province, display)
        if e.province.fundSources.count > 1 {
            for g in e.groups {
                out += "  " + L.t("Nhóm ", "Class: ") + Words.projectClass(g.projectClass, L) + "\n"
                out += fundSourceTable(g.result, display)
            }
        }
        return out + "\n"
    }

    /// Every investor's parts, in the ranking's order: one row per investor and fund source,
    /// the name on its first row.
    static func investorFundSources(_ e: Evaluation, _ display: Display) -> String {
        let L = display.lang
        var out = L.t("CHỦ ĐẦU TƯ THEO NGUỒN VỐN", "INVESTORS BY FUND SOURCE") + "\n"
        var t = TextTable(headers: ["#", L.t("Chủ đầu tư", "Investor"), L.t("Nguồn vốn", "Fund source"),
                                    display.textHeading(L.t("Kế hoạch", "Plan")), display.textHeading(L.t("Đã GN", "Disbursed")),
                                    L.t("Tỷ lệ", "Rate"), display.textHeading(L.t("Còn lại", "Remaining"))],
                          aligns: [.right, .left, .left, .right, .right, .right, .right])
        for (n, i) in e.investors.enumerated() {
            for (k, part) in i.result.fundSources.enumerated() {
                t.add([k == 0 ? "\(n + 1)" : "", k == 0 ? i.investor.name : "", Words.fundSource(part.fundSource, L),
                       display.textCell(part.position.planVND), display.textCell(part.position.disbursedVND),
                       display.percent(part.position.rate), display.textCell(part.remainingVND)])
            }
        }
        return out + t.render()
    }

    /// Key projects with their share of the plan (the province's, or in an investor's view its own).
    static func keyProjectsSection(_ e: Evaluation, _ display: Display, scope: ReportScope) -> String {
        let L = display.lang
        let keys = e.keyProjects.filter { k in scope.investor.map { k.project.project.investor == $0 } ?? true }
        guard !keys.isEmpty else { return "" }
        var out = L.t("DỰ ÁN TRỌNG ĐIỂM (\(keys.count))", "KEY PROJECTS (\(keys.count))") + "\n"
        let province = scope.investor == nil
        var t = TextTable(headers: [L.t("Mã DA", "Code"), L.t("Tên dự án", "Project")]
                                   + (province ? [L.t("Chủ đầu tư", "Investor")] : [])
                                   + [display.textHeading(L.t("Kế hoạch", "Plan")), display.textHeading(L.t("Đã GN", "Disbursed")),
                                      L.t("Tỷ lệ", "Rate"),
                                      province ? L.t("Tỷ trọng KH toàn tỉnh", "Share of province's plan")
                                               : L.t("Tỷ trọng KH của chủ đầu tư", "Share of investor's plan")],
                          aligns: [.left, .left] + (province ? [.left] : []) + [.right, .right, .right, .right], maxWidth: 34)
        for k in keys {
            let p = k.project
            t.add([p.project.code, p.project.name] + (province ? [p.project.investor.name] : [])
                  + [display.textCell(p.result.position.planVND), display.textCell(p.result.position.disbursedVND),
                     display.percent(p.result.rate), display.share(k.shareOfPlan)])
        }
        return out + t.render() + "\n"
    }
}

/// Maps a risk status to the checkpoint status words.
enum CheckpointStatusText {
    static func from(_ r: RiskStatus) -> CheckpointStatus {
        switch r { case .onTrack: .onTrack; case .atRisk: .atRisk; case .offTrack: .offTrack }
    }
}
