import Dispatch
import Foundation

/// Work shared by the cores, with results in the order of the input: the same as a loop, only
/// sooner. Used for what is done per project and depends on nothing else (20,000 projects at
/// national scale).
enum Parallel {
    /// The threads `map` uses: the cores, up to 4. Fixed for the process; tests pass their own.
    static let threads = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))

    /// `items.map(transform)`, cut into one contiguous part per thread (parts below
    /// `minimumPart` items are not worth a thread).
    ///
    /// When `transform` throws, the error of the first item (in input order) that threw is
    /// thrown, as the loop would: each part stops at its own first error, and the parts are
    /// looked at in order.
    static func map<T, U>(_ items: [T], threads: Int = Parallel.threads, minimumPart: Int = 256,
                          _ transform: (T) throws -> U) throws -> [U] {
        let parts = max(1, min(threads, items.count / max(1, minimumPart)))
        if parts == 1 { return try items.map(transform) }
        var results = [[U]](repeating: [], count: parts)
        var errors = [(any Error)?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { results in
            errors.withUnsafeMutableBufferPointer { errors in
                // Each part writes only its own slot.
                nonisolated(unsafe) let results = results, errors = errors, items = items
                withoutActuallyEscaping(transform) { transform in
                    nonisolated(unsafe) let transform = transform
                    DispatchQueue.concurrentPerform(iterations: parts) { part in
                        let range = (items.count * part / parts)..<(items.count * (part + 1) / parts)
                        var out: [U] = []
                        out.reserveCapacity(range.count)
                        do {
                            for i in range { out.append(try transform(items[i])) }
                        } catch {
                            errors[part] = error
                        }
                        results[part] = out
                    }
                }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
        return Array(results.joined())
    }
}
