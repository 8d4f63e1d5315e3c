import GiaiNganCore

/// What a form column shows: the one place that says what each measure means.
///
/// A form file names measures by these keys; `giaingan form --list-measures` prints them with
/// their meaning. Dates: D is the last day of the month before the reporting month (actual
/// figures), E the last day of the reporting month (the estimate). Every amount and rate at D
/// is the one `giaingan check --as-of D` reports for the same subject; the estimate at E is the
/// early-warning projection (`RiskAssessment`) from D to E.
public enum Measure: String, Sendable, Hashable, CaseIterable {
    // MARK: Text
    /// STT: the row's number (I, 1, a, -) as its row group numbers it.
    case ordinal
    /// The row's name: "TỔNG SỐ", a fund source, a class, an investor, a project.
    case label
    case projectCode = "project_code"
    case investor
    case district
    /// Transitional or new start.
    case projectClass = "class"
    /// The fund source code of a fund-source row.
    case fundSource = "fund_source"
    /// Decision number of the latest plan line is not kept per row; this column is left for the
    /// DPI to fill (a printed form has it): always empty.
    case blank

    // MARK: Plans (at D)
    /// Kế hoạch vốn Thủ tướng Chính phủ giao: the envelope's Prime Minister lines (province and
    /// fund-source rows; empty for investors and projects, which the Prime Minister does not assign).
    case planPrimeMinister = "plan_prime_minister"
    /// Kế hoạch vốn HĐND/UBND tỉnh giao: the envelope's province lines.
    case planProvince = "plan_province"
    /// Kế hoạch vốn địa phương giao tăng thêm: what the province assigned beyond the Prime
    /// Minister's plan (Circular 37/2025's separate column), zero when it assigned no more.
    case planLocallyAdded = "plan_locally_added"
    /// Kế hoạch vốn đã phân bổ: the plan allocated to projects, the denominator of every project's
    /// and investor's rate (`plan_vnd` of `check`).
    case planAllocated = "plan_allocated"
    /// Kế hoạch vốn chưa phân bổ: province-assigned minus allocated.
    case planUnallocated = "plan_unallocated"

    // MARK: Disbursement
    /// Giải ngân đến hết tháng trước (D): `disbursed_vnd` of `check --as-of D`.
    case actual
    /// Ước giải ngân đến hết tháng báo cáo (E): the projection from D to E. An estimate.
    case estimate
    /// Ước giải ngân trong tháng: estimate − actual.
    case estimateInMonth = "estimate_in_month"
    /// Kế hoạch còn lại chưa giải ngân: allocated plan − estimate.
    case remaining
    /// Tạm ứng chưa thu hồi at D.
    case outstandingAdvance = "outstanding_advance"
    /// Cùng kỳ năm trước: disbursed on the same day as E of the previous plan year.
    case lastYearDisbursed = "last_year_disbursed"
    /// The previous plan year's plan on that day.
    case lastYearPlan = "last_year_plan"

    // MARK: Rates
    /// Actual at D ÷ allocated plan.
    case rateActual = "rate_actual"
    /// Estimate at E ÷ allocated plan.
    case rateEstimate = "rate_estimate"
    /// Estimate at E ÷ the Prime Minister's plan (province and fund-source rows).
    case rateEstimatePrimeMinister = "rate_estimate_prime_minister"
    /// Estimate at E ÷ the province's assigned plan (province and fund-source rows).
    case rateEstimateProvince = "rate_estimate_province"
    /// Cùng kỳ năm trước: the previous plan year's rate on the same day as E.
    case rateLastYear = "rate_last_year"
    /// Rate of the estimate minus the rate of the same period last year, in percentage points,
    /// from the two rates rounded down to 0.01% (as `points_change` of `check`).
    case pointsVersusLastYear = "points_vs_last_year"
    /// A key project's share of the province's allocated plan.
    case shareOfPlan = "share_of_plan"

    // MARK: Counts
    /// Projects under the row (class, investor).
    case projects

    /// What kind of value the measure is, which decides its cell format.
    public enum Kind: Sendable { case text, amount, rate, points, count }

    /// Text, amount, rate, points or count.
    public var kind: Kind {
        switch self {
        case .ordinal, .label, .projectCode, .investor, .district, .projectClass, .fundSource, .blank: .text
        case .planPrimeMinister, .planProvince, .planLocallyAdded, .planAllocated, .planUnallocated, .actual, .estimate,
             .estimateInMonth, .remaining, .outstandingAdvance, .lastYearDisbursed, .lastYearPlan: .amount
        case .rateActual, .rateEstimate, .rateEstimatePrimeMinister, .rateEstimateProvince, .rateLastYear, .shareOfPlan: .rate
        case .pointsVersusLastYear: .points
        case .projects: .count
        }
    }

    /// Whether the measure is an estimate (its header says so, and the form's note explains it).
    public var isEstimate: Bool {
        switch self {
        case .estimate, .estimateInMonth, .remaining, .rateEstimate, .rateEstimatePrimeMinister, .rateEstimateProvince,
             .pointsVersusLastYear: true
        default: false
        }
    }

