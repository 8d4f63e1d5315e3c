import GiaiNganCore
import GiaiNganReport

/// The month a form reports on: actual figures to the end of the month before (D), an estimate
/// to the end of this month (E), as Circular 37/2025 asks of the monthly report.
public struct ReportingMonth: Sendable, Hashable, CustomStringConvertible {
    /// The calendar year of the reporting month.
    public let year: Int
    /// 1…12.
    public let month: Int

    /// `2023-09`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
              (1...12).contains(m), SupportedRange.problem(planYear: y) == nil else { return nil }
        year = y
        month = m
    }

    /// The month `month` of `year`; nil outside 1…12 or the supported years.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), SupportedRange.problem(planYear: year) == nil else { return nil }
        self.year = year
        self.month = month
    }

    /// D: the last day of the previous month.
    public var actualDate: CivilDate { CivilDate.startOfMonth(year: year, month: month).adding(days: -1) }
    /// E: the last day of the reporting month.
    public var estimateDate: CivilDate { CivilDate.endOfMonth(year: year, month: month) }
    /// `2023-09`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
}

extension CivilDate {
    static func startOfMonth(year: Int, month: Int) -> CivilDate { CivilDate(computedYear: year, month: month, day: 1) }
}

/// What a form is computed from: the evaluations at D and the previous year at E.
public struct FormInputs: Sendable {
    /// The figures at D of some counted tranches, and the previous plan year on the day of E.
    public struct Figures: Sendable {
        public var actual: Evaluation
        public var lastYear: Comparison?
        public init(actual: Evaluation, lastYear: Comparison?) {
            self.actual = actual
            self.lastYear = lastYear
        }
    }

    /// The reporting month.
    public var month: ReportingMonth
    /// The rules' counted tranches.
    public var main: Figures
    /// Each tranche a row group names, counted alone.
    public var byTranche: [Tranche: Figures]

    /// The inputs of a form for `month`.
    public init(month: ReportingMonth, main: Figures, byTranche: [Tranche: Figures] = [:]) {
        self.month = month
        self.main = main
        self.byTranche = byTranche
    }
}

/// The estimate of a form: the early-warning projection carried from D to E, project by project.
///
/// Each project's estimate is what `RiskAssessment` projects for it on E from the figures at D
/// (the lower of the seasonal and the recent-pace projections, as the early warning does), but
/// never more than its plan (the treasury pays no more than the plan; a project already over
/// its plan stays where it is). Every other row sums its projects' estimates, so a form's rows
/// add up exactly: investors to the total, fund sources to their subject.
public enum Estimate {
    /// The projected cumulative disbursement of `subject` on `end`, from the evaluation at D.
    /// On or before D it is the actual figure.
    public static func projectionVND(_ subject: SubjectResult, in e: Evaluation, to end: CivilDate) -> VND {
        guard end > e.asOf else { return subject.position.disbursedVND }
        let zero = Threshold(basisPoints: 0)
        let target = Checkpoint(name: "E", date: end, wholePlan: zero, transitional: zero, newStart: zero)
        return RiskAssessment.assess(now: subject.position, activity: subject.activity, checkpoint: target, threshold: zero,
                                     asOf: e.asOf, planYear: e.planYear, profile: e.profile).projectedVND
    }

    /// A project's estimate: its projection, at most its plan, at least what it has disbursed.
    public static func projectVND(_ project: SubjectResult, in e: Evaluation, to end: CivilDate) -> VND {
        let p = project.position
        return max(p.disbursedVND, min(projectionVND(project, in: e, to: end), max(p.disbursedVND, p.planVND)))
    }

