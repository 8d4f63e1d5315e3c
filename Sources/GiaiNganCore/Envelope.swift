/// Who assigned a part of the province's capital envelope (kế hoạch vốn được giao).
public enum EnvelopeLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// Thủ tướng Chính phủ giao: the plan the Prime Minister assigned to the province.
    case primeMinister = "prime_minister"
    /// HĐND/UBND tỉnh giao: the plan the province assigned (it may exceed the Prime Minister's,
    /// with local revenue; Circular 37/2025 reports the extra as "locally assigned plan").
    case province
}

/// One line of an envelope decision: an assignment (+) or an adjustment (+/−) for a plan year,
/// a fund source and a tranche, from its effective date.
public struct EnvelopeLine: Sendable, Hashable, Codable {
    public var planYear: Int
    public var level: EnvelopeLevel
    public var tranche: Tranche
    public var fundSource: String?
    public var amountVND: VND
    public var effectiveOn: CivilDate
    public var decisionRef: String?

    public init(planYear: Int, level: EnvelopeLevel, tranche: Tranche = .current, fundSource: String? = nil,
                amountVND: VND, effectiveOn: CivilDate, decisionRef: String? = nil) {
        self.planYear = planYear
        self.level = level
        self.tranche = tranche
        self.fundSource = fundSource
        self.amountVND = amountVND
        self.effectiveOn = effectiveOn
        self.decisionRef = decisionRef
    }
}

/// Which plan a rate divides by.
public enum PlanBasis: String, Sendable, Hashable, CaseIterable, Codable {
    /// The plan allocated to projects (the sum of the projects' plan lines): what every project
    /// and investor is judged on.
    case allocated
    /// The plan the province assigned (envelope lines of level `province`).
    case provinceAssigned = "province_assigned"
    /// The plan the Prime Minister assigned (envelope lines of level `prime_minister`).
    case primeMinisterAssigned = "prime_minister_assigned"
}

/// A denominator that leaves out envelope capital added after a date, as the Ministry of
/// Finance's weekly figures do (27/11/2025: 57.9% of the assigned plan, 59.7% leaving out the
/// 27,429.6 bn added after 30/9).
public struct AdjustedDenominator: Sendable, Hashable, Codable {
    /// The envelope it adjusts (`province_assigned` or `prime_minister_assigned`).
    public var basis: PlanBasis
    /// Envelope lines effective after this date are left out.
    public var excludesAddedAfter: CivilDate
    /// How reports name it ("leaving out capital added after 30/9").
    public var label: String

    public init(basis: PlanBasis, excludesAddedAfter: CivilDate, label: String) {
        self.basis = basis
        self.excludesAddedAfter = excludesAddedAfter
        self.label = label
    }
}

/// The denominators in use side by side for one fund source (or all of them), counted tranches,
/// at the as-of date.
public struct EnvelopeRow: Sendable, Hashable {
    /// A fund source code, or nil for the total.
    public var fundSource: String?
    public var primeMinisterVND: VND
    public var provinceVND: VND
    /// The plan allocated to projects.
    public var allocatedVND: VND
    public var disbursedVND: VND
    /// The adjusted denominator, when the rules name one.
    public var adjustedVND: VND?
    /// How many envelope lines of each level make the figures (none: that level was not imported).
    public var primeMinisterLines = 0
    public var provinceLines = 0
    /// The disbursement of the fund sources that have lines of each level: the numerator of the
    /// rate on that level's plan. In a fund source's row it is the row's disbursement (or 0 with
    /// no line of the level); in the total it leaves out the sources the level never assigned, so
    /// local capital the Prime Minister's plan does not hold cannot lift the rate on his plan.
    public var disbursedUnderPrimeMinisterVND: VND = 0
    public var disbursedUnderProvinceVND: VND = 0
    /// The same for the adjusted denominator's level.
    public var disbursedUnderAdjustedVND: VND = 0

    public init(fundSource: String?, primeMinisterVND: VND = 0, provinceVND: VND = 0, allocatedVND: VND = 0,
                disbursedVND: VND = 0, adjustedVND: VND? = nil) {
        self.fundSource = fundSource
        self.primeMinisterVND = primeMinisterVND
        self.provinceVND = provinceVND
        self.allocatedVND = allocatedVND
        self.disbursedVND = disbursedVND
        self.adjustedVND = adjustedVND
    }

    public var rateOnPrimeMinister: Rate? {
        primeMinisterLines > 0 ? Rate(disbursedVND: disbursedUnderPrimeMinisterVND, planVND: primeMinisterVND) : nil
    }
    public var rateOnProvince: Rate? {
        provinceLines > 0 ? Rate(disbursedVND: disbursedUnderProvinceVND, planVND: provinceVND) : nil
    }
    public var rateOnAllocated: Rate? { Rate(disbursedVND: disbursedVND, planVND: allocatedVND) }
    public var rateOnAdjusted: Rate? { adjustedVND.flatMap { Rate(disbursedVND: disbursedUnderAdjustedVND, planVND: $0) } }
    /// What was assigned and not yet allocated to projects: the province's plan less the plan
    /// allocated, or the Prime Minister's where no province line was imported; below zero when
    /// more was allocated than assigned; nil with no envelope line at all.
    public var unallocatedVND: VND? {
        if provinceLines > 0 { return VND(clamping: Int128(provinceVND) - Int128(allocatedVND)) }
        if primeMinisterLines > 0 { return VND(clamping: Int128(primeMinisterVND) - Int128(allocatedVND)) }
        return nil
    }
    /// The "locally assigned plan" of Circular 37/2025: what the province assigned beyond the
    /// Prime Minister's plan (zero when it assigned no more); nil unless both levels were imported.
    public var locallyAddedVND: VND? {
        guard provinceLines > 0 && primeMinisterLines > 0 else { return nil }
        return max(0, VND(clamping: Int128(provinceVND) - Int128(primeMinisterVND)))
    }

