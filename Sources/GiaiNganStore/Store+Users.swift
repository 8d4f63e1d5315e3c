import Foundation
import GRDB

/// A portal account: the DPI role sees everything, an investor role one investor's projects.
public struct PortalUser: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable { case dpi, investor }
    public var login: String
    /// A bcrypt hash; the password itself is never stored.
    public var passwordHash: String
    public var role: Role
    /// The investor an investor account is bound to (normalised name).
    public var investor: String?
    public var createdAt: String
}

extension Store {
    public func addUser(login: String, passwordHash: String, role: PortalUser.Role, investor: String?) throws {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM app_user WHERE login = ?)", arguments: [login]) == true {
                throw StoreError.invalid("a user \"\(login)\" already exists: use `giaingan users passwd` or remove it first")
            }
            try db.execute(sql: "INSERT INTO app_user (login, password_hash, role, investor, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [login, passwordHash, role.rawValue, investor, ISO8601DateFormatter().string(from: Date())])
        }
    }

    public func setPassword(login: String, passwordHash: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE app_user SET password_hash = ? WHERE login = ?", arguments: [passwordHash, login])
            if db.changesCount == 0 { throw StoreError.notFound("no user \"\(login)\"") }
        }
    }

    public func removeUser(login: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM app_user WHERE login = ?", arguments: [login])
            if db.changesCount == 0 { throw StoreError.notFound("no user \"\(login)\"") }
        }
    }

    public func users() throws -> [PortalUser] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT login, password_hash, role, investor, created_at FROM app_user ORDER BY login").map(PortalUser.init(row:))
        }
    }

    public func user(login: String) throws -> PortalUser? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT login, password_hash, role, investor, created_at FROM app_user WHERE login = ?",
                             arguments: [login]).map(PortalUser.init(row:))
        }
    }

    /// A number that changes whenever an import or a user change was committed: the portal's
    /// caches are keyed by it.
    public func dataVersion() throws -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT (SELECT COALESCE(MAX(id), 0) FROM import) * 1000003 + (SELECT COUNT(*) FROM app_user)") ?? 0
        }
    }
}

extension PortalUser {
    init(row r: Row) {
        login = r[0]
        passwordHash = r[1]
        role = Role(rawValue: r[2]) ?? .investor
        investor = r[3]
        createdAt = r[4]
    }
}