    /// Shares `increment` among parts in proportion to what each has left to disburse (plan −
    /// disbursed, at least 0), or to their plans when none has anything left, or all to the first
    /// part; largest remainders first, so the shares sum exactly to `increment`.
    public static func apportion(_ increment: VND, among parts: [Position]) -> [VND] {
        guard !parts.isEmpty else { return [] }
        var weights = parts.map { Int128(max(0, Int128($0.planVND) - Int128($0.disbursedVND))) }
        if weights.allSatisfy({ $0 == 0 }) { weights = parts.map { Int128(max(0, $0.planVND)) } }
        let total = weights.reduce(0, +)
        guard total > 0 else { return [increment] + [VND](repeating: 0, count: parts.count - 1) }
        var shares = weights.map { Int128(increment) * $0 / total }
        var left = Int128(increment) - shares.reduce(0, +)
        let order = weights.indices.sorted { i, j in
            let ri = (Int128(increment) * weights[i]) % total, rj = (Int128(increment) * weights[j]) % total
            return ri != rj ? ri > rj : i < j
        }
        var k = 0
        while left != 0 && !order.isEmpty {
            shares[order[k % order.count]] += left > 0 ? 1 : -1
            left += left > 0 ? -1 : 1
            k += 1
        }
        return shares.map { VND(clamping: $0) }
    }
}

/// Every project's estimate and its parts by fund source; rows read their sums.
struct Estimates {
    var byProject: [String: VND] = [:]
    var byProjectSource: [String: [String: VND]] = [:]

    init(_ e: Evaluation, to end: CivilDate) {
        byProject.reserveCapacity(e.projects.count)
        for p in e.projects {
            let estimate = Estimate.projectVND(p.result, in: e, to: end)
            byProject[p.project.code] = estimate
            let parts = p.result.fundSources
            let shares = Estimate.apportion(VND(clamping: Int128(estimate) - Int128(p.result.position.disbursedVND)),
                                            among: parts.map(\.position))
            var sources: [String: VND] = [:]
            for (k, part) in parts.enumerated() {
                sources[part.fundSource] = VND(clamping: Int128(part.position.disbursedVND) + Int128(shares[k]))
            }
            byProjectSource[p.project.code] = sources
        }
    }

    func total(_ projects: [ProjectResult]) -> VND {
        VND(clamping: projects.reduce(Int128(0)) { $0 + Int128(byProject[$1.project.code] ?? 0) })
    }

    func source(_ code: String, _ projects: [ProjectResult]) -> VND {
        VND(clamping: projects.reduce(Int128(0)) { $0 + Int128(byProjectSource[$1.project.code]?[code] ?? 0) })
    }
}

/// A form computed for a month: titles, merged headers, rows of values; renderers format it.
public struct FormTable: Sendable {
    /// A header cell and the cells it covers to the right and below.
    public struct HeaderCell: Sendable, Hashable {
        public var text: String
        public var rowSpan: Int
        public var columnSpan: Int

        public init(text: String, rowSpan: Int, columnSpan: Int) {
            self.text = text
            self.rowSpan = rowSpan
            self.columnSpan = columnSpan
        }
    }

    public struct Row: Sendable {
        public var values: [FormValue]
        public var bold: Bool
        public var italic: Bool
        public var indent: Int
    }

    /// The form this table was computed from.
    public var spec: FormSpec
    /// Title, subtitle and notes with their placeholders filled.
    public var title: [String]
    public var subtitle: [String]
    public var notes: [String]
    /// "Đơn vị: triệu đồng".
    public var unitLine: String
    /// `header[level][column]`: a cell, or nil where a merged cell covers it.
    public var header: [[HeaderCell?]]
    /// The numbers row (A, B, 1, 2 …), nil when the form has none.
    public var numbers: [String]?
    /// The rows, in the form's order, one value per column.
    public var rows: [Row]
    /// The reporting month.
    public var month: ReportingMonth
    /// Whether the plan year holds nothing (no plan line, no entry) at D.
    public var isEmptyYear = false
    /// The plan year reported on.
    public var planYear = 0
}

