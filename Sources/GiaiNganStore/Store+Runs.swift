import Foundation
import GiaiNganCore
import GRDB

/// A stored check run: what was reported on a date, kept so that an earlier week's warnings stay
/// reproducible after late treasury entries arrive.
public struct StoredRun: Sendable {
    public var id: Int64
    public var planYear: Int
    public var asOf: CivilDate
    public var rulesName: String
    public var createdAt: String
    /// The JSON report as it was written then.
    public var reportJSON: String
}

/// One warning of a stored run, keyed for comparison with other runs.
public struct StoredWarning: Sendable, Hashable {
    public var key: String
    public var code: String
    public var severity: String
    public var subject: String
    public var investor: String?
    /// The warning's JSON object as reported.
    public var bodyJSON: String
    /// Whether the run announced it (as new, or persisting from an announced one). A run whose
    /// week's data was incomplete withholds the new warnings the missing data could change; the
    /// next run compares with what was announced, so those are announced once the data is whole.
    public var announced: Bool

    public init(key: String, code: String, severity: String, subject: String, investor: String?, bodyJSON: String,
                announced: Bool = true) {
        self.key = key
        self.code = code
        self.severity = severity
        self.subject = subject
        self.investor = investor
        self.bodyJSON = bodyJSON
        self.announced = announced
    }
}

extension Store {
    /// Stores a run and its warnings in one transaction; returns the run id.
    ///
    /// - parameter beforeCommit: runs inside the transaction once the run has its id; if it throws, or
    ///   the process dies before it returns, the run is not stored. The weekly run publishes its
    ///   report folder there, so that a stored run always had its reports published: a run killed
    ///   before that leaves no trace that would hide its new warnings from the next run.
    /// - parameter incompleteJSON: empty when the week's data was whole; otherwise the JSON list of
    ///   the files that were rejected.
    public func saveRun(planYear: Int, asOf: CivilDate, rulesName: String, rulesTOML: String, reportJSON: String,
                        warnings: [StoredWarning], incompleteJSON: String = "",
                        beforeCommit: (Int64) throws -> Void = { _ in }) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO run (plan_year, as_of, rules_name, rules_toml, created_at, report_json, incomplete_json)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [planYear, asOf.dayNumber, rulesName, rulesTOML, ISO8601DateFormatter().string(from: Date()),
                                 reportJSON, incompleteJSON])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO run_warning (run_id, warning_key, code, severity, subject, investor, body_json, announced)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for w in warnings {
                try insert.execute(arguments: [id, w.key, w.code, w.severity, w.subject, w.investor, w.bodyJSON, w.announced])
            }
            try beforeCommit(id)
            return id
        }
    }

    /// The run to compare a new one with: the latest run of the same plan year at the same as-of
    /// date, or else the latest at an earlier as-of date; never a run at a later date.
    /// - parameter runID: only runs stored before this one count (`Int64.max`: every stored run).
    public func previousRun(planYear: Int, asOf: CivilDate, before runID: Int64 = .max) throws -> StoredRun? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, plan_year, as_of, rules_name, created_at, report_json FROM run
                WHERE plan_year = ? AND as_of <= ? AND id < ? ORDER BY as_of DESC, id DESC LIMIT 1
                """, arguments: [planYear, asOf.dayNumber, runID]).map(StoredRun.init(row:))
        }
    }

    public func run(id: Int64) throws -> StoredRun? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, plan_year, as_of, rules_name, created_at, report_json FROM run WHERE id = ?",
                             arguments: [id]).map(StoredRun.init(row:))
        }
    }

    /// Stored runs, newest first.
    public func runs(limit: Int = 100) throws -> [StoredRun] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, plan_year, as_of, rules_name, created_at, '' FROM run ORDER BY id DESC LIMIT ?",
                             arguments: [limit]).map(StoredRun.init(row:))
        }
    }

    public func warnings(ofRun id: Int64) throws -> [StoredWarning] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT warning_key, code, severity, subject, investor, body_json, announced FROM run_warning
                WHERE run_id = ? ORDER BY warning_key
                """, arguments: [id]).map {
                StoredWarning(key: $0[0], code: $0[1], severity: $0[2], subject: $0[3], investor: $0[4], bodyJSON: $0[5],
                              announced: $0[6])
            }
        }
    }

    /// Whether a file with this content was imported, whatever its kind.
    public func isImported(sha256: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM import WHERE sha256 = ?)", arguments: [sha256]) ?? false }
    }
}

extension StoredRun {
    init(row r: Row) {
        id = r[0]
        planYear = r[1]
        asOf = CivilDate(dayNumber: r[2])
        rulesName = r[3]
        createdAt = r[4]
        reportJSON = r[5]
    }
}
