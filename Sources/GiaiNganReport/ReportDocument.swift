import GiaiNganCore

// What a human-readable report says, kept apart from how it is drawn: `HTMLReport` and
// `MarkdownReport` render the same `ReportDocument`, so the two formats cannot drift apart.

// MARK: - Document model

/// A report as format-free sections of headings, paragraphs, tables, lists and charts.
struct ReportDocument {
    var language: Language
    var title: String
    /// Lines under the title: as-of date, plan year, rules.
    var subtitle: [String]
    var sections: [ReportSection]
    /// Small print at the end: rounding, risk model, plan basis.
    var notes: [String]
}

/// One titled section of a report.
struct ReportSection {
    /// A stable ASCII anchor for HTML (`headline`, `investors`, …).
    var id: String
    var title: String
    var blocks: [ReportBlock]
}

/// A piece of a section. All text is plain: each renderer escapes it for its format.
enum ReportBlock {
    case subheading(String)
    case paragraph(String)
    case table(ReportTable)
    case list([String])
    /// One wide chart (the headline subject).
    case chart(ChartSpec)
    /// Small charts side by side (one per investor) under their own subheading; formats
    /// without charts leave out both.
    case chartGrid(title: String, charts: [ChartSpec])
}

struct ReportTable {
    var columns: [ReportColumn]
    /// Every row has exactly `columns.count` cells.
    var rows: [[ReportCell]]
    /// The last column holds a sentence about its row. HTML sets it on a full-width line under
    /// the row (a narrow column would squeeze it, and the table would not fit an A4 page);
    /// Markdown keeps it as a column.
    var lastColumnIsRowNote: Bool

    init(columns: [ReportColumn], rows: [[ReportCell]], lastColumnIsRowNote: Bool = false) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "a table row has one cell per column")
        self.columns = columns
        self.rows = rows
        self.lastColumnIsRowNote = lastColumnIsRowNote
    }
}

struct ReportColumn {
    /// How a column's cells flow: HTML gives each a width rule so that wide tables scroll
    /// sideways rather than squeeze sentences into a few letters a line.
    enum Style: String {
        /// Right-aligned, never wrapped.
        case number
        /// Short words kept on one line: codes, dates, statuses.
        case label
        /// A name: wraps, but keeps a readable width.
        case name
        /// A sentence: wraps at a generous width.
        case prose
        /// Anything else.
        case text
    }

    var title: String
    var style: Style

    init(_ title: String, _ style: Style = .text) {
        self.title = title
        self.style = style
    }

    var numeric: Bool { style == .number }
}

/// How a cell reads at a glance; the text always says it too, so nothing depends on colour.
enum Tone: String {
    case plain, good, attention, bad, muted

    init(_ status: CheckpointStatus) {
        switch status {
        case .met, .onTrack: self = .good
        case .atRisk: self = .attention
        case .missed, .offTrack: self = .bad
        case .pending, .noPlan: self = .muted
        }
    }
}

struct ReportCell {
    var text: String
    var tone: Tone

    init(_ text: String, tone: Tone = .plain) {
        self.text = text
        self.tone = tone
    }
}

// MARK: - Building the document

/// Decides what a report about `evaluation` in `scope` says, in `lang`.
struct ReportContent {
    let e: Evaluation
    let lang: Language
    let scope: ReportScope
    /// How rates and amounts are shown: the rule set's display conventions.
    let display: Display
    let compare: ComparisonColumns

    /// The subject of the headline: the scope's total.
    let headline: SubjectResult
    /// Whose comparisons the headline looks up.
    let headlineSubject: ComparedSubject
    /// The headline's name: the province, or the investor.
    let label: String
    /// Investors in scope, in the evaluation's order (by rate unless it was asked by shortfall).
    let investors: [InvestorResult]
    /// Projects in scope, ordered by investor then code.
    let projects: [ProjectResult]
    /// Warnings in scope, in the evaluation's order (severity, then subject).
    let warnings: [Warning]
    /// Project code → name, for warning sentences.
    let names: [String: String]
    /// The most projects, warnings per severity, investors and investor charts a page lists (nil: all).
    let limit: Int?

