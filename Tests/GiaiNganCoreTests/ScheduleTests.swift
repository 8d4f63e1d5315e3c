import XCTest
@testable import GiaiNganCore

final class ScheduleTests: XCTestCase {
    func month(_ text: String) -> ScheduleMonth { ScheduleMonth(text: text)! }
    func line(_ code: String, _ m: String, _ vnd: VND, on date: String) -> ScheduleLine {
        ScheduleLine(projectCode: code, planYear: 2023, month: month(m), plannedVND: vnd, submittedOn: d(date))
    }

    // MARK: - Months

    func test_monthTextIsYearDashTwoDigitMonthOnly() {
        XCTAssertEqual(ScheduleMonth(text: "2023-09")?.description, "2023-09")
        XCTAssertNil(ScheduleMonth(text: "2023-9"))
        XCTAssertNil(ScheduleMonth(text: "2023-13"))
        XCTAssertNil(ScheduleMonth(text: "2023-W14"))
        XCTAssertNil(ScheduleMonth(text: "09/2023"))
        XCTAssertEqual(month("2024-02").lastDay, d("2024-02-29"))
    }

    func test_scheduleMonthsRunFromJanuaryToJanuaryOfTheNextYear() {
        let months = ScheduleLine.months(planYear: 2023)!
        XCTAssertTrue(months.contains(month("2023-01")))
        XCTAssertTrue(months.contains(month("2024-01")))
        XCTAssertFalse(months.contains(month("2024-02")))
        XCTAssertFalse(months.contains(month("2022-12")))
    }

    // MARK: - Submissions in force

    func test_newerSubmissionReplacesTheOlderFromItsDateAndTheOlderStaysInForceBefore() {
        let lines = [line("A", "2023-09", 100, on: "2023-01-15"), line("A", "2023-09", 300, on: "2023-07-15"),
                     line("A", "2023-10", 50, on: "2023-01-15")]
        let before = Schedule(lines: lines, planYear: 2023, inForceOn: d("2023-07-14"))
        let after = Schedule(lines: lines, planYear: 2023, inForceOn: d("2023-07-15"))
        XCTAssertEqual(before.target("A", month("2023-09")), 100)
        XCTAssertEqual(after.target("A", month("2023-09")), 300)
        // A month the revision did not name keeps the earlier figure.
        XCTAssertEqual(after.target("A", month("2023-10")), 50)
        XCTAssertFalse(Schedule(lines: lines, planYear: 2023, inForceOn: d("2023-01-14")).has("A"))
    }

    func test_cumulativeCountsMonthsThroughTheMonthAndDueCountsMonthsEnded() throws {
        let lines = [line("A", "2023-08", 100, on: "2023-01-15"), line("A", "2023-09", 200, on: "2023-01-15"),
                     line("A", "2023-10", 400, on: "2023-01-15")]
        let s = Schedule(lines: lines, planYear: 2023, inForceOn: d("2023-09-15"))
        XCTAssertEqual(try s.cumulative("A", through: month("2023-09")), 300)
        XCTAssertEqual(try s.due("A", by: d("2023-09-29")), 100)
        XCTAssertEqual(try s.due("A", by: d("2023-09-30")), 300)
    }

    // MARK: - Performance

    func world() -> World {
        var w = World()
        w.project("A", investor: "Ban QLDA tỉnh", plan: 1_000)
        w.project("B", investor: "Ban QLDA tỉnh", plan: 1_000)
        w.project("C", investor: "UBND huyện Năm Căn", plan: 1_000)
        w.project("D", investor: "UBND huyện Năm Căn", plan: 1_000)
        w.pay("A", 100, on: "2023-08-20")
        w.pay("A", 150, on: "2023-09-10")   // September: 150 ≥ 150 target: met, exactly
        w.pay("B", 99, on: "2023-09-12")    // September: 99 < 100: missed
        w.pay("C", 500, on: "2023-09-29")   // after the as-of date below: not counted
        return w
    }

    func schedule() -> [ScheduleLine] {
        [line("A", "2023-08", 100, on: "2023-01-15"), line("A", "2023-09", 150, on: "2023-01-15"),
         line("B", "2023-09", 100, on: "2023-01-15"), line("C", "2023-09", 0, on: "2023-01-15")]
    }

    func test_monthTargetActualAndCountsPerProjectAndInvestor() throws {
        let e = try world().evaluate(asOf: "2023-09-28")
        let p = try SchedulePerformance.make(schedule: Schedule(lines: schedule(), planYear: 2023, inForceOn: e.asOf),
                                             projects: e.projects, asOf: e.asOf,
                                             disbursedBeforeMonth: ["A": 100])
        XCTAssertEqual(p.month, month("2023-09"))
        let a = try XCTUnwrap(p.projects.first { $0.projectCode == "A" }?.figures)
        XCTAssertEqual(a.targetVND, 150)
        XCTAssertEqual(a.actualVND, 150)
        XCTAssertTrue(a.isMet)
        XCTAssertEqual(a.cumulativeScheduleVND, 250)
        XCTAssertEqual(a.cumulativeActualVND, 250)
        XCTAssertFalse(try XCTUnwrap(p.projects.first { $0.projectCode == "B" }?.figures).isMet)
        // A month scheduled at zero is met by nothing disbursed.
        XCTAssertTrue(try XCTUnwrap(p.projects.first { $0.projectCode == "C" }?.figures).isMet)
        XCTAssertEqual(p.unscheduled, ["D"])
        XCTAssertEqual(p.projectsMet, 2)
        XCTAssertEqual(p.projectsScheduled, 3)
        // Ban QLDA tỉnh: 249 of 250 in September: missed; Năm Căn: C met, D has no schedule.
        XCTAssertEqual(p.investorsMet, 1)
        XCTAssertEqual(p.investorsScheduled, 2)
        let namCan = try XCTUnwrap(p.investors.first { $0.investor == InvestorID("UBND huyện Năm Căn") })
        XCTAssertEqual(namCan.unscheduled, ["D"])
        XCTAssertEqual(p.only(InvestorID("UBND huyện Năm Căn")).projects.map(\.projectCode), ["C", "D"])
    }

