import XCTest
@testable import GiaiNganCore

/// Risk figures on hand-computed cases. A flat profile (linear share) keeps the arithmetic easy
/// to follow: share(day) = day ÷ 395.
final class RiskTests: XCTestCase {
    let linear = SeasonalProfile(knots: [(0, 0), (395, 1_000_000)], source: "linear (test)")
    let q1 = Checkpoint(name: "Q1", date: d("2023-03-31"), wholePlan: .init(percent: 25),
                        transitional: .init(percent: 35), newStart: .init(percent: 20))

    func activity(_ recent: VND, best: VND? = nil) -> Activity {
        Activity(windows: [recent, best ?? recent, 0])
    }

    func test_shortfallDaysLeftAndRequiredPace() {
        // Plan 1.000.000.000, paid 100.000.000 by 2023-03-08; 35% needs 350.000.000: 250.000.000 in 23 days.
        let r = RiskAssessment.assess(now: Position(planVND: 1_000_000_000, disbursedVND: 100_000_000),
                                      activity: activity(50_000_000, best: 120_000_000), checkpoint: q1,
                                      threshold: .init(percent: 35), asOf: d("2023-03-08"), planYear: 2023, profile: linear)
        XCTAssertEqual(r.requiredVND, 350_000_000)
        XCTAssertEqual(r.shortfallVND, 250_000_000)
        XCTAssertEqual(r.daysLeft, 23)
        XCTAssertEqual(r.requiredDailyVND, 10_869_566)            // ⌈250.000.000 ÷ 23⌉
        XCTAssertEqual(r.recent28VND, 50_000_000)
        XCTAssertEqual(r.best28VND, 120_000_000)
        // Best pace reaches 120.000.000 × 23 ÷ 28 = 98.571.428 < 250.000.000: off track.
        XCTAssertEqual(r.status, .offTrack)
        XCTAssertEqual(r.reason, .beyondBestPace)
        // Seasonal: day 66 → 167.088 ppm, day 89 → 225.316 ppm; 100.000.000 × 225316 ÷ 167088 = 134.848.702.
        // Pace: 100.000.000 + 50.000.000 × 23 ÷ 28 = 141.071.428. The lower counts.
        XCTAssertEqual(r.projectedVND, 134_848_702)
        // Expected now on the seasonal path: 350.000.000 × 167088 ÷ 225316 = 259.550.142.
        XCTAssertEqual(r.expectedNowVND, 259_550_142)
    }

    func test_projectedShortIsAtRisk_projectedToMeetIsOnTrack() {
        // Far from the checkpoint (80 days), the best-pace rule does not apply.
        let plan = Position(planVND: 1_000, disbursedVND: 100)
        let slow = RiskAssessment.assess(now: plan, activity: activity(10, best: 60), checkpoint: q1,
                                         threshold: .init(percent: 35), asOf: d("2023-01-10"), planYear: 2023, profile: linear)
        XCTAssertEqual(slow.daysLeft, 80)
        XCTAssertEqual(slow.status, .atRisk)
        XCTAssertEqual(slow.reason, .projectedShort)
        // 100 on day 9 of a linear year is far ahead: seasonal 100 × 225316 ÷ 22784 = 988; pace 100 + 100 × 80 ÷ 28 = 385.
        let fast = RiskAssessment.assess(now: plan, activity: activity(100), checkpoint: q1,
                                         threshold: .init(percent: 35), asOf: d("2023-01-10"), planYear: 2023, profile: linear)
        XCTAssertEqual(fast.projectedVND, 385)
        XCTAssertEqual(fast.status, .onTrack)
        XCTAssertEqual(fast.reason, .projectedToMeet)
    }

    func test_thresholdAlreadyReachedIsOnTrack() {
        let r = RiskAssessment.assess(now: Position(planVND: 100, disbursedVND: 35), activity: activity(0),
                                      checkpoint: q1, threshold: .init(percent: 35), asOf: d("2023-03-30"),
                                      planYear: 2023, profile: linear)
        XCTAssertEqual(r.shortfallVND, 0)
        XCTAssertEqual(r.status, .onTrack)
        XCTAssertEqual(r.reason, .thresholdReached)
    }

    func test_nothingDisbursedWithCheckpointNearIsOffTrack_farIsAtRisk() {
        let near = RiskAssessment.assess(now: Position(planVND: 100), activity: activity(0), checkpoint: q1,
                                         threshold: .init(percent: 35), asOf: d("2023-03-01"), planYear: 2023, profile: linear)
        XCTAssertEqual(near.status, .offTrack)
        XCTAssertEqual(near.reason, .nothingDisbursed)
        let far = RiskAssessment.assess(now: Position(planVND: 100), activity: activity(0), checkpoint: q1,
                                        threshold: .init(percent: 35), asOf: d("2023-01-05"), planYear: 2023, profile: linear)
        XCTAssertEqual(far.status, .atRisk)
        XCTAssertEqual(far.reason, .nothingDisbursed)
    }

    func test_nationalProfileIsBackLoaded() {
        let p = SeasonalProfile.national
        XCTAssertEqual(p.sharePPM(at: d("2023-03-31"), planYear: 2023), 130_000)
        XCTAssertEqual(p.sharePPM(at: d("2023-06-30"), planYear: 2023), 320_000)
        XCTAssertEqual(p.sharePPM(at: d("2023-09-30"), planYear: 2023), 540_000)
        XCTAssertEqual(p.sharePPM(at: d("2024-01-31"), planYear: 2023), 1_000_000)
        // Well below a linear line at 31/03 (89 of 395 days ≈ 22.5%).
        XCTAssertLessThan(p.sharePPM(at: d("2023-03-31"), planYear: 2023), 225_000)
    }

    func test_profileLearnedFromPastYearsAveragesShares() {
        let y = 2022
        func curve(_ q1: VND, _ final: VND) -> SeasonalProfile.YearCurve {
            .init(planYear: y, points: [(d("2022-03-31"), q1), (d("2022-06-30"), final / 2), (d("2023-01-31"), final)], finalVND: final)
        }
        var a = curve(10, 100); a.planYear = 2021
        a.points = [(d("2021-03-31"), 10), (d("2021-06-30"), 50), (d("2022-01-31"), 100)]
        let b = curve(30, 100)
        let p = SeasonalProfile.learn(from: [a, b])
        XCTAssertEqual(p.learnedFrom, [2021, 2022])
        XCTAssertEqual(p.sharePPM(at: d("2023-03-31"), planYear: 2023), 200_000)
        XCTAssertEqual(p.sharePPM(at: d("2024-01-31"), planYear: 2023), 1_000_000)
        XCTAssertEqual(SeasonalProfile.learn(from: []), .national)
    }

    func test_investorWindowsAreSumsOfProjectWindows() throws {
        var w = World()
        w.project("A", investor: "I", plan: 1_000)
        w.project("B", investor: "I", plan: 1_000)
        w.pay("A", 10, on: "2023-03-01")
        w.pay("B", 20, on: "2023-03-02")
        w.pay("B", 5, on: "2023-01-20")
        let e = try w.evaluate(asOf: "2023-03-10")
        let inv = e.investor("I")!
        XCTAssertEqual(inv.result.activity.windows[0], 30)
        XCTAssertEqual(inv.result.activity.windows.reduce(0, +), 35)
        XCTAssertEqual(inv.result.risk?.recent28VND, 30)
    }
}
