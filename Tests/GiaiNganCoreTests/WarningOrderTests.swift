import XCTest
@testable import GiaiNganCore

final class WarningOrderTests: XCTestCase {
    static let subjects: [Subject] = [
        .province, .group(.transitional), .group(.newStart),
        .investor(InvestorID("UBND huyện Năm Căn")), .investor(InvestorID("Ban QLDA tỉnh")), .investor(InvestorID("ban qlda")),
        .investor(InvestorID("Đội")), .investor(InvestorID("Z")), .project(code: "0010007"), .project(code: "007"),
        .project(code: "DA-1"), .project(code: "DA1"), .project(code: "Đ1"), .project(code: ""),
    ]

    /// Subjects order as their descriptions do within a kind, without making the descriptions.
    func test_subjectOrderIsKindThenDescription() {
        for a in Self.subjects {
            for b in Self.subjects {
                let expected = a.rank != b.rank ? a.rank < b.rank : a.description < b.description
                XCTAssertEqual(a < b, expected, "\(a) < \(b)")
            }
        }
    }

    func test_warningsSortBySeveritySubjectAndCodeAndKeepTies() {
        var warnings: [Warning] = []
        for (i, subject) in Self.subjects.enumerated() {
            for code in [WarningCode.overPlan, .atRisk, .checkpointMissed] {
                warnings.append(Warning(code: code, severity: i % 3 == 0 ? .warning : .critical, subject: subject,
                                        investor: nil, checkpointName: "Q\(warnings.count)", position: .zero,
                                        threshold: nil, shortfallVND: Int64(warnings.count), risk: nil, milestone: nil))
            }
        }
        warnings += warnings.reversed().map { var w = $0; w.checkpointName = "dup"; return w }
        let expected = warnings.sorted { ($0.severity, $0.subject, $0.code.rawValue) < ($1.severity, $1.subject, $1.code.rawValue) }
        XCTAssertEqual(WarningRules.sortedForReports(warnings), expected)
    }
}
