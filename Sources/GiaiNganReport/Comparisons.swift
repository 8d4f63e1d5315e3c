import GiaiNganCore

/// Whose figures a comparison is looked up for.
enum ComparedSubject {
    case province
    case group(ProjectClass)
    case investor(InvestorID)
    case project(String)
}

extension Comparison {
    /// The subject's figures at the comparison's date, or nil when it had none then.
    func position(of subject: ComparedSubject) -> Position? {
        switch subject {
        case .province: province
        case .group(let c): groups[c]
        case .investor(let id): investors[id]
        case .project(let code): projects[code]
        }
    }
}

/// The comparison columns of a table: the rate on the same day last year and the change in
/// points, then the disbursed change and the change in points since the last report; each pair
/// only when its comparison is there.
struct ComparisonColumns {
    let display: Display
    let lastYear: Comparison?
    let sinceLast: Comparison?

    init(_ e: Evaluation, display: Display) {
        self.display = display
        lastYear = e.lastYear
        sinceLast = e.sinceLast
    }

    var isEmpty: Bool { lastYear == nil && sinceLast == nil }

    var lang: Language { display.lang }

    /// Column headings; `amountHeading` makes the heading of the disbursed change (it names
    /// the unit in the formats whose cells leave it out).
    func headings(amountHeading: (String) -> String) -> [String] {
        var out: [String] = []
        if lastYear != nil {
            out += [lang.t("Cùng kỳ năm trước", "Same day last year"), lang.t("± so với cùng kỳ", "± vs last year")]
        }
        if let sinceLast {
            let since = sinceLast.kind == .previousReport ? lang.t("kỳ trước", "last report") : Format.date(sinceLast.asOf, lang)
            out += [amountHeading(lang.t("GN thêm từ \(since)", "Disbursed since \(since)")), lang.t("± từ \(since)", "± since \(since)")]
        }
        return out
    }

    /// The cells of one subject: `amount` shows the disbursed change.
    func cells(now: Position, _ subject: ComparedSubject, amount: (VND) -> String) -> [String] {
        var out: [String] = []
        if let lastYear {
            if let then = lastYear.position(of: subject) {
                out += [display.percent(then.rate), display.points(now: now.rate, then: then.rate) ?? "—"]
            } else {
                out += ["—", "—"]
            }
        }
        if let sinceLast {
            if let then = sinceLast.position(of: subject) {
                out += [amount(Change(now: now, then: then).disbursedVND), display.points(now: now.rate, then: then.rate) ?? "—"]
            } else {
                out += ["—", "—"]
            }
        }
        return out
    }

    /// The headline's sentences: "Cùng kỳ năm trước (15/05/2022): 5,00% (+15,00 điểm %)" and
    /// "So với kỳ báo cáo trước (08/05/2023): giải ngân thêm +0,10 tỷ, +2,56 điểm %".
    func sentences(now: Position, _ subject: ComparedSubject) -> [String] {
        var out: [String] = []
        if let lastYear, let then = lastYear.position(of: subject) {
            var s = upperFirst(Words.comparison(lastYear, lang)) + ": " + display.percent(then.rate)
            if let points = display.points(now: now.rate, then: then.rate) { s += " (\(points))" }
            s += lang.t(", đã giải ngân \(display.brief(then.disbursedVND))", ", disbursed \(display.brief(then.disbursedVND))")
            out.append(s)
        }
        if let sinceLast, let then = sinceLast.position(of: subject) {
            let change = Change(now: now, then: then)
            var s = lang.t("So với \(Words.comparison(sinceLast, lang)): giải ngân thêm \(display.signedBrief(change.disbursedVND))",
                           "Since \(Words.comparison(sinceLast, lang)): disbursed \(display.signedBrief(change.disbursedVND))")
            if let points = display.points(now: now.rate, then: then.rate) { s += ", \(points)" }
            out.append(s)
        }
        return out
    }

    func upperFirst(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}

extension SubjectResult {
    /// The tranches this rule set reports apart (not counted), in order, with their figures.
    func apart(_ rules: RuleSet) -> [(tranche: Tranche, position: Position)] {
        [Tranche.carriedOver, .advancePlan].filter { !rules.countedTranches.contains($0) }.map { ($0, tranche($0)) }
    }
}
