import XCTest
import GiaiNganCore
@testable import GiaiNganImport

final class AmountParserTests: XCTestCase {
    let vnd = AmountParser()
    let million = AmountParser(unit: .million)

    private func reason(_ text: String, _ parser: AmountParser = AmountParser(), file: StaticString = #filePath, line: UInt = #line) -> String {
        thrownValueError({ _ = try parser.parse(text) }, file: file, line: line)?.expectation ?? ""
    }

    // MARK: - Accepted

    func test_plainDigitsAreAccepted() throws {
        XCTAssertEqual(try vnd.parse("1234567000"), 1_234_567_000)
        XCTAssertEqual(try vnd.parse("0"), 0)
    }

    func test_dotThousandsAreAccepted() throws {
        XCTAssertEqual(try vnd.parse("1.234.567.000"), 1_234_567_000)
        XCTAssertEqual(try vnd.parse("12.000"), 12_000)
    }

    func test_commaThousandsAreAccepted() throws {
        XCTAssertEqual(try vnd.parse("1,234,567,000"), 1_234_567_000)
    }

    func test_leadingMinusIsAccepted() throws {
        XCTAssertEqual(try vnd.parse("-1.234.567.000"), -1_234_567_000)
        XCTAssertEqual(try vnd.parse("-500"), -500)
    }

    func test_surroundingSpacesAreTrimmed() throws {
        XCTAssertEqual(try vnd.parse("  1.000.000 \t"), 1_000_000)
        XCTAssertEqual(try vnd.parse("\u{00A0}2.000\u{00A0}"), 2_000)
    }

    func test_largestAmountIsAccepted() throws {
        XCTAssertEqual(try vnd.parse("9.223.372.036.854.775.807"), Int64.max)
        XCTAssertEqual(try vnd.parse("-9223372036854775808"), Int64.min)
    }

    /// Excel's "#,##0.00" writes whole đồng with a zero fraction; one or two digits after the last
    /// separator are never a group of thousands, so the reading is exact (issue 12 leftover).
    func test_aZeroFractionThatASpreadsheetFormatWritesIsTheWholeAmount() throws {
        let vnd = AmountParser(unit: .vnd)
        XCTAssertEqual(try vnd.parse("556,300,000.00"), 556_300_000)
        XCTAssertEqual(try vnd.parse("556.300.000,00"), 556_300_000)
        XCTAssertEqual(try vnd.parse("1,000.0"), 1_000)
        XCTAssertEqual(try vnd.parse("1000.00"), 1_000)
        XCTAssertEqual(try vnd.parse("-2.500,00"), -2_500)
        XCTAssertEqual(try vnd.parse("7,00"), 7)
        // A fraction that is not zero, or a grouping of the same mark, stays refused.
        XCTAssertTrue(reason("556,300,000.50").contains("mixes"), reason("556,300,000.50"))
        XCTAssertTrue(reason("1.000.00").contains("exactly 3 digits"), reason("1.000.00"))
        XCTAssertTrue(reason("1.000,05").contains("mixes"))
        // One fraction only (found by the fuzzer: `-70.00,0` was read as -70).
        XCTAssertThrowsError(try vnd.parse("-70.00,0"))
        XCTAssertThrowsError(try vnd.parse("1.00,00"))
        // Three zeros are a group of thousands, as before: 100.000 is a hundred thousand.
        XCTAssertEqual(try vnd.parse("100.000"), 100_000)
    }

    /// Found by `scripts/fuzz amount`: the currency named at both ends was peeled off word by
    /// word (`vnd00 đ` read as 0); one decoration of each kind is read, more is refused.
    func test_theCurrencyNamedTwiceIsRefused() {
        XCTAssertTrue(reason("vnd00 đ").contains("names the currency twice"), reason("vnd00 đ"))
        XCTAssertTrue(reason("VND 1.000 đ").contains("the currency is written once"), reason("VND 1.000 đ"))
        XCTAssertEqual(try AmountParser(unit: .vnd).parse("(\u{A0}0)"), 0, "a no-break space inside parentheses is space")
        XCTAssertEqual(try AmountParser(unit: .vnd).parse("1.000.000\u{A0}₫"), 1_000_000, "Excel's currency format: a no-break space before ₫")
        XCTAssertEqual(try AmountParser(unit: .vnd).parse("00\u{A0}đ"), 0)
        XCTAssertEqual(try AmountParser(unit: .vnd).parse("1.000 đ"), 1_000)
        XCTAssertEqual(try AmountParser(unit: .vnd).parse("VND 1.000"), 1_000)
        XCTAssertEqual(try AmountParser(unit: .vnd).parse("(1.000 đ)"), -1_000)
    }

