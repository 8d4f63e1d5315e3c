import GiaiNganCore

// The schedule section (performance in the as-of month, every project's class) in every format.
// Kept in one file so that each renderer adds it with one call, and the formats say the same.

/// Words and sentences of the schedule section.
public enum ScheduleWords {
    /// `tốt` / `good`, `chậm` / `slow`, `không có khả năng giải ngân` / `unable to disburse`.
    public static func className(_ c: DisbursementClass, _ L: Language) -> String {
        switch c {
        case .good: L.t("tốt", "good")
        case .slow: L.t("chậm", "slow")
        case .unable: L.t("không có khả năng giải ngân", "unable to disburse")
        }
    }

    /// One reason with its figures, in `display`'s language and unit.
    public static func reason(_ r: ClassificationReason, _ d: Display) -> String {
        let L = d.lang
        func a(_ v: VND) -> String { d.amountWithUnit(v) }
        switch r {
        case let .cannotReachPlan(plan, disbursed, best, days, reachable):
            return L.t("đã giải ngân \(a(disbursed)); với tốc độ 28 ngày cao nhất \(a(best)) trong \(days) ngày còn lại chỉ đạt \(a(reachable)), dưới kế hoạch \(a(plan))",
                       "disbursed \(a(disbursed)); at its best 28-day pace, \(a(best)), the \(days) days left reach only \(a(reachable)), below its plan of \(a(plan))")
        case let .canReachPlan(plan, _, best, days, reachable):
            return L.t("với tốc độ 28 ngày cao nhất \(a(best)) trong \(days) ngày còn lại có thể đạt \(a(reachable)) ≥ kế hoạch \(a(plan))",
                       "at its best 28-day pace, \(a(best)), the \(days) days left can reach \(a(reachable)), at least its plan of \(a(plan))")
        case let .behindSchedule(disbursed, due):
            return L.t("chậm so với kế hoạch giải ngân đăng ký: đã giải ngân \(a(disbursed)) / \(a(due)) đến hạn (\(d.percent(Rate(disbursedVND: disbursed, planVND: due))))",
                       "behind its schedule: disbursed \(a(disbursed)) of \(a(due)) due (\(d.percent(Rate(disbursedVND: disbursed, planVND: due))))")
        case let .onSchedule(disbursed, due):
            return L.t("đúng kế hoạch giải ngân đăng ký: \(a(disbursed)) / \(a(due)) đến hạn",
                       "on its schedule: \(a(disbursed)) of \(a(due)) due")
        case let .missedCheckpoint(name, disbursed, plan, threshold):
            return L.t("không đạt mốc \(name): \(d.percent(Rate(disbursedVND: disbursed, planVND: plan))) < \(Format.threshold(threshold, L))",
                       "missed \(name): \(d.percent(Rate(disbursedVND: disbursed, planVND: plan))) < \(Format.threshold(threshold, L))")
        case let .metCheckpoint(name, disbursed, plan, threshold):
            return L.t("đạt mốc \(name): \(d.percent(Rate(disbursedVND: disbursed, planVND: plan))) ≥ \(Format.threshold(threshold, L))",
                       "met \(name): \(d.percent(Rate(disbursedVND: disbursed, planVND: plan))) ≥ \(Format.threshold(threshold, L))")
        case .noPlan:
            return L.t("không có kế hoạch vốn", "no plan")
        case .noSchedule:
            return L.t("chưa đăng ký kế hoạch giải ngân", "no schedule submitted")
        }
    }

    /// The reasons joined: `; ` between them.
    public static func reasons(_ c: ProjectClassification, _ d: Display) -> String {
        c.reasons.map { reason($0, d) }.joined(separator: "; ")
    }

