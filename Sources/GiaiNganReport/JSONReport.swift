import GiaiNganCore

/// The machine-readable check result (`giaingan check --format json`), the contract of
/// FORMATS.md: field names are stable; new fields may be added, none removed or renamed.
///
/// Amounts are JSON integers in VND. Rates are decimal fractions rounded *down* to six
/// decimals (0.349999 for 34.9999…%), or null where the plan is zero. Field by field, see
/// README "JSON output".
public enum JSONReport {
    /// Identifies the layout, for scripts that want to check it.
    public static let formatName = "giaingan.check/1"

    /// The JSON text: what `value(_:lang:scope:)` serialises to.
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        let pieces = ReportPieces(e, lang: lang)
        defer { pieces.all.finish() }
        var w = JSONWriter(reserve: 4096 + 4600 * e.projects.count)
        report(e, lang: lang, scope: scope, pieces: pieces, into: &w)
        w.out.bytes.append(0x0A)
        return String(decoding: w.out.bytes, as: UTF8.self)
    }

    /// Writes the JSON text that `render` returns to `sink`, in pieces of about 1 MiB, so that
    /// the whole text is never held in memory. The projects and the warnings, sentences and
    /// all, are made in pieces on the cores (``ReportPieces``).
    public static func write(_ e: Evaluation, lang: Language, scope: ReportScope,
                             to sink: (UnsafeRawBufferPointer) -> Void) {
        let pieces = ReportPieces(e, lang: lang)
        defer { pieces.all.finish() }
        withoutActuallyEscaping(sink) { sink in
            var w = JSONWriter(reserve: JSONReport.pieceBytes + (1 << 16), sink: sink, pieceBytes: JSONReport.pieceBytes)
            report(e, lang: lang, scope: scope, pieces: pieces, into: &w)
            w.finish()
        }
    }

    static let pieceBytes = 1 << 20

    /// The `projects` and `warnings` arrays of a report cut into pieces (about 800 KB each at
    /// the sizes of a national-scale province) made on the cores, from when the text is begun.
    struct ReportPieces {
        static let projectsPerPiece = 256
        static let warningsPerPiece = 1024

        let all: OrderedPieces
        let projects: Range<Int>
        let warnings: Range<Int>

        init(_ e: Evaluation, lang: Language, helpers: Int = Parallel.threads - 1) {
            let p = (e.projects.count + Self.projectsPerPiece - 1) / Self.projectsPerPiece
            let q = (e.warnings.count + Self.warningsPerPiece - 1) / Self.warningsPerPiece
            projects = 0..<p
            warnings = p..<(p + q)
            let names = JSONReport.projectNames(e)
            all = OrderedPieces(count: p + q, helpers: helpers) { k, bytes in
                // Each piece is written as the elements `lo..<hi` of an array at depth 1.
                let (per, first) = k < p ? (Self.projectsPerPiece, k) : (Self.warningsPerPiece, k - p)
                let lo = first * per
                var w = JSONWriter(continuing: bytes, arrayAt: 1, elementsBefore: lo > 0)
                bytes = []     // the writer alone holds the storage, which it appends to in place
                if k < p {
                    for i in lo..<min(e.projects.count, lo + per) { JSONReport.project(e.projects[i], e, into: &w) }
                } else {
                    for i in lo..<min(e.warnings.count, lo + per) {
                        JSONReport.warning(e.warnings[i], lang: lang, names: names, into: &w)
                    }
                }
                bytes = w.out.bytes
            }
        }

        var projectsRun: PieceRun { PieceRun(pieces: all, range: projects) }
        var warningsRun: PieceRun { PieceRun(pieces: all, range: warnings) }
    }

    public static func value(_ e: Evaluation, lang: Language, scope: ReportScope) -> JSONValue {
        JSONTree.make { report(e, lang: lang, scope: scope, pieces: nil, into: &$0) }
    }

    /// The report, member by member. `pieces` makes the elements of the `projects` and
    /// `warnings` arrays, for an output that takes text.
    static func report<W: JSONOut>(_ e: Evaluation, lang: Language, scope: ReportScope,
                                   pieces: ReportPieces?, into w: inout W) {
        let lineages = e.lineagesByInvestor()
        w.beginObject()
        w.key("format"); w.string(formatName)
        w.key("as_of"); w.date(e.asOf)
        w.key("plan_year"); w.int(Int64(e.planYear))
        w.key("rules"); w.string(e.rules.name)
        w.key("rules_detail"); w.value(rulesValue(e.rules))
        w.key("scope")
        w.object { w in
            if case .investor(let id) = scope {
                w.key("kind"); w.string("investor")
                w.key("investor"); w.string(id.name)
            } else {
                w.key("kind"); w.string("province")
            }
        }
        w.key("language"); w.string(lang.rawValue)
        w.key("seasonal_profile"); w.string(e.profile.source)
        w.key("province_average_rate"); w.rate(e.provinceAverageRate)
        if e.isEmptyYear {
            w.key("plan_years_in_database"); w.array { w in for y in e.planYearsInDatabase { w.int(Int64(y)) } }
        }
        w.key("comparisons"); w.value(comparisons(e))
        if scope.investor == nil, let envelope = e.envelope { w.key("envelope"); w.value(envelopeValue(envelope, e)) }
        w.key("province")
        w.object { w in
            subjectFields(e.province, e, lastYear: e.lastYear?.province, since: e.sinceLast?.province, into: &w)
            w.key("annual_goal"); w.value(annualGoal(e.annualGoal))
        }
        w.key("groups")
        w.array { w in
            for g in e.groups {
                w.object { w in
                    w.key("class"); w.string(g.projectClass.rawValue)
                    w.key("projects"); w.int(Int64(g.projectCount))
                    subjectFields(g.result, e, lastYear: e.lastYear?.groups[g.projectClass], since: e.sinceLast?.groups[g.projectClass],
                                  into: &w)
                }
            }
        }
        // After a merge of provinces (README "Reorganisation"); absent otherwise. A breakdown
        // whose sums overflow (which the province's own sums would have refused first) is left out.
        if scope.investor == nil, let parts = try? e.formerProvinces(), !parts.isEmpty {
            w.key("former_provinces")
            w.array { w in
                for p in parts {
                    w.object { w in
                        w.key("former_province"); w.optional(p.formerProvince)
                        w.key("projects"); w.int(Int64(p.projectCount))
                        w.key("plan_vnd"); w.int(p.position.planVND)
                        w.key("disbursed_vnd"); w.int(p.position.disbursedVND)
                        w.key("outstanding_advance_vnd"); w.int(p.position.outstandingAdvanceVND)
                        w.key("rate"); w.rate(p.position.rate)
                    }
                }
            }
        }
        w.key("ranking"); w.value(rankingValue(e))
        w.key("investors")
        w.array { w in for i in e.investors { investor(i, e, lineage: lineages[i.investor] ?? [], into: &w) } }
        w.key("key_projects")
        w.array { w in
            for k in e.keyProjects {
                w.object { w in
                    w.key("project_code"); w.string(k.project.project.code)
                    w.key("project_name"); w.string(k.project.project.name)
                    w.key("investor"); w.string(k.project.project.investor.name)
                    w.key("plan_vnd"); w.int(k.project.result.position.planVND)
                    w.key("disbursed_vnd"); w.int(k.project.result.position.disbursedVND)
                    w.key("rate"); w.rate(k.project.result.rate)
                    w.key("share_of_plan"); w.rate(k.shareOfPlan)
                }
            }
        }
        if let schedule = e.schedule { w.key("schedule"); w.value(scheduleValue(schedule, lang: lang, rules: e.rules)) }
        w.key("projects")
        w.array { w in
            w.elements(pieces?.projectsRun) { w in
                for p in e.projects {
                    project(p, e, into: &w)
                    w.elementWritten()
                }
            }
        }
        w.key("warnings")
        w.array { w in
            w.elements(pieces?.warningsRun) { w in
                let names = projectNames(e)
                for warning in e.warnings { self.warning(warning, lang: lang, names: names, into: &w) }
            }
        }
        w.elementWritten()
        w.endObject()
    }

    /// Each project's name by code, for the warnings' sentences.
    static func projectNames(_ e: Evaluation) -> [String: String] {
        Dictionary(e.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
    }

    static func investor<W: JSONOut>(_ i: InvestorResult, _ e: Evaluation, lineage: [LineageStep], into w: inout W) {
        w.beginObject()
        w.key("investor"); w.string(i.investor.name)
        w.key("plan_vnd"); w.int(i.result.position.planVND)
        w.key("disbursed_vnd"); w.int(i.result.position.disbursedVND)
        w.key("rate"); w.rate(i.result.rate)
        w.key("projects"); w.int(Int64(i.projectCount))
        w.key("projects_below"); w.int(Int64(i.projectsBelow))
        w.key("projects_at_risk"); w.int(Int64(i.projectsAtRisk))
        w.key("plan_at_risk_share"); w.number(Threshold(basisPoints: min(10_000, i.planAtRiskBasisPoints)).fractionText)
        w.key("shortfall_vnd"); w.int(i.shortfallVND)
        w.key("risk"); w.optional(i.result.risk?.status.rawValue)
        w.key("above_province_average"); if let above = i.aboveProvinceAverage { w.bool(above) } else { w.null() }
        w.key("standing"); w.optional(i.standing?.rawValue)
        w.key("outstanding_advance_vnd"); w.int(i.result.position.outstandingAdvanceVND)
        extraFields(i.result, e, lastYear: e.lastYear?.investors[i.investor], since: e.sinceLast?.investors[i.investor], into: &w)
        w.key("checkpoints"); checkpoints(i.result, e, into: &w)
        w.key("lineage")
        w.array { w in
            for s in lineage {
                w.object { w in
                    w.key("investor"); w.string(s.investor.name)
                    w.key("until"); w.date(s.until)
                    w.key("decision_ref"); w.string(s.decisionRef)
                }
            }
        }
        w.endObject()
    }

    static func project<W: JSONOut>(_ p: ProjectResult, _ e: Evaluation, into w: inout W) {
        w.beginObject()
        w.key("project_code"); w.string(p.project.code)
        w.key("project_name"); w.string(p.project.name)
        w.key("investor"); w.string(p.project.investor.name)
        w.key("district"); w.optional(p.project.district)
        w.key("former_district"); w.optional(p.project.formerDistrict)
        w.key("class"); w.optional(p.projectClass?.rawValue)
        w.key("plan_vnd"); w.int(p.result.position.planVND)
        w.key("disbursed_vnd"); w.int(p.result.position.disbursedVND)
        w.key("outstanding_advance_vnd"); w.int(p.result.position.outstandingAdvanceVND)
        w.key("rate"); w.rate(p.result.rate)
        w.key("risk"); w.optional(p.result.risk?.status.rawValue)
        w.key("key_project"); w.bool(p.project.isKeyProject)
        extraFields(p.result, e, lastYear: e.lastYear?.projects[p.project.code], since: e.sinceLast?.projects[p.project.code],
                    into: &w)
        w.key("checkpoints"); checkpoints(p.result, e, into: &w)
        w.endObject()
    }

    static func annualGoal(_ g: AnnualGoalResult) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("threshold", .number(g.threshold.fractionText)),
            ("date", .string(g.date.description)),
            ("status", .string(g.status.rawValue)),
        ]
        if let at = g.atDate {
            f += [("plan_vnd", .int(at.planVND)), ("disbursed_vnd", .int(at.disbursedVND)), ("rate", rate(at.rate))]
        }
        if let r = g.risk { f.append(("risk", riskValue(r))) }
        return .object(f)
    }

    // MARK: - Pieces

    public static func rate(_ r: Rate?) -> JSONValue { r.map { .number($0.fractionText(digits: 6)) } ?? .null }

    static func rulesValue(_ r: RuleSet) -> JSONValue {
        .object([
            ("name", .string(r.name)),
            ("province", .string(r.province)),
            ("plan_year", .int(Int64(r.planYear))),
            ("counted_tranches", .array(Tranche.allCases.filter { r.countedTranches.contains($0) }.map { .string($0.rawValue) })),
            ("annual_goal", .number(r.annualGoal.fractionText)),
            ("window_end", .string(r.windowEnd.description)),
            ("plan_basis", .string(r.planBasis)),
            ("checkpoint_basis", .string(r.checkpointBasis.rawValue)),
            ("adjusted_denominator", r.adjustedDenominator.map { a in
                .object([("basis", .string(a.basis.rawValue)), ("excludes_added_after", .string(a.excludesAddedAfter.description)),
                         ("label", .string(a.label))])
            } ?? .null),
            ("fund_source_groups", .object(Set(r.fundSourceGroups.values).sorted().map { g in
                (g, .array(r.fundSourceGroups.filter { $0.value == g }.keys.sorted().map { .string($0) }))
            })),
            ("ranking_lines", .array(r.rankingLines.map { .number($0.fractionText) })),
            ("display", .object([("rate_decimals", .int(Int64(r.display.rateDecimals))), ("rounding", .string(r.display.rounding.rawValue)),
                                 ("amount_unit", .string(r.display.amountUnit.rawValue)),
                                 ("amount_decimals", .int(Int64(r.display.amountDecimals)))])),
        ])
    }

    /// Fields every subject has beside its totals: what is left, the parts by fund source and
    /// tranche, and the comparisons.
    static func extraFields<W: JSONOut>(_ r: SubjectResult, _ e: Evaluation, lastYear: Position?, since: Position?,
                                        into w: inout W) {
        let counted = e.rules.countedTranches
        w.key("remaining_vnd"); w.int(r.remainingVND)
        w.key("carried_over"); uncounted(counted.contains(.carriedOver) ? .zero : r.tranche(.carriedOver), into: &w)
        w.key("advance_plan"); uncounted(counted.contains(.advancePlan) ? .zero : r.tranche(.advancePlan), into: &w)
        w.key("fund_sources")
        w.array { w in
            for part in r.fundSources {
                w.object { w in
                    w.key("fund_source"); w.optional(part.fundSource.isEmpty ? nil : part.fundSource)
                    w.key("plan_vnd"); w.int(part.position.planVND)
                    w.key("disbursed_vnd"); w.int(part.position.disbursedVND)
                    w.key("rate"); w.rate(part.position.rate)
                    w.key("remaining_vnd"); w.int(part.remainingVND)
                }
            }
        }
        w.key("tranches")
        w.array { w in
            for part in r.tranches {
                w.object { w in
                    w.key("tranche"); w.string(part.tranche.rawValue)
                    w.key("counted"); w.bool(counted.contains(part.tranche))
                    w.key("plan_vnd"); w.int(part.position.planVND)
                    w.key("disbursed_vnd"); w.int(part.position.disbursedVND)
                    w.key("rate"); w.rate(part.position.rate)
                }
            }
        }
        w.key("same_period_last_year"); comparison(now: r.position, then: lastYear, e.lastYear, into: &w)
        w.key("since_last"); comparison(now: r.position, then: since, e.sinceLast, into: &w)
    }

    /// A subject's figures at the comparison's date and the change since then, or null.
    static func comparison<W: JSONOut>(now: Position, then: Position?, _ c: Comparison?, into w: inout W) {
        guard let c, let then else { w.null(); return }
        let change = Change(now: now, then: then)
        w.beginObject()
        w.key("as_of"); w.date(c.asOf)
        w.key("plan_vnd"); w.int(then.planVND)
        w.key("disbursed_vnd"); w.int(then.disbursedVND)
        w.key("rate"); w.rate(then.rate)
        w.key("disbursed_change_vnd"); w.int(change.disbursedVND)
        w.key("points_change"); if let points = change.pointsHundredths { w.number(pointsText(points)) } else { w.null() }
        w.endObject()
    }

    /// Hundredths of a percentage point as a JSON number: 1751 → "17.51", -5 → "-0.05".
    public static func pointsText(_ hundredths: Int) -> String {
        let sign = hundredths < 0 ? "-" : ""
        let m = hundredths.magnitude
        let rest = m % 100
        return "\(sign)\(m / 100).\(rest < 10 ? "0" : "")\(rest)"
    }

    static func comparisons(_ e: Evaluation) -> JSONValue {
        func one(_ c: Comparison?) -> JSONValue {
            guard let c else { return .null }
            return .object([("kind", .string(c.kind.rawValue)), ("plan_year", .int(Int64(c.planYear))),
                            ("as_of", .string(c.asOf.description)), ("run_id", c.runID.map { .int($0) } ?? .null)])
        }
        return .object([("same_period_last_year", one(e.lastYear)), ("since_last", one(e.sinceLast))])
    }

    static func rankingValue(_ e: Evaluation) -> JSONValue {
        let s = e.ranking
        return .object([
            ("order", .string(e.request.rankBy.rawValue)),
            ("above_average", .int(Int64(s.above))), ("equal_to_average", .int(Int64(s.equal))),
            ("below_average", .int(Int64(s.below))),
            ("at_zero", .array(s.atZero.map { .string($0.name) })),
            ("below_lines", .array(s.belowLines.map { .object([("threshold", .number($0.threshold.fractionText)),
                                                               ("investors", .int(Int64($0.count)))]) })),
        ])
    }

    static func envelopeValue(_ f: EnvelopeFigures, _ e: Evaluation) -> JSONValue {
        func row(_ r: EnvelopeRow) -> JSONValue {
            var fields: [(String, JSONValue)] = [("fund_source", r.fundSource.map { $0.isEmpty ? .null : .string($0) } ?? .null)]
            fields += [
                ("prime_minister_vnd", .int(r.primeMinisterVND)), ("province_vnd", .int(r.provinceVND)),
                ("locally_added_vnd", r.locallyAddedVND.map { .int($0) } ?? .null), ("allocated_vnd", .int(r.allocatedVND)),
                ("unallocated_vnd", r.unallocatedVND.map { .int($0) } ?? .null), ("disbursed_vnd", .int(r.disbursedVND)),
                ("prime_minister_lines", .int(Int64(r.primeMinisterLines))), ("province_lines", .int(Int64(r.provinceLines))),
                ("rate_on_prime_minister", rate(r.rateOnPrimeMinister)), ("rate_on_province", rate(r.rateOnProvince)),
                ("rate_on_allocated", rate(r.rateOnAllocated)),
                ("adjusted_vnd", r.adjustedVND.map { .int($0) } ?? .null), ("rate_on_adjusted", rate(r.rateOnAdjusted)),
            ]
            return .object(fields)
        }
        var total = row(f.total)
        if case .object(var fields) = total { fields.removeFirst(); total = .object(fields) }
        return .object([("lines", .int(Int64(f.lineCount))), ("total", total), ("fund_sources", .array(f.byFundSource.map(row)))])
    }

    static func subjectFields<W: JSONOut>(_ r: SubjectResult, _ e: Evaluation, lastYear: Position?, since: Position?,
                                          into w: inout W) {
        w.key("plan_vnd"); w.int(r.position.planVND)
        w.key("disbursed_vnd"); w.int(r.position.disbursedVND)
        w.key("outstanding_advance_vnd"); w.int(r.position.outstandingAdvanceVND)
        w.key("rate"); w.rate(r.rate)
        w.key("risk"); w.optional(r.risk?.status.rawValue)
        extraFields(r, e, lastYear: lastYear, since: since, into: &w)
        w.key("checkpoints"); checkpoints(r, e, into: &w)
    }

    static func uncounted<W: JSONOut>(_ p: Position, into w: inout W) {
        w.beginObject()
        w.key("plan_vnd"); w.int(p.planVND)
        w.key("disbursed_vnd"); w.int(p.disbursedVND)
        w.key("rate"); w.rate(p.rate)
        w.endObject()
    }

    static func checkpoints<W: JSONOut>(_ r: SubjectResult, _ e: Evaluation, into w: inout W) {
        w.beginArray()
        for c in r.checkpoints {
            w.beginObject()
            w.key("name"); w.string(c.checkpoint.name)
            w.key("date"); w.date(c.checkpoint.date)
            w.key("threshold"); w.number(c.threshold.fractionText)
            w.key("status"); w.string(c.status.rawValue)
            if let at = c.atCheckpoint {
                w.key("plan_vnd"); w.int(at.planVND)
                w.key("disbursed_vnd"); w.int(at.disbursedVND)
                w.key("rate"); w.rate(at.rate)
            }
            if let risk = c.risk { w.key("risk"); riskValue(risk, into: &w) }
            if !c.milestones.isEmpty {
                w.key("milestones")
                w.array { w in
                    for m in c.milestones {
                        w.object { w in
                            w.key("milestone"); w.string(m.milestone.rawValue)
                            w.key("due_on"); w.date(m.dueOn)
                            w.key("reached_on"); if let d = m.reachedOn { w.date(d) } else { w.null() }
                            w.key("on_time"); w.bool(m.isOnTime)
                        }
                    }
                }
            }
            w.endObject()
        }
        w.endArray()
    }

    static func riskValue(_ r: RiskAssessment) -> JSONValue { JSONTree.make { riskValue(r, into: &$0) } }

    static func riskValue<W: JSONOut>(_ r: RiskAssessment, into w: inout W) {
        w.beginObject()
        w.key("status"); w.string(r.status.rawValue)
        w.key("reason"); w.string(r.reason.rawValue)
        w.key("required_vnd"); w.int(r.requiredVND)
        w.key("shortfall_vnd"); w.int(r.shortfallVND)
        w.key("days_left"); w.int(Int64(r.daysLeft))
        w.key("required_daily_vnd"); w.int(r.requiredDailyVND)
        w.key("recent_28d_vnd"); w.int(r.recent28VND)
        w.key("best_28d_vnd"); w.int(r.best28VND)
        w.key("expected_now_vnd"); w.int(r.expectedNowVND)
        w.key("projected_vnd"); w.int(r.projectedVND)
        w.endObject()
    }

    /// One warning as a JSON object (as in the `warnings` array).
    public static func warning(_ w: Warning, lang: Language, names: [String: String]) -> JSONValue {
        JSONTree.make { warning(w, lang: lang, names: names, into: &$0) }
    }

    static func warning<W: JSONOut>(_ warning: Warning, lang: Language, names: [String: String], into w: inout W) {
        w.beginObject()
        w.key("code"); w.string(warning.code.rawValue)
        w.key("severity"); w.string(warning.severity.rawValue)
        w.key("subject"); w.string(warning.subject.description)
        w.key("investor"); w.optional(warning.investor?.name)
        w.key("checkpoint"); w.optional(warning.checkpointName)
        w.key("message"); w.string(Messages.warning(warning, lang, names: names))
        w.key("key"); w.string(warning.key)
        w.key("plan_vnd"); w.int(warning.position.planVND)
        w.key("disbursed_vnd"); w.int(warning.position.disbursedVND)
        w.key("rate"); w.rate(warning.rate)
        w.key("threshold"); if let t = warning.threshold { w.number(t.fractionText) } else { w.null() }
        w.key("shortfall_vnd"); w.int(warning.shortfallVND)
        if let r = warning.risk {
            w.key("days_left"); w.int(Int64(r.daysLeft))
            w.key("required_daily_vnd"); w.int(r.requiredDailyVND)
            w.key("recent_28d_vnd"); w.int(r.recent28VND)
            w.key("best_28d_vnd"); w.int(r.best28VND)
            w.key("projected_vnd"); w.int(r.projectedVND)
            w.key("reason"); w.string(Messages.reason(r, lang))
        }
        if let m = warning.milestone {
            w.key("milestone"); w.string(m.milestone.rawValue)
            w.key("due_on"); w.date(m.dueOn)
            w.key("reached_on"); if let d = m.reachedOn { w.date(d) } else { w.null() }
        }
        w.endObject()
    }
}

