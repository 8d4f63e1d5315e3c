import Foundation
import GiaiNganCore
import TOMLKit

/// Reads and writes rule sets as TOML, the human-editable form a DPI keeps per year and province.
///
/// ```toml
/// name = "Quảng Ninh 2022"
/// province = "Quảng Ninh"
/// plan_year = 2022
/// annual_goal_percent = 95
///
/// [[checkpoints]]
/// name = "H1"
/// date = 2022-06-30
/// whole_plan_percent = 50
/// transitional_percent = 50
/// new_start_percent = 50
/// ```
///
/// Keys (all percentages 0–100, at most two decimals):
/// - `name`, `province`, `plan_year` (required);
/// - `counted_tranches`: `["current"]` (default) or `["current", "carried_over"]`;
/// - `annual_goal_percent` (required); `window_end` (default 31 January of the next year);
/// - `plan_basis`: which plan the rates divide by (text, informational);
/// - `[[checkpoints]]`: `name`, `date`, `whole_plan_percent`, `transitional_percent`,
///   `new_start_percent`, optional `milestones` (`procedures_completed`, `construction_started`).
///
/// Reporting keys (all optional, see README "Reporting"):
/// - `checkpoint_basis`: the plan the province's checkpoints divide by: `allocated` (default: the
///   plan allocated to projects), `province_assigned` or `prime_minister_assigned` (the envelope);
/// - `ranking_lines_percent`: lines the investor ranking counts investors below (default: the
///   checkpoints' whole-plan thresholds);
/// - `[fund_source_groups]`: `GROUP = ["CODE", …]`, codes reported under a group's code;
/// - `[adjusted_denominator]`: `basis` (`province_assigned` / `prime_minister_assigned`),
///   `excludes_added_after` (a date), `label`;
/// - `[display]`: `rate_decimals` (0–2), `rounding` (`truncate` / `half_up`), `amount_unit`
///   (`dong` / `million` / `billion`), `amount_decimals` (0–3).
///
/// Classification keys (all optional, see README "Schedules and classification"):
/// - `[classification]`: `unable_when_best_pace_short` (default true), `slow_below_schedule_percent`
///   (default 100), `slow_when_checkpoint_missed` (default true).
///
/// Dates are TOML dates, unquoted: `date = 2023-03-31`. Unknown keys are errors,
/// so a misspelt key is not silently ignored.
public enum RulesFile {
    /// A rules file that cannot be used: the file, the key and the problem.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let file: String
        public let messages: [String]
        public var description: String {
            "\(file): invalid rules file:\n" + messages.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// The largest rules file read.
    public static let maximumFileBytes = 256 * 1024

    /// Loads and validates a rule set from a TOML file.
    /// - throws: `Problem` naming the key at fault.
    public static func load(path: String) throws -> RuleSet {
        let text: String
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            // A rules file is a page of text; reading a device or a huge file whole would hang.
            let data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
            guard data.count <= maximumFileBytes else {
                throw Problem(file: path, messages: ["the file is larger than \(maximumFileBytes / 1024) KiB; a rules file is a page of TOML"])
            }
            guard let s = String(data: data, encoding: .utf8) else {
                throw Problem(file: path, messages: ["the file is not UTF-8 text"])
            }
            text = s
        } catch let p as Problem {
            throw p
        } catch {
            throw Problem(file: path, messages: ["cannot read the file: \(error.localizedDescription)"])
        }
        return try parse(text, file: path)
    }

