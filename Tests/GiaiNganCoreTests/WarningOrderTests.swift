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

    /// Projects are evaluated by investor (in order of name) and code: the counting pass the
    /// evaluator takes for projects listed by code gives the order a full sort gives, and any
    /// other listing is sorted.
    func test_projectsAreOrderedByInvestorThenCode_listedByCodeOrNot() throws {
        var world = World()
        let investors = ["Ban QLDA tỉnh", "UBND huyện Năm Căn", "ban qlda", "Đội", "Z", "e\u{323}\u{302}", "\u{1EC7}"]
        for k in 0..<700 {
            let code = k % 3 == 0 ? "DA-\(700 - k)" : "\(k * 7919 % 10_007)"
            world.project(code, investor: investors[k * 31 % investors.count], plan: 1_000_000_000)
        }
        let request = EvaluationRequest(planYear: 2023, asOf: d("2023-06-30"), rules: .caMau2023)
        let listed = try world.snapshots(request)
        func sorted(_ s: [ProjectSnapshot]) -> [Int] {
            s.indices.sorted { i, j in
                let a = (s[i].project.investor, s[i].project.code), b = (s[j].project.investor, s[j].project.code)
                if a.0 != b.0 { return a.0 < b.0 }
                if a.1 != b.1 { return a.1 < b.1 }
                return i < j
            }
        }
        let byCode = listed.sorted { $0.project.code < $1.project.code }
        XCTAssertEqual(Evaluator.orderByInvestorAndCode(byCode), sorted(byCode))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let shuffled = listed.shuffled(using: &generator)
            XCTAssertEqual(Evaluator.orderByInvestorAndCode(shuffled), sorted(shuffled))
        }
        XCTAssertEqual(Evaluator.orderByInvestorAndCode([]), [])
        XCTAssertEqual(Evaluator.orderByInvestorAndCode(Array(byCode.prefix(1))), [0])
    }

    func test_denseRanksGiveEqualTextsOneRankWithoutGaps() {
        XCTAssertEqual(WarningRules.denseRanks([]), [])
        XCTAssertEqual(WarningRules.denseRanks(["b", "a", "c", "a"]), [1, 0, 2, 0])
        XCTAssertEqual(WarningRules.denseRanks(["a", "a", "b", "c"]), [0, 0, 1, 2], "a list in order, ranked in one pass")
        // NFC and NFD spellings are one text to Swift's `==` and `<`, as to Subject's order.
        XCTAssertEqual(WarningRules.denseRanks(["\u{1EC7}", "e\u{323}\u{302}", "a"]), [1, 1, 0])
        // The codes of the order test above, ranked as `<` orders them.
        let codes = Self.subjects.compactMap { subject -> String? in if case .project(let c) = subject { c } else { nil } }
        let distinct = Array(Set(codes)).sorted()
        XCTAssertEqual(WarningRules.denseRanks(codes), codes.map { distinct.firstIndex(of: $0) ?? -1 })
    }

    /// An evaluation's warnings, whose subjects are ranked from what they are (province, class,
    /// investor by name, project by code) and whose projects' part is derived on the cores, are in
    /// the order `sortedForReports` gives: sorting them again changes nothing, with projects
    /// listed in any order and investors whose names sort differently from their ranking.
    func test_anEvaluationsWarningsAreInReportOrder() throws {
        var world = World()
        let investors = ["Ban QLDA tỉnh", "UBND huyện Năm Căn", "ban qlda", "Đội", "Z"]
        for k in 0..<1_500 {
            let code = k % 3 == 0 ? "DA-\(1_500 - k)" : "\(k * 7919 % 10_007)"
            let c: ProjectClass = k % 4 == 0 ? .newStart : .transitional
            world.project(code, investor: investors[k % investors.count], class: c, plan: 1_000_000_000,
                          procedures: k % 8 == 0 ? "2023-02-01" : nil)
            if k % 5 != 0 { world.pay(code, Int64(k % 11 + 1) * 80_000_000, on: "2023-03-15") }
            if k % 7 == 0 { world.pay(code, 1_500_000_000, on: "2023-05-02") }
        }
        for asOf in ["2023-03-31", "2023-05-20", "2023-07-01", "2024-02-01"] {
            let e = try world.evaluate(asOf: asOf)
            XCTAssertGreaterThan(e.warnings.count, 1_000, asOf)
            XCTAssertEqual(e.warnings, WarningRules.sortedForReports(e.warnings), asOf)
            // The ranks the evaluator passes and the ones found by sorting give the same list.
            XCTAssertEqual(try WarningRules.warnings(for: e), e.warnings, asOf)
            XCTAssertEqual(Set(e.warnings.map(\.code)).isSuperset(of: [.checkpointMissed]), true, asOf)
        }
    }
}

