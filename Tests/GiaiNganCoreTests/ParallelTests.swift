import XCTest
@testable import GiaiNganCore

/// `Parallel.map` is `map`, only shared by threads: same results in the same order, and the
/// error of the first item that fails.
final class ParallelTests: XCTestCase {
    private struct Failure: Error, Equatable { let item: Int }

    func test_resultsAreThoseOfMapInInputOrder() throws {
        for count in [0, 1, 255, 256, 511, 512, 1_000, 10_007] {
            let items = Array(0..<count)
            for threads in 1...5 {
                let out = try Parallel.map(items, threads: threads, minimumPart: 1) { $0 * 3 + 1 }
                XCTAssertEqual(out, items.map { $0 * 3 + 1 }, "count \(count), threads \(threads)")
                let defaultPart = try Parallel.map(items, threads: threads) { "\($0)" }
                XCTAssertEqual(defaultPart, items.map { "\($0)" })
            }
        }
    }

    func test_theFirstFailingItemsErrorIsThrown() {
        let items = Array(0..<5_000)
        for failing in [[4_999], [0, 4_000], [2_600, 100, 4_999], [1_250, 1_249]] {
            for threads in 1...4 {
                XCTAssertThrowsError(try Parallel.map(items, threads: threads, minimumPart: 1) { i -> Int in
                    if failing.contains(i) { throw Failure(item: i) }
                    return i
                }) { error in
                    XCTAssertEqual(error as? Failure, Failure(item: failing.min() ?? -1), "threads \(threads)")
                }
            }
        }
    }
}