    /// Parses and validates rules from TOML text; `file` names the source in messages.
    public static func parse(_ text: String, file: String = "rules") throws -> RuleSet {
        let raw: Raw
        do {
            var decoder = TOMLDecoder()
            decoder.strictDecoding = true
            raw = try decoder.decode(Raw.self, from: text)
        } catch let e as TOMLParseError {
            throw Problem(file: file, messages: ["line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)"])
        } catch let e as UnexpectedKeysError {
            let keys = e.keys.map { name, codingPath in
                // The coding path of a nested key already ends with the key itself.
                let path = codingPath.map(\.stringValue)
                return (path.last == name ? path : path + [name]).joined(separator: ".")
            }.sorted()
            throw Problem(file: file, messages: keys.map { "\($0): unknown key" })
        } catch let e as DecodingError {
            throw Problem(file: file, messages: [describe(e)])
        } catch let e as Problem {
            throw Problem(file: file, messages: e.messages)
        }
        var messages: [String] = []
        func threshold(_ value: Double, _ key: String) -> Threshold {
            let bp = (value * 100).rounded()
            guard value >= 0, value <= 100, abs(bp - value * 100) < 1e-6 else {
                messages.append("\(key): \(value) must be a percentage 0–100 with at most two decimals")
                return Threshold(basisPoints: 0)
            }
            return Threshold(basisPoints: Int(bp))
        }
        func civil(_ t: TOMLDate, _ key: String) throws -> CivilDate {
            guard let d = CivilDate(year: t.year, month: t.month, day: t.day) else {
                throw Problem(file: file, messages: ["\(key): \(t.year)-\(t.month)-\(t.day) is not a date"])
            }
            return d
        }
        let checkpoints = try raw.checkpoints.enumerated().map { i, c in
            let key = "checkpoints[\(i)]"
            return Checkpoint(name: c.name, date: try civil(c.date, "checkpoints[\(i)].date"),
                              wholePlan: threshold(c.whole_plan_percent.value, "\(key).whole_plan_percent"),
                              transitional: threshold(c.transitional_percent.value, "\(key).transitional_percent"),
                              newStart: threshold(c.new_start_percent.value, "\(key).new_start_percent"),
                              milestones: c.milestones ?? [])
        }
        let goal = threshold(raw.annual_goal_percent.value, "annual_goal_percent")
        if zip(raw.checkpoints, raw.checkpoints.dropFirst()).contains(where: { ($0.date.year, $0.date.month, $0.date.day) > ($1.date.year, $1.date.month, $1.date.day) }) {
            messages.append("checkpoints: must be listed in date order")
        }
        var rules = RuleSet(name: raw.name, province: raw.province, planYear: raw.plan_year,
                            countedTranches: Set(raw.counted_tranches ?? [.current]),
                            checkpoints: checkpoints, annualGoal: goal, windowEnd: try raw.window_end.map { try civil($0, "window_end") },
                            planBasis: raw.plan_basis ?? "kế hoạch vốn giao tại địa phương (locally allocated plan)")
        func word<T: RawRepresentable & CaseIterable>(_ text: String?, _ key: String, default value: T) -> T where T.RawValue == String {
            guard let text else { return value }
            guard let v = T(rawValue: text) else {
                messages.append("\(key): \"\(text)\" must be one of \(T.allCases.map { $0.rawValue }.joined(separator: ", "))")
                return value
            }
            return v
        }
        rules.checkpointBasis = word(raw.checkpoint_basis, "checkpoint_basis", default: PlanBasis.allocated)
        if let lines = raw.ranking_lines_percent {
            rules.rankingLinesOverride = lines.enumerated().map { i, p in threshold(p.value, "ranking_lines_percent[\(i)]") }
        }
        for (group, members) in (raw.fund_source_groups ?? [:]).sorted(by: { $0.key < $1.key }) {
            let groupKey = FundSource.key(group)
            if groupKey.isEmpty { messages.append("fund_source_groups: a group needs a code") }
            for member in members {
                let key = FundSource.key(member)
                if let other = rules.fundSourceGroups[key], other != groupKey {
                    messages.append("fund_source_groups: \"\(member)\" is in both \"\(other)\" and \"\(groupKey)\"")
                }
                if key.isEmpty { messages.append("fund_source_groups.\(group): an empty code") }
                rules.fundSourceGroups[key] = groupKey
            }
        }
        if let a = raw.adjusted_denominator {
            let basis = word(a.basis, "adjusted_denominator.basis", default: PlanBasis.allocated)
            if basis == .allocated {
                messages.append("adjusted_denominator.basis: must be province_assigned or prime_minister_assigned (an envelope)")
            }
            rules.adjustedDenominator = AdjustedDenominator(basis: basis, excludesAddedAfter: try civil(a.excludes_added_after, "adjusted_denominator.excludes_added_after"),
                                                            label: a.label)
        }
        if let d = raw.display {
            let rateDecimals = d.rate_decimals ?? 2, amountDecimals = d.amount_decimals ?? 0
            if !(0...2).contains(rateDecimals) { messages.append("display.rate_decimals: \(rateDecimals) must be 0, 1 or 2") }
            if !(0...3).contains(amountDecimals) { messages.append("display.amount_decimals: \(amountDecimals) must be 0 to 3") }
            let unit = word(d.amount_unit, "display.amount_unit", default: DisplayConventions.AmountUnit.dong)
            if unit == .dong && amountDecimals != 0 { messages.append("display.amount_decimals: đồng have no decimals") }
            rules.display = DisplayConventions(rateDecimals: rateDecimals,
                                               rounding: word(d.rounding, "display.rounding", default: DisplayConventions.Rounding.truncate),
                                               amountUnit: unit, amountDecimals: amountDecimals)
        }
        if let c = raw.classification {
            if let v = c.unable_when_best_pace_short { rules.classification.unableWhenBestPaceShort = v }
            if let v = c.slow_below_schedule_percent { rules.classification.slowBelowSchedule = threshold(v.value, "classification.slow_below_schedule_percent") }
            if let v = c.slow_when_checkpoint_missed { rules.classification.slowWhenCheckpointMissed = v }
        }
        messages += rules.problems()
        guard messages.isEmpty else { throw Problem(file: file, messages: messages) }
        return rules
    }

