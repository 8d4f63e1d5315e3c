/// How reports show rates and amounts: data, since provinces differ (rates as whole or one-decimal
/// percentages, sometimes truncated; figures in tỷ đồng with three decimals).
///
/// A shown rate never contradicts its status: with `halfUp`, a rate that rounding would lift to
/// a threshold it has not reached is shown rounded down instead (34,996% with threshold 35% shows
/// 34,99%, never 35,00%); see `Format.percent`.
public struct DisplayConventions: Sendable, Hashable, Codable {
    public enum Rounding: String, Sendable, Hashable, Codable, CaseIterable {
        /// Rounded down (toward zero for the rates reports show).
        case truncate
        /// Rounded half up, never across a threshold the exact rate has not reached.
        case halfUp = "half_up"
    }

    public enum AmountUnit: String, Sendable, Hashable, Codable, CaseIterable {
        case dong, million, billion

        /// VND in one unit.
        public var vnd: Int64 {
            switch self { case .dong: 1; case .million: 1_000_000; case .billion: 1_000_000_000 }
        }
    }

    /// Decimals of a shown rate, 0…2.
    public var rateDecimals: Int = 2
    public var rounding: Rounding = .truncate
    /// The unit of amounts in report tables (JSON is always in VND).
    public var amountUnit: AmountUnit = .dong
    /// Decimals of amounts shown in `amountUnit`, 0…3 (0 for đồng).
    public var amountDecimals: Int = 0

    public init(rateDecimals: Int = 2, rounding: Rounding = .truncate, amountUnit: AmountUnit = .dong, amountDecimals: Int = 0) {
        self.rateDecimals = rateDecimals
        self.rounding = rounding
        self.amountUnit = amountUnit
        self.amountDecimals = amountDecimals
    }
}

/// A construction milestone that a checkpoint can require of new-start projects.
public enum Milestone: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hoàn thành thủ tục đầu tư.
    case proceduresCompleted = "procedures_completed"
    /// Khởi công.
    case constructionStarted = "construction_started"
}

/// One dated checkpoint of a rule set: the minimum cumulative disbursement rates by `date`.
public struct Checkpoint: Sendable, Hashable, Codable {
    /// Short name used in reports and JSON: `Q1`…`Q4` in the built-in rules.
    public var name: String
    /// Entries dated on this day count toward the checkpoint.
    public var date: CivilDate
    /// For the province and for each investor's total.
    public var wholePlan: Threshold
    /// For each transitional project.
    public var transitional: Threshold
    /// For each new-start project.
    public var newStart: Threshold
    /// Milestones every new-start project must have reached by `date`.
    public var milestones: [Milestone]

    public init(name: String, date: CivilDate, wholePlan: Threshold, transitional: Threshold,
                newStart: Threshold, milestones: [Milestone] = []) {
        self.name = name
        self.date = date
        self.wholePlan = wholePlan
        self.transitional = transitional
        self.newStart = newStart
        self.milestones = milestones
    }

    /// The threshold for a project of the given class.
    public func threshold(for projectClass: ProjectClass) -> Threshold {
        projectClass == .transitional ? transitional : newStart
    }
}

/// The disbursement rules of one province for one plan year, as data.
///
/// The built-in set is Cà Mau's 2023 programme (01/CTr-UBND, footnote 4); other years and
/// provinces are loaded from a TOML file (see `fixtures/rules/`).
public struct RuleSet: Sendable, Hashable, Codable {
    public var name: String
    public var province: String
    public var planYear: Int
    /// The plan tranches whose plan and disbursement count toward the rates. Default: current
    /// capital only; carried-over capital is reported apart, as Cà Mau's reports do.
    public var countedTranches: Set<Tranche>
    /// Sorted by date.
    public var checkpoints: [Checkpoint]
    /// The province's goal for the whole year (95% in Cà Mau 2023), judged at `windowEnd`.
    public var annualGoal: Threshold
    /// The last day the plan year's capital may be disbursed (31/01 of the next year, Law on
    /// Public Investment 39/2019 Art. 68).
    public var windowEnd: CivilDate
    /// Which plan the rates divide by; informational ("allocated locally" in Cà Mau).
    public var planBasis: String
    /// The built-in footnote (4) thresholds, used when no rules file is given. Reports then name
    /// the rules in their own language and no province: the data may be any province's.
    public var isBuiltIn: Bool = false
    /// Fund source codes reported under another code (`FundSource.key` of the member → the
    /// group's code): NSĐP's land-use revenue and lottery lines under NSĐP, the national target
    /// programmes under CTMTQG. A code not listed is its own group.
    public var fundSourceGroups: [String: String] = [:]

    /// The plan the province's checkpoints and annual goal are judged on. Projects, investors
    /// and classes are always judged on the plan allocated to them.
    public var checkpointBasis: PlanBasis = .allocated
    /// A denominator reported beside the others that leaves out capital added after a date.
    public var adjustedDenominator: AdjustedDenominator?

    /// Lines the investor ranking counts investors below ("12 investors below 50%"); by default
    /// the whole-plan thresholds of the checkpoints.
    public var rankingLinesOverride: [Threshold]?
    public var rankingLines: [Threshold] {
        rankingLinesOverride ?? Array(Set(checkpoints.map(\.wholePlan))).sorted()
    }
    /// How reports round and scale what they show; the statuses never depend on it.
    public var display = DisplayConventions()
    /// How projects are sorted into good, slow and unable (`[classification]` in a rules file).
    public var classification = ClassificationCriteria()

    /// The fund source a code is reported under.
    public func fundSourceGroup(_ key: String) -> String { fundSourceGroups[key] ?? key }

