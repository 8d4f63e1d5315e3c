import XCTest
import GiaiNganCore
@testable import GiaiNganImport

final class DateParserTests: XCTestCase {
    let parser = DateParser()

    private func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    private func expectation(_ text: String, _ parser: DateParser = DateParser(), file: StaticString = #filePath, line: UInt = #line) -> String {
        thrownValueError({ _ = try parser.parse(text) }, file: file, line: line)?.expectation ?? ""
    }

    func test_isoDateIsAccepted() throws {
        XCTAssertEqual(try parser.parse("2023-03-31"), date(2023, 3, 31))
    }

    func test_dayMonthYearIsAccepted() throws {
        XCTAssertEqual(try parser.parse("31/03/2023"), date(2023, 3, 31))
        XCTAssertEqual(try parser.parse(" 01/12/2023 "), date(2023, 12, 1))
    }

    func test_shortDayMonthYearIsAccepted() throws {
        XCTAssertEqual(try parser.parse("1/3/2023"), date(2023, 3, 1))
        XCTAssertEqual(try parser.parse("15/3/2023"), date(2023, 3, 15))
    }

    func test_leapDayIn2024IsAccepted() throws {
        XCTAssertEqual(try parser.parse("29/02/2024"), date(2024, 2, 29))
        XCTAssertEqual(try parser.parse("2000-02-29"), date(2000, 2, 29))
    }

    func test_leapDayIn2023IsRefusedWithTheMonthLength() {
        XCTAssertEqual(expectation("29/02/2023"), "a date that exists; 29/02/2023 is not a date: February 2023 has 28 days")
        XCTAssertTrue(expectation("1900-02-29").contains("February 1900 has 28 days"))
    }

    func test_dayPastTheEndOfTheMonthIsRefused() {
        XCTAssertEqual(expectation("31/02/2023"), "a date that exists; 31/02/2023 is not a date: February 2023 has 28 days")
        XCTAssertTrue(expectation("2023-04-31").contains("April 2023 has 30 days"))
    }

    func test_monthThirteenIsRefused() {
        XCTAssertTrue(expectation("01/13/2023").hasSuffix("month 13 does not exist"))
        XCTAssertTrue(expectation("2023-00-10").hasSuffix("month 0 does not exist"))
    }

    func test_dayZeroAndOldYearsAreRefused() {
        XCTAssertTrue(expectation("00/01/2023").hasSuffix("day 0 does not exist"))
        XCTAssertTrue(expectation("01/01/1899").hasSuffix("year 1899 is outside 1900–9999"))
    }

    func test_otherFormsAreRefusedWithTheAcceptedForms() {
        for text in ["31-03-2023", "31.03.2023", "2023-3-31", "March 31, 2023", "", "31/03/2023 00:00",
                     "123/03/2023", "2023-03-31-01", "31/03-2023"] {
            XCTAssertEqual(expectation(text), "a date written yyyy-MM-dd, dd/MM/yyyy or d/M/yyyy", text)
        }
    }

    func test_forcedFormatRefusesTheOthers() throws {
        let ddMM = DateParser(format: .dayMonthYear)
        XCTAssertEqual(try ddMM.parse("05/03/2023"), date(2023, 3, 5))
        XCTAssertTrue(expectation("5/3/2023", ddMM).contains("dd/MM/yyyy (the format the mapping profile sets)"))
        XCTAssertTrue(expectation("2023-03-05", ddMM).contains("dd/MM/yyyy"))
        let iso = DateParser(format: .iso)
        XCTAssertTrue(expectation("05/03/2023", iso).contains("yyyy-MM-dd"))
        let short = DateParser(format: .dayMonthYearShort)
        XCTAssertEqual(try short.parse("05/03/2023"), date(2023, 3, 5))
        XCTAssertEqual(try short.parse("5/3/2023"), date(2023, 3, 5))
    }
}