    // MARK: - Classification

    func classify(_ w: World, asOf: String, lines: [ScheduleLine], criteria: ClassificationCriteria = .init()) throws -> [String: ProjectClassification] {
        let e = try w.evaluate(asOf: asOf)
        let classes = try ProjectClassification.classify(projects: e.projects, schedule: Schedule(lines: lines, planYear: 2023, inForceOn: e.asOf),
                                                         asOf: e.asOf, windowEnd: e.rules.windowEnd, criteria: criteria)
        return Dictionary(uniqueKeysWithValues: classes.map { ($0.projectCode, $0) })
    }

    func test_unableWhenTheBestPaceCannotReachThePlanByTheWindowEnd() throws {
        var w = World()
        // 28 days × 4 = 112 days from 11/10 to 31/01 (inclusive of the end): best window 100.
        w.project("U", plan: 10_000)
        w.pay("U", 100, on: "2023-10-01")
        w.project("R", plan: 500)
        w.pay("R", 100, on: "2023-10-01")
        let c = try classify(w, asOf: "2023-10-11", lines: [])
        XCTAssertEqual(c["U"]?.disbursementClass, .unable)
        guard case let .cannotReachPlan(plan, disbursed, best, days, reachable)? = c["U"]?.reasons.first else {
            return XCTFail("the deciding reason comes first")
        }
        XCTAssertEqual(plan, 10_000)
        XCTAssertEqual(disbursed, 100)
        XCTAssertEqual(best, 100)
        XCTAssertEqual(days, 112)
        XCTAssertEqual(reachable, 100 + 100 * 112 / 28)
        // R reaches 100 + 400 = 500 = its plan exactly: not unable.
        XCTAssertNotEqual(c["R"]?.disbursementClass, .unable)
    }

    func test_slowWhenBehindItsScheduleDueAndGoodAtExactlyTheSchedule() throws {
        var w = World()
        w.project("S", plan: 1_000)
        w.pay("S", 299, on: "2023-06-01")
        w.project("G", plan: 1_000)
        w.pay("G", 300, on: "2023-06-01")
        let lines = [line("S", "2023-06", 300, on: "2023-01-15"), line("G", "2023-06", 300, on: "2023-01-15"),
                     line("S", "2023-09", 5_000, on: "2023-01-15"), line("G", "2023-09", 5_000, on: "2023-01-15")]
        // Checkpoints aside (both missed Q2), so that the schedule alone decides.
        var criteria = ClassificationCriteria()
        criteria.slowWhenCheckpointMissed = false
        // On 29/09 September has not ended: only June (300) is due.
        let c = try classify(w, asOf: "2023-09-29", lines: lines, criteria: criteria)
        XCTAssertEqual(c["S"]?.disbursementClass, .slow)
        XCTAssertEqual(c["S"]?.reasons.first, .behindSchedule(disbursedVND: 299, dueVND: 300))
        XCTAssertEqual(c["G"]?.disbursementClass, .good)
        XCTAssertTrue(c["G"]?.reasons.contains(.onSchedule(disbursedVND: 300, dueVND: 300)) ?? false)
        // From 30/09 September is due too: both are behind.
        XCTAssertEqual(try classify(w, asOf: "2023-09-30", lines: lines, criteria: criteria)["G"]?.disbursementClass, .slow)
    }

    func test_aProjectWithoutAPlanIsGoodWithThatReason() throws {
        var w = World()
        w.project("Z", plan: 0)
        let c = try classify(w, asOf: "2023-05-01", lines: [])
        XCTAssertEqual(c["Z"]?.disbursementClass, .good)
        XCTAssertEqual(c["Z"]?.reasons, [.noPlan])
    }

    func test_slowWhenTheLastCheckpointWasMissedUnlessTheRulesSayOtherwise() throws {
        var w = World()
        w.project("M", plan: 1_000)
        w.pay("M", 100, on: "2023-03-01")   // Q1 (31/03) 10% < 15%: missed
        w.pay("M", 400, on: "2023-04-10")
        let e = try w.evaluate(asOf: "2023-04-20")
        let sched = Schedule(lines: [], planYear: 2023, inForceOn: e.asOf)
        let slow = try ProjectClassification.classify(projects: e.projects, schedule: sched, asOf: e.asOf,
                                                      windowEnd: e.rules.windowEnd, criteria: .init())
        XCTAssertEqual(slow.first?.disbursementClass, .slow)
        XCTAssertTrue(slow.first?.reasons.contains { if case .missedCheckpoint(name: "Q1", _, _, _) = $0 { true } else { false } } ?? false)
        var lenient = ClassificationCriteria()
        lenient.slowWhenCheckpointMissed = false
        let good = try ProjectClassification.classify(projects: e.projects, schedule: sched, asOf: e.asOf,
                                                      windowEnd: e.rules.windowEnd, criteria: lenient)
        XCTAssertEqual(good.first?.disbursementClass, .good)
    }
}