/// Computes a form from its spec and the figures.
public enum FormEngine {
    /// The form `spec` computed from `inputs`: rows in the file's order, each column's measure read
    /// from each row (see `Measure`), headers merged, placeholders filled; `lang` names what GiaiNgan adds.
    public static func table(_ spec: FormSpec, inputs: FormInputs, lang: Language = .vi) -> FormTable {
        let text = FormText(spec: spec, inputs: inputs, lang: lang)
        var rows: [FormTable.Row] = []
        // Top-level rows are numbered across groups (I, 1, 2, II, 1, 2 …): a number of a higher
        // level starts the lower levels again.
        var levels: [FormRowGroup.Numbering: Int] = [:]
        func nextTop(_ numbering: FormRowGroup.Numbering) -> String {
            levels[numbering, default: 0] += 1
            let order: [FormRowGroup.Numbering] = [.roman, .arabic, .letter]
            if let k = order.firstIndex(of: numbering) { for lower in order[(k + 1)...] { levels[lower] = 0 } }
            return FormText.ordinal(levels[numbering] ?? 1, numbering)
        }
        // Each set of figures' project estimates, once.
        var estimates: [Set<Tranche>: Estimates] = [:]
        let end = inputs.month.estimateDate
        for group in spec.rows {
            let figures = group.tranche.flatMap { inputs.byTranche[$0] } ?? inputs.main
            let e = figures.actual
            let key = e.rules.countedTranches
            let est = estimates[key] ?? Estimates(e, to: end)
            estimates[key] = est
            func next(_ numbering: FormRowGroup.Numbering, _ n: inout Int) -> String {
                n += 1
                return FormText.ordinal(n, numbering)
            }
            func emit(_ r: RowFigures, ordinal: String, bold: Bool, italic: Bool, indent: Int) {
                rows.append(FormTable.Row(values: spec.columns.map { $0.measure.value(r, ordinal: ordinal) },
                                          bold: bold, italic: italic, indent: indent))
            }
            func children(subject: SubjectResult, projects: [ProjectResult], province: Bool) {
                var n = 0
                for child in fundSourceRows(subject: subject, projects: projects, figures: figures, estimates: est,
                                            province: province, spec: spec, lang: lang) {
                    emit(child, ordinal: next(group.childNumbering, &n), bold: false, italic: group.italic, indent: group.indent + 1)
                }
            }
            switch group.kind {
            case .heading:
                var r = RowFigures(label: text.fill(group.label ?? ""), actual: .zero)
                r.isHeading = true
                emit(r, ordinal: nextTop(group.numbering), bold: group.bold, italic: group.italic, indent: group.indent)
            case .total:
                var r = RowFigures(label: text.fill(group.label ?? lang.t("TỔNG SỐ", "TOTAL")), actual: e.province.position)
                r.envelope = e.envelope?.total
                r.estimateVND = est.total(e.projects)
                r.lastYear = figures.lastYear.map { $0.province ?? .zero }
                r.projects = e.projects.count
                emit(r, ordinal: nextTop(group.numbering), bold: group.bold, italic: group.italic, indent: group.indent)
                if group.withFundSources { children(subject: e.province, projects: e.projects, province: true) }
            case .fundSources:
                for r in fundSourceRows(subject: e.province, projects: e.projects, figures: figures, estimates: est, province: true,
                                        spec: spec, lang: lang) {
                    emit(r, ordinal: nextTop(group.numbering), bold: group.bold, italic: group.italic, indent: group.indent)
                }
            case .classes:
                var byClass: [ProjectClass: [ProjectResult]] = [:]
                for p in e.projects { if let c = p.projectClass { byClass[c, default: []].append(p) } }
                for g in e.groups {
                    let own = byClass[g.projectClass] ?? []
                    var r = RowFigures(label: Words.projectClass(g.projectClass, lang), actual: g.result.position)
                    r.projectClass = Words.projectClass(g.projectClass, lang)
                    r.estimateVND = est.total(own)
                    r.lastYear = figures.lastYear.map { $0.groups[g.projectClass] ?? .zero }
                    r.projects = g.projectCount
                    emit(r, ordinal: nextTop(group.numbering), bold: group.bold, italic: group.italic, indent: group.indent)
                    if group.withFundSources { children(subject: g.result, projects: own, province: false) }
                }
            case .investors:
                let byInvestor = Dictionary(grouping: e.projects, by: { $0.project.investor })
                for i in e.investors {
                    let own = byInvestor[i.investor] ?? []
                    var r = RowFigures(label: i.investor.name, actual: i.result.position)
                    r.investor = i.investor.name
                    r.estimateVND = est.total(own)
                    r.lastYear = figures.lastYear.map { $0.investors[i.investor] ?? .zero }
                    r.projects = i.projectCount
                    emit(r, ordinal: nextTop(group.numbering), bold: group.bold, italic: group.italic, indent: group.indent)
                    if group.withFundSources { children(subject: i.result, projects: own, province: false) }
                    if group.withProjects {
                        var n = 0
                        for p in own {
                            emit(projectRow(p, figures, est, lang: lang), ordinal: next(group.childNumbering, &n), bold: false,
                                 italic: group.italic, indent: group.indent + 1)
                        }
                    }
                }
            case .keyProjects:
                for k in e.keyProjects {
                    var r = projectRow(k.project, figures, est, lang: lang)
                    r.shareOfPlan = k.shareOfPlan
                    emit(r, ordinal: nextTop(group.numbering), bold: group.bold, italic: group.italic, indent: group.indent)
                }
            case .projects:
                for p in e.projects {
                    emit(projectRow(p, figures, est, lang: lang), ordinal: nextTop(group.numbering), bold: group.bold,
                         italic: group.italic, indent: group.indent)
                }
            }
        }
        var table = FormTable(spec: spec, title: spec.title.map(text.fill), subtitle: spec.subtitle.map(text.fill),
                              notes: spec.notes.map(text.fill), unitLine: text.unitLine, header: header(spec, fill: text.fill),
                              numbers: spec.columnNumbers ? numbers(spec) : nil, rows: rows, month: inputs.month)
        table.isEmptyYear = inputs.main.actual.isEmptyYear
        table.planYear = inputs.main.actual.planYear
        return table
    }