    /// One line saying what the measure is, for `--list-measures` and the README.
    public var meaning: String {
        switch self {
        case .ordinal: "STT: the row's number as its row group numbers it (I, 1, a, -)"
        case .label: "the row's name: the total, a fund source, a class, an investor, a project"
        case .projectCode: "mã dự án"
        case .investor: "chủ đầu tư"
        case .district: "địa bàn"
        case .projectClass: "chuyển tiếp / khởi công mới"
        case .fundSource: "the fund source code of a fund-source row"
        case .blank: "an empty column for the DPI to fill by hand"
        case .planPrimeMinister: "plan assigned by the Prime Minister at D (envelope; province and fund-source rows only)"
        case .planProvince: "plan assigned by the province at D (envelope; province and fund-source rows only)"
        case .planLocallyAdded: "locally assigned plan: province-assigned beyond the Prime Minister's, at D (0 when not more)"
        case .planAllocated: "plan allocated to projects at D (check's plan_vnd)"
        case .planUnallocated: "province-assigned minus allocated, at D"
        case .actual: "disbursed to the end of the previous month D (check --as-of D: disbursed_vnd)"
        case .estimate: "ESTIMATE of disbursed to the end of the reporting month E (the early-warning projection from D)"
        case .estimateInMonth: "ESTIMATE of disbursement within the reporting month: estimate − actual"
        case .remaining: "allocated plan − estimate (left to disburse after E)"
        case .outstandingAdvance: "advances not yet recovered at D"
        case .lastYearDisbursed: "disbursed on the same day as E of the previous plan year"
        case .lastYearPlan: "the previous plan year's allocated plan on that day"
        case .rateActual: "actual ÷ allocated plan"
        case .rateEstimate: "estimate ÷ allocated plan"
        case .rateEstimatePrimeMinister: "estimate ÷ plan assigned by the Prime Minister"
        case .rateEstimateProvince: "estimate ÷ plan assigned by the province"
        case .rateLastYear: "the previous plan year's rate on the same day as E"
        case .pointsVersusLastYear: "rate_estimate − rate_last_year, in percentage points (from rates rounded down to 0.01%)"
        case .shareOfPlan: "a key project's share of the province's allocated plan"
        case .projects: "number of projects under the row"
        }
    }
}

/// The figures of one form row, from which every measure is read.
struct RowFigures {
    var label: String
    var projectCode: String?
    var investor: String?
    var district: String?
    /// The class as the report's language names it.
    var projectClass: String?
    var fundSource: String?
    /// Figures at D.
    var actual: Position
    /// The estimate at E, nil where none is made.
    var estimateVND: VND?
    /// Envelope figures at D (province and fund-source rows of the province).
    var envelope: EnvelopeRow?
    /// The previous plan year on the same day as E.
    var lastYear: Position?
    var projects: Int?
    var shareOfPlan: Rate?
    /// A heading row: only its label.
    var isHeading = false
}

/// A computed cell, before any renderer formats it.
public enum FormValue: Sendable, Hashable {
    case empty
    case text(String)
    /// Exact VND; shown in the form's unit.
    case amount(VND)
    /// A rate, shown rounded down.
    case rate(Rate)
    /// Hundredths of a percentage point.
    case points(Int)
    case count(Int)
}

extension Measure {
    /// The value of this measure on a row.
    func value(_ r: RowFigures, ordinal: String) -> FormValue {
        if r.isHeading {
            switch self {
            case .ordinal: return ordinal.isEmpty ? .empty : .text(ordinal)
            case .label: return .text(r.label)
            default: return .empty
            }
        }
        func amount(_ v: VND?) -> FormValue { v.map { .amount($0) } ?? .empty }
        func rate(_ d: VND?, _ p: VND?) -> FormValue {
            guard let d, let p, let r = Rate(disbursedVND: d, planVND: p) else { return .empty }
            return .rate(r)
        }
        switch self {
        case .ordinal: return ordinal.isEmpty ? .empty : .text(ordinal)
        case .label: return .text(r.label)
        case .projectCode: return r.projectCode.map { .text($0) } ?? .empty
        case .investor: return r.investor.map { .text($0) } ?? .empty
        case .district: return r.district.map { .text($0) } ?? .empty
        case .projectClass: return r.projectClass.map { .text($0) } ?? .empty
        case .fundSource: return r.fundSource.map { .text($0) } ?? .empty
        case .blank: return .empty
        case .planPrimeMinister: return amount(r.envelope?.primeMinisterVND)
        case .planProvince: return amount(r.envelope?.provinceVND)
        case .planLocallyAdded: return amount(r.envelope?.locallyAddedVND)
        case .planAllocated: return .amount(r.actual.planVND)
        case .planUnallocated: return amount(r.envelope?.unallocatedVND)
        case .actual: return .amount(r.actual.disbursedVND)
        case .estimate: return amount(r.estimateVND)
        case .estimateInMonth:
            return amount(r.estimateVND.map { VND(clamping: Int128($0) - Int128(r.actual.disbursedVND)) })
        case .remaining:
            return amount(r.estimateVND.map { VND(clamping: Int128(r.actual.planVND) - Int128($0)) })
        case .outstandingAdvance: return .amount(r.actual.outstandingAdvanceVND)
        case .lastYearDisbursed: return amount(r.lastYear?.disbursedVND)
        case .lastYearPlan: return amount(r.lastYear?.planVND)
        case .rateActual: return rate(r.actual.disbursedVND, r.actual.planVND)
        case .rateEstimate: return rate(r.estimateVND, r.actual.planVND)
        case .rateEstimatePrimeMinister: return rate(r.estimateVND, r.envelope?.primeMinisterVND)
        case .rateEstimateProvince: return rate(r.estimateVND, r.envelope?.provinceVND)
        case .rateLastYear: return rate(r.lastYear?.disbursedVND, r.lastYear?.planVND)
        case .pointsVersusLastYear:
            guard let e = r.estimateVND, let now = Rate(disbursedVND: e, planVND: r.actual.planVND),
                  let ly = r.lastYear, let then = ly.rate else { return .empty }
            return .points(Int(clamping: now.floor(scale: 10_000) - then.floor(scale: 10_000)))
        case .shareOfPlan: return r.shareOfPlan.map { .rate($0) } ?? .empty
        case .projects: return r.projects.map { .count($0) } ?? .empty
        }
    }
}