    /// The TOML text of a rule set, loadable by `parse`.
    public static func render(_ r: RuleSet) -> String {
        func pct(_ t: Threshold) -> String { t.percentText() }
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var out = """
        # GiaiNgan rule set. Percentages are of the plan as allocated on each checkpoint date;
        # "at least": a rate equal to the threshold meets it.
        name = \(q(r.name))
        province = \(q(r.province))
        plan_year = \(r.planYear)
        counted_tranches = [\(Tranche.allCases.filter { r.countedTranches.contains($0) }.map { q($0.rawValue) }.joined(separator: ", "))]
        annual_goal_percent = \(pct(r.annualGoal))
        window_end = \(r.windowEnd)
        plan_basis = \(q(r.planBasis))
        checkpoint_basis = \(q(r.checkpointBasis.rawValue))

        """
        if let lines = r.rankingLinesOverride {
            out += "ranking_lines_percent = [\(lines.map(pct).joined(separator: ", "))]\n"
        }
        if !r.fundSourceGroups.isEmpty {
            out += "\n[fund_source_groups]\n"
            for group in Set(r.fundSourceGroups.values).sorted() {
                let members = r.fundSourceGroups.filter { $0.value == group }.keys.sorted()
                out += "\(q(group)) = [\(members.map(q).joined(separator: ", "))]\n"
            }
        }
        if let a = r.adjustedDenominator {
            out += "\n[adjusted_denominator]\nbasis = \(q(a.basis.rawValue))\nexcludes_added_after = \(a.excludesAddedAfter)\nlabel = \(q(a.label))\n"
        }
        if r.display != DisplayConventions() {
            let d = r.display
            out += "\n[display]\nrate_decimals = \(d.rateDecimals)\nrounding = \(q(d.rounding.rawValue))\n"
                + "amount_unit = \(q(d.amountUnit.rawValue))\namount_decimals = \(d.amountDecimals)\n"
        }
        if r.classification != ClassificationCriteria() {
            let c = r.classification
            out += "\n[classification]\nunable_when_best_pace_short = \(c.unableWhenBestPaceShort)\n"
                + "slow_below_schedule_percent = \(pct(c.slowBelowSchedule))\nslow_when_checkpoint_missed = \(c.slowWhenCheckpointMissed)\n"
        }
        for c in r.checkpoints {
            out += """

            [[checkpoints]]
            name = \(q(c.name))
            date = \(c.date)
            whole_plan_percent = \(pct(c.wholePlan))
            transitional_percent = \(pct(c.transitional))
            new_start_percent = \(pct(c.newStart))
            milestones = [\(c.milestones.map { q($0.rawValue) }.joined(separator: ", "))]

            """
        }
        return out
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            var s = ""
            for k in c {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "(top level)" : s
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            let keys = ctx.codingPath.last?.stringValue == key.stringValue ? ctx.codingPath : ctx.codingPath + [key]
            let p = path(keys)
            return "\(p): required key is missing"
        case .typeMismatch(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(typeName(type)), found nothing"
        case .dataCorrupted(let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "\(e)"
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "text in quotes"
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is [Any].Type: return "a list"
        case is TOMLDate.Type: return "a date such as 2023-03-31 (unquoted)"
        default: return "a value of type \(t)"
        }
    }

    // MARK: - Raw TOML shape

    struct Raw: Decodable {
        var name: String
        var province: String
        var plan_year: Int
        var counted_tranches: [Tranche]?
        var annual_goal_percent: Percent
        var window_end: TOMLDate?
        var plan_basis: String?
        var checkpoint_basis: String?
        var ranking_lines_percent: [Percent]?
        var fund_source_groups: [String: [String]]?
        var adjusted_denominator: RawAdjusted?
        var display: RawDisplay?
        var classification: RawClassification?
        var checkpoints: [RawCheckpoint]
    }

    struct RawClassification: Decodable {
        var unable_when_best_pace_short: Bool?
        var slow_below_schedule_percent: Percent?
        var slow_when_checkpoint_missed: Bool?
    }

    struct RawAdjusted: Decodable {
        var basis: String
        var excludes_added_after: TOMLDate
        var label: String
    }

    struct RawDisplay: Decodable {
        var rate_decimals: Int?
        var rounding: String?
        var amount_unit: String?
        var amount_decimals: Int?
    }

    struct RawCheckpoint: Decodable {
        var name: String
        var date: TOMLDate
        var whole_plan_percent: Percent
        var transitional_percent: Percent
        var new_start_percent: Percent
        var milestones: [Milestone]?
    }

    /// A percentage written as a whole number (`35`) or a decimal (`47.5`).
    struct Percent: Decodable {
        var value: Double
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { value = Double(i) }
            else if let d = try? c.decode(Double.self) { value = d }
            else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                    debugDescription: "expected a percentage such as 35 or 47.5"))
            }
        }
    }

}
