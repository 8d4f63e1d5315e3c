import Foundation
import GiaiNganCore
import GiaiNganStore

/// A signed-in user, as the server sees one request.
public struct SessionUser: Sendable, Equatable {
    public var login: String
    public var role: PortalUser.Role
    /// The investor an investor account is bound to.
    public var investor: InvestorID?
    /// The password hash when the session began: a changed password or a removed account ends it.
    var passwordHash: String
    /// The session's CSRF token: 32 random bytes as hex, made with the session, sent in every
    /// form that writes (the schedule upload) and compared on its post.
    var csrfToken: String = ""

    public var isDPI: Bool { role == .dpi }

    /// Whether this user may see `investor`'s figures.
    public func maySee(_ investor: InvestorID) -> Bool { isDPI || self.investor == investor }
}

/// Sessions held in memory: a restart signs everyone out, and the database stays read-only.
///
/// Tokens are 32 random bytes from the system's secure generator, sent as an HttpOnly,
/// SameSite=Strict cookie; a session ends after `idleSeconds` without a request.
actor SessionStore {
    struct Entry { var user: SessionUser; var lastSeen: Date }
    private var sessions: [String: Entry] = [:]
    let idleSeconds: TimeInterval

    init(idleSeconds: TimeInterval = 12 * 3600) { self.idleSeconds = idleSeconds }

    func create(for user: SessionUser) -> String {
        var rng = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        var user = user
        user.csrfToken = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        sessions[token] = Entry(user: user, lastSeen: Date())
        if sessions.count % 256 == 0 { expire() }
        return token
    }

    func user(for token: String) -> SessionUser? {
        guard var e = sessions[token] else { return nil }
        if Date().timeIntervalSince(e.lastSeen) > idleSeconds { sessions[token] = nil; return nil }
        e.lastSeen = Date()
        sessions[token] = e
        return e.user
    }

    func remove(_ token: String) { sessions[token] = nil }

    private func expire() {
        let now = Date()
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) <= idleSeconds }
    }
}

/// Slows down password guessing without letting anyone lock out another person.
///
/// Failures are counted per pair of login and client address: after `maxFailures` failed
/// sign-ins for one login from one address within `windowSeconds`, that pair is refused (429)
/// until the window has passed, right password or not. The same login from any other address —
/// the real user at their desk — is not affected, and neither is any other login from the
/// attacker's address, so failing on purpose cannot lock anyone else out. (Behind a reverse proxy
/// the client address comes from the proxy's header, `Portal`'s `trustedProxies`; otherwise every
/// user would share the proxy's address.)
///
/// An attempt is reserved before its password is checked (`begin`), and the reservation counts
/// against the limit until it ends (`end`), so parallel attempts cannot slip past it: at most
/// `maxFailures` wrong passwords per pair and window, however many arrive at once.
actor LoginThrottle {
    struct Key: Hashable { var login: String; var address: String }
    struct Record { var failures = 0; var inFlight = 0; var since: Date }
    enum Decision: Equatable { case allowed, refused(retryAfter: Int) }

    private var records: [Key: Record] = [:]
    let maxFailures: Int
    let windowSeconds: TimeInterval
    /// Pairs kept at most: an attacker trying made-up logins cannot grow the table without bound.
    let capacity: Int

    init(maxFailures: Int = 5, windowSeconds: TimeInterval = 15 * 60, capacity: Int = 100_000) {
        self.maxFailures = maxFailures
        self.windowSeconds = windowSeconds
        self.capacity = capacity
    }

    static func key(_ login: String, _ address: String) -> Key { Key(login: String(login.prefix(128)), address: address) }

    /// Reserves an attempt for `login` from `address`, or says how many seconds remain before
    /// one is allowed. Every `.allowed` must be followed by one `end`.
    func begin(login: String, address: String, now: Date = Date()) -> Decision {
        let key = Self.key(login, address)
        var r = records[key] ?? Record(since: now)
        if now.timeIntervalSince(r.since) > windowSeconds { r = Record(inFlight: r.inFlight, since: now) }
        if r.failures + r.inFlight >= maxFailures {
            // Attempts still in flight end soon; a full window of failures waits for the window.
            let left = r.failures >= maxFailures ? windowSeconds - now.timeIntervalSince(r.since) : 1
            records[key] = r
            return .refused(retryAfter: max(1, Int(left.rounded(.up))))
        }
        r.inFlight += 1
        records[key] = r
        if records.count > capacity { prune(now: now) }
        return .allowed
    }

    /// Ends a reserved attempt: a failure counts against the pair, a success clears it, and an
    /// attempt that never checked a password (the server was busy) counts for nothing.
    func end(login: String, address: String, outcome: Outcome, now: Date = Date()) {
        let key = Self.key(login, address)
        guard var r = records[key] else { return }
        r.inFlight = max(0, r.inFlight - 1)
        switch outcome {
        case .failed:
            if now.timeIntervalSince(r.since) > windowSeconds { r = Record(inFlight: r.inFlight, since: now) }
            r.failures += 1
            records[key] = r
        case .succeeded:
            records[key] = r.inFlight == 0 ? nil : Record(inFlight: r.inFlight, since: now)
        case .notChecked:
            records[key] = r.failures == 0 && r.inFlight == 0 ? nil : r
        }
    }

    enum Outcome { case failed, succeeded, notChecked }

    /// Pairs held now (for tests of the bound).
    var count: Int { records.count }

    private func prune(now: Date) {
        records = records.filter { $0.value.inFlight > 0 || now.timeIntervalSince($0.value.since) <= windowSeconds }
        if records.count > capacity {
            // Still full of live pairs: forget the oldest half rather than grow.
            let sorted = records.sorted { $0.value.since < $1.value.since }
            for (key, _) in sorted.prefix(records.count / 2) where records[key]?.inFlight == 0 { records[key] = nil }
        }
    }
}