    /// "7/74 đơn vị đạt kế hoạch tháng 10/2025" and its project counterpart.
    public static func counts(_ p: SchedulePerformance, _ L: Language) -> [String] {
        let month = L.t("\(p.month.month)/\(p.month.year)", p.month.description)
        return [
            L.t("\(p.investorsMet)/\(p.investorsScheduled) đơn vị đạt kế hoạch tháng \(month)",
                "\(p.investorsMet) of \(p.investorsScheduled) investors met their schedule for \(month)"),
            L.t("\(p.projectsMet)/\(p.projectsScheduled) dự án đạt kế hoạch tháng \(month)",
                "\(p.projectsMet) of \(p.projectsScheduled) projects met their schedule for \(month)"),
        ]
    }

    /// The sentence naming projects without a schedule for the month, or nil when every one has one.
    public static func unscheduled(_ p: SchedulePerformance, _ L: Language) -> String? {
        let codes = p.unscheduled
        guard !codes.isEmpty else { return nil }
        return L.t("\(codes.count) dự án chưa có kế hoạch giải ngân tháng: ", "\(codes.count) projects without a schedule for the month: ")
            + codes.joined(separator: ", ")
    }

    /// The class counts: "tốt 40, chậm 20, không có khả năng giải ngân 6".
    public static func classCounts(_ s: ScheduleReport, _ L: Language) -> String {
        s.classCounts.map { "\(className($0.0, L)) \($0.1)" }.joined(separator: ", ")
    }
}

/// Per-project lookups into a schedule report.
struct ScheduleIndex {
    let performance: [String: ProjectSchedule]
    let classes: [String: ProjectClassification]

