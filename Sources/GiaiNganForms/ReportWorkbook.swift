import GiaiNganCore
import GiaiNganReport
import GiaiNganXLSX

/// Renders a check as an `.xlsx` workbook: one sheet per section, numbers as numbers.
///
/// Sheets (Vietnamese names, English with `lang: .en`): the province (or the investor: its
/// totals, comparisons and ranking), checkpoints, classes, fund sources (and the envelope, when
/// one was imported), investors, key projects, projects, warnings. Each is one table whose
/// header row is frozen and filtered, with columns fitted to their content. Amounts are in đồng
/// with `#,##0` (exact: see `CellNumbers`), rates are fractions rounded down to 0.01% with
/// `0.00%`, so that the workbook's figures are those of `check --format json`.
///
/// An investor's workbook (`scope: .investor`) holds that investor's projects, figures and
/// warnings only, and the provincial average rate: nothing else about another investor.
public enum ReportWorkbook {
    /// The workbook's bytes.
    ///
    /// - parameter investorsOnly: only the summary and the investors' ranking (`giaingan investors`).
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope, investorsOnly: Bool = false) throws -> [UInt8] {
        var sheets = self.sheets(e, lang: lang, scope: scope)
        if investorsOnly {
            let keep: Set<String> = [lang.t("Tỉnh", "Province"), lang.t("Chủ đầu tư", "Investors")]
            sheets = sheets.filter { keep.contains($0.name) }
        }
        // Large provinces: constant-memory mode keeps one row in memory per sheet being written
        // (measured in README "Official reports"); it cannot merge the preamble lines.
        let constant = e.projects.count > constantMemoryProjects
        return try Workbook.bytes(constantMemory: constant) { book in
            book.setProperties(title: title(e, lang: lang, scope: scope), subject: "GiaiNgan")
            for s in sheets { try s.write(into: book) }
        }
    }

    /// Above this many projects a workbook is written in constant-memory mode.
    public static let constantMemoryProjects = 2_000

    static func title(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        let who: String
        if case .investor(let id) = scope { who = id.name } else { who = Words.province(e.rules) ?? lang.t("toàn tỉnh", "the province") }
        return lang.t("Báo cáo giải ngân vốn đầu tư công năm \(e.planYear) — \(who), số liệu đến ngày \(Format.date(e.asOf, lang))",
                      "Public investment disbursement, plan year \(e.planYear) — \(who), as of \(Format.date(e.asOf, lang))")
    }

    // MARK: - Cells

    static let money = CellNumbers.amountFormat(decimals: 0)
    static let percent = CellNumbers.rateFormat(decimals: 2)

    static func vnd(_ v: VND) -> DataCell {
        switch CellNumbers.amount(v, unitVND: 1) {
        case .number(let x): .number(x, format: money)
        case .text(let s): .figureText(s)
        }
    }
    static func rate(_ r: Rate?) -> DataCell { r.map { .number(CellNumbers.rateValue($0, decimals: 2), format: percent) } ?? .empty }
    static func int(_ n: Int) -> DataCell { .number(Double(n), format: "#,##0") }
    static func text(_ s: String?) -> DataCell { s.map { .text($0) } ?? .empty }
    static func points(_ now: Position, _ then: Position?) -> DataCell {
        guard let then, let h = Change(now: now, then: then).pointsHundredths else { return .empty }
        return .number(Double(h) / 100, format: CellNumbers.pointsFormat)
    }
    static func date(_ d: CivilDate?, _ lang: Language) -> DataCell { d.map { .text(Format.date($0, lang)) } ?? .empty }

    // MARK: - Sheets

    /// The sheets of the workbook, in order (public for tests and for other renderers).
    public static func sheets(_ e: Evaluation, lang: Language, scope: ReportScope) -> [DataSheet] {
        var own: InvestorID?
        if case .investor(let id) = scope { own = id }
        // The caller has narrowed the evaluation to the investor; filtering again guarantees
        // nothing about another investor is written even if it has not.
        let investors = own.map { id in e.investors.filter { $0.investor == id } } ?? e.investors
        let projects = own.map { id in e.projects.filter { $0.project.investor == id } } ?? e.projects
        let warnings: [Warning] = own.map { id in
            e.warnings.compactMap { w in
                switch w.subject {
                case .province:
                    // The view's total is the investor's own: the annual goal is shown under its name.
                    guard w.code == .annualGoalMissed || w.code == .annualGoalAtRisk else { return nil }
                    var relabelled = w
                    relabelled.subject = .investor(id)
                    relabelled.investor = id
                    return relabelled
                case .group: return w.investor == nil || w.investor == id ? w : nil
                case .investor, .project: return w.investor == id ? w : nil
                }
            }
        } ?? e.warnings
        let headline = own.flatMap { id in investors.first { $0.investor == id }?.result } ?? e.province
        let who = own?.name ?? (Words.province(e.rules) ?? lang.t("Toàn tỉnh", "Province"))
        let names = Dictionary(projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        let preamble = [title(e, lang: lang, scope: scope), lang.t("Quy tắc: ", "Rules: ") + Words.rules(e.rules, lang)]
        var out: [DataSheet] = []

        // Summary.
        var summary = DataSheet(name: own == nil ? lang.t("Tỉnh", "Province") : lang.t("Tổng hợp", "Summary"),
                                headers: [lang.t("Chỉ tiêu", "Item"), lang.t("Giá trị", "Value")], preamble: preamble)
        func add(_ label: String, _ cell: DataCell) { summary.rows.append([.text(label), cell]) }
        add(lang.t("Đối tượng", "Subject"), .text(who))
        add(lang.t("Số liệu đến ngày", "As of"), .text(Format.date(e.asOf, lang)))
        add(lang.t("Năm kế hoạch", "Plan year"), .number(Double(e.planYear), format: "0"))
        add(lang.t("Kế hoạch vốn (đồng)", "Plan (VND)"), vnd(headline.position.planVND))
        add(lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), vnd(headline.position.disbursedVND))
        add(lang.t("Tỷ lệ giải ngân", "Rate"), rate(headline.rate))
        add(lang.t("Còn lại chưa giải ngân (đồng)", "Remaining (VND)"), vnd(headline.remainingVND))
        add(lang.t("Tạm ứng chưa thu hồi (đồng)", "Outstanding advances (VND)"), vnd(headline.position.outstandingAdvanceVND))
        if !e.rules.countedTranches.contains(.carriedOver) {
            let p = headline.tranche(.carriedOver)
            add(lang.t("Vốn kéo dài: kế hoạch (đồng)", "Carried over: plan (VND)"), vnd(p.planVND))
            add(lang.t("Vốn kéo dài: đã giải ngân (đồng)", "Carried over: disbursed (VND)"), vnd(p.disbursedVND))
        }
        if !e.rules.countedTranches.contains(.advancePlan) {
            let p = headline.tranche(.advancePlan)
            add(lang.t("Vốn ứng trước: kế hoạch (đồng)", "Advance plan: plan (VND)"), vnd(p.planVND))
            add(lang.t("Vốn ứng trước: đã giải ngân (đồng)", "Advance plan: disbursed (VND)"), vnd(p.disbursedVND))
        }
        add(lang.t("Tỷ lệ trung bình toàn tỉnh", "Provincial average rate"), rate(e.provinceAverageRate))
        let lastYear = own.map { e.lastYear?.investors[$0] } ?? e.lastYear?.province
        if let c = e.lastYear, let then = lastYear {
            add(lang.t("Cùng kỳ năm trước (\(Format.date(c.asOf, lang))): tỷ lệ", "Same day last year (\(Format.date(c.asOf, lang))): rate"), rate(then.rate))
            add(lang.t("So với cùng kỳ (điểm %)", "Change on last year (points)"), points(headline.position, then))
        }
        let since = own.map { e.sinceLast?.investors[$0] } ?? e.sinceLast?.province
        if let c = e.sinceLast, let then = since {
            add(lang.t("Kỳ trước (\(Format.date(c.asOf, lang))): tỷ lệ", "Previous (\(Format.date(c.asOf, lang))): rate"), rate(then.rate))
            add(lang.t("Giải ngân tăng thêm từ kỳ trước (đồng)", "Disbursed since then (VND)"),
                vnd(Change(now: headline.position, then: then).disbursedVND))
            add(lang.t("Thay đổi tỷ lệ từ kỳ trước (điểm %)", "Rate change since then (points)"), points(headline.position, then))
        }
        if let risk = headline.risk {
            add(lang.t("Mốc tiếp theo", "Next checkpoint"), .text("\(Messages.checkpointLabel(risk.checkpointName, lang)) (\(Format.date(risk.checkpointDate, lang)))"))
            add(lang.t("Còn thiếu đến mốc (đồng)", "Shortfall to it (VND)"), vnd(risk.shortfallVND))
            add(lang.t("Đánh giá", "Risk"), .text(Words.status(CheckpointStatus(risk: risk.status), lang)))
            add(lang.t("Lý do", "Reason"), .text(Messages.reason(risk, lang)))
        }
        if own == nil {
            let s = e.ranking
            add(lang.t("Chủ đầu tư trên mức trung bình", "Investors above the average"), int(s.above))
            add(lang.t("Chủ đầu tư bằng mức trung bình", "Investors at the average"), int(s.equal))
            add(lang.t("Chủ đầu tư dưới mức trung bình", "Investors below the average"), int(s.below))
            add(lang.t("Chủ đầu tư chưa giải ngân (0%)", "Investors at 0%"), .text(s.atZero.map(\.name).joined(separator: "; ")))
            for line in s.belowLines {
                add(lang.t("Chủ đầu tư dưới \(Format.threshold(line.threshold, lang))", "Investors below \(Format.threshold(line.threshold, lang))"), int(line.count))
            }
        }
        out.append(summary)

        // Checkpoints of the headline subject, and the annual goal.
        var checkpoints = DataSheet(name: lang.t("Mốc kiểm tra", "Checkpoints"), headers: [
            lang.t("Mốc", "Checkpoint"), lang.t("Ngày", "Date"), lang.t("Ngưỡng", "Threshold"), lang.t("Trạng thái", "Status"),
            lang.t("Kế hoạch tại mốc (đồng)", "Plan on the date (VND)"), lang.t("Giải ngân tại mốc (đồng)", "Disbursed on the date (VND)"),
            lang.t("Tỷ lệ tại mốc", "Rate on the date"), lang.t("Còn thiếu (đồng)", "Shortfall (VND)"),
        ])
        for c in headline.checkpoints {
            checkpoints.rows.append([
                .text(Messages.checkpointLabel(c.checkpoint.name, lang)), date(c.checkpoint.date, lang),
                .number(Double(c.threshold.basisPoints) / 10_000, format: percent), .text(Words.status(c.status, lang)),
                c.atCheckpoint.map { vnd($0.planVND) } ?? .empty, c.atCheckpoint.map { vnd($0.disbursedVND) } ?? .empty,
                rate(c.atCheckpoint?.rate), c.risk.map { vnd($0.shortfallVND) } ?? .empty,
            ])
        }
        if own == nil {
            let g = e.annualGoal
            checkpoints.rows.append([
                .text(lang.t("Mục tiêu cả năm", "Annual goal")), date(g.date, lang),
                .number(Double(g.threshold.basisPoints) / 10_000, format: percent), .text(Words.status(g.status, lang)),
                g.atDate.map { vnd($0.planVND) } ?? .empty, g.atDate.map { vnd($0.disbursedVND) } ?? .empty, rate(g.atDate?.rate),
                g.risk.map { vnd($0.shortfallVND) } ?? .empty,
            ])
        }
        out.append(checkpoints)

        // Classes.
        var classes = DataSheet(name: lang.t("Nhóm dự án", "Classes"), headers: [
            lang.t("Nhóm dự án", "Class"), lang.t("Số dự án", "Projects"), lang.t("Kế hoạch (đồng)", "Plan (VND)"),
            lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ", "Rate"), lang.t("Còn lại (đồng)", "Remaining (VND)"),
            lang.t("Đánh giá mốc tới", "Risk to the next checkpoint"),
        ])
        for g in e.groups {
            classes.rows.append([
                .text(Words.projectClass(g.projectClass, lang)), int(g.projectCount), vnd(g.result.position.planVND),
                vnd(g.result.position.disbursedVND), rate(g.result.rate), vnd(g.result.remainingVND),
                text(g.result.risk.map { Words.status(CheckpointStatus(risk: $0.status), lang) }),
            ])
        }
        out.append(classes)

        // Fund sources: the headline's, then each investor's (province scope), and the envelope.
        var sources = DataSheet(name: lang.t("Nguồn vốn", "Fund sources"), headers: [
            lang.t("Đối tượng", "Subject"), lang.t("Nguồn vốn", "Fund source"), lang.t("Kế hoạch (đồng)", "Plan (VND)"),
            lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ", "Rate"), lang.t("Còn lại (đồng)", "Remaining (VND)"),
        ])
        func sourceRows(_ subject: String, _ r: SubjectResult) {
            for part in r.fundSources {
                sources.rows.append([.text(subject), .text(part.fundSource.isEmpty ? lang.t("chưa xác định", "unspecified") : part.fundSource),
                                     vnd(part.position.planVND), vnd(part.position.disbursedVND), rate(part.position.rate),
                                     vnd(part.remainingVND)])
            }
        }
        sourceRows(who, headline)
        if own == nil { for i in investors { sourceRows(i.investor.name, i.result) } }
        out.append(sources)
        if own == nil, let envelope = e.envelope {
            var sheet = DataSheet(name: lang.t("Kế hoạch giao", "Envelope"), headers: [
                lang.t("Nguồn vốn", "Fund source"), lang.t("Thủ tướng Chính phủ giao (đồng)", "Assigned by the Prime Minister (VND)"),
                lang.t("Tỉnh giao (đồng)", "Assigned by the province (VND)"), lang.t("Địa phương giao tăng thêm (đồng)", "Locally added (VND)"),
                lang.t("Đã phân bổ (đồng)", "Allocated (VND)"), lang.t("Chưa phân bổ (đồng)", "Unallocated (VND)"),
                lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ so với KH Thủ tướng giao", "Rate on the Prime Minister's plan"),
                lang.t("Tỷ lệ so với KH tỉnh giao", "Rate on the province's plan"), lang.t("Tỷ lệ so với KH đã phân bổ", "Rate on the allocated plan"),
                e.rules.adjustedDenominator?.label ?? lang.t("Mẫu số điều chỉnh (đồng)", "Adjusted denominator (VND)"),
                lang.t("Tỷ lệ so với mẫu số điều chỉnh", "Rate on the adjusted denominator"),
            ])
            for (k, r) in (envelope.byFundSource + [envelope.total]).enumerated() {
                let label = k == envelope.byFundSource.count ? lang.t("Tổng số", "Total")
                    : ((r.fundSource ?? "").isEmpty ? lang.t("chưa xác định", "unspecified") : r.fundSource ?? "")
                sheet.rows.append([.text(label), vnd(r.primeMinisterVND), vnd(r.provinceVND), r.locallyAddedVND.map(vnd) ?? .empty, vnd(r.allocatedVND),
                                   r.unallocatedVND.map(vnd) ?? .empty, vnd(r.disbursedVND), rate(r.rateOnPrimeMinister), rate(r.rateOnProvince),
                                   rate(r.rateOnAllocated), r.adjustedVND.map(vnd) ?? .empty, rate(r.rateOnAdjusted)])
            }
            out.append(sheet)
        }

        // Investors, in the ranking order.
        var inv = DataSheet(name: lang.t("Chủ đầu tư", "Investors"), headers: [
            lang.t("Hạng", "Rank"), lang.t("Chủ đầu tư", "Investor"), lang.t("Số dự án", "Projects"), lang.t("Kế hoạch (đồng)", "Plan (VND)"),
            lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ", "Rate"), lang.t("So với trung bình tỉnh", "Against the provincial average"),
            lang.t("Còn lại (đồng)", "Remaining (VND)"), lang.t("Dự án không đạt mốc vừa qua", "Projects below the last checkpoint"),
            lang.t("Dự án có nguy cơ", "Projects at risk"), lang.t("Còn thiếu đến mốc tới (đồng)", "Shortfall to the next checkpoint (VND)"),
            lang.t("Đánh giá mốc tới", "Risk"), lang.t("Tạm ứng chưa thu hồi (đồng)", "Outstanding advances (VND)"),
            lang.t("Tỷ lệ cùng kỳ năm trước", "Rate on the same day last year"), lang.t("So với cùng kỳ (điểm %)", "Change on last year (points)"),
        ])
        for (k, i) in investors.enumerated() {
            let standing: String? = i.standing.map { s in
                switch s {
                case .above: lang.t("trên", "above")
                case .equal: lang.t("bằng", "equal")
                case .below: lang.t("dưới", "below")
                }
            }
            let ly = e.lastYear?.investors[i.investor]
            inv.rows.append([
                int(k + 1), .text(i.investor.name), int(i.projectCount), vnd(i.result.position.planVND), vnd(i.result.position.disbursedVND),
                rate(i.result.rate), text(standing), vnd(i.result.remainingVND), int(i.projectsBelow), int(i.projectsAtRisk),
                vnd(i.shortfallVND), text(i.result.risk.map { Words.status(CheckpointStatus(risk: $0.status), lang) }),
                vnd(i.result.position.outstandingAdvanceVND), rate(ly?.rate), points(i.result.position, ly),
            ])
        }
        out.append(inv)

        // Key projects.
        let keys = e.keyProjects.filter { k in own.map { k.project.project.investor == $0 } ?? true }
        if !keys.isEmpty {
            var sheet = DataSheet(name: lang.t("Dự án trọng điểm", "Key projects"), headers: [
                lang.t("Mã dự án", "Project code"), lang.t("Tên dự án", "Project"), lang.t("Chủ đầu tư", "Investor"),
                lang.t("Kế hoạch (đồng)", "Plan (VND)"), lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ", "Rate"),
                lang.t("Tỷ trọng trong kế hoạch tỉnh", "Share of the province's plan"),
            ])
            for k in keys {
                let p = k.project
                sheet.rows.append([.text(p.project.code), .text(p.project.name), .text(p.project.investor.name), vnd(p.result.position.planVND),
                                   vnd(p.result.position.disbursedVND), rate(p.result.rate), own == nil ? rate(k.shareOfPlan) : .empty])
            }
            out.append(sheet)
        }

        // Projects.
        var projectHeaders = [
            lang.t("Mã dự án", "Project code"), lang.t("Tên dự án", "Project"), lang.t("Chủ đầu tư", "Investor"), lang.t("Địa bàn", "District"),
            lang.t("Nhóm dự án", "Class"), lang.t("Trọng điểm", "Key project"), lang.t("Kế hoạch (đồng)", "Plan (VND)"),
            lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ", "Rate"), lang.t("Còn lại (đồng)", "Remaining (VND)"),
            lang.t("Tạm ứng chưa thu hồi (đồng)", "Outstanding advances (VND)"),
            lang.t("Vốn chưa tính: kế hoạch (đồng)", "Not counted: plan (VND)"), lang.t("Vốn chưa tính: đã giải ngân (đồng)", "Not counted: disbursed (VND)"),
        ]
        for cp in e.rules.checkpoints { projectHeaders.append(Messages.checkpointLabel(cp.name, lang)) }
        projectHeaders += [lang.t("Mốc tới", "Next checkpoint"), lang.t("Còn thiếu đến mốc tới (đồng)", "Shortfall (VND)"),
                           lang.t("Đánh giá", "Risk"), lang.t("Lý do", "Reason")]
        var projectSheet = DataSheet(name: lang.t("Dự án", "Projects"), headers: projectHeaders)
        projectSheet.rows.reserveCapacity(projects.count)
        for p in projects {
            let r = p.result
            var row: [DataCell] = [
                .text(p.project.code), .text(p.project.name), .text(p.project.investor.name), text(p.project.district),
                p.projectClass.map { .text(Words.projectClass($0, lang)) } ?? .empty,
                .text(p.project.isKeyProject ? lang.t("có", "yes") : ""), vnd(r.position.planVND), vnd(r.position.disbursedVND),
                rate(r.rate), vnd(r.remainingVND), vnd(r.position.outstandingAdvanceVND), vnd(r.uncounted.planVND), vnd(r.uncounted.disbursedVND),
            ]
            for cp in e.rules.checkpoints {
                row.append(text(r.checkpoints.first { $0.checkpoint.name == cp.name }.map { Words.status($0.status, lang) }))
            }
            let risk = r.risk
            row += [text(risk.map { Messages.checkpointLabel($0.checkpointName, lang) }), risk.map { vnd($0.shortfallVND) } ?? .empty,
                    text(risk.map { Words.status(CheckpointStatus(risk: $0.status), lang) }), text(risk.map { Messages.reason($0, lang) })]
            projectSheet.rows.append(row)
        }
        out.append(projectSheet)

        // Warnings.
        var warn = DataSheet(name: lang.t("Cảnh báo", "Warnings"), headers: [
            lang.t("Mức độ", "Severity"), lang.t("Mã", "Code"), lang.t("Đối tượng", "Subject"), lang.t("Chủ đầu tư", "Investor"),
            lang.t("Mốc", "Checkpoint"), lang.t("Nội dung", "Message"), lang.t("Kế hoạch (đồng)", "Plan (VND)"),
            lang.t("Đã giải ngân (đồng)", "Disbursed (VND)"), lang.t("Tỷ lệ", "Rate"), lang.t("Ngưỡng", "Threshold"),
            lang.t("Còn thiếu (đồng)", "Shortfall (VND)"),
        ])
        for w in warnings {
            let subject = Words.subject(w.subject, lang, names: names)
            warn.rows.append([
                .text(Words.severity(w.severity, lang)), .text(w.code.rawValue), .text(subject), text(own?.name ?? w.investor?.name),
                text(w.checkpointName.map { Messages.checkpointLabel($0, lang) }), .text(Messages.warning(w, lang, names: names)),
                vnd(w.position.planVND), vnd(w.position.disbursedVND), rate(w.rate),
                w.threshold.map { .number(Double($0.basisPoints) / 10_000, format: percent) } ?? .empty, vnd(w.shortfallVND),
            ])
        }
        out.append(warn)
        return out
    }
}

extension CheckpointStatus {
    init(risk: RiskStatus) {
        switch risk {
        case .onTrack: self = .onTrack
        case .atRisk: self = .atRisk
        case .offTrack: self = .offTrack
        }
    }
}