    static func projectRow(_ p: ProjectResult, _ f: FormInputs.Figures, _ est: Estimates, lang: Language) -> RowFigures {
        var r = RowFigures(label: p.project.name, actual: p.result.position)
        r.projectCode = p.project.code
        r.investor = p.project.investor.name
        r.district = p.project.district
        r.projectClass = p.projectClass.map { Words.projectClass($0, lang) }
        r.estimateVND = est.byProject[p.project.code]
        r.lastYear = f.lastYear.map { $0.projects[p.project.code] ?? .zero }
        return r
    }

    /// One row per fund source of `subject`, each estimate the sum of its projects' parts, so the
    /// rows sum exactly to the subject's.
    static func fundSourceRows(subject: SubjectResult, projects: [ProjectResult], figures: FormInputs.Figures, estimates: Estimates,
                               province: Bool, spec: FormSpec, lang: Language) -> [RowFigures] {
        var parts: [(code: String, position: Position, envelope: EnvelopeRow?)] = []
        if province, let envelope = figures.actual.envelope {
            // The envelope's rows hold every fund source assigned or allocated.
            parts = envelope.byFundSource.map { row in
                let code = row.fundSource ?? FundSource.unspecified
                return (code, subject.fundSources.first { $0.fundSource == code }?.position ?? .zero, row)
            }
        } else {
            parts = subject.fundSources.map { ($0.fundSource, $0.position, nil) }
        }
        return parts.map { part in
            var r = RowFigures(label: FormText.fundSourceName(part.code, spec: spec, lang: lang), actual: part.position)
            r.fundSource = part.code.isEmpty ? nil : part.code
            r.envelope = part.envelope
            r.estimateVND = estimates.source(part.code, projects)
            if province { r.lastYear = figures.lastYear.map { $0.fundSources[part.code] ?? .zero } }
            return r
        }
    }

