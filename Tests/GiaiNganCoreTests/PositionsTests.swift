import XCTest
@testable import GiaiNganCore

/// A subject's positions: the request's dates with one position each, looked up by date.
final class PositionsTests: XCTestCase {
    func test_aDictionaryBecomesDatesInOrderAndLookUpsFindEachDate() {
        let byDate = [d("2023-09-30"): Position(planVND: 3), d("2023-03-31"): Position(planVND: 1),
                      d("2023-06-30"): Position(planVND: 2, disbursedVND: -5)]
        let positions = Positions(byDate)
        XCTAssertEqual(positions.dates, [d("2023-03-31"), d("2023-06-30"), d("2023-09-30")])
        XCTAssertEqual(positions.values.map(\.planVND), [1, 2, 3])
        for (date, position) in byDate { XCTAssertEqual(positions[date], position) }
        XCTAssertNil(positions[d("2023-07-01")])
        XCTAssertEqual(positions, Positions(dates: positions.dates, values: positions.values))
        XCTAssertNotEqual(positions, Positions(zeroAt: positions.dates))
        XCTAssertEqual(Positions(zeroAt: [d("2023-01-31")])[d("2023-01-31")], .zero)
        XCTAssertNil(Positions([:])[d("2023-01-31")])
    }

    /// Snapshots made in memory carry the request's dates, each with its position.
    func test_snapshotsCarryEveryRequestDate() throws {
        var world = World()
        world.project("A", plan: 1_000)
        world.pay("A", 300, on: "2023-02-10")
        world.pay("A", 200, on: "2023-06-30")
        let request = EvaluationRequest(planYear: 2023, asOf: d("2023-08-15"), rules: .caMau2023)
        let snapshot = try XCTUnwrap(try world.snapshots(request).first)
        XCTAssertEqual(snapshot.positions.dates, request.dates)
        XCTAssertEqual(snapshot.positions[d("2023-03-31")]?.disbursedVND, 300)
        XCTAssertEqual(snapshot.positions[d("2023-06-30")]?.disbursedVND, 500)
        XCTAssertEqual(snapshot.positions[d("2023-08-15")]?.disbursedVND, 500)
    }
}
