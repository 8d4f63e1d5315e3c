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

/// Slows down password guessing: after `maxFailures` failed logins for one login name (or
/// `maxFailuresPerAddress` from one address) within `windowSeconds`, further attempts are refused
/// until the window has passed, whatever the password.
actor LoginThrottle {
    struct Record { var failures: Int; var since: Date }
    private var byLogin: [String: Record] = [:]
    private var byAddress: [String: Record] = [:]
    let maxFailures: Int
    let maxFailuresPerAddress: Int
    let windowSeconds: TimeInterval

    init(maxFailures: Int = 5, maxFailuresPerAddress: Int = 20, windowSeconds: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.windowSeconds = windowSeconds
    }

    /// Seconds to wait before trying again, or nil when an attempt is allowed.
    func retryAfter(login: String, address: String) -> Int? {
        let now = Date()
        for (record, limit) in [(byLogin[login], maxFailures), (byAddress[address], maxFailuresPerAddress)] {
            if let r = record, r.failures >= limit {
                let left = windowSeconds - now.timeIntervalSince(r.since)
                if left > 0 { return Int(left.rounded(.up)) }
            }
        }
        return nil
    }

    func recordFailure(login: String, address: String) {
        let now = Date()
        func bump(_ r: Record?) -> Record {
            guard let r, now.timeIntervalSince(r.since) <= windowSeconds else { return Record(failures: 1, since: now) }
            return Record(failures: r.failures + 1, since: r.since)
        }
        byLogin[login] = bump(byLogin[login])
        byAddress[address] = bump(byAddress[address])
    }

    func recordSuccess(login: String) { byLogin[login] = nil }
}
