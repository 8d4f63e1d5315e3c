import Dispatch
import Foundation
import HummingbirdBcrypt
import Synchronization

/// Checks passwords with bcrypt on threads of its own, never on the executor that serves pages.
///
/// bcrypt at cost 11 keeps one core busy for 0.1–0.2 s. Run on Swift's cooperative pool (one
/// thread per core), a burst of sign-ins stalled every page behind it (20 failed sign-ins made a
/// signed-in page take 1.7 s). Here at most `threads` checks run at once, each on its own serial
/// dispatch queue (so at least one core stays free for pages on a 2-core machine), and at most
/// `queueLimit` more wait; a check beyond that is refused at once with `Busy`, which the portal
/// answers with 503 and `Retry-After`, instead of queueing without bound.
final class PasswordPool: Sendable {
    /// The pool is full: try again shortly.
    struct Busy: Error {}

    private let queues: [DispatchQueue]
    private let state = Mutex(State())
    let queueLimit: Int

    private struct State { var admitted = 0; var next = 0 }

    init(threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1), queueLimit: Int = 32) {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "giaingan-bcrypt-\($0)", qos: .utility) }
        self.queueLimit = queueLimit
    }

    /// Whether `password` matches `hash`; throws `Busy` when the pool is full.
    func verify(_ password: String, hash: String) async throws -> Bool {
        try await run { Bcrypt.verify(password, hash: hash) }
    }

    /// Runs `work` on one of the pool's threads once a place is free.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let queue: DispatchQueue? = state.withLock { s in
            guard s.admitted < queues.count + queueLimit else { return nil }
            s.admitted += 1
            s.next = (s.next + 1) % queues.count
            return queues[s.next]
        }
        guard let queue else { throw Busy() }
        return await withCheckedContinuation { continuation in
            queue.async {
                let result = work()
                self.state.withLock { $0.admitted -= 1 }
                continuation.resume(returning: result)
            }
        }
    }
}
