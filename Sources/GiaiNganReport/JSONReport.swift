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
        let province: JSONValue = .object(subjectFields(e.province, e) + [("annual_goal", annualGoal(e.annualGoal))])
        let groups: [JSONValue] = e.groups.map { g in
            .object([("class", .string(g.projectClass.rawValue)), ("projects", .int(Int64(g.projectCount)))]
                    + subjectFields(g.result, e))
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
        top.append(("province", .value(province)))
        top.append(("groups", .value(.array(groups))))
        top.append(("investors", .value(.array(investors))))
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
        f.append(("outstanding_advance_vnd", .int(i.result.position.outstandingAdvanceVND)))
        f.append(("carried_over", uncounted(i.result.uncounted)))
        f.append(("checkpoints", checkpoints(i.result, e)))
        return .object(f)
    }

    static func project(_ p: ProjectResult, _ e: Evaluation) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("project_code", .string(p.project.code)),
            ("project_name", .string(p.project.name)),
            ("investor", .string(p.project.investor.name)),
            ("district", .optional(p.project.district)),
            ("class", p.projectClass.map { .string($0.rawValue) } ?? .null),
        ]
        f.append(("plan_vnd", .int(p.result.position.planVND)))
        f.append(("disbursed_vnd", .int(p.result.position.disbursedVND)))
        f.append(("outstanding_advance_vnd", .int(p.result.position.outstandingAdvanceVND)))
        f.append(("rate", rate(p.result.rate)))
        f.append(("risk", p.result.risk.map { .string($0.status.rawValue) } ?? .null))
        f.append(("carried_over", uncounted(p.result.uncounted)))
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

    static func rate(_ r: Rate?) -> JSONValue { r.map { .number($0.fractionText(digits: 6)) } ?? .null }

    static func rulesValue(_ r: RuleSet) -> JSONValue {
        .object([
            ("name", .string(r.name)),
            ("province", .string(r.province)),
            ("plan_year", .int(Int64(r.planYear))),
            ("counted_tranches", .array(Tranche.allCases.filter { r.countedTranches.contains($0) }.map { .string($0.rawValue) })),
            ("annual_goal", .number(r.annualGoal.fractionText)),
            ("window_end", .string(r.windowEnd.description)),
            ("plan_basis", .string(r.planBasis)),
        ])
    }

    static func subjectFields(_ r: SubjectResult, _ e: Evaluation) -> [(String, JSONValue)] {
        [
            ("plan_vnd", .int(r.position.planVND)),
            ("disbursed_vnd", .int(r.position.disbursedVND)),
            ("outstanding_advance_vnd", .int(r.position.outstandingAdvanceVND)),
            ("rate", rate(r.rate)),
            ("risk", r.risk.map { .string($0.status.rawValue) } ?? .null),
            ("carried_over", uncounted(r.uncounted)),
            ("checkpoints", checkpoints(r, e)),
        ]
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