    // MARK: - Refused

    func test_amountWithMixedSeparatorsIsRefused() {
        XCTAssertTrue(reason("1.234,567.0").contains("mixes \".\" and \",\""))
        XCTAssertTrue(reason("1,234.567").contains("mixes"))
    }

    func test_amountWithMisplacedGroupsIsRefused() {
        XCTAssertTrue(reason("12.34.567").contains("every group has exactly 3 digits; group 2 has 2"), reason("12.34.567"))
        XCTAssertTrue(reason("1.234.56").contains("the last group has 2"))
        XCTAssertTrue(reason("1234.567").contains("the first group has 4 digits"))
    }

    func test_decimalInVNDUnitIsRefusedWithAHintAboutMillions() {
        let text = reason("1.5")
        XCTAssertTrue(text.contains("look like decimals"), text)
        XCTAssertTrue(text.contains("unit million"))
        XCTAssertTrue(reason("1,50").contains("look like decimals"))
    }

    func test_lettersAreRefused() {
        XCTAssertTrue(reason("12a000").contains("\"a\" is not a digit"))
        XCTAssertTrue(reason("1.000 đx").contains("\"x\" is not a digit") || reason("1.000 đx").contains("space"))
        XCTAssertTrue(reason("+1000").contains("\"+\" is not a digit"))
    }

    func test_emptyAndSignOnlyAreRefused() {
        XCTAssertTrue(reason("").contains("empty"))
        XCTAssertTrue(reason("-").contains("no digits"))
        XCTAssertTrue(reason("1-000").contains("\"-\" may only lead"))
    }

    func test_separatorsAtTheEdgesOrDoubledAreRefused() {
        XCTAssertTrue(reason(".123").contains("starts with"))
        XCTAssertTrue(reason("123.").contains("ends with"))
        XCTAssertTrue(reason("1..234").contains("two separators"))
    }

    func test_amountBeyondInt64IsRefused() {
        XCTAssertTrue(reason("9.223.372.036.854.775.808").contains("exceeds the largest amount"))
        XCTAssertTrue(reason("99999999999999999999999").contains("exceeds the largest amount"))
        XCTAssertTrue(reason("-9223372036854775809").contains("exceeds the largest amount"))
    }

    func test_refusalSaysWhatIsExpected() {
        let error = thrownValueError { _ = try AmountParser().parse("12.34.567") }
        XCTAssertTrue(error?.description.hasPrefix("expected a whole VND amount such as 1234567000, 1.234.567.000 or 1,234,567,000; ") ?? false)
    }

    // MARK: - Million VND

    func test_millionUnitReadsDecimalComma() throws {
        XCTAssertEqual(try million.parse("1.395,6"), 1_395_600_000)
        XCTAssertEqual(try million.parse("1395,6"), 1_395_600_000)
        XCTAssertEqual(try million.parse("0,000001"), 1)
        XCTAssertEqual(try million.parse("-12,5"), -12_500_000)
        XCTAssertEqual(try million.parse("2.000"), 2_000_000_000)
        XCTAssertEqual(try million.parse("7"), 7_000_000)
    }

    func test_millionUnitWithMoreThanSixDecimalsIsRefused() {
        XCTAssertTrue(reason("1,1234567", million).contains("7 decimals"))
    }

    func test_millionUnitWithEnglishSeparatorsIsRefused() {
        XCTAssertTrue(reason("1,395.6", million).contains("follows the decimal comma"))
        XCTAssertTrue(reason("1395.6", million).contains("the first group has 4 digits"))
        XCTAssertTrue(reason("139.6", million).contains("the last group has 1"))
        XCTAssertTrue(reason("1,2,3", million).contains("two decimal commas"))
        XCTAssertTrue(reason("1,", million).contains("no digits after"))
    }

    func test_millionUnitOverflowIsRefused() {
        XCTAssertTrue(reason("9.223.372.036.855", million).contains("exceeds the largest amount"))
        XCTAssertEqual(try million.parse("9.223.372.036.854,775807"), Int64.max)
    }
}
