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

    /// The JSON text: what `value(_:lang:scope:)` serialises to, written one project and one
    /// warning at a time (a large province's report is some 70 MB; holding it all as values
    /// before writing it cost more than computing it).
    public static func render(_ e: Evaluation, lang: Language, scope: ReportScope) -> String {
        let warnings = warningsInBackground(e, lang: lang)
        var out = JSONBytes()
        out.bytes.reserveCapacity(4096 + 3500 * e.projects.count + 1200 * e.warnings.count)
        JSONMember.writeObject(members(e, lang: lang, scope: scope, warningsWritten: warnings), into: &out, indent: 0)
        out.bytes.append(0x0A)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Writes the JSON text that `render` returns to `sink`, in pieces of about 1 MiB, so that
    /// the whole text is never held in memory.
    public static func write(_ e: Evaluation, lang: Language, scope: ReportScope,
                             to sink: (UnsafeRawBufferPointer) -> Void) {
        let warnings = warningsInBackground(e, lang: lang)
        var out = JSONBytes()
        out.bytes.reserveCapacity(JSONReport.pieceBytes + (1 << 16))
        JSONMember.writeObject(members(e, lang: lang, scope: scope, warningsWritten: warnings), into: &out, indent: 0) { out in
            guard out.bytes.count >= JSONReport.pieceBytes else { return }
            out.bytes.withUnsafeBytes(sink)
            out.bytes.removeAll(keepingCapacity: true)
        }
        out.bytes.append(0x0A)
        out.bytes.withUnsafeBytes(sink)
    }

    static let pieceBytes = 1 << 20

    public static func value(_ e: Evaluation, lang: Language, scope: ReportScope) -> JSONValue {
        .object(members(e, lang: lang, scope: scope).map { ($0.0, $0.1.value) })
    }

    static func members(_ e: Evaluation, lang: Language, scope: ReportScope,
                        warningsWritten: (() -> [UInt8])? = nil) -> [(String, JSONMember)] {
        let names = projectNames(e)
        var scopeValue: [(String, JSONValue)] = [("kind", .string("province"))]
        if case .investor(let id) = scope { scopeValue = [("kind", .string("investor")), ("investor", .string(id.name))] }
        let province: JSONValue = .object(subjectFields(e.province, e, lastYear: e.lastYear?.province, since: e.sinceLast?.province)
                                          + [("annual_goal", annualGoal(e.annualGoal))])
        let groups: [JSONValue] = e.groups.map { g in
            .object([("class", .string(g.projectClass.rawValue)), ("projects", .int(Int64(g.projectCount)))]
                    + subjectFields(g.result, e, lastYear: e.lastYear?.groups[g.projectClass],
                                    since: e.sinceLast?.groups[g.projectClass]))
        }
        let investors: [JSONValue] = e.investors.map { investor($0, e) }
        var top: [(String, JSONMember)] = [
            ("format", .value(.string(formatName))),
            ("as_of", .value(.string(e.asOf.description))),
            ("plan_year", .value(.int(Int64(e.planYear)))),
            ("rules", .value(.string(e.rules.name))),
        ]
        top.append(("rules_detail", .value(rulesValue(e.rules))))
        top.append(("scope", .value(.object(scopeValue))))
        top.append(("language", .value(.string(lang.rawValue))))
        top.append(("seasonal_profile", .value(.string(e.profile.source))))
        top.append(("province_average_rate", .value(rate(e.provinceAverageRate))))
        if e.isEmptyYear {
            top.append(("plan_years_in_database", .value(.array(e.planYearsInDatabase.map { .int(Int64($0)) }))))
        }
        top.append(("comparisons", .value(comparisons(e))))
        if scope.investor == nil, let envelope = e.envelope { top.append(("envelope", .value(envelopeValue(envelope, e)))) }
        top.append(("province", .value(province)))
        top.append(("groups", .value(.array(groups))))
        // After a merge of provinces (README "Reorganisation"); absent otherwise. A breakdown
        // whose sums overflow (which the province's own sums would have refused first) is left out.
        if scope.investor == nil, let parts = try? e.formerProvinces(), !parts.isEmpty {
            top.append(("former_provinces", .value(.array(parts.map { p in
                .object([("former_province", p.formerProvince.map { .string($0) } ?? .null), ("projects", .int(Int64(p.projectCount))),
                         ("plan_vnd", .int(p.position.planVND)), ("disbursed_vnd", .int(p.position.disbursedVND)),
                         ("outstanding_advance_vnd", .int(p.position.outstandingAdvanceVND)), ("rate", rate(p.position.rate))])
            }))))
        }
        top.append(("ranking", .value(rankingValue(e))))
        top.append(("investors", .value(.array(investors))))
        top.append(("key_projects", .value(.array(e.keyProjects.map { k in
            .object([("project_code", .string(k.project.project.code)), ("project_name", .string(k.project.project.name)),
                     ("investor", .string(k.project.project.investor.name)),
                     ("plan_vnd", .int(k.project.result.position.planVND)),
                     ("disbursed_vnd", .int(k.project.result.position.disbursedVND)),
                     ("rate", rate(k.project.result.rate)), ("share_of_plan", rate(k.shareOfPlan))])
        }))))
        if let schedule = e.schedule { top.append(("schedule", .value(scheduleValue(schedule, lang: lang, rules: e.rules)))) }
        top.append(("projects", .elements(count: e.projects.count) { project(e.projects[$0], e) }))
        let element: @Sendable (Int) -> JSONValue = { warning(e.warnings[$0], lang: lang, names: names) }
        if let warningsWritten {
            top.append(("warnings", .written(count: e.warnings.count, element: element, bytes: warningsWritten)))
        } else {
            top.append(("warnings", .elements(count: e.warnings.count, element: element)))
        }
        return top
    }

    /// Starts writing the `warnings` array - sentences and all, a large part of the work - on a
    /// second thread, as `members` would write it; the rest is written meanwhile.
    static func warningsInBackground(_ e: Evaluation, lang: Language) -> () -> [UInt8] {
        let job = Background {
            let names = projectNames(e)
            var out = JSONBytes()
            JSONMember.writeArray(count: e.warnings.count, element: { warning(e.warnings[$0], lang: lang, names: names) },
                                  into: &out, indent: 1)
            return out.bytes
        }
        return { job.result() }
    }

    static func projectNames(_ e: Evaluation) -> [String: String] {
        Dictionary(e.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
    }

    static func investor(_ i: InvestorResult, _ e: Evaluation) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("investor", .string(i.investor.name)),
            ("plan_vnd", .int(i.result.position.planVND)),
            ("disbursed_vnd", .int(i.result.position.disbursedVND)),
            ("rate", rate(i.result.rate)),
            ("projects", .int(Int64(i.projectCount))),
            ("projects_below", .int(Int64(i.projectsBelow))),
        ]
        f.append(("projects_at_risk", .int(Int64(i.projectsAtRisk))))
        f.append(("plan_at_risk_share", .number(Threshold(basisPoints: min(10_000, i.planAtRiskBasisPoints)).fractionText)))
        f.append(("shortfall_vnd", .int(i.shortfallVND)))
        f.append(("risk", i.result.risk.map { .string($0.status.rawValue) } ?? .null))
        f.append(("above_province_average", i.aboveProvinceAverage.map { .bool($0) } ?? .null))
        f.append(("standing", i.standing.map { .string($0.rawValue) } ?? .null))
        f.append(("outstanding_advance_vnd", .int(i.result.position.outstandingAdvanceVND)))
        f += extraFields(i.result, e, lastYear: e.lastYear?.investors[i.investor], since: e.sinceLast?.investors[i.investor])
        f.append(("checkpoints", checkpoints(i.result, e)))
        f.append(("lineage", .array(e.lineage(of: i.investor).map { s in
            .object([("investor", .string(s.investor.name)), ("until", .string("\(s.until)")), ("decision_ref", .string(s.decisionRef))])
        })))
        return .object(f)
    }

    static func project(_ p: ProjectResult, _ e: Evaluation) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("project_code", .string(p.project.code)),
            ("project_name", .string(p.project.name)),
            ("investor", .string(p.project.investor.name)),
            ("district", .optional(p.project.district)),
            ("former_district", .optional(p.project.formerDistrict)),
            ("class", p.projectClass.map { .string($0.rawValue) } ?? .null),
        ]
        f.append(("plan_vnd", .int(p.result.position.planVND)))
        f.append(("disbursed_vnd", .int(p.result.position.disbursedVND)))
        f.append(("outstanding_advance_vnd", .int(p.result.position.outstandingAdvanceVND)))
        f.append(("rate", rate(p.result.rate)))
        f.append(("risk", p.result.risk.map { .string($0.status.rawValue) } ?? .null))
        f.append(("key_project", .bool(p.project.isKeyProject)))
        f += extraFields(p.result, e, lastYear: e.lastYear?.projects[p.project.code], since: e.sinceLast?.projects[p.project.code])
        f.append(("checkpoints", checkpoints(p.result, e)))
        return .object(f)
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
    static func extraFields(_ r: SubjectResult, _ e: Evaluation, lastYear: Position?, since: Position?) -> [(String, JSONValue)] {
        let counted = e.rules.countedTranches
        return [
            ("remaining_vnd", .int(r.remainingVND)),
            ("carried_over", counted.contains(.carriedOver) ? uncounted(.zero) : uncounted(r.tranche(.carriedOver))),
            ("advance_plan", counted.contains(.advancePlan) ? uncounted(.zero) : uncounted(r.tranche(.advancePlan))),
            ("fund_sources", .array(r.fundSources.map { part in
                .object([("fund_source", part.fundSource.isEmpty ? .null : .string(part.fundSource)),
                         ("plan_vnd", .int(part.position.planVND)), ("disbursed_vnd", .int(part.position.disbursedVND)),
                         ("rate", rate(part.position.rate)), ("remaining_vnd", .int(part.remainingVND))])
            })),
            ("tranches", .array(r.tranches.map { part in
                .object([("tranche", .string(part.tranche.rawValue)), ("counted", .bool(counted.contains(part.tranche))),
                         ("plan_vnd", .int(part.position.planVND)), ("disbursed_vnd", .int(part.position.disbursedVND)),
                         ("rate", rate(part.position.rate))])
            })),
            ("same_period_last_year", comparison(now: r.position, then: lastYear, e.lastYear)),
            ("since_last", comparison(now: r.position, then: since, e.sinceLast)),
        ]
    }

    /// A subject's figures at the comparison's date and the change since then, or null.
    static func comparison(now: Position, then: Position?, _ c: Comparison?) -> JSONValue {
        guard let c, let then else { return .null }
        let change = Change(now: now, then: then)
        return .object([
            ("as_of", .string(c.asOf.description)),
            ("plan_vnd", .int(then.planVND)),
            ("disbursed_vnd", .int(then.disbursedVND)),
            ("rate", rate(then.rate)),
            ("disbursed_change_vnd", .int(change.disbursedVND)),
            ("points_change", change.pointsHundredths.map { .number(pointsText($0)) } ?? .null),
        ])
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

    static func subjectFields(_ r: SubjectResult, _ e: Evaluation, lastYear: Position?, since: Position?) -> [(String, JSONValue)] {
        [
            ("plan_vnd", .int(r.position.planVND)),
            ("disbursed_vnd", .int(r.position.disbursedVND)),
            ("outstanding_advance_vnd", .int(r.position.outstandingAdvanceVND)),
            ("rate", rate(r.rate)),
            ("risk", r.risk.map { .string($0.status.rawValue) } ?? .null),
        ] + extraFields(r, e, lastYear: lastYear, since: since) + [("checkpoints", checkpoints(r, e))]
    }

    static func uncounted(_ p: Position) -> JSONValue {
        .object([("plan_vnd", .int(p.planVND)), ("disbursed_vnd", .int(p.disbursedVND)), ("rate", rate(p.rate))])
    }

    static func checkpoints(_ r: SubjectResult, _ e: Evaluation) -> JSONValue {
        .array(r.checkpoints.map { c in
            var fields: [(String, JSONValue)] = [
                ("name", .string(c.checkpoint.name)),
                ("date", .string(c.checkpoint.date.description)),
                ("threshold", .number(c.threshold.fractionText)),
                ("status", .string(c.status.rawValue)),
            ]
            if let at = c.atCheckpoint {
                fields += [("plan_vnd", .int(at.planVND)), ("disbursed_vnd", .int(at.disbursedVND)), ("rate", rate(at.rate))]
            }
            if let risk = c.risk { fields.append(("risk", riskValue(risk))) }
            if !c.milestones.isEmpty {
                fields.append(("milestones", .array(c.milestones.map { m in
                    .object([
                        ("milestone", .string(m.milestone.rawValue)),
                        ("due_on", .string(m.dueOn.description)),
                        ("reached_on", .optional(m.reachedOn?.description)),
                        ("on_time", .bool(m.isOnTime)),
                    ])
                })))
            }
            return .object(fields)
        })
    }

    static func riskValue(_ r: RiskAssessment) -> JSONValue {
        .object([
            ("status", .string(r.status.rawValue)),
            ("reason", .string(r.reason.rawValue)),
            ("required_vnd", .int(r.requiredVND)),
            ("shortfall_vnd", .int(r.shortfallVND)),
            ("days_left", .int(Int64(r.daysLeft))),
            ("required_daily_vnd", .int(r.requiredDailyVND)),
            ("recent_28d_vnd", .int(r.recent28VND)),
            ("best_28d_vnd", .int(r.best28VND)),
            ("expected_now_vnd", .int(r.expectedNowVND)),
            ("projected_vnd", .int(r.projectedVND)),
        ])
    }

    /// One warning as a JSON object (as in the `warnings` array).
    public static func warning(_ w: Warning, lang: Language, names: [String: String]) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("code", .string(w.code.rawValue)),
            ("severity", .string(w.severity.rawValue)),
            ("subject", .string(w.subject.description)),
            ("investor", .optional(w.investor?.name)),
            ("checkpoint", .optional(w.checkpointName)),
            ("message", .string(Messages.warning(w, lang, names: names))),
            ("key", .string(w.key)),
            ("plan_vnd", .int(w.position.planVND)),
            ("disbursed_vnd", .int(w.position.disbursedVND)),
            ("rate", rate(w.rate)),
            ("threshold", w.threshold.map { .number($0.fractionText) } ?? .null),
            ("shortfall_vnd", .int(w.shortfallVND)),
        ]
        if let r = w.risk {
            fields += [
                ("days_left", .int(Int64(r.daysLeft))),
                ("required_daily_vnd", .int(r.requiredDailyVND)),
                ("recent_28d_vnd", .int(r.recent28VND)),
                ("best_28d_vnd", .int(r.best28VND)),
                ("projected_vnd", .int(r.projectedVND)),
                ("reason", .string(Messages.reason(r, lang))),
            ]
        }
        if let m = w.milestone {
            fields += [("milestone", .string(m.milestone.rawValue)), ("due_on", .string(m.dueOn.description)),
                       ("reached_on", .optional(m.reachedOn?.description))]
        }
        return .object(fields)
    }
}
