import Foundation
import GiaiNganCore
import GRDB

/// An investor's stable key: the slug that names its portal address and every file made for it.
public struct InvestorKey: Sendable, Hashable {
    public let investor: InvestorID
    /// Unique in the database and never changed once given: the same investor has the same file
    /// name and address every week, whatever other investors are added later.
    public let slug: String
}

extension Store {
    /// Every investor with its stable slug, by name.
    public func investorKeys() throws -> [InvestorKey] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, slug FROM investor ORDER BY name").map {
                InvestorKey(investor: InvestorID($0[0] as String), slug: $0[1])
            }
        }
    }

    /// The investor a slug names, if any.
    public func investor(slug: String) throws -> InvestorID? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT name FROM investor WHERE slug = ?", arguments: [slug]).map(InvestorID.init)
        }
    }

    /// Records a new investor with a slug made unique among the stored ones; returns its id.
    static func insertInvestor(_ name: String, db: Database) throws -> Int64 {
        let slug = try uniqueSlug(for: name, db: db)
        try db.execute(sql: "INSERT INTO investor (name, slug) VALUES (?, ?)", arguments: [name, slug])
        return db.lastInsertedRowID
    }

    /// The investor's base slug, or the first of `base-2`, `base-3`, … that no investor holds.
    static func uniqueSlug(for name: String, db: Database) throws -> String {
        let base = NormalizedText.slug(name)
        var slug = base
        var n = 2
        while try Bool.fetchOne(db, sql: "SELECT 1 FROM investor WHERE slug = ?", arguments: [slug]) ?? false {
            slug = "\(base)-\(n)"
            n += 1
        }
        return slug
    }

    /// Migration v6: gives every stored investor its slug, in the order they were recorded, so a
    /// database made before slugs were stored keeps the names its earlier weekly runs used for
    /// the first investor of each slug.
    static func addInvestorSlugs(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE investor ADD COLUMN slug TEXT")
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM investor ORDER BY id") {
            let slug = try uniqueSlug(for: row[1], db: db)
            try db.execute(sql: "UPDATE investor SET slug = ? WHERE id = ?", arguments: [slug, row[0] as Int64])
        }
        try db.execute(sql: "CREATE UNIQUE INDEX investor_by_slug ON investor(slug)")
    }
}