    init(_ e: Evaluation, lang: Language, scope: ReportScope, limit: Int? = nil) {
        self.e = e
        self.lang = lang
        self.scope = scope
        self.limit = limit
        display = Display(rules: e.rules, lang: lang)
        compare = ComparisonColumns(e, display: display)
        if let id = scope.investor {
            // The caller has already narrowed the evaluation to this investor; filtering again
            // guarantees that nothing about another investor is drawn even if it has not.
            let own = e.investors.filter { $0.investor == id }
            headline = own.first?.result ?? e.province
            headlineSubject = .investor(id)
            label = id.name
            investors = own
            projects = e.projects.filter { $0.project.investor == id }
            warnings = e.warnings.compactMap { ReportContent.scoped($0, to: id) }
        } else {
            headline = e.province
            headlineSubject = .province
            label = Words.province(e.rules) ?? lang.t("toàn tỉnh", "the province")
            investors = e.investors
            projects = e.projects
            warnings = e.warnings
        }
        names = Dictionary(projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The warning as the investor's view shows it, or nil when it does not belong there.
    ///
    /// The scope's total is the investor's own total, so the province-level threshold warnings
    /// repeat the investor's and are dropped; the annual goal is kept under the investor's name.
    static func scoped(_ w: Warning, to id: InvestorID) -> Warning? {
        switch w.subject {
        case .province:
            guard w.code == .annualGoalMissed || w.code == .annualGoalAtRisk else { return nil }
            var relabelled = w
            relabelled.subject = .investor(id)
            relabelled.investor = id
            return relabelled
        case .group:
            return w.investor == nil || w.investor == id ? w : nil
        case .investor, .project:
            return w.investor == id ? w : nil
        }
    }

    /// Builds the whole document.
    func document() -> ReportDocument {
        let y = e.planYear
        let title = lang.t("Báo cáo giải ngân vốn đầu tư công năm \(y)", "Public investment disbursement, plan year \(y)")
            + " — " + (scope.investor == nil ? label : Words.province(e.rules).map { "\(label) (\($0))" } ?? label)
        let subtitle = [
            lang.t("Số liệu đến ngày \(Format.date(e.asOf, lang))", "As of \(Format.date(e.asOf, lang))"),
            lang.t("Năm kế hoạch \(y)", "Plan year \(y)"),
            lang.t("Quy tắc: \(Words.rules(e.rules, lang))", "Rules: \(Words.rules(e.rules, lang))"),
        ] + [Words.emptyYear(e, lang)].compactMap { $0 }
        let notes = [display.roundingNote] + [display.amountNote].compactMap { $0 } + [
            lang.t("Tỷ lệ tính trên: \(e.rules.planBasis).", "Rates divide by: \(e.rules.planBasis)."),
            lang.t("Dự báo nguy cơ theo tiến độ mùa vụ: \(Words.profile(e.profile, lang)).",
                   "Risk projections use the seasonal profile: \(Words.profile(e.profile, lang))."),
            lang.t("Lập bởi GiaiNgan.", "Produced by GiaiNgan."),
        ]
        var sections = [headlineSection()]
        // The envelope is the province's: never in an investor's view.
        if scope.investor == nil, let envelope = e.envelope { sections.append(envelopeSection(envelope)) }
        sections.append(groupsSection())
        if let fundSources = fundSourcesSection() { sections.append(fundSources) }
        sections.append(investorsSection())
        let lineages = LineageText.lines(e, lang)
        if !lineages.isEmpty { sections.append(ReportSection(id: "lineage", title: LineageText.title(lang), blocks: [.list(lineages)])) }
        if let keys = keyProjectsSection() { sections.append(keys) }
        if let schedule = scheduleSection() { sections.append(schedule) }
        sections += [projectsSection(), warningsSection(), carriedOverSection()]
        return ReportDocument(language: lang, title: title, subtitle: subtitle, sections: sections, notes: notes)
    }

    // MARK: - Sections

    func headlineSection() -> ReportSection {
        let p = headline.position
        var facts: [[ReportCell]] = [
            [.init(lang.t("Kế hoạch vốn", "Plan")), .init(amountWithBillions(p.planVND))],
            [.init(lang.t("Đã giải ngân", "Disbursed")), .init(amountWithBillions(p.disbursedVND))],
            [.init(lang.t("Tỷ lệ giải ngân", "Rate")), .init(display.percent(p.rate))],
        ]
        if let lastYear = e.lastYear, let then = lastYear.position(of: headlineSubject) {
            var text = display.percent(then.rate)
            if let points = display.points(now: p.rate, then: then.rate) { text += " (\(points))" }
            facts.append([.init(lang.t("Tỷ lệ ", "Rate on the ") + Words.comparison(lastYear, lang)), .init(text)])
        }
        if let sinceLast = e.sinceLast, let then = sinceLast.position(of: headlineSubject) {
            var text = display.signedAmount(Change(now: p, then: then).disbursedVND) + " " + display.unitName
            if let points = display.points(now: p.rate, then: then.rate) { text += "; \(points)" }
            facts.append([.init(lang.t("Giải ngân thêm từ ", "Disbursed since ") + Words.comparison(sinceLast, lang)), .init(text)])
        }
        facts.append([.init(lang.t("Còn lại chưa giải ngân", "Left to disburse")), .init(amountWithBillions(headline.remainingVND))])
        if let risk = headline.risk {
            facts.append([.init(lang.t("Còn thiếu tới \(Messages.checkpointLabel(risk.checkpointName, lang))",
                                       "Shortfall to \(Messages.checkpointLabel(risk.checkpointName, lang))")),
                          .init(amountWithBillions(risk.shortfallVND))])
        }
        facts += [
            [.init(lang.t("Tạm ứng chưa thu hồi", "Outstanding advances")), .init(amountWithBillions(p.outstandingAdvanceVND))],
            [.init(lang.t("Số dự án", "Projects")), .init(String(projects.count))],
        ]
        if scope.investor != nil {
            var average = display.percent(e.provinceAverageRate)
            if let standing = investors.first?.standing {
                average += lang.t(" (chủ đầu tư \(standingWords(standing)) mức này)", " (the investor is \(standingWords(standing)) it)")
            }
            facts.append([.init(lang.t("Bình quân chung toàn tỉnh", "Provincial average")), .init(average)])
        }
        let factsTable = ReportTable(columns: [ReportColumn(lang.t("Chỉ tiêu", "Figure"), .label),
                                               ReportColumn(lang.t("Giá trị", "Value"), .number)],
                                     rows: facts)

        var rows = headline.checkpoints.map { cp -> [ReportCell] in
            var note = ""
            if let risk = cp.risk {
                note = Messages.reason(risk, display)
            } else if cp.status == .missed, let at = cp.atCheckpoint {
                note = shortBy(max(0, cp.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND))
            }
            return [.init(cp.checkpoint.name), .init(Format.date(cp.checkpoint.date, lang)),
                    .init(Format.threshold(cp.threshold, lang)),
                    .init(Words.status(cp.status, lang), tone: Tone(cp.status))]
                + figuresAt(cp.atCheckpoint) + [.init(note)]
        }
        let goal = e.annualGoal
        var goalNote = goal.risk.map { Messages.reason($0, display) } ?? ""
        if goal.status == .missed, let at = goal.atDate {
            goalNote = shortBy(max(0, goal.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND))
        }
        rows.append([.init(lang.t("Mục tiêu cả năm", "Annual goal")), .init(Format.date(goal.date, lang)),
                     .init(Format.threshold(goal.threshold, lang)),
                     .init(Words.status(goal.status, lang), tone: Tone(goal.status))]
                    + figuresAt(goal.atDate) + [.init(goalNote)])
        let checkpointTable = ReportTable(columns: [
            ReportColumn(lang.t("Mốc", "Checkpoint"), .label), ReportColumn(lang.t("Ngày", "Date"), .label),
            ReportColumn(lang.t("Ngưỡng", "Threshold"), .number), ReportColumn(lang.t("Trạng thái", "Status"), .label),
            ReportColumn(display.heading(lang.t("Kế hoạch tại mốc", "Plan at date")), .number),
            ReportColumn(display.heading(lang.t("Giải ngân tại mốc", "Disbursed at date")), .number),
            ReportColumn(lang.t("Tỷ lệ tại mốc", "Rate at date"), .number),
            ReportColumn(lang.t("Ghi chú", "Note"), .prose),
        ], rows: rows)

        return ReportSection(id: "headline", title: lang.t("Tổng hợp: ", "Headline: ") + label, blocks: [
            .table(factsTable),
            .subheading(lang.t("Các mốc kiểm tra", "Checkpoints")),
            .table(checkpointTable),
            .chart(ChartSpec(title: lang.t("Giải ngân lũy kế, % kế hoạch — ", "Cumulative disbursement, % of plan — ") + label,
                             result: headline, compact: false)),
        ])
    }

    /// The denominators in use side by side, for the province: each denominator of the total
    /// with the rate on it, then the same per fund source with a total row.
    func envelopeSection(_ f: EnvelopeFigures) -> ReportSection {
        let total = EnvelopeRows.denominators(f.total, e.rules, lang).map { row -> [ReportCell] in
            [.init(row.label.trimmingLeadingSpaces), .init(display.amount(row.amountVND)),
             .init(row.rate.map(display.percent) ?? "")]
        }
        let totalTable = ReportTable(columns: [ReportColumn(lang.t("Mẫu số", "Denominator"), .name),
                                               ReportColumn(display.heading(lang.t("Số tiền", "Amount")), .number),
                                               ReportColumn(lang.t("Tỷ lệ giải ngân", "Rate"), .number)], rows: total)
        let headings = EnvelopeRows.headings(e.rules, lang, amount: display.heading)
        let columns = [ReportColumn(headings[0], .label)] + headings.dropFirst().map { ReportColumn($0, .number) }
        var rows = f.byFundSource.map { r -> [ReportCell] in
            [.init(Words.fundSource(r.fundSource ?? "", lang))]
                + EnvelopeRows.cells(r, e.rules, display, amount: display.amount).map { ReportCell($0) }
        }
        rows.append([.init(lang.t("Cộng", "Total"))] + EnvelopeRows.cells(f.total, e.rules, display, amount: display.amount).map { ReportCell($0) })
        var intro = lang.t("Kế hoạch vốn được giao theo \(f.lineCount) dòng quyết định có hiệu lực đến \(Format.date(e.asOf, lang)), đặt cạnh kế hoạch đã phân bổ cho dự án và số đã giải ngân (phần vốn được tính).",
                           "The plan assigned in \(f.lineCount) decision line\(f.lineCount == 1 ? "" : "s") in force on \(Format.date(e.asOf, lang)), beside the plan allocated to projects and the amount disbursed (counted tranches).")
        if e.rules.checkpointBasis != .allocated {
            intro += " " + lang.t("Các mốc của toàn tỉnh được đánh giá trên \(basisWords(e.rules.checkpointBasis)).",
                                  "The province's checkpoints are judged on \(basisWords(e.rules.checkpointBasis)).")
        }
        return ReportSection(id: "denominators", title: lang.t("Kế hoạch vốn được giao và các mẫu số", "Assigned plan and the denominators"),
                             blocks: [.paragraph(intro), .table(totalTable),
                                      .subheading(lang.t("Theo nguồn vốn", "By fund source")),
                                      .table(ReportTable(columns: columns, rows: rows))])
    }

    func basisWords(_ b: PlanBasis) -> String {
        switch b {
        case .allocated: return lang.t("kế hoạch đã phân bổ cho dự án", "the plan allocated to projects")
        case .provinceAssigned: return lang.t("kế hoạch tỉnh giao", "the plan assigned by the province")
        case .primeMinisterAssigned: return lang.t("kế hoạch Thủ tướng Chính phủ giao", "the plan assigned by the Prime Minister")
        }
    }

    func groupsSection() -> ReportSection {
        let title = lang.t("Theo nhóm dự án", "By project class")
        guard !e.groups.isEmpty else {
            return ReportSection(id: "classes", title: title,
                                 blocks: [.paragraph(lang.t("Chưa có dự án nào có kế hoạch.", "No project has a plan."))])
        }
        let columns = [ReportColumn(lang.t("Nhóm", "Class"), .label), ReportColumn(lang.t("Số dự án", "Projects"), .number)]
            + figureColumns() + comparisonColumns()
            + [ReportColumn(display.heading(lang.t("Còn thiếu", "Shortfall")), .number),
               ReportColumn(display.heading(lang.t("Còn lại", "Remaining")), .number)]
            + e.rules.checkpoints.map { ReportColumn(checkpointHeading($0), .label) }
        let rows = e.groups.map { g -> [ReportCell] in
            [.init(Words.projectClass(g.projectClass, lang)), .init(String(g.projectCount))]
                + figures(g.result.position) + comparisonCells(g.result.position, .group(g.projectClass))
                + [.init(display.amount(g.result.shortfallVND)), .init(display.amount(g.result.remainingVND))]
                + g.result.checkpoints.map { checkpointCell($0, named: false) }
        }
        return ReportSection(id: "classes", title: title, blocks: [.table(ReportTable(columns: columns, rows: rows))])
    }

    /// The scope's total per fund source; with more than one source, each class's and (for the
    /// province) each investor's parts. Nil when the scope has no figures at all.
    func fundSourcesSection() -> ReportSection? {
        guard !headline.fundSources.isEmpty else { return nil }
        var blocks: [ReportBlock] = [
            .subheading(scope.investor == nil ? lang.t("Toàn tỉnh", "Province") : label),
            .table(fundSourceTable(headline)),
        ]
        if headline.fundSources.count > 1 {
            for g in e.groups {
                blocks.append(.subheading(lang.t("Nhóm ", "Class: ") + Words.projectClass(g.projectClass, lang)))
                blocks.append(.table(fundSourceTable(g.result)))
            }
            if scope.investor == nil && !investors.isEmpty {
                let shown = limit.map { Array(investors.prefix($0)) } ?? investors
                blocks.append(.subheading(lang.t("Từng chủ đầu tư", "Each investor")))
                var rows: [[ReportCell]] = []
                for (n, i) in shown.enumerated() {
                    for (k, part) in i.result.fundSources.enumerated() {
                        rows.append([.init(k == 0 ? String(n + 1) : ""), .init(k == 0 ? i.investor.name : ""),
                                     .init(Words.fundSource(part.fundSource, lang))] + partCells(part))
                    }
                }
                blocks.append(.table(ReportTable(columns: [ReportColumn("#", .label), ReportColumn(lang.t("Chủ đầu tư", "Investor"), .name),
                                                           ReportColumn(lang.t("Nguồn vốn", "Fund source"), .label)]
                                                          + figureColumns() + [remainingColumn()], rows: rows)))
                if shown.count < investors.count {
                    blocks.append(.paragraph(lang.t("Hiện \(shown.count)/\(investors.count) chủ đầu tư đứng đầu; tệp JSON có tất cả.",
                                                    "Showing the first \(shown.count) of \(investors.count) investors; the JSON download has all.")))
                }
            }
        }
        return ReportSection(id: "fund-sources", title: lang.t("Theo nguồn vốn", "By fund source"), blocks: blocks)
    }

    /// A subject's fund sources with a total row equal to its totals.
    func fundSourceTable(_ r: SubjectResult) -> ReportTable {
        var rows = r.fundSources.map { [ReportCell(Words.fundSource($0.fundSource, lang))] + partCells($0) }
        rows.append([ReportCell(lang.t("Cộng", "Total"))] + figures(r.position) + [ReportCell(display.amount(r.remainingVND))])
        return ReportTable(columns: [ReportColumn(lang.t("Nguồn vốn", "Fund source"), .label)] + figureColumns() + [remainingColumn()],
                           rows: rows)
    }

    func partCells(_ part: FundSourcePart) -> [ReportCell] {
        figures(part.position) + [ReportCell(display.amount(part.remainingVND))]
    }

    func investorsSection() -> ReportSection {
        let province = scope.investor == nil
        var blocks: [ReportBlock] = []
        let average = display.percent(e.provinceAverageRate)
        if province, e.provinceAverageRate != nil, !investors.isEmpty {
            let s = e.ranking
            var text = lang.t(
                "\(s.above)/\(investors.count) chủ đầu tư có tỷ lệ giải ngân cao hơn mức bình quân chung của tỉnh (\(average)). \(s.equal) chủ đầu tư bằng và \(s.below) chủ đầu tư thấp hơn mức này",
                "\(s.above) of \(investors.count) investors are above the provincial average of \(average). \(s.equal) are equal to it and \(s.below) below it")
            let unrated = investors.count - s.above - s.equal - s.below
            if unrated > 0 { text += lang.t("; \(unrated) chưa có kế hoạch", "; \(unrated) have no plan") }
            blocks.append(.paragraph(text + "."))
            if let lines = InvestorRanking.belowLines(e, display) { blocks.append(.paragraph(lines)) }
        } else if !province {
            blocks.append(.paragraph(lang.t("Bình quân chung toàn tỉnh: \(average).", "Provincial average: \(average).")))
        }
        let idle = investors.filter { $0.result.position.planVND > 0 && $0.result.position.disbursedVND <= 0 }
        if !idle.isEmpty {
            blocks.append(.paragraph(lang.t("Chủ đầu tư chưa giải ngân (0%): ", "Investors at 0%: ")
                                     + idle.map(\.investor.name).joined(separator: "; ") + "."))
        }
        let columns = [ReportColumn("#", .label), ReportColumn(lang.t("Chủ đầu tư", "Investor"), .name),
                       ReportColumn(lang.t("Số dự án", "Projects"), .number)]
            + figureColumns() + comparisonColumns()
            + [ReportColumn(lang.t("DA không đạt mốc gần nhất", "Projects below last checkpoint"), .number),
               ReportColumn(lang.t("DA có nguy cơ", "Projects at risk"), .number),
               ReportColumn(display.heading(lang.t("Còn thiếu", "Shortfall")), .number),
               remainingColumn(),
               ReportColumn(lang.t("Mốc tới", "Next checkpoint"), .label),
               ReportColumn(lang.t("So với bình quân tỉnh", "Against provincial average"), .label)]
        let rows = investors.enumerated().map { rank, i -> [ReportCell] in
            let next = i.result.checkpoints.first { $0.risk != nil }
            return [.init(String(rank + 1)), .init(i.investor.name), .init(String(i.projectCount))]
                + figures(i.result.position) + comparisonCells(i.result.position, .investor(i.investor))
                + [.init(String(i.projectsBelow), tone: i.projectsBelow > 0 ? .bad : .plain),
                   .init(String(i.projectsAtRisk), tone: i.projectsAtRisk > 0 ? .attention : .plain),
                   .init(display.amount(i.shortfallVND)),
                   .init(display.amount(i.result.remainingVND)),
                   next.map { checkpointCell($0, named: true) } ?? .init("—", tone: .muted),
                   i.standing.map { .init(standingWords($0), tone: $0 == .below ? .attention : .good) }
                       ?? .init("—", tone: .muted)]
        }
        blocks.append(.table(ReportTable(columns: columns, rows: rows)))
        blocks.append(.paragraph(lang.t(
            "Còn thiếu: số tiền cần giải ngân thêm để đạt ngưỡng toàn kế hoạch của mốc tới (nếu không còn mốc nào, số còn thiếu tại mốc cuối).",
            "Shortfall: the amount still needed to reach the next checkpoint's whole-plan threshold (with none ahead, the shortfall at the last one).")
            + " " + lang.t("Còn lại: kế hoạch trừ số đã giải ngân.", "Remaining: the plan less what was disbursed.")))
        if province && !investors.isEmpty {
            let charted = limit.map { Array(investors.prefix($0)) } ?? investors
            blocks.append(.chartGrid(title: lang.t("Giải ngân lũy kế theo chủ đầu tư", "Cumulative disbursement by investor"),
                                     charts: charted.map { ChartSpec(title: $0.investor.name, result: $0.result, compact: true) }))
            if charted.count < investors.count {
                blocks.append(.paragraph(lang.t("Biểu đồ của \(charted.count) chủ đầu tư đứng đầu; trang của từng chủ đầu tư có biểu đồ riêng.",
                                                "Charts of the first \(charted.count) investors; each investor's page has its own.")))
            }
        }
        let title: String
        switch e.request.rankBy {
        case .rate: title = lang.t("Xếp hạng chủ đầu tư theo tỷ lệ giải ngân", "Investors ranked by rate")
        case .shortfall: title = lang.t("Xếp hạng chủ đầu tư theo số còn thiếu tới mốc kế tiếp", "Investors ranked by shortfall to the next checkpoint")
        }
        return ReportSection(id: "investors", title: province ? title : lang.t("Chủ đầu tư", "Investor"), blocks: blocks)
    }

    /// Key projects with plan, disbursed, rate and their share of the plan: the province's, or
    /// in an investor's view the investor's own (the one total it may see). Nil without any.
    func keyProjectsSection() -> ReportSection? {
        let keys = e.keyProjects.filter { k in scope.investor.map { k.project.project.investor == $0 } ?? true }
        guard !keys.isEmpty else { return nil }
        let shown = limit.map { Array(keys.prefix($0)) } ?? keys
        let province = scope.investor == nil
        var columns = [ReportColumn(lang.t("Mã", "Code"), .label), ReportColumn(lang.t("Dự án", "Project"), .name)]
        if province { columns.append(ReportColumn(lang.t("Chủ đầu tư", "Investor"), .name)) }
        columns += figureColumns() + [ReportColumn(province ? lang.t("Tỷ trọng trong kế hoạch toàn tỉnh", "Share of the province's plan")
                                                            : lang.t("Tỷ trọng trong kế hoạch của chủ đầu tư", "Share of the investor's plan"),
                                                   .number)]
        let rows = shown.map { k -> [ReportCell] in
            let p = k.project
            var row: [ReportCell] = [.init(p.project.code), .init(p.project.name)]
            if province { row.append(.init(p.project.investor.name)) }
            return row + figures(p.result.position) + [.init(display.share(k.shareOfPlan))]
        }
        var blocks: [ReportBlock] = [.table(ReportTable(columns: columns, rows: rows))]
        if shown.count < keys.count {
            blocks.append(.paragraph(lang.t("Hiện \(shown.count)/\(keys.count) dự án có kế hoạch lớn nhất; tệp JSON có tất cả.",
                                            "Showing the \(shown.count) of \(keys.count) with the largest plans; the JSON download has all.")))
        }
        return ReportSection(id: "key-projects", title: lang.t("Dự án trọng điểm", "Key projects"), blocks: blocks)
    }

    /// The province lists the projects that need attention; an investor's own view lists all of
    /// its projects, since it has only its own to look after.
    func projectsSection() -> ReportSection {
        let own = scope.investor != nil
        let title = own ? lang.t("Các dự án của chủ đầu tư", "The investor's projects")
                        : lang.t("Dự án không đạt hoặc có nguy cơ", "Projects failing or at risk")
        let allFlagged = own ? projects : projects.filter { p in
            p.result.lastPassed?.status == .missed || (p.result.risk.map { $0.status != .onTrack } ?? false)
        }
        // A long list keeps the largest shortfalls first; the CSV download has every project.
        var flagged = allFlagged
        if let limit, allFlagged.count > limit {
            flagged = Array(allFlagged.sorted { ($0.result.shortfallVND, $1.project.code) > ($1.result.shortfallVND, $0.project.code) }.prefix(limit))
        }
        guard !flagged.isEmpty else {
            return ReportSection(id: "projects", title: title, blocks: [.paragraph(lang.t(
                "Không có dự án nào không đạt mốc gần nhất hoặc có nguy cơ không đạt mốc tới.",
                "No project missed the last checkpoint or is at risk of missing the next one."))])
        }
        let withInvestor = scope.investor == nil
        var columns = [ReportColumn(lang.t("Mã", "Code"), .label), ReportColumn(lang.t("Dự án", "Project"), .name)]
        if withInvestor { columns.append(ReportColumn(lang.t("Chủ đầu tư", "Investor"), .name)) }
        columns += [ReportColumn(lang.t("Nhóm", "Class"), .label)] + figureColumns()
            + [ReportColumn(lang.t("Mốc gần nhất", "Last checkpoint"), .label), ReportColumn(lang.t("Mốc tới", "Next checkpoint"), .label),
               ReportColumn(display.heading(lang.t("Còn thiếu", "Shortfall")), .number),
               remainingColumn(),
               ReportColumn(lang.t("Lý do", "Reason"), .prose)]
        let rows = flagged.map { p -> [ReportCell] in
            let r = p.result
            var row: [ReportCell] = [.init(p.project.code), .init(p.project.name)]
            if withInvestor { row.append(.init(p.project.investor.name)) }
            row += [.init(Words.projectClass(p.projectClass, lang))] + figures(r.position)
            row.append(r.lastPassed.map { checkpointCell($0, named: true) } ?? .init("—", tone: .muted))
            row.append(r.checkpoints.first { $0.risk != nil }.map { checkpointCell($0, named: true) } ?? .init("—", tone: .muted))
            row.append(.init(display.amount(r.shortfallVND)))
            row.append(.init(display.amount(r.remainingVND)))
            row.append(.init(r.risk.map { Messages.reason($0, display) } ?? ""))
            return row
        }
        var intro = lang.t("\(allFlagged.count)/\(projects.count) dự án.", "\(allFlagged.count) of \(projects.count) projects.")
        if flagged.count < allFlagged.count {
            intro += " " + lang.t("Hiện \(flagged.count) dự án còn thiếu nhiều nhất; tải tệp CSV để xem tất cả.",
                                  "Showing the \(flagged.count) with the largest shortfalls; download the CSV for all.")
        }
        return ReportSection(id: "projects", title: title, blocks: [
            .paragraph(intro),
            .table(ReportTable(columns: columns, rows: rows, lastColumnIsRowNote: true)),
        ])
    }

    func warningsSection() -> ReportSection {
        let title = lang.t("Cảnh báo", "Warnings")
        guard !warnings.isEmpty else {
            return ReportSection(id: "warnings", title: title, blocks: [.paragraph(lang.t("Không có cảnh báo.", "No warnings."))])
        }
        var blocks: [ReportBlock] = []
        for severity in Severity.allCases {
            let group = warnings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            blocks.append(.subheading("\(Words.severity(severity, lang)) (\(group.count))"))
            let shown = limit.map { Array(group.prefix($0)) } ?? group
            var lines = shown.map { Messages.warning($0, display, names: names) }
            if shown.count < group.count {
                lines.append(lang.t("… và \(group.count - shown.count) cảnh báo khác (xem tệp JSON).",
                                    "… and \(group.count - shown.count) more (see the JSON download)."))
            }
            blocks.append(.list(lines))
        }
        return ReportSection(id: "warnings", title: title, blocks: blocks)
    }

    /// The tranches the rules report apart (carried-over and advance-plan capital by default),
    /// each its own row: the total, each investor's and each project's.
    func carriedOverSection() -> ReportSection {
        let apart = headline.apart(e.rules)
        let withFigures = apart.filter { $0.position != .zero }
        let countedInside = [Tranche.carriedOver, .advancePlan].filter { e.rules.countedTranches.contains($0) }
        let inside = countedInside.map { t in
            ReportBlock.paragraph(lang.t("Quy tắc này tính \(Words.tranche(t, lang)) vào kế hoạch và số giải ngân ở trên.",
                                         "These rules count \(Words.tranche(t, lang)) in the figures above."))
        }
        guard !withFigures.isEmpty else {
            // Nothing reported apart has figures: say what the rules count, or that there is none.
            if countedInside.contains(.carriedOver) {
                return ReportSection(id: "carried-over", title: countedInside.count == 2
                                     ? lang.t("Vốn kéo dài và vốn ứng trước", "Carried-over and advance-plan capital")
                                     : lang.t("Vốn kéo dài", "Carried-over capital"), blocks: inside)
            }
            return ReportSection(id: "carried-over", title: lang.t("Vốn kéo dài (báo cáo riêng)", "Carried-over capital (reported separately)"),
                                 blocks: inside + [.paragraph(lang.t("Không có vốn kéo dài.", "No carried-over capital."))])
        }
        let title: String
        switch withFigures.map(\.tranche) {
        case [.carriedOver]: title = lang.t("Vốn kéo dài (báo cáo riêng)", "Carried-over capital (reported separately)")
        case [.advancePlan]: title = lang.t("Vốn ứng trước (báo cáo riêng)", "Advance-plan capital (reported separately)")
        default: title = lang.t("Vốn kéo dài và vốn ứng trước (báo cáo riêng)", "Carried-over and advance-plan capital (reported separately)")
        }
        var blocks = inside
        for (tranche, total) in withFigures {
            let name = tranche == .carriedOver ? lang.t("Vốn kéo dài", "Carried-over capital") : lang.t("Vốn ứng trước", "Advance-plan capital")
            blocks.append(.paragraph(lang.t(
                "\(name) không tính vào tỷ lệ giải ngân kế hoạch năm ở trên. Tổng: kế hoạch \(display.amountWithUnit(total.planVND)), đã giải ngân \(display.amountWithUnit(total.disbursedVND)) (\(display.percent(total.rate))).",
                "\(name) is not counted in the plan-year rates above. Total: plan \(display.amountWithUnit(total.planVND)), disbursed \(display.amountWithUnit(total.disbursedVND)) (\(display.percent(total.rate))).")))
        }
        let trancheColumn = ReportColumn(lang.t("Phần vốn", "Tranche"), .label)
        blocks.append(.table(ReportTable(columns: [trancheColumn] + figureColumns() + [remainingColumn()],
                                         rows: withFigures.map { [ReportCell(Words.tranche($0.tranche, lang))] + trancheCells($0.position) })))
        let kinds = withFigures.map(\.tranche)
        if scope.investor == nil {
            var rows: [[ReportCell]] = []
            for i in investors {
                for t in kinds where i.result.tranche(t) != .zero {
                    rows.append([ReportCell(i.investor.name), ReportCell(Words.tranche(t, lang))] + trancheCells(i.result.tranche(t)))
                }
            }
            blocks.append(.subheading(lang.t("Theo chủ đầu tư", "By investor")))
            blocks.append(.table(ReportTable(columns: [ReportColumn(lang.t("Chủ đầu tư", "Investor"), .name), trancheColumn]
                                             + figureColumns() + [remainingColumn()], rows: capped(rows))))
        }
        var rows: [[ReportCell]] = []
        for p in projects {
            for t in kinds where p.result.tranche(t) != .zero {
                rows.append([ReportCell(p.project.code), ReportCell(p.project.name), ReportCell(Words.tranche(t, lang))]
                            + trancheCells(p.result.tranche(t)))
            }
        }
        blocks.append(.subheading(lang.t("Theo dự án", "By project")))
        blocks.append(.table(ReportTable(columns: [ReportColumn(lang.t("Mã", "Code"), .label), ReportColumn(lang.t("Dự án", "Project"), .name),
                                                   trancheColumn] + figureColumns() + [remainingColumn()],
                                         rows: capped(rows))))
        if let limit, rows.count > limit {
            blocks.append(.paragraph(lang.t("Hiện \(limit)/\(rows.count) dòng; tệp CSV có tất cả.",
                                            "Showing \(limit) of \(rows.count) lines; the CSV download has all.")))
        }
        return ReportSection(id: "carried-over", title: title, blocks: blocks)
    }

    /// The first `limit` rows of a long list (all without a limit).
    func capped(_ rows: [[ReportCell]]) -> [[ReportCell]] {
        limit.map { Array(rows.prefix($0)) } ?? rows
    }

    func trancheCells(_ p: Position) -> [ReportCell] {
        figures(p) + [ReportCell(display.amount(VND(clamping: Int128(p.planVND) - Int128(p.disbursedVND))))]
    }

    // MARK: - Cells

    func figureColumns() -> [ReportColumn] {
        [ReportColumn(display.heading(lang.t("Kế hoạch", "Plan")), .number),
         ReportColumn(display.heading(lang.t("Đã giải ngân", "Disbursed")), .number),
         ReportColumn(lang.t("Tỷ lệ", "Rate"), .number)]
    }

    func remainingColumn() -> ReportColumn {
        ReportColumn(display.heading(lang.t("Còn lại", "Remaining")), .number)
    }

    func figures(_ p: Position) -> [ReportCell] {
        [.init(display.amount(p.planVND)), .init(display.amount(p.disbursedVND)), .init(display.percent(p.rate))]
    }

    /// The comparison columns that follow the rate, when the evaluation carries comparisons.
    func comparisonColumns() -> [ReportColumn] {
        compare.headings(amountHeading: display.heading).map { ReportColumn($0, .number) }
    }

    func comparisonCells(_ now: Position, _ subject: ComparedSubject) -> [ReportCell] {
        compare.cells(now: now, subject, amount: display.signedAmount).map { ReportCell($0) }
    }

    /// Figures at a checkpoint's date, or dashes for one still ahead.
    func figuresAt(_ p: Position?) -> [ReportCell] {
        guard let p else { return Array(repeating: ReportCell("—", tone: .muted), count: 3) }
        return figures(p)
    }

    /// Exact đồng with the figure in the report's unit beside it: `1.000.000.000 đồng (1,00 tỷ)`.
    func amountWithBillions(_ amount: VND) -> String {
        "\(Format.vnd(amount, lang)) \(lang.t("đồng", "VND")) (\(display.brief(amount)))"
    }

    func shortBy(_ amount: VND) -> String {
        lang.t("còn thiếu \(display.amountWithUnit(amount))", "short by \(display.amountWithUnit(amount))")
    }

    func standingWords(_ s: AverageStanding) -> String {
        switch s {
        case .above: return lang.t("cao hơn", "above")
        case .equal: return lang.t("bằng", "equal to")
        case .below: return lang.t("thấp hơn", "below")
        }
    }

    func checkpointHeading(_ c: Checkpoint) -> String {
        "\(c.name) (\(Format.date(c.date, lang)))"
    }

    /// "35%: met (36.12%)" for a checkpoint passed; "60%: at risk" for one ahead.
    func checkpointCell(_ cp: CheckpointResult, named: Bool) -> ReportCell {
        var text = (named ? cp.checkpoint.name + " " : "") + Format.threshold(cp.threshold, lang) + ": "
            + Words.status(cp.status, lang)
        if let at = cp.atCheckpoint { text += " (\(display.percent(at.rate)))" }
        return ReportCell(text, tone: Tone(cp.status))
    }
}

extension SubjectResult {
    /// Still needed toward the next checkpoint's threshold or, with none ahead, the shortfall
    /// left at the last one: the same figure the evaluation gives each investor.
    var shortfallVND: VND {
        if let risk { return risk.shortfallVND }
        guard let last = lastPassed, let at = last.atCheckpoint else { return 0 }
        return max(0, last.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND)
    }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
