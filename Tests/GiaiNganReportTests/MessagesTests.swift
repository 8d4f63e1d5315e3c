import XCTest
import GiaiNganCore
@testable import GiaiNganReport

final class MessagesTests: XCTestCase {
    func test_annualGoalRiskReadsAsTheAnnualGoalNotItsInternalName() throws {
        let e = try Sample.world().evaluate(asOf: Sample.asOf)
        let risk = try XCTUnwrap(e.annualGoal.risk)
        XCTAssertEqual(risk.checkpointName, "annual")
        XCTAssertTrue(Messages.reason(risk, .en).contains("to the annual goal (2024-01-31)"))
        XCTAssertTrue(Messages.reason(risk, .vi).contains("tới mục tiêu cả năm (31/01/2024)"))
        XCTAssertFalse(Messages.reason(risk, .en).contains("annual ("))
    }

    func test_checkpointNamesOtherThanAnnualAreKept() {
        XCTAssertEqual(Messages.checkpointLabel("Q2", .vi), "Q2")
        XCTAssertEqual(Messages.checkpointLabel("annual", .en), "the annual goal")
    }
}
