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

    /// The subject of the headline: the scope's total.
    let headline: SubjectResult
    /// The headline's name: the province, or the investor.
    let label: String
    /// Investors in scope, ranked by rate, highest first.
    let investors: [InvestorResult]
    /// Projects in scope, ordered by investor then code.
    let projects: [ProjectResult]
    /// Warnings in scope, in the evaluation's order (severity, then subject).
    let warnings: [Warning]
    /// Project code → name, for warning sentences.
    let names: [String: String]
    /// The most projects, warnings per severity and investor charts a page lists (nil: all).
    let limit: Int?

    init(_ e: Evaluation, lang: Language, scope: ReportScope, limit: Int? = nil) {
        self.e = e
        self.lang = lang
        self.scope = scope
        self.limit = limit
        if let id = scope.investor {
            // The caller has already narrowed the evaluation to this investor; filtering again
            // guarantees that nothing about another investor is drawn even if it has not.
            let own = e.investors.filter { $0.investor == id }
            headline = own.first?.result ?? e.province
            label = id.name
            investors = own
            projects = e.projects.filter { $0.project.investor == id }
            warnings = e.warnings.compactMap { ReportContent.scoped($0, to: id) }
        } else {
            headline = e.province
            label = Words.province(e.rules) ?? lang.t("toàn tỉnh", "the province")
            investors = ReportContent.rankedByRate(e.investors)
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

    /// Highest rate first (compared exactly), investors without a plan last, ties by name.
    static func rankedByRate(_ list: [InvestorResult]) -> [InvestorResult] {
        list.sorted { a, b in
            switch (a.result.rate, b.result.rate) {
            case let (ra?, rb?):
                let left = Int128(ra.disbursedVND) * Int128(rb.planVND)
                let right = Int128(rb.disbursedVND) * Int128(ra.planVND)
                return left != right ? left > right : a.investor < b.investor
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.investor < b.investor
            }
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
        let notes = [
            lang.t("Tỷ lệ được làm tròn xuống đến 0,01%, nên không bao giờ mâu thuẫn với trạng thái đạt/không đạt.",
                   "Rates are rounded down to 0.01%, so a shown rate never contradicts its status."),
            lang.t("Tỷ lệ tính trên: \(e.rules.planBasis).", "Rates divide by: \(e.rules.planBasis)."),
            lang.t("Dự báo nguy cơ theo tiến độ mùa vụ: \(Words.profile(e.profile, lang)).",
                   "Risk projections use the seasonal profile: \(Words.profile(e.profile, lang))."),
            lang.t("Lập bởi GiaiNgan.", "Produced by GiaiNgan."),
        ]
        return ReportDocument(language: lang, title: title, subtitle: subtitle,
                              sections: [headlineSection(), groupsSection(), investorsSection(), projectsSection(),
                                         warningsSection(), carriedOverSection()],
                              notes: notes)
    }

    // MARK: - Sections

    func headlineSection() -> ReportSection {
        let p = headline.position
        var facts: [[ReportCell]] = [
            [.init(lang.t("Kế hoạch vốn", "Plan")), .init(amountWithBillions(p.planVND))],
            [.init(lang.t("Đã giải ngân", "Disbursed")), .init(amountWithBillions(p.disbursedVND))],
            [.init(lang.t("Tỷ lệ giải ngân", "Rate")), .init(Format.percent(p.rate, lang))],
            [.init(lang.t("Tạm ứng chưa thu hồi", "Outstanding advances")), .init(amountWithBillions(p.outstandingAdvanceVND))],
            [.init(lang.t("Số dự án", "Projects")), .init(String(projects.count))],
        ]
        if scope.investor != nil {
            var average = Format.percent(e.provinceAverageRate, lang)
            if let above = investors.first?.aboveProvinceAverage {
                average += lang.t(" (chủ đầu tư \(aboveWords(above)) mức này)", " (the investor is \(aboveWords(above)) it)")
            }
            facts.append([.init(lang.t("Bình quân chung toàn tỉnh", "Provincial average")), .init(average)])
        }
        let factsTable = ReportTable(columns: [ReportColumn(lang.t("Chỉ tiêu", "Figure"), .label),
                                               ReportColumn(lang.t("Giá trị", "Value"), .number)],
                                     rows: facts)

        var rows = headline.checkpoints.map { cp -> [ReportCell] in
            var note = ""
            if let risk = cp.risk {
                note = Messages.reason(risk, lang)
            } else if cp.status == .missed, let at = cp.atCheckpoint {
                note = shortBy(max(0, cp.threshold.requiredVND(planVND: at.planVND) - at.disbursedVND))
            }
            return [.init(cp.checkpoint.name), .init(Format.date(cp.checkpoint.date, lang)),
                    .init(Format.threshold(cp.threshold, lang)),
                    .init(Words.status(cp.status, lang), tone: Tone(cp.status))]
                + figuresAt(cp.atCheckpoint) + [.init(note)]
        }
        let goal = e.annualGoal
        var goalNote = goal.risk.map { Messages.reason($0, lang) } ?? ""
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
            ReportColumn(lang.t("Kế hoạch tại mốc (đồng)", "Plan at date (VND)"), .number),
            ReportColumn(lang.t("Giải ngân tại mốc (đồng)", "Disbursed at date (VND)"), .number),
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

    func groupsSection() -> ReportSection {
        let title = lang.t("Theo nhóm dự án", "By project class")
        guard !e.groups.isEmpty else {
            return ReportSection(id: "classes", title: title,
                                 blocks: [.paragraph(lang.t("Chưa có dự án nào có kế hoạch.", "No project has a plan."))])
        }
        let columns = [ReportColumn(lang.t("Nhóm", "Class"), .label), ReportColumn(lang.t("Số dự án", "Projects"), .number)]
            + figureColumns() + e.rules.checkpoints.map { ReportColumn(checkpointHeading($0), .label) }
        let rows = e.groups.map { g -> [ReportCell] in
            [.init(Words.projectClass(g.projectClass, lang)), .init(String(g.projectCount))]
                + figures(g.result.position) + g.result.checkpoints.map { checkpointCell($0, named: false) }
        }
        return ReportSection(id: "classes", title: title, blocks: [.table(ReportTable(columns: columns, rows: rows))])
    }

    func investorsSection() -> ReportSection {
        let province = scope.investor == nil
        var blocks: [ReportBlock] = []
        let average = Format.percent(e.provinceAverageRate, lang)
        if province, e.provinceAverageRate != nil, !investors.isEmpty {
            let above = investors.filter { $0.aboveProvinceAverage == true }.count
            blocks.append(.paragraph(lang.t(
                "\(above)/\(investors.count) chủ đầu tư có tỷ lệ giải ngân cao hơn mức bình quân chung của tỉnh (\(average)).",
                "\(above) of \(investors.count) investors are above the provincial average of \(average).")))
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
            + figureColumns()
            + [ReportColumn(lang.t("DA không đạt mốc gần nhất", "Projects below last checkpoint"), .number),
               ReportColumn(lang.t("DA có nguy cơ", "Projects at risk"), .number),
               ReportColumn(lang.t("Còn thiếu (đồng)", "Shortfall (VND)"), .number),
               ReportColumn(lang.t("Mốc tới", "Next checkpoint"), .label),
               ReportColumn(lang.t("So với bình quân tỉnh", "Against provincial average"), .label)]
        let rows = investors.enumerated().map { rank, i -> [ReportCell] in
            let next = i.result.checkpoints.first { $0.risk != nil }
            return [.init(String(rank + 1)), .init(i.investor.name), .init(String(i.projectCount))]
                + figures(i.result.position)
                + [.init(String(i.projectsBelow), tone: i.projectsBelow > 0 ? .bad : .plain),
                   .init(String(i.projectsAtRisk), tone: i.projectsAtRisk > 0 ? .attention : .plain),
                   .init(Format.vnd(i.shortfallVND, lang)),
                   next.map { checkpointCell($0, named: true) } ?? .init("—", tone: .muted),
                   i.aboveProvinceAverage.map { .init(aboveWords($0), tone: $0 ? .good : .attention) }
                       ?? .init("—", tone: .muted)]
        }
        blocks.append(.table(ReportTable(columns: columns, rows: rows)))
        blocks.append(.paragraph(lang.t(
            "Còn thiếu: số tiền cần giải ngân thêm để đạt ngưỡng toàn kế hoạch của mốc tới (nếu không còn mốc nào, số còn thiếu tại mốc cuối).",
            "Shortfall: the amount still needed to reach the next checkpoint's whole-plan threshold (with none ahead, the shortfall at the last one).")))
        if province && !investors.isEmpty {
            let charted = limit.map { Array(investors.prefix($0)) } ?? investors
            blocks.append(.chartGrid(title: lang.t("Giải ngân lũy kế theo chủ đầu tư", "Cumulative disbursement by investor"),
                                     charts: charted.map { ChartSpec(title: $0.investor.name, result: $0.result, compact: true) }))
            if charted.count < investors.count {
                blocks.append(.paragraph(lang.t("Biểu đồ của \(charted.count) chủ đầu tư đứng đầu; trang của từng chủ đầu tư có biểu đồ riêng.",
                                                "Charts of the first \(charted.count) investors; each investor's page has its own.")))
            }
        }
        return ReportSection(id: "investors",
                             title: province ? lang.t("Xếp hạng chủ đầu tư theo tỷ lệ giải ngân", "Investors ranked by rate")
                                             : lang.t("Chủ đầu tư", "Investor"),
                             blocks: blocks)
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
               ReportColumn(lang.t("Còn thiếu (đồng)", "Shortfall (VND)"), .number),
               ReportColumn(lang.t("Lý do", "Reason"), .prose)]
        let rows = flagged.map { p -> [ReportCell] in
            let r = p.result
            var row: [ReportCell] = [.init(p.project.code), .init(p.project.name)]
            if withInvestor { row.append(.init(p.project.investor.name)) }
            row += [.init(Words.projectClass(p.projectClass, lang))] + figures(r.position)
            row.append(r.lastPassed.map { checkpointCell($0, named: true) } ?? .init("—", tone: .muted))
            row.append(r.checkpoints.first { $0.risk != nil }.map { checkpointCell($0, named: true) } ?? .init("—", tone: .muted))
            row.append(.init(Format.vnd(r.shortfallVND, lang)))
            row.append(.init(r.risk.map { Messages.reason($0, lang) } ?? ""))
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
            var lines = shown.map { Messages.warning($0, lang, names: names) }
            if shown.count < group.count {
                lines.append(lang.t("… và \(group.count - shown.count) cảnh báo khác (xem tệp JSON).",
                                    "… and \(group.count - shown.count) more (see the JSON download)."))
            }
            blocks.append(.list(lines))
        }
        return ReportSection(id: "warnings", title: title, blocks: blocks)
    }

    func carriedOverSection() -> ReportSection {
        let title = lang.t("Vốn kéo dài (báo cáo riêng)", "Carried-over capital (reported separately)")
        if e.rules.countedTranches.contains(.carriedOver) {
            return ReportSection(id: "carried-over", title: lang.t("Vốn kéo dài", "Carried-over capital"), blocks: [
                .paragraph(lang.t("Quy tắc này tính vốn kéo dài vào kế hoạch và số giải ngân ở trên.",
                                  "These rules count carried-over capital in the figures above."))])
        }
        let total = headline.uncounted
        guard total != .zero else {
            return ReportSection(id: "carried-over", title: title,
                                 blocks: [.paragraph(lang.t("Không có vốn kéo dài.", "No carried-over capital."))])
        }
        var blocks: [ReportBlock] = [.paragraph(lang.t(
            "Vốn kéo dài không tính vào tỷ lệ giải ngân kế hoạch năm ở trên. Tổng: kế hoạch \(Format.vnd(total.planVND, lang)) đồng, đã giải ngân \(Format.vnd(total.disbursedVND, lang)) đồng (\(Format.percent(total.rate, lang))).",
            "Carried-over capital is not counted in the plan-year rates above. Total: plan \(Format.vnd(total.planVND, lang)) VND, disbursed \(Format.vnd(total.disbursedVND, lang)) VND (\(Format.percent(total.rate, lang)))."))]
        if scope.investor == nil {
            let rows = investors.filter { $0.result.uncounted != .zero }
                .map { [ReportCell($0.investor.name)] + figures($0.result.uncounted) }
            blocks.append(.table(ReportTable(columns: [ReportColumn(lang.t("Chủ đầu tư", "Investor"), .name)] + figureColumns(),
                                             rows: rows)))
        }
        let rows = projects.filter { $0.result.uncounted != .zero }
            .map { [ReportCell($0.project.code), ReportCell($0.project.name)] + figures($0.result.uncounted) }
        blocks.append(.subheading(lang.t("Theo dự án", "By project")))
        blocks.append(.table(ReportTable(columns: [ReportColumn(lang.t("Mã", "Code"), .label), ReportColumn(lang.t("Dự án", "Project"), .name)]
                                         + figureColumns(), rows: rows)))
        return ReportSection(id: "carried-over", title: title, blocks: blocks)
    }

    // MARK: - Cells

    func figureColumns() -> [ReportColumn] {
        [ReportColumn(lang.t("Kế hoạch (đồng)", "Plan (VND)"), .number),
         ReportColumn(lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), .number),
         ReportColumn(lang.t("Tỷ lệ", "Rate"), .number)]
    }

    func figures(_ p: Position) -> [ReportCell] {
        [.init(Format.vnd(p.planVND, lang)), .init(Format.vnd(p.disbursedVND, lang)), .init(Format.percent(p.rate, lang))]
    }

    /// Figures at a checkpoint's date, or dashes for one still ahead.
    func figuresAt(_ p: Position?) -> [ReportCell] {
        guard let p else { return Array(repeating: ReportCell("—", tone: .muted), count: 3) }
        return figures(p)
    }

    func amountWithBillions(_ amount: VND) -> String {
        "\(Format.vnd(amount, lang)) \(lang.t("đồng", "VND")) (\(Format.billions(amount, lang)))"
    }

    func shortBy(_ amount: VND) -> String {
        lang.t("còn thiếu \(Format.vnd(amount, lang)) đồng", "short by \(Format.vnd(amount, lang)) VND")
    }

    func aboveWords(_ above: Bool) -> String {
        above ? lang.t("cao hơn", "above") : lang.t("thấp hơn hoặc bằng", "at or below")
    }

    func checkpointHeading(_ c: Checkpoint) -> String {
        "\(c.name) (\(Format.date(c.date, lang)))"
    }

    /// "35%: met (36.12%)" for a checkpoint passed; "60%: at risk" for one ahead.
    func checkpointCell(_ cp: CheckpointResult, named: Bool) -> ReportCell {
        var text = (named ? cp.checkpoint.name + " " : "") + Format.threshold(cp.threshold, lang) + ": "
            + Words.status(cp.status, lang)
        if let at = cp.atCheckpoint { text += " (\(Format.percent(at.rate, lang)))" }
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
