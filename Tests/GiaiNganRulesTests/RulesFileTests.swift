import XCTest
import GiaiNganCore
@testable import GiaiNganRules

final class RulesFileTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/rules").standardized.path

    func test_bundledCaMauFileEqualsTheBuiltInRules() throws {
        let loaded = try RulesFile.load(path: Self.fixtures + "/camau-2023.toml")
        var builtIn = RuleSet.caMau2023
        XCTAssertTrue(builtIn.isBuiltIn)
        XCTAssertFalse(loaded.isBuiltIn, "a file's rules name their province in reports")
        builtIn.isBuiltIn = false
        XCTAssertEqual(loaded, builtIn)
    }

    func test_quangNinhExampleLoads() throws {
        let r = try RulesFile.load(path: Self.fixtures + "/quangninh-2022.toml")
        XCTAssertEqual(r.checkpoints.map(\.name), ["H1", "Q3", "Q4"])
        XCTAssertEqual(r.windowEnd, CivilDate(year: 2023, month: 1, day: 31))
        XCTAssertEqual(r.annualGoal, Threshold(percent: 100))
    }

    func test_renderedRulesParseBack() throws {
        var r = RuleSet.caMau2023
        r.isBuiltIn = false
        r.countedTranches = [.current, .carriedOver]
        r.checkpoints[1].wholePlan = Threshold(basisPoints: 4750)
        XCTAssertEqual(try RulesFile.parse(RulesFile.render(r)), r)
    }

    func assertProblem(_ toml: String, contains needle: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try RulesFile.parse(toml, file: "bad.toml"), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(needle), "\(text) does not mention \(needle)", file: file, line: line)
            XCTAssertTrue(text.contains("bad.toml"), file: file, line: line)
        }
    }

    let header = """
    name = "X"
    province = "Y"
    plan_year = 2023
    annual_goal_percent = 95

    """

    func test_missingKeyIsNamed() {
        assertProblem("name = \"X\"\nprovince = \"Y\"\nannual_goal_percent = 95\ncheckpoints = []", contains: "plan_year: required key is missing")
    }

    func test_misspeltKeyIsNamed() {
        assertProblem(header + "[[checkpoints]]\nname = \"Q1\"\ndate = 2023-03-31\nwhole_plan_percent = 25\ntransitional_percent = 35\nnew_start_percent = 20\nnew_star_percent = 1\n",
                      contains: "new_star_percent")
    }

    func test_percentOutOfRangeIsNamed() {
        assertProblem(header + "[[checkpoints]]\nname = \"Q1\"\ndate = 2023-03-31\nwhole_plan_percent = 125\ntransitional_percent = 35\nnew_start_percent = 20\n",
                      contains: "checkpoints[0].whole_plan_percent")
    }

    func test_badDateIsNamed() {
        assertProblem(header + "[[checkpoints]]\nname = \"Q1\"\ndate = \"31/03/2023\"\nwhole_plan_percent = 25\ntransitional_percent = 35\nnew_start_percent = 20\n",
                      contains: "checkpoints[0].date")
    }

    func test_checkpointOutsideTheWindowIsNamed() {
        assertProblem(header + "[[checkpoints]]\nname = \"Q1\"\ndate = 2024-03-31\nwhole_plan_percent = 25\ntransitional_percent = 35\nnew_start_percent = 20\n",
                      contains: "checkpoints[0] (Q1).date")
    }

    func test_unknownMilestoneIsNamed() {
        assertProblem(header + "[[checkpoints]]\nname = \"Q1\"\ndate = 2023-03-31\nwhole_plan_percent = 25\ntransitional_percent = 35\nnew_start_percent = 20\nmilestones = [\"opened\"]\n",
                      contains: "milestones")
    }

    func test_tomlSyntaxErrorGivesLine() {
        assertProblem(header + "[[checkpoints]\n", contains: "line 5")
    }

    // MARK: - Reporting keys (issue 13)

    static let reporting = """
        name = "Bộ Tài chính 2025"
        province = "Cả nước"
        plan_year = 2025
        annual_goal_percent = 95
        checkpoint_basis = "prime_minister_assigned"
        ranking_lines_percent = [50, 30]

        [fund_source_groups]
        "NSĐP" = ["nsđp-tsd", "XSKT"]
        "CTMTQG" = ["CTMTQG-NTM", "CTMTQG-GNBV"]

        [adjusted_denominator]
        basis = "prime_minister_assigned"
        excludes_added_after = 2025-09-30
        label = "không tính vốn bổ sung sau 30/9"

        [display]
        rate_decimals = 1
        rounding = "half_up"
        amount_unit = "billion"
        amount_decimals = 3

        [[checkpoints]]
        name = "Q3"
        date = 2025-09-30
        whole_plan_percent = 60
        transitional_percent = 60
        new_start_percent = 60
        """

    func test_reportingKeysLoadAndRenderBack() throws {
        let r = try RulesFile.parse(Self.reporting)
        XCTAssertEqual(r.checkpointBasis, .primeMinisterAssigned)
        XCTAssertEqual(r.rankingLines, [Threshold(percent: 50), Threshold(percent: 30)])
        XCTAssertEqual(r.fundSourceGroup("NSĐP-TSD"), "NSĐP", "members match in upper case")
        XCTAssertEqual(r.fundSourceGroup("XSKT"), "NSĐP")
        XCTAssertEqual(r.fundSourceGroup("ODA"), "ODA")
        XCTAssertEqual(r.adjustedDenominator?.excludesAddedAfter, CivilDate(year: 2025, month: 9, day: 30))
        XCTAssertEqual(r.display, DisplayConventions(rateDecimals: 1, rounding: .halfUp, amountUnit: .billion, amountDecimals: 3))
        XCTAssertEqual(try RulesFile.parse(RulesFile.render(r)), r)
    }

    /// Issue 15 item 3: the classification criteria are rules data, with defaults when absent.
    func test_classificationKeysLoadRenderBackAndBadOnesAreNamed() throws {
        XCTAssertEqual(try RulesFile.parse(Self.reporting).classification, ClassificationCriteria())
        let text = Self.reporting.replacingOccurrences(of: "[[checkpoints]]", with: """
            [classification]
            unable_when_best_pace_short = false
            slow_below_schedule_percent = 90
            slow_when_checkpoint_missed = false

            [[checkpoints]]
            """)
        let r = try RulesFile.parse(text)
        XCTAssertFalse(r.classification.unableWhenBestPaceShort)
        XCTAssertEqual(r.classification.slowBelowSchedule, Threshold(percent: 90))
        XCTAssertFalse(r.classification.slowWhenCheckpointMissed)
        XCTAssertEqual(try RulesFile.parse(RulesFile.render(r)), r)
        for (bad, message) in [("slow_below_schedule_percent = 90", "classification.slow_below_schedule_percent: 190"),
                               ("slow_when_checkpoint_missed = false", "classification.slow_when_checkpoint_missd: unknown key")] {
            let replaced = bad.hasPrefix("slow_below") ? "slow_below_schedule_percent = 190" : "slow_when_checkpoint_missd = false"
            do {
                _ = try RulesFile.parse(text.replacingOccurrences(of: bad, with: replaced))
                XCTFail("accepted \(replaced)")
            } catch {
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    func test_rankingLinesDefaultToTheCheckpointsThresholds() {
        XCTAssertEqual(RuleSet.caMau2023.rankingLines.map(\.basisPoints), [2500, 5000, 7500, 10_000])
    }

    func test_badReportingKeysAreNamed() {
        func problems(_ replace: String, with text: String) -> String {
            do {
                _ = try RulesFile.parse(Self.reporting.replacingOccurrences(of: replace, with: text))
                return "accepted"
            } catch { return "\(error)" }
        }
        XCTAssertTrue(problems("rate_decimals = 1", with: "rate_decimals = 4").contains("display.rate_decimals: 4 must be 0, 1 or 2"))
        XCTAssertTrue(problems(#"basis = "prime_minister_assigned""#, with: #"basis = "allocated""#)
            .contains("adjusted_denominator.basis: must be province_assigned or prime_minister_assigned"))
        XCTAssertTrue(problems(#""CTMTQG-NTM", "#, with: #""XSKT", "#).contains(#""XSKT" is in both"#))
        XCTAssertTrue(problems(#"checkpoint_basis = "prime_minister_assigned""#, with: #"checkpoint_basis = "tinh""#)
            .contains("checkpoint_basis"))
        XCTAssertTrue(problems("amount_decimals = 3", with: "amount_decimals = 3\namount = 1").contains("display.amount: unknown key"))
    }
}
