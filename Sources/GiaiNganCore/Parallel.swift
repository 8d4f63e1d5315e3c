import Dispatch
import Foundation

/// Work shared by the cores, with results in the order of the input: the same as a loop, only
/// sooner. Used for what is done per project and depends on nothing else (20,000 projects at
/// national scale).
public enum Parallel {
    /// The threads `map` uses: the cores, up to 4. Fixed for the process; tests pass their own.
    public static let threads = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))

    /// `items.map(transform)`, cut into one contiguous part per thread (parts below
    /// `minimumPart` items are not worth a thread).
    ///
    /// Each part writes its results straight into its own span of the returned array: nothing is
    /// copied after (joining per-part arrays copied every result once more, and results of
    /// tens of references each cost a retain and a release apiece).
    ///
    /// When `transform` throws, the error of the first item (in input order) that threw is
    /// thrown, as the loop would: each part stops at its own first error, and the parts are
    /// looked at in order. The results already made are freed.
    public static func map<T, U>(_ items: [T], threads: Int = Parallel.threads, minimumPart: Int = 256,
                          _ transform: (T) throws -> U) throws -> [U] {
        let parts = max(1, min(threads, items.count / max(1, minimumPart)))
        if parts == 1 { return try items.map(transform) }
        let n = items.count
        @Sendable func span(_ part: Int) -> Range<Int> { (n * part / parts)..<(n * (part + 1) / parts) }
        var errors = [(any Error)?](repeating: nil, count: parts)
        var made = [Int](repeating: 0, count: parts)
        return try [U](unsafeUninitializedCapacity: n) { buffer, initialized in
            initialized = 0
            // At least two parts, so at least two items: the buffer has storage.
            guard let base = buffer.baseAddress else { preconditionFailure("no storage for \(n) results") }
            errors.withUnsafeMutableBufferPointer { errors in
                made.withUnsafeMutableBufferPointer { made in
                    // Each part writes only its own span and its own slots.
                    nonisolated(unsafe) let errors = errors, made = made, items = items, base = base
                    withoutActuallyEscaping(transform) { transform in
                        nonisolated(unsafe) let transform = transform
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            let range = span(part)
                            var i = range.lowerBound
                            do {
                                while i < range.upperBound {
                                    (base + i).initialize(to: try transform(items[i]))
                                    i += 1
                                }
                            } catch {
                                errors[part] = error
                            }
                            made[part] = i - range.lowerBound
                        }
                    }
                }
            }
            if let error = errors.lazy.compactMap({ $0 }).first {
                for part in 0..<parts { (base + span(part).lowerBound).deinitialize(count: made[part]) }
                throw error
            }
            initialized = n
        }
    }

    /// The arrays of `parts` joined in order, emptying `parts`: each array is copied into its
    /// span of the result and then freed by the thread that copied it, the arrays shared out
    /// among the threads in turn.
    ///
    /// Joined by `append(contentsOf:)` on one thread, 35,000 warnings of a national check (tens
    /// of references each: a retain apiece to copy, a release apiece to free) took a core for
    /// about 30 ms while the other waited, and the result grew by reallocating.
    public static func joined<T>(_ parts: inout [[T]], threads: Int = Parallel.threads) -> [T] {
        var offsets: [Int] = []
        offsets.reserveCapacity(parts.count)
        var total = 0
        for k in parts.indices {
            offsets.append(total)
            total += parts[k].count
        }
        let workers = max(1, min(threads, parts.count))
        if workers == 1 || total < 2_048 {
            var out: [T] = []
            out.reserveCapacity(total)
            for k in parts.indices {
                out.append(contentsOf: parts[k])
                parts[k] = []
            }
            return out
        }
        return [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { preconditionFailure("no storage for \(total) elements") }
            parts.withUnsafeMutableBufferPointer { parts in
                // Each thread copies and frees only its own arrays, into their own spans.
                nonisolated(unsafe) let parts = parts, base = base, offsets = offsets
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var k = worker
                    while k < parts.count {
                        parts[k].withUnsafeBufferPointer { source in
                            if let from = source.baseAddress { (base + offsets[k]).initialize(from: from, count: source.count) }
                        }
                        parts[k] = []
                        k += workers
                    }
                }
            }
            initialized = total
        }
    }
}
