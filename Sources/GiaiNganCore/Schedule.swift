/// A calendar month, the period of an investor's disbursement schedule (`2023-09`).
public struct ScheduleMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Creates a month, or `nil` when `month` is not 1…12 or the year is outside what `CivilDate` names.
    public init?(year: Int, month: Int) {
        guard (1900...9998).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month a date falls in.
    public init(of date: CivilDate) {
        year = date.year
        month = date.month
    }

    /// `2023-09`, as schedule files write it.
    public init?(text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var firstDay: CivilDate { CivilDate(computedYear: year, month: month, day: 1) }
    public var lastDay: CivilDate { CivilDate.endOfMonth(year: year, month: month) }
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (a: ScheduleMonth, b: ScheduleMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// One row of an investor's disbursement schedule: what a project plans to disburse in one month,
/// as submitted on one date.
///
/// A later submission for the same project, plan year and month replaces an earlier one from its
/// own date on; the earlier one is kept, so the schedule in force at any date can be rebuilt.
public struct ScheduleLine: Sendable, Hashable {
    public var projectCode: String
    public var planYear: Int
    public var month: ScheduleMonth
    /// Planned disbursement in the month, whole VND, zero or more.
    public var plannedVND: VND
    /// The date the investor submitted this figure.
    public var submittedOn: CivilDate

    public init(projectCode: String, planYear: Int, month: ScheduleMonth, plannedVND: VND, submittedOn: CivilDate) {
        self.projectCode = projectCode
        self.planYear = planYear
        self.month = month
        self.plannedVND = plannedVND
        self.submittedOn = submittedOn
    }

    /// The months a schedule of `planYear` may name: the plan year's twelve and January of the
    /// next (the disbursement window runs to 31 January).
    public static func months(planYear: Int) -> ClosedRange<ScheduleMonth>? {
        guard let first = ScheduleMonth(year: planYear, month: 1), let last = ScheduleMonth(year: planYear + 1, month: 1) else {
            return nil
        }
        return first...last
    }
}

/// The schedules in force at a date: for each project and month, the figure of the latest
/// submission made on or before the date.
public struct Schedule: Sendable {
    /// Project code → month → planned VND.
    public private(set) var months: [String: [ScheduleMonth: VND]] = [:]

    /// The schedule of `planYear` in force on `date`, from every stored submission.
    ///
    /// Two submissions of the same project and month on the same date cannot both be stored (the
    /// import refuses the second with a different figure), so the latest is always one line.
    public init(lines: [ScheduleLine], planYear: Int, inForceOn date: CivilDate) {
        var latest: [String: [ScheduleMonth: (CivilDate, VND)]] = [:]
        for l in lines where l.planYear == planYear && l.submittedOn <= date {
            if let known = latest[l.projectCode]?[l.month], known.0 >= l.submittedOn { continue }
            latest[l.projectCode, default: [:]][l.month] = (l.submittedOn, l.plannedVND)
        }
        months = latest.mapValues { $0.mapValues(\.1) }
    }

    /// Whether `code` has any schedule in force.
    public func has(_ code: String) -> Bool { !(months[code]?.isEmpty ?? true) }

    /// The target of `code` for `month`, or nil when it has no figure for that month.
    public func target(_ code: String, _ month: ScheduleMonth) -> VND? { months[code]?[month] }

    /// The sum of `code`'s scheduled months up to and including `month`.
    public func cumulative(_ code: String, through month: ScheduleMonth) throws -> VND {
        var total: VND = 0
        for (m, v) in months[code] ?? [:] where m <= month {
            total = try total.checkedAdding(v, context: "the schedule of \(code)")
        }
        return total
    }

    /// The sum of `code`'s scheduled months that ended on or before `date`: what was due by then.
    public func due(_ code: String, by date: CivilDate) throws -> VND {
        var total: VND = 0
        for (m, v) in months[code] ?? [:] where m.lastDay <= date {
            total = try total.checkedAdding(v, context: "the schedule of \(code)")
        }
        return total
    }
}

// MARK: - Performance against the schedule

/// One subject's month against its schedule: the month's target and what was disbursed in it up
/// to the as-of date, and the cumulative figures.
public struct ScheduleFigures: Sendable, Hashable {
    /// The month's target (zero when the schedule names the month with zero, or not at all).
    public var targetVND: VND = 0
    /// Disbursed from the first of the month to the as-of date.
    public var actualVND: VND = 0
    /// The schedule's months up to and including this one.
    public var cumulativeScheduleVND: VND = 0
    /// Disbursed from the start of the plan year to the as-of date.
    public var cumulativeActualVND: VND = 0

    /// Actual over target; nil when the target is zero.
    public var rate: Rate? { Rate(disbursedVND: actualVND, planVND: targetVND) }
    /// Cumulative actual over cumulative schedule; nil when the schedule so far is zero.
    public var cumulativeRate: Rate? { Rate(disbursedVND: cumulativeActualVND, planVND: cumulativeScheduleVND) }
    /// The month's target reached (a month scheduled at zero is reached by anything not negative).
    public var isMet: Bool { actualVND >= targetVND }

    func adding(_ o: ScheduleFigures) throws -> ScheduleFigures {
        ScheduleFigures(targetVND: try targetVND.checkedAdding(o.targetVND, context: "a schedule total"),
                        actualVND: try actualVND.checkedAdding(o.actualVND, context: "a schedule total"),
                        cumulativeScheduleVND: try cumulativeScheduleVND.checkedAdding(o.cumulativeScheduleVND, context: "a schedule total"),
                        cumulativeActualVND: try cumulativeActualVND.checkedAdding(o.cumulativeActualVND, context: "a schedule total"))
    }
}

/// A project's month against its schedule.
public struct ProjectSchedule: Sendable, Hashable {
    public var projectCode: String
    public var investor: InvestorID
    /// Nil when the project has no schedule in force for the month: it is named as such.
    public var figures: ScheduleFigures?
}

/// An investor's month against the schedules of its projects that have one.
public struct InvestorSchedule: Sendable, Hashable {
    public var investor: InvestorID
    /// Summed over the investor's scheduled projects; nil when none of them has a schedule.
    public var figures: ScheduleFigures?
    /// Projects with a schedule for the month, and those of them that met it.
    public var scheduledProjects: Int
    public var projectsMet: Int
    /// The investor's projects without a schedule for the month, by code.
    public var unscheduled: [String]
}

/// Performance against the investors' schedules in the month of the as-of date ("7/74 đơn vị đạt
/// kế hoạch tháng").
///
/// The month is the as-of date's; its actual runs from the first of the month to the as-of date,
/// so a check in mid-month compares the month so far with the whole month's target. Only counted
/// tranches count, as in every rate.
public struct SchedulePerformance: Sendable, Hashable {
    public var month: ScheduleMonth
    public var projects: [ProjectSchedule]
    public var investors: [InvestorSchedule]

    /// Investors with a schedule for the month, and those that met it.
    public var investorsScheduled: Int { investors.filter { $0.figures != nil }.count }
    public var investorsMet: Int { investors.filter { $0.figures?.isMet ?? false }.count }
    public var projectsScheduled: Int { projects.filter { $0.figures != nil }.count }
    public var projectsMet: Int { projects.filter { $0.figures?.isMet ?? false }.count }
    /// Projects without a schedule for the month, by code.
    public var unscheduled: [String] { projects.filter { $0.figures == nil }.map(\.projectCode).sorted() }

    /// Computes the month's performance of every project in `projects`.
    ///
    /// - parameter disbursedBeforeMonth: each project's counted disbursement on the last day of
    ///   the previous month (missing = zero).
    public static func make(schedule: Schedule, projects: [ProjectResult], asOf: CivilDate,
                            disbursedBeforeMonth: [String: VND]) throws -> SchedulePerformance {
        let month = ScheduleMonth(of: asOf)
        var rows: [ProjectSchedule] = []
        for p in projects {
            let code = p.project.code
            var figures: ScheduleFigures?
            if let target = schedule.target(code, month) {
                let total = p.result.position.disbursedVND
                figures = ScheduleFigures(targetVND: target,
                                          actualVND: try total.checkedSubtracting(disbursedBeforeMonth[code] ?? 0, context: "the month of \(code)"),
                                          cumulativeScheduleVND: try schedule.cumulative(code, through: month),
                                          cumulativeActualVND: total)
            }
            rows.append(ProjectSchedule(projectCode: code, investor: p.project.investor, figures: figures))
        }
        var byInvestor: [InvestorID: InvestorSchedule] = [:]
        for r in rows {
            var i = byInvestor[r.investor] ?? InvestorSchedule(investor: r.investor, figures: nil, scheduledProjects: 0,
                                                              projectsMet: 0, unscheduled: [])
            if let f = r.figures {
                i.figures = try (i.figures ?? ScheduleFigures()).adding(f)
                i.scheduledProjects += 1
                if f.isMet { i.projectsMet += 1 }
            } else {
                i.unscheduled.append(r.projectCode)
            }
            byInvestor[r.investor] = i
        }
        return SchedulePerformance(month: month, projects: rows,
                                   investors: byInvestor.values.sorted { $0.investor.name < $1.investor.name })
    }

    /// The part of the performance about one investor's projects (an investor's own view).
    public func only(_ investor: InvestorID) -> SchedulePerformance {
        SchedulePerformance(month: month, projects: projects.filter { $0.investor == investor },
                            investors: investors.filter { $0.investor == investor })
    }
}
