import XCTest
import Foundation
@testable import GiaiNganCore

/// `Parallel.map` is `map`, only shared by threads: same results in the same order, and the
/// error of the first item that fails.
/// A value that counts how many of its kind are alive, to tell a leak or a double free.
private final class Counted: @unchecked Sendable {
    nonisolated(unsafe) static var alive = 0
    static let lock = NSLock()
    let value: Int
    init(_ value: Int) { self.value = value; Counted.lock.withLock { Counted.alive += 1 } }
    deinit { Counted.lock.withLock { Counted.alive -= 1 } }
}

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

    /// Results are made in place in the returned array: every one made is freed exactly once,
    /// whether the map returns them or throws part-way (the parts made before the error freed).
    func test_everyResultMadeIsFreedOnce_whenTheMapReturnsAndWhenItThrows() {
        let items = Array(0..<4_000)
        for threads in 1...4 {
            do {
                let out = try Parallel.map(items, threads: threads, minimumPart: 1) { Counted($0) }
                XCTAssertEqual(out.map(\.value), items)
                XCTAssertEqual(Counted.lock.withLock { Counted.alive }, items.count)
            } catch {
                XCTFail("\(error)")
            }
            XCTAssertEqual(Counted.lock.withLock { Counted.alive }, 0, "threads \(threads): results leaked or freed twice")
            for failing in [0, 1_999, 3_999] {
                XCTAssertThrowsError(try Parallel.map(items, threads: threads, minimumPart: 1) { i -> Counted in
                    if i == failing { throw Failure(item: i) }
                    return Counted(i)
                })
                XCTAssertEqual(Counted.lock.withLock { Counted.alive }, 0, "threads \(threads), failing at \(failing)")
            }
        }
    }

    /// Joined parts are the parts' elements in order, on any number of threads, with parts of
    /// every size (empty ones among them); the parts are emptied, and every element is kept
    /// once: none leaked, none freed twice (the copies' owners are the result alone).
    func test_joinedPartsAreTheirElementsInOrder_eachKeptOnce() {
        let sizes = [0, 1, 700, 0, 3, 2_500, 1, 0, 999, 4_096, 17]
        for threads in 1...4 {
            for count in [1, 2, 5, sizes.count] {
                var next = 0
                var parts: [[Counted]] = sizes.prefix(count).map { n in (0..<n).map { _ in next += 1; return Counted(next - 1) } }
                let made = next
                do {
                    let joined = Parallel.joined(&parts, threads: threads)
                    XCTAssertEqual(joined.map(\.value), Array(0..<made), "threads \(threads), \(count) parts")
                    XCTAssertTrue(parts.allSatisfy(\.isEmpty))
                    XCTAssertEqual(parts.count, count)
                    XCTAssertEqual(Counted.lock.withLock { Counted.alive }, made)
                }
                XCTAssertEqual(Counted.lock.withLock { Counted.alive }, 0, "threads \(threads), \(count) parts: leaked or freed twice")
            }
        }
    }
}
