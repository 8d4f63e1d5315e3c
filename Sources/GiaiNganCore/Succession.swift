/// One project passing from one investor to another on a date (the 2025 reorganisation: a
/// district board folded into a provincial one, or its projects split among several).
///
/// A succession is recorded per project, so that several old investors going to one new one
/// (a merge) and one old investor's projects going to several new ones (a split) are the same
/// thing: rows with their own project, `from` and `to`.
public struct Succession: Sendable, Hashable, Codable {
    public var projectCode: String
    /// The investor up to the day before `effectiveOn`.
    public var from: InvestorID
    /// The investor from `effectiveOn` on.
    public var to: InvestorID
    /// The first day the new investor holds the project.
    public var effectiveOn: CivilDate
    /// The decision that made the change (số quyết định); may be empty.
    public var decisionRef: String

    public init(projectCode: String, from: InvestorID, to: InvestorID, effectiveOn: CivilDate, decisionRef: String) {
        self.projectCode = projectCode
        self.from = from
        self.to = to
        self.effectiveOn = effectiveOn
        self.decisionRef = decisionRef
    }

    /// The last day `from` held the project.
    public var until: CivilDate { effectiveOn.adding(days: -1) }
}

/// A succession to record: an old investor's projects (all of them on the date, or the listed
/// ones) pass to a new investor on `effectiveOn`.
public struct SuccessionRequest: Sendable, Hashable {
    public var from: InvestorID
    public var to: InvestorID
    public var effectiveOn: CivilDate
    public var decisionRef: String
    /// Empty: every project `from` holds the day before `effectiveOn`.
    public var projectCodes: [String]

    public init(from: InvestorID, to: InvestorID, effectiveOn: CivilDate, decisionRef: String, projectCodes: [String] = []) {
        self.from = from
        self.to = to
        self.effectiveOn = effectiveOn
        self.decisionRef = decisionRef
        self.projectCodes = projectCodes
    }
}

/// A former investor of a subject: who held it, up to which day, by which decision.
public struct LineageStep: Sendable, Hashable, Codable, Comparable {
    public var investor: InvestorID
    /// The last day it held the projects (the day before the succession took effect).
    public var until: CivilDate
    public var decisionRef: String

    public init(investor: InvestorID, until: CivilDate, decisionRef: String) {
        self.investor = investor
        self.until = until
        self.decisionRef = decisionRef
    }

    /// Oldest first, then by name, so a lineage reads the same every run.
    public static func < (a: LineageStep, b: LineageStep) -> Bool {
        (a.until, a.investor.name, a.decisionRef) < (b.until, b.investor.name, b.decisionRef)
    }
}

/// How successions decide who held a project on a date.
public enum Successions {
    /// The investor of a project on `date`: the `from` investor of the earliest of its
    /// successions that takes effect after `date`, else `current` (the registry's investor,
    /// which a recorded succession keeps at its newest `to`).
    ///
    /// - parameter successions: the project's own successions, in any order.
    public static func investor(on date: CivilDate, current: InvestorID, successions: [Succession]) -> InvestorID {
        successions.filter { $0.effectiveOn > date }.min { $0.effectiveOn < $1.effectiveOn }?.from ?? current
    }

    /// The former investors of a project as of `date`: every succession of it that took effect
    /// on or before `date`, oldest first.
    public static func lineage(on date: CivilDate, successions: [Succession]) -> [LineageStep] {
        successions.filter { $0.effectiveOn <= date }
            .map { LineageStep(investor: $0.from, until: $0.until, decisionRef: $0.decisionRef) }
            .sorted()
    }

    /// An investor's lineage from its projects' lineages: each former investor once per day and
    /// decision, the investor itself left out (a project that came back to it).
    public static func merged(_ lineages: [[LineageStep]], of investor: InvestorID) -> [LineageStep] {
        Array(Set(lineages.joined()).filter { $0.investor != investor }).sorted()
    }
}

extension Evaluation {
    /// The former investors of `investor`'s projects in this evaluation (README "Reorganisation").
    public func lineage(of investor: InvestorID) -> [LineageStep] {
        Successions.merged(projects.filter { $0.project.investor == investor }.map(\.project.lineage), of: investor)
    }

    /// Every investor of the evaluation that took projects over, with its lineage.
    public var lineages: [(investor: InvestorID, steps: [LineageStep])] {
        let all = lineagesByInvestor()
        return investors.compactMap { i in all[i.investor].map { (i.investor, $0) } }
    }

    /// ``lineage(of:)`` of every investor whose lineage is not empty, in one pass over the
    /// projects (asking each of 300 investors in turn went over 20,000 projects 300 times).
    public func lineagesByInvestor() -> [InvestorID: [LineageStep]] {
        var steps: [InvestorID: [[LineageStep]]] = [:]
        for p in projects where !p.project.lineage.isEmpty { steps[p.project.investor, default: []].append(p.project.lineage) }
        var out: [InvestorID: [LineageStep]] = [:]
        for (investor, lists) in steps {
            let merged = Successions.merged(lists, of: investor)
            if !merged.isEmpty { out[investor] = merged }
        }
        return out
    }
}

/// The figures of the projects that came from one former province (README "Reorganisation").
public struct FormerProvinceResult: Sendable, Hashable {
    /// Nil for the database's own projects (those no merge brought in).
    public var formerProvince: String?
    public var projectCount: Int
    /// The counted tranches' figures at the as-of date: the sum of the projects'.
    public var position: Position
}

extension Evaluation {
    /// The year broken down by former province, the database's own projects first; empty when
    /// no merge brought projects in.
    public func formerProvinces() throws -> [FormerProvinceResult] {
        guard projects.contains(where: { $0.project.formerProvince != nil }) else { return [] }
        var out: [String?: FormerProvinceResult] = [:]
        for p in projects {
            let key = p.project.formerProvince
            var r = out[key] ?? FormerProvinceResult(formerProvince: key, projectCount: 0, position: .zero)
            r.projectCount += 1
            r.position = try r.position.adding(p.result.position)
            out[key] = r
        }
        return out.values.sorted { ($0.formerProvince ?? "") < ($1.formerProvince ?? "") }
    }
}

/// An old district or commune and the unit that replaced it from a date (the 2025 abolition of
/// the district level; README "Reorganisation").
public struct DistrictChange: Sendable, Hashable {
    public var oldUnit: String
    public var newUnit: String
    public var effectiveOn: CivilDate

    public init(oldUnit: String, newUnit: String, effectiveOn: CivilDate) {
        self.oldUnit = oldUnit
        self.newUnit = newUnit
        self.effectiveOn = effectiveOn
    }

    /// The unit that `district` has become, following renames in effect (old → new → newer),
    /// or nil when no rename applies. `map` holds the renames in effect, old unit to new.
    public static func unit(_ district: String, in map: [String: String]) -> String? {
        var current = district
        var seen: Set<String> = [district]
        while let next = map[current], seen.insert(next).inserted { current = next }
        return current == district ? nil : current
    }
}
