import XCTest
@testable import GiaiNganCore

final class TransferTests: XCTestCase {
    /// Two slow projects that will leave capital unspent and two that pay fast, in one fund source
    /// and two investors.
    func world() -> World {
        var w = World()
        w.project("SLOW1", investor: "A", plan: 10_000_000_000)
        w.project("SLOW2", investor: "B", plan: 8_000_000_000)
        w.project("FAST1", investor: "A", plan: 2_000_000_000)
        w.project("FAST2", investor: "B", plan: 1_000_000_000)
        w.pay("SLOW1", 500_000_000, on: "2023-05-10")
        w.pay("SLOW2", 300_000_000, on: "2023-06-10")
        w.pay("FAST1", 1_500_000_000, on: "2023-09-20")
        w.pay("FAST2", 900_000_000, on: "2023-09-25")
        return w
    }

    func test_aProposalMovesRoundAmountsFromSurplusToPaceAndBalancesToTheDong() throws {
        let e = try world().evaluate(asOf: "2023-09-30")
        let proposals = try TransferPlanner.propose(evaluation: e, schedule: Schedule(lines: [], planYear: 2023, inForceOn: e.asOf),
                                                    roundVND: 1_000_000, within: .fundSource)
        XCTAssertEqual(proposals.count, 1)
        let p = try XCTUnwrap(proposals.first)
        XCTAssertTrue(p.isBalanced)
        XCTAssertEqual(p.lines.filter { $0.changeVND < 0 }.map(\.projectCode).sorted(), ["SLOW1", "SLOW2"])
        XCTAssertEqual(p.lines.filter { $0.changeVND > 0 }.map(\.projectCode).sorted(), ["FAST1", "FAST2"])
        XCTAssertTrue(p.lines.allSatisfy { $0.changeVND % 1_000_000 == 0 })
        XCTAssertEqual(p.lines.filter { $0.changeVND > 0 }.reduce(0) { $0 + $1.changeVND }, p.totalVND)
        XCTAssertEqual(p.lines.filter { $0.changeVND < 0 }.reduce(0) { $0 - $1.changeVND }, p.totalVND)
        // A recipient takes what its best pace reaches beyond its plan, no more.
        for l in p.lines where l.changeVND > 0 {
            guard case let .paceBeyondPlan(reach, _, _) = l.reason else { return XCTFail("\(l.reason)") }
            XCTAssertLessThanOrEqual(l.changeVND, reach - l.planVND)
        }
        // A donor gives at most its expected surplus.
        for l in p.lines where l.changeVND < 0 {
            guard case let .surplus(surplus) = l.reason else { return XCTFail("\(l.reason)") }
            XCTAssertLessThanOrEqual(-l.changeVND, surplus)
        }
    }

    func test_withinAnInvestorEachProposalStaysWithItsInvestor() throws {
        let e = try world().evaluate(asOf: "2023-09-30")
        let proposals = try TransferPlanner.propose(evaluation: e, schedule: Schedule(lines: [], planYear: 2023, inForceOn: e.asOf),
                                                    roundVND: 1_000_000, within: .investor)
        XCTAssertEqual(proposals.map { $0.investor?.name }, ["A", "B"])
        for p in proposals {
            XCTAssertTrue(p.isBalanced)
            XCTAssertTrue(p.lines.allSatisfy { $0.investor == p.investor })
        }
    }

    func test_aScheduleBeyondThePlanIsANeed() throws {
        var w = World()
        w.project("SLOW", plan: 10_000_000_000)
        w.pay("SLOW", 100_000_000, on: "2023-05-10")
        // Paid 600 million of 1 billion in the last days: projected to use its plan (seasonal
        // 1.11 billion), its best pace reaches 3.24 billion, its schedule 4 billion.
        w.project("PLANNED", plan: 1_000_000_000)
        w.pay("PLANNED", 600_000_000, on: "2023-09-20")
        let lines = [("2023-12", 3_000_000_000), ("2024-01", 1_000_000_000)].map { m, v in
            ScheduleLine(projectCode: "PLANNED", planYear: 2023, month: ScheduleMonth(text: m)!, plannedVND: VND(v),
                         submittedOn: d("2023-09-01"))
        }
        let e = try w.evaluate(asOf: "2023-09-30")
        let proposals = try TransferPlanner.propose(evaluation: e, schedule: Schedule(lines: lines, planYear: 2023, inForceOn: e.asOf),
                                                    roundVND: 500_000_000, within: .fundSource)
        let take = try XCTUnwrap(proposals.first?.lines.first { $0.projectCode == "PLANNED" })
        XCTAssertEqual(take.reason, .scheduleBeyondPlan(scheduleVND: 4_000_000_000))
        XCTAssertEqual(take.changeVND, 3_000_000_000)
        XCTAssertEqual(proposals.first?.lines.first { $0.projectCode == "SLOW" }?.changeVND, -3_000_000_000)
    }

    func test_backtestCountsWhatDonorsLeftAndWhatRecipientsCouldUse() {
        let proposal = TransferProposal(planYear: 2023, tranche: .current, fundSource: "", investor: nil, lines: [
            TransferLine(projectCode: "D", projectName: "", investor: InvestorID("A"), projectClass: .transitional, fundSource: "",
                         tranche: .current, planVND: 1_000, disbursedVND: 0, projectedVND: 0, changeVND: -400, reason: .surplus(surplusVND: 500)),
            TransferLine(projectCode: "R", projectName: "", investor: InvestorID("A"), projectClass: .transitional, fundSource: "",
                         tranche: .current, planVND: 500, disbursedVND: 0, projectedVND: 0, changeVND: 400,
                         reason: .paceBeyondPlan(reachableVND: 900, bestWindowVND: 100, daysLeft: 100)),
        ], totalVND: 400)
        // D spent 700 of 1,000 (left 300; with the cut to 600 it overspends by 100); R spent its whole 500.
        let b = TransferBacktest.measure(proposals: [proposal], finals: ["D": Position(planVND: 1_000, disbursedVND: 700),
                                                                          "R": Position(planVND: 500, disbursedVND: 500)])
        XCTAssertEqual(b.unspentWithoutVND, 300)
        XCTAssertEqual(b.unspentWithVND, 0)
        XCTAssertEqual(b.overCutVND, 100)
        XCTAssertEqual(b.movedVND, 400)
    }
}
