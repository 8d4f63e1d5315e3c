import GiaiNganCore

/// Renders an evaluation as CSV, one row per project, for Excel and scripts.
///
/// The file starts with a UTF-8 byte order mark (so that Excel reads Vietnamese names as
/// UTF-8), ends every record with CRLF and quotes fields by RFC 4180. Amounts are plain
/// integers in VND so that a spreadsheet can sum them; `rate_percent` has two decimals with a
/// `.`, rounded down like every shown rate. Statuses, classes and risks are the codes of the
/// JSON check result (`met`, `at_risk`, `new_start`…); only `reason` is a sentence in `lang`.
/// Every cell passes through `neutralize(_:)` against formula injection.
///
/// Columns: `project_code, project_name, investor, district, class, plan_vnd, disbursed_vnd,
/// outstanding_advance_vnd, rate_percent, carried_over_plan_vnd, carried_over_disbursed_vnd`,
/// then for each checkpoint of the rules `<name>_threshold_percent, <name>_status,
/// <name>_disbursed_vnd` (the last filled only for checkpoints already passed, with the figure
/// on the checkpoint's own date), then `next_checkpoint, shortfall_vnd, risk, reason`, then (added
/// for issue 13, at the end so that scripts reading columns by position keep working)
/// `remaining_vnd, key_project, rate_last_year, points_change_last_year,
/// disbursed_change_since_last, points_change_since_last, advance_plan_plan_vnd,
/// advance_plan_disbursed_vnd`, then (issue 16) `investor_lineage`: the project's former
/// investors, `NAME until yyyy-MM-dd (REF)` joined by `; `, empty when it never changed hands, and
/// `former_province`, the province `giaingan merge` brought the project from (empty for the
/// database's own), and `former_district`, the registry's district when a districts file renamed
/// it by the as-of date (`district` then holds the new unit).
///
/// When schedules exist for the plan year (README "Schedules and classification") the columns
/// `schedule_month, schedule_target_vnd, schedule_actual_vnd, schedule_met, schedule_cumulative_vnd,
/// schedule_cumulative_actual_vnd, classification, classification_reasons` follow; without them the
/// file is as before.
///
/// `shortfall_vnd` is what is still needed toward the next checkpoint or, with none ahead, the
/// shortfall left at the last one; `remaining_vnd` is plan − disbursed. The carried-over and
/// advance-plan columns hold that tranche when the rules report it apart, 0 where they count it
/// (as JSON's `carried_over` and `advance_plan`). `key_project` is `true` or `false`.
/// `rate_last_year` is the project's rate on the same day of the previous plan year (two
/// decimals, rounded down); the points columns are the change in percentage points between the
/// two rates as shown (`17.51`, `-0.05`), and `disbursed_change_since_last` the VND disbursed
/// since the last report (or `--since`). They are empty without that comparison, or for a
/// project that had no figures then.
///
/// The CSV is for scripts and spreadsheets: the rules' display conventions (unit, rounding)
/// never apply to it; amounts stay whole VND as the column names say.
public enum CSVReport {
    /// The CSV text, BOM included, for every project of `evaluation`.
    ///
    /// ```swift
    /// let csv = CSVReport.render(evaluation, lang: .vi)
    /// try Data(csv.utf8).write(to: URL(fileURLWithPath: "du-an.csv"))
    /// ```
    public static func render(_ e: Evaluation, lang: Language) -> String {
        // The second half of the rows is made on another thread meanwhile.
        let half = e.projects.count / 2
        let rest = Background { rows(e, e.projects[half...], lang: lang) }
        var out = "\u{FEFF}"
        out += record(header(e.rules) + (e.schedule == nil ? [] : scheduleColumns))
        out += rows(e, e.projects[..<half], lang: lang)
        out += rest.result()
        return out
    }

