import Foundation

/// A read started on a second thread now and collected later, so that two independent reads of
/// the database run on two cores (each on its own connection of the pool).
///
/// ```swift
/// let ledger = ConcurrentRead { try store.read { db in try LedgerSums(db, request: request) } }
/// let plans = try store.read { db in … }
/// let sums = try ledger.result()
/// ```
public final class ConcurrentRead<Value>: @unchecked Sendable {
    /// Written once by the thread, read after `finished` is signalled.
    private var outcome: Result<Value, any Error>?
    private let finished = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            outcome = Result { try work() }
            finished.signal()
        }
        thread.name = "giaingan.read"
        thread.start()
    }

    /// Waits for the read to finish; its value, or the error it threw.
    public func result() throws -> Value {
        finished.wait()
        finished.signal()   // later calls return at once
        guard let outcome else { preconditionFailure("the thread sets the outcome before it signals") }
        return try outcome.get()
    }
}

/// Hands out 0, 1, 2, … to the threads that share some work, each number once.
final class TakenCount: @unchecked Sendable {
    private var nextIndex = 0
    private let lock = NSLock()

    /// The next number nobody has taken, or nil when all below `count` are taken.
    func next(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }
}
