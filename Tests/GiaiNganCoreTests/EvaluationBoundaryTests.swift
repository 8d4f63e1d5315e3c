import XCTest
@testable import GiaiNganCore

final class EvaluationBoundaryTests: XCTestCase {
    func test_transitionalProjectExactlyAt35PercentMeetsQ1() throws {
        var w = World()
        w.project("001", plan: 1_000_000_000)
        w.pay("001", 350_000_000, on: "2023-03-01")
        let e = try w.evaluate(asOf: "2023-04-15")
        XCTAssertEqual(e.project("001").result.checkpoint("Q1").status, .met)
    }

    func test_transitionalProjectOneVNDUnder35PercentMissesQ1() throws {
        var w = World()
        w.project("001", plan: 1_000_000_000)
        w.pay("001", 349_999_999, on: "2023-03-01")
        let e = try w.evaluate(asOf: "2023-04-15")
        let q1 = e.project("001").result.checkpoint("Q1")
        XCTAssertEqual(q1.status, .missed)
        XCTAssertTrue(e.warnings.contains { $0.code == .checkpointMissed && $0.subject == .project(code: "001") && $0.shortfallVND == 1 })
    }

    func test_newStartUses20PercentAndProvinceUses25() throws {
        var w = World()
        w.project("NS", class: .newStart, plan: 1_000, procedures: "2023-02-01", started: "2023-03-15")
        w.pay("NS", 200, on: "2023-03-31")
        let e = try w.evaluate(asOf: "2023-03-31")
        XCTAssertEqual(e.project("NS").result.checkpoint("Q1").status, .met)
        XCTAssertEqual(e.province.checkpoint("Q1").status, .missed) // 20% < 25%
        XCTAssertEqual(e.groups.first?.result.checkpoint("Q1").status, .met)
    }

    func test_entryOnCheckpointDayCounts_dayAfterDoesNot() throws {
        var w = World()
        w.project("A", plan: 100)
        w.pay("A", 35, on: "2023-03-31")
        w.project("B", plan: 100)
        w.pay("B", 35, on: "2023-04-01")
        let e = try w.evaluate(asOf: "2023-06-01")
        XCTAssertEqual(e.project("A").result.checkpoint("Q1").status, .met)
        XCTAssertEqual(e.project("B").result.checkpoint("Q1").status, .missed)
        XCTAssertEqual(e.project("B").result.checkpoint("Q1").atCheckpoint?.disbursedVND, 0)
        XCTAssertEqual(e.project("B").result.position.disbursedVND, 35)
    }

    func test_planRaisedAfterCheckpointDoesNotChangeIt() throws {
        var w = World()
        w.project("A", plan: 100)
        w.pay("A", 35, on: "2023-03-20")
        w.adjust("A", by: 100, on: "2023-04-10")
        let e = try w.evaluate(asOf: "2023-05-01")
        let q1 = e.project("A").result.checkpoint("Q1")
        XCTAssertEqual(q1.status, .met)
        XCTAssertEqual(q1.atCheckpoint?.planVND, 100)
        XCTAssertEqual(e.project("A").result.position.planVND, 200)
    }

    func test_planCutBeforeCheckpointCounts() throws {
        var w = World()
        w.project("A", plan: 200)
        w.pay("A", 35, on: "2023-03-20")
        w.adjust("A", by: -100, on: "2023-03-30")
        let e = try w.evaluate(asOf: "2023-04-01")
        XCTAssertEqual(e.project("A").result.checkpoint("Q1").atCheckpoint?.planVND, 100)
        XCTAssertEqual(e.project("A").result.checkpoint("Q1").status, .met)
    }

    func test_januaryEntriesCountTowardTheirOwnPlanYear() throws {
        var w = World()
        w.project("A", plan: 100, year: 2023, on: "2023-01-05")
        w.adjust("A", by: 100, on: "2024-01-03", year: 2024)
        w.pay("A", 100, on: "2024-01-20", year: 2023)   // last year's plan, inside its window
        w.pay("A", 30, on: "2024-01-20", year: 2024)    // the new year's plan
        let e23 = try w.evaluate(asOf: "2024-01-31", year: 2023)
        XCTAssertEqual(e23.project("A").result.position.disbursedVND, 100)
        XCTAssertEqual(e23.project("A").result.checkpoint("Q4").status, .met)
        XCTAssertEqual(e23.annualGoal.status, .met)
        let e24 = try w.evaluate(asOf: "2024-01-31", year: 2024, rules: .footnote4(planYear: 2024))
        XCTAssertEqual(e24.project("A").result.position.disbursedVND, 30)
        XCTAssertEqual(e24.project("A").result.position.planVND, 100)
    }