    /// The header grid with merges (see `FormColumn`).
    static func header(_ spec: FormSpec, fill: (String) -> String = { $0 }) -> [[FormTable.HeaderCell?]] {
        let depth = spec.headerDepth
        let columns = spec.columns
        var grid = [[FormTable.HeaderCell?]](repeating: [FormTable.HeaderCell?](repeating: nil, count: columns.count), count: depth)
        for level in 0..<depth {
            var c = 0
            while c < columns.count {
                let h = columns[c].header
                guard level < h.count else { c += 1; continue }   // covered by a cell above
                let isLeaf = level == h.count - 1
                var span = 1
                while c + span < columns.count {
                    let o = columns[c + span].header
                    guard o.count > level, Array(o[0...level]) == Array(h[0...level]), (level == o.count - 1) == isLeaf else { break }
                    span += 1
                }
                grid[level][c] = FormTable.HeaderCell(text: fill(h[level]), rowSpan: isLeaf ? depth - level : 1, columnSpan: span)
                c += span
            }
        }
        return grid
    }

    static func numbers(_ spec: FormSpec) -> [String] {
        var letter = 0, number = 0
        return spec.columns.map { c in
            if let n = c.number { return n }
            if c.measure.kind == .text {
                letter += 1
                return FormText.ordinal(letter, .letter).uppercased()
            }
            number += 1
            return String(number)
        }
    }
}

/// Filling a form's text: placeholders, ordinals, fund source names, the unit line.
struct FormText {
    let values: [String: String]
    let unitLine: String

    init(spec: FormSpec, inputs: FormInputs, lang: Language) {
        let e = inputs.main.actual
        let m = inputs.month
        let unit: String
        switch spec.unit {
        case .dong: unit = lang.t("đồng", "VND")
        case .million: unit = lang.t("triệu đồng", "million VND")
        case .billion: unit = lang.t("tỷ đồng", "billion VND")
        }
        unitLine = lang.t("Đơn vị: ", "Unit: ") + unit
        values = [
            "plan_year": String(e.planYear),
            "previous_plan_year": String(e.planYear - 1),
            "month": (m.month < 10 ? "0" : "") + String(m.month),
            "year": String(m.year),
            "actual_date": Format.date(m.actualDate, lang),
            "estimate_date": Format.date(m.estimateDate, lang),
            "province": Words.province(e.rules) ?? "",
            "rules": Words.rules(e.rules, lang),
            "unit": unit,
            "profile": Words.profile(e.profile, lang),
        ]
    }

    /// Placeholder names a form's text may use.
    static let placeholders = ["plan_year", "previous_plan_year", "month", "year", "actual_date", "estimate_date",
                               "province", "rules", "unit", "profile"]

    func fill(_ template: String) -> String {
        var out = template
        for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
        return out
    }

    static func ordinal(_ n: Int, _ numbering: FormRowGroup.Numbering) -> String {
        switch numbering {
        case .none: return ""
        case .arabic: return String(n)
        case .dash: return "-"
        case .letter:
            var s = "", k = n
            while k > 0 { k -= 1; s = String(UnicodeScalar(UInt8(97 + k % 26))) + s; k /= 26 }
            return s
        case .roman:
            let table: [(Int, String)] = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
            var s = "", k = n
            for (v, r) in table { while k >= v { s += r; k -= v } }
            return s
        }
    }

    static func fundSourceName(_ code: String, spec: FormSpec, lang: Language) -> String {
        if let name = spec.fundSourceNames[code.isEmpty ? "unspecified" : code] { return name }
        return code.isEmpty ? lang.t("Chưa xác định nguồn vốn", "Fund source not given") : code
    }
}
