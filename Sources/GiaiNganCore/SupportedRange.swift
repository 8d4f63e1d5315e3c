/// The plan years and dates GiaiNgan works with, and the one place that says so.
///
/// Public-investment plans under the Law on Public Investment start in the 2010s; treasury
/// ledgers hold nothing older. A plan year's window ends on 31 January of the next year (or later
/// under a rules file), and day arithmetic must stay inside what `CivilDate` can name
/// (1900…9999). So plan years are limited to 2000…2099, and a date a user asks about (an as-of
/// date, `--since`, a portal `?as_of=`) to 1 January 2000 … 31 December 2100. Everything that
/// comes from outside (a CLI option, a query parameter, a rules file, an imported cell) is
/// checked against these before any computation, so nothing downstream can build an impossible
/// date.
public enum SupportedRange {
    /// Plan years GiaiNgan accepts anywhere.
    public static let planYears: ClosedRange<Int> = 2000...2099

    /// The first date a question may be asked about.
    public static let firstDate = CivilDate(computedYear: 2000, month: 1, day: 1)
    /// The last date a question may be asked about.
    public static let lastDate = CivilDate(computedYear: 2100, month: 12, day: 31)

    /// As-of dates and other dates a user asks about.
    public static var dates: ClosedRange<CivilDate> { firstDate...lastDate }

    /// Why `year` is not a supported plan year, or `nil` when it is.
    public static func problem(planYear year: Int) -> String? {
        planYears.contains(year) ? nil
            : "plan year \(year) is outside the supported range \(planYears.lowerBound)–\(planYears.upperBound)"
    }

    /// Why `date` is not a supported date to ask about, or `nil` when it is.
    public static func problem(date: CivilDate) -> String? {
        dates.contains(date) ? nil
            : "\(date) is outside the supported range \(firstDate)…\(lastDate)"
    }
}
