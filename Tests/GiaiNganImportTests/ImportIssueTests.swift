import XCTest
@testable import GiaiNganImport

final class ImportIssueTests: XCTestCase {
    func test_descriptionNamesFileLineColumnValueAndExpectation() {
        let issue = ImportIssue(file: "disbursements.csv", line: 7, column: "amount_vnd", columnNumber: 5, value: "12.34.567",
                                expected: "a whole VND amount")
        XCTAssertEqual(issue.description, "disbursements.csv:7: column \"amount_vnd\" (5): value \"12.34.567\": expected a whole VND amount")
    }

    func test_structuralIssueReadsLikeACompilerMessage() {
        let issue = ImportIssue(file: "plan.csv", line: 3, character: 12, expected: "a closing quote")
        XCTAssertEqual(issue.description, "plan.csv:3:12: expected a closing quote")
        XCTAssertEqual(ImportIssue(file: "plan.csv", expected: "UTF-8 text").description, "plan.csv: expected UTF-8 text")
    }

    func test_hugeValueIsCutToSixtyCharacters() {
        let issue = ImportIssue(file: "f", line: 1, value: String(repeating: "ấ", count: 10_000_000), expected: "x")
        XCTAssertEqual(issue.value?.count, 61)
        XCTAssertTrue(issue.value?.hasSuffix("…") ?? false)
        XCTAssertLessThan(issue.description.utf8.count, 300)
    }

    func test_controlCharactersAreEscaped() {
        let issue = ImportIssue(file: "f", line: 1, value: "a\tb\r\nc\u{0}\"d\u{FEFF}", expected: "x")
        XCTAssertEqual(issue.description, "f:1: value \"a\\tb\\r\\nc\\u{0000}\\\"d\\u{FEFF}\": expected x")
    }
}
