import Dispatch
import Foundation
import GiaiNganStore
import Synchronization

/// What `/healthz` says about the database.
///
/// Every call reads the database (its data version, from two tables). SQLite's `quick_check`,
/// which reads every page (1.3 s for a 300,000-entry, 57 MB file here), runs on a thread of its
/// own: once at start, which the first call waits for; after any request failed on a database
/// error, which the next call waits for; and in the background when the data changed or
/// `fullCheckInterval` has passed, while calls answer with the last result.
final class HealthMonitor: Sendable {
    let store: Store
    let fullCheckInterval: TimeInterval
    private let queue = DispatchQueue(label: "giaingan-health", qos: .utility)
    private let state = Mutex(State())

    private struct State {
        var lastFull: Date?
        var lastVersion: Int64?
        var lastProblem: String?
        /// A request failed on the database: trust no earlier result.
        var dirty = false
        var checking = false
    }

    init(store: Store, fullCheckInterval: TimeInterval = 300) {
        self.store = store
        self.fullCheckInterval = fullCheckInterval
    }

    /// Starts the first full check (the portal calls this as it starts listening).
    func start() {
        let version = try? store.dataVersion()
        inBackground(version: version)
    }

    /// A request failed on a database error: the next health check reads the whole file.
    func databaseFailed() { state.withLock { $0.dirty = true } }

    /// What is wrong with the database, or nil when it reads and checks sound.
    func problem(now: Date = Date()) async -> String? {
        let version: Int64
        do {
            version = try store.dataVersion()
        } catch {
            state.withLock { $0.dirty = true }
            return "\(error)"
        }
        let (wait, since, due) = state.withLock { s -> (Bool, Date?, Bool) in
            let stale = s.lastFull.map { now.timeIntervalSince($0) >= fullCheckInterval } ?? true
            // No result yet: any first one will do. After a failure: only a newer one.
            return (s.lastFull == nil || s.dirty, s.dirty ? now : .distantPast, stale || s.lastVersion != version)
        }
        if wait {
            return await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: self.fullCheck(version: version, reusingOneSince: since)) }
            }
        }
        if due { inBackground(version: version) }
        return state.withLock { $0.lastProblem }
    }

    private func inBackground(version: Int64?) {
        let start = state.withLock { s -> Bool in
            if s.checking { return false }
            s.checking = true
            return true
        }
        guard start else { return }
        queue.async {
            _ = self.fullCheck(version: version, reusingOneSince: nil)
            self.state.withLock { $0.checking = false }
        }
    }

    /// Runs `quick_check`, unless one that started at or after `since` already answered and no
    /// failure came after it (callers that waited in line share one); nil always runs one.
    /// Runs on `queue` only.
    private func fullCheck(version: Int64?, reusingOneSince since: Date?) -> String? {
        if let since, let answer = state.withLock({ s -> String?? in
            guard let last = s.lastFull, !s.dirty, last >= since else { return nil }
            return .some(s.lastProblem)
        }) {
            return answer
        }
        let started = Date()
        let problem = store.integrityProblem()
        state.withLock { s in
            s.lastFull = started
            s.lastVersion = version
            s.lastProblem = problem
            s.dirty = false
        }
        return problem
    }
}