    mutating func add(_ other: EnvelopeRow) throws {
        primeMinisterVND = try primeMinisterVND.checkedAdding(other.primeMinisterVND, context: "an envelope total")
        provinceVND = try provinceVND.checkedAdding(other.provinceVND, context: "an envelope total")
        allocatedVND = try allocatedVND.checkedAdding(other.allocatedVND, context: "a plan total")
        disbursedVND = try disbursedVND.checkedAdding(other.disbursedVND, context: "a disbursed total")
        if let a = other.adjustedVND {
            adjustedVND = try (adjustedVND ?? 0).checkedAdding(a, context: "an envelope total")
        }
        primeMinisterLines += other.primeMinisterLines
        provinceLines += other.provinceLines
        disbursedUnderPrimeMinisterVND = try disbursedUnderPrimeMinisterVND.checkedAdding(
            other.disbursedUnderPrimeMinisterVND, context: "a disbursed total")
        disbursedUnderProvinceVND = try disbursedUnderProvinceVND.checkedAdding(
            other.disbursedUnderProvinceVND, context: "a disbursed total")
        disbursedUnderAdjustedVND = try disbursedUnderAdjustedVND.checkedAdding(
            other.disbursedUnderAdjustedVND, context: "a disbursed total")
    }
}

/// The province's envelope beside what was allocated and disbursed: the total and one row per
/// fund source (the rules' groups applied).
public struct EnvelopeFigures: Sendable, Hashable {
    public var total: EnvelopeRow
    public var byFundSource: [EnvelopeRow]
    /// The envelope lines of the plan year the figures come from.
    public var lineCount: Int

    /// Sums the plan year's envelope lines effective on or before `asOf` for the counted
    /// tranches, beside the province's allocated plan and disbursement per fund source.
    public static func make(lines: [EnvelopeLine], provinceBreakdown: Breakdown, rules: RuleSet,
                            asOf: CivilDate) throws -> EnvelopeFigures {
        let counted = rules.countedTranches
        var rows: [String: EnvelopeRow] = [:]
        func row(_ key: String) -> EnvelopeRow { rows[key] ?? EnvelopeRow(fundSource: key, adjustedVND: rules.adjustedDenominator == nil ? nil : 0) }
        var used = 0
        for line in lines where line.planYear == rules.planYear && counted.contains(line.tranche) && line.effectiveOn <= asOf {
            used += 1
            let key = rules.fundSourceGroup(FundSource.key(line.fundSource))
            var r = row(key)
            switch line.level {
            case .primeMinister:
                r.primeMinisterVND = try r.primeMinisterVND.checkedAdding(line.amountVND, context: "an envelope total")
                r.primeMinisterLines += 1
            case .province:
                r.provinceVND = try r.provinceVND.checkedAdding(line.amountVND, context: "an envelope total")
                r.provinceLines += 1
            }
            if let adjusted = rules.adjustedDenominator, line.effectiveOn <= adjusted.excludesAddedAfter,
               (adjusted.basis == .primeMinisterAssigned && line.level == .primeMinister)
                || (adjusted.basis == .provinceAssigned && line.level == .province) {
                r.adjustedVND = try (r.adjustedVND ?? 0).checkedAdding(line.amountVND, context: "an envelope total")
            }
            rows[key] = r
        }
        for (fundSource, position) in try provinceBreakdown.byFundSource(tranches: counted) {
            var r = row(fundSource)
            r.allocatedVND = position.planVND
            r.disbursedVND = position.disbursedVND
            rows[fundSource] = r
        }
        for (key, r) in rows {
            var r = r
            r.disbursedUnderPrimeMinisterVND = r.primeMinisterLines > 0 ? r.disbursedVND : 0
            r.disbursedUnderProvinceVND = r.provinceLines > 0 ? r.disbursedVND : 0
            switch rules.adjustedDenominator?.basis {
            case .primeMinisterAssigned?: r.disbursedUnderAdjustedVND = r.disbursedUnderPrimeMinisterVND
            case .provinceAssigned?: r.disbursedUnderAdjustedVND = r.disbursedUnderProvinceVND
            default: r.disbursedUnderAdjustedVND = r.disbursedVND
            }
            rows[key] = r
        }
        var total = EnvelopeRow(fundSource: nil, adjustedVND: rules.adjustedDenominator == nil ? nil : 0)
        let sorted = rows.values.sorted { FundSource.sortKey($0.fundSource ?? "") < FundSource.sortKey($1.fundSource ?? "") }
        for r in sorted { try total.add(r) }
        return EnvelopeFigures(total: total, byFundSource: sorted, lineCount: used)
    }

    /// The envelope at a date, for a checkpoint judged on it: the counted tranches' lines of the
    /// level the basis names, effective on or before `date`.
    public static func assigned(lines: [EnvelopeLine], basis: PlanBasis, rules: RuleSet, on date: CivilDate) throws -> VND {
        let level: EnvelopeLevel
        switch basis {
        case .allocated: return 0
        case .provinceAssigned: level = .province
        case .primeMinisterAssigned: level = .primeMinister
        }
        var sum: VND = 0
        for line in lines where line.planYear == rules.planYear && line.level == level
            && rules.countedTranches.contains(line.tranche) && line.effectiveOn <= date {
            sum = try sum.checkedAdding(line.amountVND, context: "an envelope total")
        }
        return sum
    }
}
