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
}