    func test_advanceRecoveryLeavesDisbursedUnchanged_refundLowersIt() throws {
        var w = World()
        w.project("A", plan: 1_000)
        w.pay("A", 400, on: "2023-02-01", type: .advance)
        w.pay("A", 300, on: "2023-03-01", type: .advanceRecovery)
        w.pay("A", 50, on: "2023-03-02", type: .refund)
        w.pay("A", 10, on: "2023-03-03", type: .payment)
        let p = try w.evaluate(asOf: "2023-03-10").project("A").result.position
        XCTAssertEqual(p.disbursedVND, 400 - 50 + 10)
        XCTAssertEqual(p.outstandingAdvanceVND, 100)
    }

    func test_carriedOverTrancheIsExcludedByDefaultAndReportedApart() throws {
        var w = World()
        w.project("A", plan: 100)
        w.adjust("A", by: 500, on: "2023-01-05", tranche: .carriedOver)
        w.pay("A", 200, on: "2023-02-01", tranche: .carriedOver)
        w.pay("A", 10, on: "2023-02-01")
        let e = try w.evaluate(asOf: "2023-03-31")
        let r = e.project("A").result
        XCTAssertEqual(r.position, Position(planVND: 100, disbursedVND: 10))
        XCTAssertEqual(r.uncounted, Position(planVND: 500, disbursedVND: 200))
        var counting = RuleSet.caMau2023
        counting.countedTranches = [.current, .carriedOver]
        let all = try w.evaluate(asOf: "2023-03-31", rules: counting).project("A").result
        XCTAssertEqual(all.position, Position(planVND: 600, disbursedVND: 210))
    }

    func test_nfcAndNfdInvestorNamesAreOneInvestor() throws {
        var w = World()
        let nfc = "Ban QLDA huyện Năm Căn".precomposedStringWithCanonicalMapping
        let nfd = "Ban QLDA huyện  Năm Căn ".decomposedStringWithCanonicalMapping
        XCTAssertNotEqual(Array(nfc.unicodeScalars), Array(nfd.unicodeScalars))
        w.project("A", investor: nfc, plan: 100)
        w.project("B", investor: nfd, plan: 300)
        let e = try w.evaluate(asOf: "2023-02-01")
        XCTAssertEqual(e.investors.count, 1)
        XCTAssertEqual(e.investors[0].projectCount, 2)
        XCTAssertEqual(e.investors[0].result.position.planVND, 400)
    }

    func test_zeroPlanGivesNoRateAndNoDivision() throws {
        var w = World()
        w.project("A", plan: 0)
        w.pay("A", 10, on: "2023-02-01")
        let e = try w.evaluate(asOf: "2023-04-01")
        let r = e.project("A").result
        XCTAssertNil(r.rate)
        XCTAssertEqual(r.checkpoint("Q1").status, .noPlan) // a zero plan requires nothing: neither met nor missed
        XCTAssertTrue(e.warnings.contains { $0.code == .disbursedWithoutPlan })
        XCTAssertNil(e.province.rate)
    }

    func test_entryForPlanYearWithoutPlanIsCountedAndFlagged() throws {
        var w = World()
        w.projects.append(Project(code: "X", name: "X", investor: InvestorID("UBND xã Tân Ân")))
        w.pay("X", 10, on: "2023-02-01")
        let e = try w.evaluate(asOf: "2023-02-10")
        XCTAssertEqual(e.project("X").projectClass, nil)
        XCTAssertTrue(e.warnings.contains { $0.code == .disbursedWithoutPlan && $0.subject == .project(code: "X") })
    }

    func test_investorTotalUsesWholePlanThreshold() throws {
        var w = World()
        w.project("A", investor: "I", plan: 100)
        w.project("B", investor: "I", class: .newStart, plan: 100, procedures: "2023-01-10", started: "2023-02-01")
        w.pay("A", 30, on: "2023-03-01")
        w.pay("B", 20, on: "2023-03-01")
        let e = try w.evaluate(asOf: "2023-04-01")
        XCTAssertEqual(e.investor("I")?.result.checkpoint("Q1").status, .met)     // 50/200 = 25%
        XCTAssertEqual(e.investor("I")?.projectsBelow, 1)                           // A: 30% < 35%
        XCTAssertEqual(e.project("B").result.checkpoint("Q1").status, .met)         // 20% ≥ 20%
    }

    func test_lateMilestoneOfNewStartIsMissed() throws {
        var w = World()
        w.project("NS", class: .newStart, plan: 100, procedures: "2023-03-31", started: "2023-04-01")
        w.pay("NS", 50, on: "2023-03-01")
        let e = try w.evaluate(asOf: "2023-04-05")
        let q1 = e.project("NS").result.checkpoint("Q1")
        XCTAssertEqual(q1.milestones.count, 2)
        XCTAssertTrue(q1.milestones.first { $0.milestone == .proceduresCompleted }!.isOnTime)
        XCTAssertFalse(q1.milestones.first { $0.milestone == .constructionStarted }!.isOnTime)
        XCTAssertTrue(e.warnings.contains { $0.code == .milestoneMissed && $0.milestone?.milestone == .constructionStarted })
        XCTAssertFalse(e.warnings.contains { $0.code == .milestoneMissed && $0.milestone?.milestone == .proceduresCompleted })
    }

