/// The share of a plan year's final disbursement normally reached by each date of its window.
///
/// Public investment is back-loaded: nationally about 12–13% of a year's disbursement is paid
/// by 31/03, 30–32% by 30/06, about half by 30/09 and the rest by 31/01 of the next year. A
/// linear "expected to date" line would flag everyone in the first quarter; this profile does
/// not. It is learned from past plan years in the database when there are any, and falls
/// back to the national shape in DOMAIN.md otherwise.
public struct SeasonalProfile: Sendable, Hashable {
    /// Knots: days since 1 January of the plan year → share reached, in parts per million.
    /// Increasing days, non-decreasing shares; the share is linear between knots.
    public let knots: [(day: Int, sharePPM: Int)]
    /// Where the profile comes from, for reports: "national shape" or "learned from 2021, 2022".
    public let source: String
    /// The plan years the profile was learned from (empty for the national shape).
    public let learnedFrom: [Int]

    public static func == (a: SeasonalProfile, b: SeasonalProfile) -> Bool {
        a.source == b.source && a.knots.map(\.day) == b.knots.map(\.day) && a.knots.map(\.sharePPM) == b.knots.map(\.sharePPM)
    }
    public func hash(into h: inout Hasher) { h.combine(source); for k in knots { h.combine(k.day); h.combine(k.sharePPM) } }

    public init(knots: [(day: Int, sharePPM: Int)], source: String, learnedFrom: [Int] = []) {
        precondition(!knots.isEmpty)
        precondition(zip(knots, knots.dropFirst()).allSatisfy { $0.day < $1.day && $0.sharePPM <= $1.sharePPM },
                     "profile knots must increase")
        self.knots = knots
        self.source = source
        self.learnedFrom = learnedFrom
    }

    /// The national shape (DOMAIN.md), as shares of the final disbursement (≈93% of plan by 31/01):
    /// 13% by 31/03, 32% by 30/06, 54% by 30/09, 86% by 31/12, 100% by 31/01.
    public static let national = SeasonalProfile(knots: [
        (0, 0), (89, 130_000), (180, 320_000), (272, 540_000), (364, 860_000), (395, 1_000_000),
    ], source: "national shape (DOMAIN.md)")

    /// Days since 1 January of `planYear`.
    public static func dayOffset(_ date: CivilDate, planYear: Int) -> Int {
        CivilDate.startOfYear(planYear).days(until: date)
    }

    /// The share (ppm) normally reached by `date` in `planYear`'s window.
    public func sharePPM(at date: CivilDate, planYear: Int) -> Int {
        let day = SeasonalProfile.dayOffset(date, planYear: planYear)
        if day <= knots[0].day { return knots[0].sharePPM }
        for (a, b) in zip(knots, knots.dropFirst()) where day <= b.day {
            return a.sharePPM + (b.sharePPM - a.sharePPM) * (day - a.day) / (b.day - a.day)
        }
        return knots[knots.count - 1].sharePPM
    }

    /// One past plan year's province curve: cumulative disbursed at month ends, and the final total.
    public struct YearCurve: Sendable {
        public var planYear: Int
        /// (date, cumulative disbursed) at each month end of the window, in date order.
        public var points: [(date: CivilDate, disbursedVND: VND)]
        public var finalVND: VND
        public init(planYear: Int, points: [(date: CivilDate, disbursedVND: VND)], finalVND: VND) {
            self.planYear = planYear
            self.points = points
            self.finalVND = finalVND
        }
    }

    /// Learns the profile from past years' curves: at each month end, the average share of the
    /// year's final disbursement reached. Years with no disbursement are ignored; with none left
    /// the national shape is returned.
    public static func learn(from curves: [YearCurve]) -> SeasonalProfile {
        let usable = curves.filter { $0.finalVND > 0 && !$0.points.isEmpty }
        guard !usable.isEmpty else { return .national }
        var sums: [Int: (total: Int128, n: Int)] = [:]
        for c in usable {
            for p in c.points {
                let day = dayOffset(p.date, planYear: c.planYear)
                let ppm = Int128(max(0, min(p.disbursedVND, c.finalVND))) * 1_000_000 / Int128(c.finalVND)
                let s = sums[day, default: (0, 0)]
                sums[day] = (s.total + ppm, s.n + 1)
            }
        }
        var knots: [(day: Int, sharePPM: Int)] = [(0, 0)]
        var last = 0
        for day in sums.keys.sorted() where day > 0 {
            let s = sums[day]!
            let share = max(last, min(1_000_000, Int(s.total / Int128(s.n))))
            knots.append((day, share))
            last = share
        }
        if knots.count < 3 { return .national }
        let years = usable.map(\.planYear).sorted()
        return SeasonalProfile(knots: knots,
                               source: "learned from plan years " + years.map(String.init).joined(separator: ", "),
                               learnedFrom: years)
    }
}
