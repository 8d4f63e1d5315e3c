import XCTest
@testable import GiaiNganCore

final class RateTests: XCTestCase {
    func test_exactlyAtThresholdMeets_oneVNDUnderMisses() {
        let t = Threshold(percent: 35)
        XCTAssertTrue(t.isMet(disbursedVND: 35, planVND: 100))
        XCTAssertTrue(t.isMet(disbursedVND: 350_000_000, planVND: 1_000_000_000))
        XCTAssertFalse(t.isMet(disbursedVND: 349_999_999, planVND: 1_000_000_000))
        XCTAssertEqual(t.requiredVND(planVND: 1_000_000_000), 350_000_000)
        // 35% of 1.000.000.001 is 350.000.000,35 → 350.000.001 is the least that meets it.
        XCTAssertEqual(t.requiredVND(planVND: 1_000_000_001), 350_000_001)
        XCTAssertFalse(t.isMet(disbursedVND: 350_000_000, planVND: 1_000_000_001))
        XCTAssertTrue(t.isMet(disbursedVND: 350_000_001, planVND: 1_000_000_001))
    }

    func test_displayedPercentNeverContradictsStatus() {
        let r = Rate(disbursedVND: 349_999_999, planVND: 1_000_000_000)!
        XCTAssertFalse(r.meets(Threshold(percent: 35)))
        XCTAssertEqual(r.percentText(digits: 2), "34.99")
        XCTAssertEqual(r.percentText(digits: 2, separator: ","), "34,99")
        XCTAssertEqual(r.fractionText(digits: 6), "0.349999")
        let exact = Rate(disbursedVND: 35, planVND: 100)!
        XCTAssertEqual(exact.percentText(), "35.00")
        XCTAssertEqual(exact.fractionText(), "0.350000")
    }

    func test_zeroPlanHasNoRate() {
        XCTAssertNil(Rate(disbursedVND: 5, planVND: 0))
        XCTAssertNil(Position(planVND: 0, disbursedVND: 10).rate)
    }

    func test_hugeAmountsCompareWithoutOverflow() {
        let big = VND.max / 2
        XCTAssertTrue(Threshold(percent: 100).isMet(disbursedVND: big, planVND: big))
        XCTAssertFalse(Threshold(percent: 100).isMet(disbursedVND: big - 1, planVND: big))
        XCTAssertEqual(Threshold(percent: 100).requiredVND(planVND: VND.max), VND.max)
    }

    func test_sumsReportOverflow() {
        XCTAssertThrowsError(try VND.max.checkedAdding(1))
        var s = VNDSum(); s.add(.max); s.add(1)
        XCTAssertTrue(s.overflowed)
    }

    func test_thresholdText() {
        XCTAssertEqual(Threshold(basisPoints: 4750).percentText(), "47.5")
        XCTAssertEqual(Threshold(percent: 35).fractionText, "0.35")
        XCTAssertEqual(Threshold(percent: 100).fractionText, "1.0")
    }

    func test_thresholdFractionTextIsTheTrimmedFourDecimalFraction() {
        for bp in 0...10_000 {
            let expected = Rate.decimalText(Int128(bp), digits: 4, separator: ".").trimmingTrailingZeroDecimals()
            XCTAssertEqual(Threshold(basisPoints: bp).fractionText, expected)
        }
    }

    func test_negativeRateRoundsDown() {
        let r = Rate(disbursedVND: -1, planVND: 3)!
        XCTAssertEqual(r.percentText(), "-33.34")
    }
}