    public init(name: String, province: String, planYear: Int, countedTranches: Set<Tranche> = [.current],
                checkpoints: [Checkpoint], annualGoal: Threshold, windowEnd: CivilDate? = nil,
                planBasis: String = "kế hoạch vốn giao tại địa phương (locally allocated plan)") {
        self.name = name
        self.province = province
        self.planYear = planYear
        self.countedTranches = countedTranches
        self.checkpoints = checkpoints.sorted { $0.date < $1.date }
        self.annualGoal = annualGoal
        self.windowEnd = windowEnd ?? CivilDate(computedYear: planYear &+ 1, month: 1, day: 31)
        self.planBasis = planBasis
    }

    /// Bounds on what a rules file may hold; `problems()` names the key that passes one.
    public enum Limits {
        public static let checkpoints = 100
        public static let nameCharacters = 200
        public static let checkpointNameCharacters = 40
        public static let planBasisCharacters = 500
    }

    /// Problems that make a rule set unusable, each naming the key at fault.
    public func problems() -> [String] {
        if let problem = SupportedRange.problem(planYear: planYear) {
            // Every date below derives from the year: judging them would only repeat the problem.
            return ["plan_year: \(problem)"]
        }
        var out: [String] = []
        if name.isEmpty { out.append("name: must not be empty") }
        if name.count > Limits.nameCharacters { out.append("name: \(name.count) characters; at most \(Limits.nameCharacters)") }
        if province.count > Limits.nameCharacters {
            out.append("province: \(province.count) characters; at most \(Limits.nameCharacters)")
        }
        if planBasis.count > Limits.planBasisCharacters {
            out.append("plan_basis: \(planBasis.count) characters; at most \(Limits.planBasisCharacters)")
        }
        if checkpoints.isEmpty { out.append("checkpoints: at least one checkpoint is needed") }
        if checkpoints.count > Limits.checkpoints {
            // A rule set that long is a mistake (a generated file, a paste gone wrong), and every
            // report repeats each checkpoint for every subject.
            out.append("checkpoints: \(checkpoints.count) checkpoints; at most \(Limits.checkpoints) (one a week is 53)")
            return out
        }
        var seen = Set<String>()
        let start = CivilDate.startOfYear(planYear)
        for (i, c) in checkpoints.enumerated() {
            let key = "checkpoints[\(i)] (\(c.name))"
            if c.name.isEmpty { out.append("\(key).name: must not be empty") }
            if c.name.count > Limits.checkpointNameCharacters {
                out.append("\(key).name: \(c.name.count) characters; at most \(Limits.checkpointNameCharacters)")
            }
            if !seen.insert(c.name).inserted { out.append("\(key).name: \"\(c.name)\" is used twice") }
            if c.date < start || c.date > windowEnd {
                out.append("\(key).date: \(c.date) is outside plan year \(planYear)'s window \(start)…\(windowEnd)")
            }
        }
        if windowEnd < start { out.append("window_end: \(windowEnd) is before the plan year starts") }
        if countedTranches.isEmpty { out.append("counted_tranches: at least one tranche must be counted") }
        return out
    }

    /// The first checkpoint strictly after `date`, if any.
    public func nextCheckpoint(after date: CivilDate) -> Checkpoint? {
        checkpoints.first { $0.date > date }
    }

    /// Cà Mau 2023, Action Programme 01/CTr-UBND of 19/01/2023, section C.5.2(b) and footnote (4).
    public static let caMau2023: RuleSet = {
        var rules = RuleSet(
            name: "Cà Mau 2023 (01/CTr-UBND, chú thích 4)",
            province: "Cà Mau",
            planYear: 2023,
            checkpoints: footnote4Checkpoints(planYear: 2023),
            annualGoal: Threshold(percent: 95))
        rules.isBuiltIn = true
        return rules
    }()

    /// Footnote (4)'s thresholds applied to another plan year, for provinces that keep them
    /// from year to year. Used when a year has no rules file; reports say so.
    public static func footnote4(planYear: Int) -> RuleSet {
        if planYear == 2023 { return caMau2023 }
        var rules = RuleSet(
            name: "Cà Mau 2023 thresholds applied to \(planYear) (no rules file given)",
            province: "Cà Mau", planYear: planYear,
            checkpoints: footnote4Checkpoints(planYear: planYear),
            annualGoal: Threshold(percent: 95))
        rules.isBuiltIn = true
        return rules
    }

    static func footnote4Checkpoints(planYear y: Int) -> [Checkpoint] {
        [
            Checkpoint(name: "Q1", date: CivilDate(computedYear: y, month: 3, day: 31), wholePlan: .init(percent: 25),
                       transitional: .init(percent: 35), newStart: .init(percent: 20),
                       milestones: [.proceduresCompleted, .constructionStarted]),
            Checkpoint(name: "Q2", date: CivilDate(computedYear: y, month: 6, day: 30), wholePlan: .init(percent: 50),
                       transitional: .init(percent: 60), newStart: .init(percent: 40),
                       milestones: [.constructionStarted]),
            Checkpoint(name: "Q3", date: CivilDate(computedYear: y, month: 9, day: 30), wholePlan: .init(percent: 75),
                       transitional: .init(percent: 80), newStart: .init(percent: 65)),
            Checkpoint(name: "Q4", date: CivilDate(computedYear: y &+ 1, month: 1, day: 31), wholePlan: .init(percent: 100),
                       transitional: .init(percent: 100), newStart: .init(percent: 100)),
        ]
    }

    /// The plan year a report as of `date` is about, by default: from February to December, the
    /// calendar year; in January, the previous year, whose window stays open until 31/01 and whose
    /// final checkpoint falls then. Pass the year explicitly to look at the new year in January.
    public static func defaultPlanYear(asOf date: CivilDate) -> Int {
        date.month == 1 ? date.year - 1 : date.year
    }
}
