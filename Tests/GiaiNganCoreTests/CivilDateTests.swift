import XCTest
@testable import GiaiNganCore

final class CivilDateTests: XCTestCase {
    func test_invalidDaysAreNotDates() {
        XCTAssertNil(CivilDate(year: 2023, month: 2, day: 31))
        XCTAssertNil(CivilDate(year: 2023, month: 2, day: 29))
        XCTAssertNotNil(CivilDate(year: 2024, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 1900, month: 2, day: 29))
        XCTAssertNotNil(CivilDate(year: 2000, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2023, month: 13, day: 1))
        XCTAssertNil(CivilDate(year: 2023, month: 4, day: 31))
        XCTAssertNil(CivilDate(year: 2023, month: 1, day: 0))
    }

    func test_dayNumberRoundTripsOverFourCenturies() {
        var date = CivilDate(year: 1900, month: 1, day: 1)!
        var n = date.dayNumber
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber, 0)
        for _ in 0..<(400 * 366) {
            XCTAssertEqual(CivilDate(dayNumber: n), date)
            n += 1
            let next = date.adding(days: 1)
            XCTAssertEqual(next.dayNumber, n)
            XCTAssertLessThan(date, next)
            date = next
            if date.year > 2299 { break }
        }
    }

    func test_isoTextIsStrict() {
        XCTAssertEqual(CivilDate(iso: "2023-03-31"), CivilDate(year: 2023, month: 3, day: 31))
        XCTAssertNil(CivilDate(iso: "2023-3-31"))
        XCTAssertNil(CivilDate(iso: "2023-02-30"))
        XCTAssertEqual(CivilDate(year: 2023, month: 3, day: 1)!.description, "2023-03-01")
        XCTAssertEqual(CivilDate(year: 2023, month: 3, day: 1)!.vietnamese, "01/03/2023")
    }

    func test_defaultPlanYearFollowsTheJanuaryRule() {
        XCTAssertEqual(RuleSet.defaultPlanYear(asOf: d("2024-01-31")), 2023)
        XCTAssertEqual(RuleSet.defaultPlanYear(asOf: d("2024-02-01")), 2024)
        XCTAssertEqual(RuleSet.defaultPlanYear(asOf: d("2023-12-31")), 2023)
    }

    // MARK: - Issue 11, item 1: years out of range never trap

    func test_ruleSetsForAnyYearAreBuiltAndRefusedNotTrapped() {
        for year in [Int.min, -5, 0, 1, 1800, 1899, 1999, 2100, 9998, 9999, 10_000, 99_999_999_999_999_999, Int.max] {
            let rules = RuleSet.footnote4(planYear: year)
            XCTAssertEqual(rules.problems(), ["plan_year: plan year \(year) is outside the supported range 2000–2099"], "\(year)")
        }
        for year in [2000, 2023, 2099] { XCTAssertEqual(RuleSet.footnote4(planYear: year).problems(), [], "\(year)") }
    }

    func test_computedDatesNeverTrapAndAgreeWithValidatedOnes() {
        XCTAssertEqual(CivilDate(computedYear: 2023, month: 2, day: 31), d("2023-02-28"))
        XCTAssertEqual(CivilDate.endOfMonth(year: 2024, month: 2), d("2024-02-29"))
        XCTAssertEqual(CivilDate.startOfYear(2023), d("2023-01-01"))
        XCTAssertEqual(CivilDate(computedYear: 10_000, month: 1, day: 31).description, "10000-01-31")
        XCTAssertEqual(CivilDate(dayNumber: Int.max).year, CivilDate(dayNumber: 1_000_000_000_000).year)
        XCTAssertEqual(d("2023-01-01").adding(days: Int.min).year, CivilDate(dayNumber: -1_000_000_000_000 + d("2023-01-01").dayNumber).year)
    }

    func test_supportedRangeIsNamedInItsProblems() {
        XCTAssertNil(SupportedRange.problem(planYear: 2000))
        XCTAssertNil(SupportedRange.problem(planYear: 2099))
        XCTAssertEqual(SupportedRange.problem(planYear: 2100), "plan year 2100 is outside the supported range 2000–2099")
        XCTAssertNil(SupportedRange.problem(date: d("2100-12-31")))
        XCTAssertEqual(SupportedRange.problem(date: d("1999-12-31")), "1999-12-31 is outside the supported range 2000-01-01…2100-12-31")
    }
}