    func test_milestoneDatedAfterAsOfIsNotYetReached() throws {
        var w = World()
        w.project("NS", class: .newStart, plan: 100, procedures: "2023-02-01", started: "2023-03-20")
        let e = try w.evaluate(asOf: "2023-03-01")
        let started = e.project("NS").result.checkpoint("Q1").milestones.first { $0.milestone == .constructionStarted }!
        XCTAssertNil(started.reachedOn)
        XCTAssertTrue(e.warnings.contains { $0.code == .milestoneDue })
    }

    func test_checkpointFiguresEvaluatedLaterEqualThoseOnItsDate() throws {
        var w = World()
        w.project("A", plan: 1_000)
        w.pay("A", 300, on: "2023-03-31")
        w.pay("A", 300, on: "2023-04-01")
        w.adjust("A", by: 500, on: "2023-04-02")
        let onDate = try w.evaluate(asOf: "2023-03-31").project("A").result
        let later = try w.evaluate(asOf: "2023-12-01").project("A").result.checkpoint("Q1")
        XCTAssertEqual(onDate.position, later.atCheckpoint)
        XCTAssertEqual(onDate.checkpoint("Q1").status, later.status)
    }

    func test_onlyTheLatestPassedCheckpointRaisesMissWarnings() throws {
        var w = World()
        w.project("A", plan: 1_000)
        let e = try w.evaluate(asOf: "2023-07-15")
        let misses = e.warnings.filter { $0.code == .checkpointMissed && $0.subject == .project(code: "A") }
        XCTAssertEqual(misses.map(\.checkpointName), ["Q2"])
    }

    func test_annualGoalJudgedAtWindowEnd() throws {
        var w = World()
        w.project("A", plan: 100)
        w.pay("A", 94, on: "2024-01-31")
        let e = try w.evaluate(asOf: "2024-02-15")
        XCTAssertEqual(e.annualGoal.status, .missed)
        XCTAssertTrue(e.warnings.contains { $0.code == .annualGoalMissed && $0.shortfallVND == 1 })
        w.pay("A", 1, on: "2024-01-31")
        XCTAssertEqual(try w.evaluate(asOf: "2024-02-15").annualGoal.status, .met)
    }

    func test_investorsRankedByRateByDefault_byShortfallOnRequest_andComparedToAverage() throws {
        var w = World()
        w.project("A", investor: "Fast", plan: 100)
        w.pay("A", 50, on: "2023-03-01")
        w.project("B", investor: "Slow", plan: 1_000)
        w.pay("B", 10, on: "2023-03-01")
        w.project("C", investor: "Zero", plan: 100)
        let e = try w.evaluate(asOf: "2023-03-10")
        // As DPI reports rank them: highest rate first (issue 13, item 7).
        XCTAssertEqual(e.investors.map(\.investor.name), ["Fast", "Slow", "Zero"])
        XCTAssertEqual(e.ranking.above, 1)
        XCTAssertEqual(e.ranking.below, 2)
        XCTAssertEqual(e.ranking.atZero, [InvestorID("Zero")])
        XCTAssertEqual(e.investor("Slow")?.standing, .below)
        var byShortfall = EvaluationRequest(planYear: 2023, asOf: CivilDate(year: 2023, month: 3, day: 10)!, rules: .caMau2023)
        byShortfall.rankBy = .shortfall
        let s = try Evaluator.evaluate(request: byShortfall, snapshots: try w.snapshots(byShortfall))
        XCTAssertEqual(s.investors.map(\.investor.name), ["Slow", "Zero", "Fast"])
        XCTAssertEqual(e.investor("Fast")?.aboveProvinceAverage, true)
        XCTAssertEqual(e.investor("Slow")?.aboveProvinceAverage, false)
        XCTAssertTrue(e.warnings.contains { $0.code == .zeroDisbursement && $0.subject == .investor(InvestorID("Zero")) })
    }

    func test_rulesValidationNamesTheKey() {
        var r = RuleSet.caMau2023
        r.checkpoints.append(Checkpoint(name: "Q1", date: d("2025-01-01"), wholePlan: .init(percent: 1),
                                        transitional: .init(percent: 1), newStart: .init(percent: 1)))
        let problems = r.problems()
        XCTAssertTrue(problems.contains { $0.contains("checkpoints[4] (Q1).name") })
        XCTAssertTrue(problems.contains { $0.contains("checkpoints[4] (Q1).date") })
        XCTAssertEqual(RuleSet.caMau2023.problems(), [])
    }
}