    init(_ s: ScheduleReport) {
        performance = Dictionary(s.performance.projects.map { ($0.projectCode, $0) }, uniquingKeysWith: { a, _ in a })
        classes = Dictionary(s.classifications.map { ($0.projectCode, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

// MARK: - JSON

extension JSONReport {
    /// The `schedule` member (README "JSON output").
    static func scheduleValue(_ s: ScheduleReport, lang: Language, rules: RuleSet) -> JSONValue {
        let d = Display(rules: rules, lang: lang)
        func figures(_ f: ScheduleFigures?) -> [(String, JSONValue)] {
            guard let f else { return [("has_schedule", .bool(false))] }
            return [("has_schedule", .bool(true)), ("target_vnd", .int(f.targetVND)), ("actual_vnd", .int(f.actualVND)),
                    ("rate", rate(f.rate)), ("met", .bool(f.isMet)),
                    ("cumulative_schedule_vnd", .int(f.cumulativeScheduleVND)),
                    ("cumulative_actual_vnd", .int(f.cumulativeActualVND)), ("cumulative_rate", rate(f.cumulativeRate))]
        }
        let p = s.performance
        let index = ScheduleIndex(s)
        let projects: [JSONValue] = p.projects.map { r in
            var f: [(String, JSONValue)] = [("project_code", .string(r.projectCode)), ("investor", .string(r.investor.name))]
            f += figures(r.figures)
            if let c = index.classes[r.projectCode] {
                f.append(("classification", .string(c.disbursementClass.rawValue)))
                f.append(("reasons", .array(c.reasons.map { .string(ScheduleWords.reason($0, d)) })))
            }
            return .object(f)
        }
        let investors: [JSONValue] = p.investors.map { i in
            .object([("investor", .string(i.investor.name))] + figures(i.figures)
                    + [("scheduled_projects", .int(Int64(i.scheduledProjects))), ("projects_met", .int(Int64(i.projectsMet))),
                       ("unscheduled_projects", .array(i.unscheduled.map { .string($0) }))])
        }
        let counts: [(String, JSONValue)] = s.classCounts.map { ($0.0.rawValue, .int(Int64($0.1))) }
        return .object([
            ("month", .string(p.month.description)),
            ("investors_met", .int(Int64(p.investorsMet))), ("investors_scheduled", .int(Int64(p.investorsScheduled))),
            ("projects_met", .int(Int64(p.projectsMet))), ("projects_scheduled", .int(Int64(p.projectsScheduled))),
            ("unscheduled_projects", .array(p.unscheduled.map { .string($0) })),
            ("summary", .array(ScheduleWords.counts(p, lang).map { .string($0) })),
            ("classification_counts", .object(counts)),
            ("investors", .array(investors)),
            ("projects", .array(projects)),
        ])
    }
}

// MARK: - Text

extension TextReport {
    /// The terminal's schedule section, or "" without schedules.
    static func scheduleSection(_ e: Evaluation, _ d: Display) -> String {
        guard let s = e.schedule else { return "" }
        let L = d.lang
        let p = s.performance
        var out = L.t("KẾ HOẠCH GIẢI NGÂN THÁNG \(p.month.month)/\(p.month.year) VÀ PHÂN LOẠI DỰ ÁN",
                      "SCHEDULE FOR \(p.month) AND PROJECT CLASSES") + "\n"
        for line in ScheduleWords.counts(p, L) { out += "  " + line + "\n" }
        out += "  " + L.t("Phân loại: ", "Classes: ") + ScheduleWords.classCounts(s, L) + "\n"
        if let u = ScheduleWords.unscheduled(p, L) { out += "  " + u + "\n" }
        var t = TextTable(headers: [L.t("Chủ đầu tư", "Investor"), d.textHeading(L.t("KH tháng", "Month target")),
                                    d.textHeading(L.t("GN tháng", "Month actual")), L.t("% đạt", "% met"),
                                    d.textHeading(L.t("KH lũy kế", "Cum. schedule")), d.textHeading(L.t("GN lũy kế", "Cum. actual")),
                                    L.t("Dự án đạt", "Projects met")],
                          aligns: [.left, .right, .right, .right, .right, .right, .right], maxWidth: 34)
        for i in p.investors {
            guard let f = i.figures else {
                t.add([i.investor.name, "—", "—", "—", "—", "—", L.t("chưa đăng ký", "no schedule")])
                continue
            }
            t.add([i.investor.name, d.textCell(f.targetVND), d.textCell(f.actualVND), d.percent(f.rate),
                   d.textCell(f.cumulativeScheduleVND), d.textCell(f.cumulativeActualVND), "\(i.projectsMet)/\(i.scheduledProjects)"])
        }
        out += t.render() + "\n"
        let flagged = s.classifications.filter { $0.disbursementClass != .good }
        if !flagged.isEmpty {
            out += L.t("  Dự án chậm hoặc không có khả năng giải ngân:", "  Projects slow or unable to disburse:") + "\n"
            for c in flagged {
                out += "  - \(c.projectCode) (\(c.investor.name)): \(ScheduleWords.className(c.disbursementClass, L)) — "
                    + ScheduleWords.reasons(c, d) + "\n"
            }
            out += "\n"
        }
        return out
    }
}

// MARK: - CSV

extension CSVReport {
    /// Columns added after every other one when the evaluation has schedules.
    static let scheduleColumns = ["schedule_month", "schedule_target_vnd", "schedule_actual_vnd", "schedule_met",
                                  "schedule_cumulative_vnd", "schedule_cumulative_actual_vnd", "classification",
                                  "classification_reasons"]

    static func scheduleCells(_ code: String, _ s: ScheduleReport, _ index: ScheduleIndex, _ d: Display) -> [String] {
        let f = index.performance[code]?.figures
        let c = index.classes[code]
        return [s.performance.month.description, f.map { String($0.targetVND) } ?? "", f.map { String($0.actualVND) } ?? "",
                f.map { $0.isMet ? "true" : "false" } ?? "", f.map { String($0.cumulativeScheduleVND) } ?? "",
                f.map { String($0.cumulativeActualVND) } ?? "", c?.disbursementClass.rawValue ?? "",
                c.map { ScheduleWords.reasons($0, d) } ?? ""]
    }
}

// MARK: - Markdown and HTML

extension ReportContent {
    /// The schedule section of the document, or nil without schedules.
    func scheduleSection() -> ReportSection? {
        guard let s = e.schedule else { return nil }
        let L = lang
        let p = s.performance
        var blocks: [ReportBlock] = [.list(ScheduleWords.counts(p, L) + [L.t("Phân loại: ", "Classes: ") + ScheduleWords.classCounts(s, L)])]
        if let u = ScheduleWords.unscheduled(p, L) { blocks.append(.paragraph(u)) }
        let columns = [ReportColumn(L.t("Chủ đầu tư", "Investor"), .name), ReportColumn(display.heading(L.t("KH tháng", "Month target")), .number),
                       ReportColumn(display.heading(L.t("GN tháng", "Month actual")), .number), ReportColumn(L.t("% đạt", "% met"), .number),
                       ReportColumn(display.heading(L.t("KH lũy kế", "Cumulative schedule")), .number),
                       ReportColumn(display.heading(L.t("GN lũy kế", "Cumulative actual")), .number),
                       ReportColumn(L.t("Dự án đạt", "Projects met"), .label)]
        let rows = p.investors.map { i -> [ReportCell] in
            guard let f = i.figures else {
                return [.init(i.investor.name), .init("—"), .init("—"), .init("—"), .init("—"), .init("—"),
                        .init(L.t("chưa đăng ký", "no schedule"), tone: .muted)]
            }
            return [.init(i.investor.name), .init(display.amount(f.targetVND)), .init(display.amount(f.actualVND)),
                    .init(display.percent(f.rate), tone: f.isMet ? .good : .bad), .init(display.amount(f.cumulativeScheduleVND)),
                    .init(display.amount(f.cumulativeActualVND)), .init("\(i.projectsMet)/\(i.scheduledProjects)")]
        }
        blocks.append(.table(ReportTable(columns: columns, rows: rows)))
        let flagged = s.classifications.filter { $0.disbursementClass != .good }
        let shown = limit.map { Array(flagged.prefix($0)) } ?? flagged
        if !shown.isEmpty {
            blocks.append(.subheading(L.t("Dự án chậm hoặc không có khả năng giải ngân", "Projects slow or unable to disburse")))
            let classRows = shown.map { c -> [ReportCell] in
                [.init(c.projectCode), .init(c.investor.name),
                 .init(ScheduleWords.className(c.disbursementClass, L), tone: c.disbursementClass == .unable ? .bad : .attention),
                 .init(ScheduleWords.reasons(c, display))]
            }
            blocks.append(.table(ReportTable(columns: [ReportColumn(L.t("Mã", "Code"), .label), ReportColumn(L.t("Chủ đầu tư", "Investor"), .name),
                                                       ReportColumn(L.t("Phân loại", "Class"), .label),
                                                       ReportColumn(L.t("Lý do", "Reasons"), .prose)],
                                             rows: classRows, lastColumnIsRowNote: true)))
            if shown.count < flagged.count {
                blocks.append(.paragraph(L.t("Hiện \(shown.count)/\(flagged.count) dự án; tệp JSON có tất cả.",
                                             "Showing \(shown.count) of \(flagged.count) projects; the JSON download has all.")))
            }
        }
        return ReportSection(id: "schedule", title: L.t("Kế hoạch giải ngân tháng \(p.month.month)/\(p.month.year) và phân loại dự án",
                                                        "Schedule for \(p.month) and project classes"), blocks: blocks)
    }
}

// MARK: - The weekly run's summary

extension ScheduleWords {
    /// The weekly `summary.json`'s `schedule` member: the month's counts, the sentences, the class
    /// counts and the projects without a schedule.
    public static func summaryJSON(_ s: ScheduleReport, lang: Language) -> JSONValue {
        let p = s.performance
        return .object([
            ("month", .string(p.month.description)),
            ("investors_met", .int(Int64(p.investorsMet))), ("investors_scheduled", .int(Int64(p.investorsScheduled))),
            ("projects_met", .int(Int64(p.projectsMet))), ("projects_scheduled", .int(Int64(p.projectsScheduled))),
            ("summary", .array(counts(p, lang).map { .string($0) })),
            ("classification_counts", .object(s.classCounts.map { ($0.0.rawValue, .int(Int64($0.1))) })),
            ("unscheduled_projects", .array(p.unscheduled.map { .string($0) })),
        ])
    }
}