    /// The records of `projects`.
    static func rows(_ e: Evaluation, _ projects: ArraySlice<ProjectResult>, lang: Language) -> String {
        var out = ""
        let counted = e.rules.countedTranches
        let schedule = e.schedule.map { ($0, ScheduleIndex($0), Display(rules: e.rules, lang: lang)) }
        for p in projects {
            let r = p.result
            let carriedOver = counted.contains(.carriedOver) ? .zero : r.tranche(.carriedOver)
            let advancePlan = counted.contains(.advancePlan) ? .zero : r.tranche(.advancePlan)
            var row = [p.project.code, p.project.name, p.project.investor.name, p.project.district ?? "",
                       p.projectClass?.rawValue ?? "",
                       String(r.position.planVND), String(r.position.disbursedVND),
                       String(r.position.outstandingAdvanceVND), r.rate?.percentText() ?? "",
                       String(carriedOver.planVND), String(carriedOver.disbursedVND)]
            for cp in e.rules.checkpoints {
                let result = r.checkpoints.first { $0.checkpoint.name == cp.name }
                row += [result?.threshold.percentText() ?? "", result?.status.rawValue ?? "",
                        result?.atCheckpoint.map { String($0.disbursedVND) } ?? ""]
            }
            let risk = r.risk
            row += [risk?.checkpointName ?? "", String(r.shortfallVND), risk?.status.rawValue ?? "",
                    risk.map { Messages.reason($0, lang) } ?? ""]
            let lastYear = e.lastYear?.projects[p.project.code]
            let since = e.sinceLast?.projects[p.project.code]
            row += [String(r.remainingVND), p.project.isKeyProject ? "true" : "false",
                    lastYear.map { $0.rate?.percentText() ?? "" } ?? "",
                    lastYear.flatMap { Change(now: r.position, then: $0).pointsHundredths }.map(JSONReport.pointsText) ?? "",
                    since.map { String(Change(now: r.position, then: $0).disbursedVND) } ?? "",
                    since.flatMap { Change(now: r.position, then: $0).pointsHundredths }.map(JSONReport.pointsText) ?? "",
                    String(advancePlan.planVND), String(advancePlan.disbursedVND)]
            row += [LineageText.csvCell(p.project.lineage), p.project.formerProvince ?? "", p.project.formerDistrict ?? ""]
            // Last: the schedule columns exist only when the year has schedules.
            if let (s, index, display) = schedule { row += scheduleCells(p.project.code, s, index, display) }
            out += record(row)
        }
        return out
    }

    /// The header row for `rules`: fixed columns around three per checkpoint, the columns added
    /// since at the end.
    public static func header(_ rules: RuleSet) -> [String] {
        ["project_code", "project_name", "investor", "district", "class", "plan_vnd", "disbursed_vnd",
         "outstanding_advance_vnd", "rate_percent", "carried_over_plan_vnd", "carried_over_disbursed_vnd"]
            + rules.checkpoints.flatMap { ["\($0.name)_threshold_percent", "\($0.name)_status", "\($0.name)_disbursed_vnd"] }
            + ["next_checkpoint", "shortfall_vnd", "risk", "reason"]
            + ["remaining_vnd", "key_project", "rate_last_year", "points_change_last_year",
               "disbursed_change_since_last", "points_change_since_last", "advance_plan_plan_vnd", "advance_plan_disbursed_vnd"]
            + ["investor_lineage", "former_province", "former_district"]
    }

    /// Defuses a cell that a spreadsheet would run as a formula by prefixing a single quote.
    ///
    /// A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed unless it
    /// is a plain number (an optional sign, digits, and an optional `.` with more digits), so
    /// amounts such as `-1234` stay numbers while `-1+1` or `=HYPERLINK(…)` become text.
    ///
    /// ```swift
    /// CSVReport.neutralize("=1+1")    // "'=1+1"
    /// CSVReport.neutralize("-1234")   // "-1234"
    /// ```
    public static func neutralize(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, triggers.contains(first), !isPlainNumber(cell) else { return cell }
        return "'" + cell
    }

    // MARK: - Fields

    static let triggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    static func isPlainNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if let sign = scalars.first, sign == "-" || sign == "+" { scalars = scalars.dropFirst() }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty else { return false }
        func digits(_ s: Substring.UnicodeScalarView.SubSequence) -> Bool { s.allSatisfy { ("0"..."9").contains($0) } }
        guard digits(whole) else { return false }
        if parts.count == 2 { return !parts[1].isEmpty && digits(parts[1]) }
        return true
    }

    /// One RFC 4180 field: neutralized, then quoted when it holds a comma, a quote or a line break.
    static func field(_ raw: String) -> String {
        let cell = neutralize(raw)
        guard cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return cell
        }
        var quoted = "\""
        for scalar in cell.unicodeScalars {
            if scalar == "\"" { quoted += "\"" }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    static func record(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }
}
