import Foundation
import GiaiNganImport

/// Reads and decodes a disbursements file on a second thread while the import transaction writes
/// the rows already decoded, so that parsing and SQLite's B-tree work run on two cores.
///
/// The reading thread fills batches of rows (``LedgerRowBatch``) and resolves their project codes;
/// the writing thread takes them in file order with ``next()`` and hands each back with
/// ``recycle(_:)`` once written. A few batches circulate, so memory stays bounded however large
/// the file. Everything the reader finds (rows, issues, a structural failure) travels inside the
/// batches, in file order, so that problems are reported exactly as a single thread would.
///
/// ```swift
/// let ahead = LedgerReadAhead(reader: reader, projectIDs: ids)
/// defer { ahead.stop() }
/// while let batch = ahead.next() {
///     // write batch.rows
///     ahead.recycle(batch)
/// }
/// ```
final class LedgerReadAhead: @unchecked Sendable {
    /// Decoded rows and, for each, its project's id (-1 for a code not in the registry).
    struct Batch {
        var rows = LedgerRowBatch()
        var projectIDs: [Int64] = []
    }

    /// Rows per batch: large enough that handing over costs nothing, small enough to stay in cache.
    static let batchRows = 4096
    /// Batches in circulation: one being read, one being written, one waiting.
    static let depth = 3

    private let reader: TableReader
    private let projectIDs: [String: Int64]
    private let condition = NSCondition()
    /// Decoded batches, oldest first. Guarded by `condition`, as are the three below.
    private var filled: [Batch] = []
    private var spare: [Batch]
    /// The reader has reached the end of the file (or a structural failure).
    private var finished = false
    /// The writer asked the reader to stop.
    private var stopping = false
    private let exited = DispatchSemaphore(value: 0)
    private var joined = false

    /// Starts reading `reader` on a new thread; `reader` must not be used elsewhere until ``stop()``.
    init(reader: TableReader, projectIDs: [String: Int64]) {
        self.reader = reader
        self.projectIDs = projectIDs
        spare = (0..<LedgerReadAhead.depth).map { _ in Batch() }
        let thread = Thread { [self] in run() }
        thread.name = "giaingan.read-ahead"
        thread.start()
    }

    /// The next batch in file order, waiting for it to be decoded; `nil` after the last one.
    func next() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while filled.isEmpty && !finished { condition.wait() }
        guard !filled.isEmpty else { return nil }
        return filled.removeFirst()
    }

    /// Gives a written batch back to be filled again.
    func recycle(_ batch: Batch) {
        condition.lock()
        spare.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the reading thread (at the end of its current batch) and waits until it has exited;
    /// afterwards the reader may be used again. Call it once, also when writing failed.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        if !joined {
            exited.wait()
            joined = true
        }
    }

    private func run() {
        defer { exited.signal() }
        while true {
            condition.lock()
            while spare.isEmpty && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            var batch = spare.removeLast()
            condition.unlock()

            let more = reader.readLedgerRows(into: &batch.rows, limit: LedgerReadAhead.batchRows)
            resolveProjects(&batch)

            condition.lock()
            filled.append(batch)
            if !more { finished = true }
            condition.broadcast()
            condition.unlock()
            if !more { return }
        }
    }

    private func resolveProjects(_ batch: inout Batch) {
        batch.projectIDs.removeAll(keepingCapacity: true)
        let rows = batch.rows
        for i in 0..<rows.count {
            guard rows.isValid(i) else { batch.projectIDs.append(-1); continue }
            // Codes are short: a small String, no allocation.
            let id = rows.withText(rows.projectCode[i]) { projectIDs[String(decoding: $0, as: UTF8.self)] }
            batch.projectIDs.append(id ?? -1)
        }
    }
}
