import Foundation
import GiaiNganCore
import GRDB
import GRDBSQLite

/// Errors of the store, each with a message a user can act on.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case io(String)
    case busy(String)
    case invalid(String)
    case notFound(String)
    /// A reader met a database whose schema is older than this version's.
    case needsMigration(String)

    public var description: String {
        switch self {
        case .io(let m), .invalid(let m), .notFound(let m), .needsMigration(let m): return m
        case .busy(let m): return m
        }
    }
}

/// The SQLite database that holds projects, plans, the treasury ledger, import history and runs.
///
/// One file, WAL journal (readers never block an import, an import never blocks readers),
/// foreign keys on, schema created by versioned migrations. Writers wait up to
/// `busyTimeoutSeconds` for one another before a clear "busy" error.
///
/// ```swift
/// let store = try Store(path: "giaingan.sqlite")
/// let snapshots = try store.snapshots(for: request)
/// ```
public final class Store: @unchecked Sendable {
    /// The database file name used when neither `--db` nor `GIAINGAN_DB` is given.
    public static let defaultFileName = "giaingan.sqlite"
    public static let busyTimeoutSeconds: Double = 30
    /// How long this store waits for another writer before the "busy" error.
    public let busyTimeout: Double

    public let path: String
    let pool: DatabasePool

    /// Opens (and creates or migrates) the database at `path`.
    /// - parameter readOnly: open without writing: fails when the file does not exist.
    /// - parameter busyTimeout: seconds to wait for another writer (the CLI reads `GIAINGAN_BUSY_TIMEOUT`).
    public init(path: String, readOnly: Bool = false, busyTimeout: Double = Store.busyTimeoutSeconds) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.readonly = readOnly
        config.label = "giaingan"
        config.prepareDatabase { db in
            // Only a new file takes it (a database keeps the page size it was made with). Bulk
            // imports write faster with SQLite's largest page than with its default 4 KiB: fewer
            // pages to split and link per row, and a sixteenth of the write calls to the WAL and
            // back at the checkpoint (measured: README "Performance").
            try db.execute(sql: "PRAGMA page_size = \(Store.pageSize)")
            // Keep the -wal and -shm files when the last connection closes, so that a reader can
            // open the database on a read-only file system or without write access to its
            // folder (SQLite needs them there to read a WAL database).
            var persist: Int32 = 1
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            // A kept WAL is truncated back to this after a checkpoint instead of keeping the size
            // of the largest import (1.9 GB after ten million rows).
            try db.execute(sql: "PRAGMA journal_size_limit = \(16 << 20)")
            // Checks each page as it is read, so a damaged ledger page an import touches stops it.
            try db.execute(sql: "PRAGMA cell_size_check = ON")
        }
        if readOnly && !FileManager.default.fileExists(atPath: path) {
            throw StoreError.notFound("no database at \(path): import files first (giaingan import …) or pass --db PATH")
        }
        // Writers open the file one at a time (a lock file beside the real database file, held
        // for the milliseconds of opening): creating a database (WAL, page size) and migrating it
        // must not interleave with another process doing the same, which made SQLite answer
        // "busy" at once or run a migration twice.
        let openLock = readOnly ? nil : OpenLock(path: Store.canonicalPath(path) + ".migrate-lock")
        defer { openLock?.release() }
        try Store.refuseEmptyFile(at: path)
        do {
            if !readOnly && FileManager.default.fileExists(atPath: path) {
                // Before the pool opens: opening it writes (GRDB makes sure a WAL database has its
                // WAL), and nothing may be written to a damaged file.
                var check = Configuration()
                check.readonly = true
                check.busyMode = .timeout(busyTimeout)
                let queue = try DatabaseQueue(path: path, configuration: check)
                try Store.verifyIntegrity(queue, path: path, full: Store.fileBytes(path) <= Store.fullCheckBytes)
                try queue.close()
            }
            pool = try DatabasePool(path: path, configuration: config)
            if !readOnly {
                try Store.migrator.migrate(pool)
            } else {
                let pending = try pool.read { try Store.migrator.hasCompletedMigrations($0) }
                if !pending {
                    throw StoreError.needsMigration("the database at \(path) was made by an earlier version of GiaiNgan: "
                        + "open it once for writing (any import, or the same command with write access to the file) to migrate it")
                }
            }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw Store.translate(e, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Turns SQLite errors a user can meet into plain messages.
    static func translate(_ e: DatabaseError, path: String, busyTimeout: Double) -> StoreError {
        switch e.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy("the database \(path) is busy: another import or weekly run is writing it and did not finish within \(Int(busyTimeout)) s; try again when it has finished (GIAINGAN_BUSY_TIMEOUT=SECONDS waits longer)")
        case .SQLITE_NOTADB:
            return .invalid("\(path) is not a GiaiNgan database (not SQLite)")
        case .SQLITE_CORRUPT:
            return .invalid("the database \(path) is damaged (SQLite: \(e.message ?? "database disk image is malformed")): "
                + "nothing was written. Restore it from a backup, or recover what is readable with "
                + "`sqlite3 \(path) .recover | sqlite3 recovered.sqlite`")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM:
            return .io("cannot open \(path) for writing: \(e.message ?? "\(e.resultCode)")")
        case .SQLITE_ERROR where e.message == "integer overflow":
            return .invalid("amounts in \(path) add up beyond the largest amount (9.223.372.036.854.775.807 VND): an amount "
                + "stored in the database is wrong; `giaingan imports` lists the files imported")
        case .SQLITE_FULL:
            return .io("the disk is full while writing \(path); nothing was written")
        default:
            return .invalid("database error in \(path): \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// The page size of new databases.
    static let pageSize = 65_536

    /// Runs `body` in a write transaction, translating SQLite errors.
    ///
    /// - parameter bulk: the transaction writes many rows whose references the caller has checked
    ///   itself: SQLite's per-row foreign-key lookups are switched off for it (they are back on
    ///   for the connection's next transaction), and the page cache is raised to
    ///   ``bulkCacheKiB``.
    func write<T>(bulk: Bool = false, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                if bulk {
                    // Both pragmas act on the connection and must run outside a transaction.
                    try db.execute(sql: "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -\(Store.bulkCacheKiB)")
                }
                defer {
                    if bulk { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let e as DatabaseError {
            throw Store.translate(e, path: path, busyTimeout: busyTimeout)
        }
    }

    /// The page cache of a bulk import, in KiB: room for the pages it keeps coming back to
    /// (the ends of the table and indexes, the txn_id index's path) within the 64 MB of memory a
    /// million-row import may use; SQLite's default is 2 MB.
    static let bulkCacheKiB = 12_288

    /// Runs `body` in a read transaction (a consistent snapshot), translating SQLite errors.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let e as DatabaseError {
            throw Store.translate(e, path: path, busyTimeout: busyTimeout)
        }
    }

    // MARK: - Schema

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: registry, plan, ledger, imports") { db in
            try db.execute(sql: """
                CREATE TABLE investor (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    successor_id INTEGER REFERENCES investor(id)
                );
                CREATE TABLE import (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    imported_at TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    rows_read INTEGER NOT NULL,
                    rows_added INTEGER NOT NULL,
                    rows_present INTEGER NOT NULL,
                    rows_updated INTEGER NOT NULL,
                    notes TEXT NOT NULL DEFAULT ''
                );
                CREATE UNIQUE INDEX import_by_content ON import(kind, sha256);
                CREATE TABLE project (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    investor_id INTEGER NOT NULL REFERENCES investor(id),
                    district TEXT,
                    procedures_completed_on INTEGER,
                    construction_started_on INTEGER,
                    import_id INTEGER NOT NULL REFERENCES import(id)
                );
                CREATE INDEX project_by_investor ON project(investor_id);
                CREATE TABLE investor_change (
                    id INTEGER PRIMARY KEY,
                    project_id INTEGER NOT NULL REFERENCES project(id),
                    old_investor_id INTEGER NOT NULL REFERENCES investor(id),
                    new_investor_id INTEGER NOT NULL REFERENCES investor(id),
                    changed_on INTEGER NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES import(id)
                );
                CREATE TABLE plan_line (
                    id INTEGER PRIMARY KEY,
                    project_id INTEGER NOT NULL REFERENCES project(id),
                    plan_year INTEGER NOT NULL,
                    class TEXT NOT NULL CHECK (class IN ('transitional', 'new_start')),
                    tranche INTEGER NOT NULL CHECK (tranche IN (0, 1)),
                    fund_source TEXT NOT NULL DEFAULT '',
                    amount INTEGER NOT NULL,
                    effective_on INTEGER NOT NULL,
                    decision_ref TEXT NOT NULL DEFAULT '',
                    occurrence INTEGER NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES import(id),
                    source_line INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX plan_line_identity ON plan_line(project_id, plan_year, tranche, effective_on,
                    decision_ref, amount, class, fund_source, occurrence);
                CREATE INDEX plan_line_by_year ON plan_line(plan_year, project_id, tranche, effective_on, amount);
                CREATE TABLE ledger_entry (
                    id INTEGER PRIMARY KEY,
                    txn_id TEXT NOT NULL UNIQUE,
                    project_id INTEGER NOT NULL REFERENCES project(id),
                    plan_year INTEGER NOT NULL,
                    tranche INTEGER NOT NULL CHECK (tranche IN (0, 1)),
                    fund_source TEXT NOT NULL DEFAULT '',
                    date INTEGER NOT NULL,
                    type INTEGER NOT NULL CHECK (type BETWEEN 0 AND 3),
                    amount INTEGER NOT NULL CHECK (amount > 0),
                    disbursed_delta INTEGER NOT NULL,
                    advance_delta INTEGER NOT NULL,
                    note TEXT,
                    import_id INTEGER NOT NULL REFERENCES import(id),
                    source_line INTEGER NOT NULL
                );
                -- Covers the as-of sums: one index range scan per plan year, grouped by project.
                CREATE INDEX ledger_as_of ON ledger_entry(plan_year, project_id, tranche, date, disbursed_delta, advance_delta);
                """)
        }
        m.registerMigration("v2: stored check runs") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY,
                    plan_year INTEGER NOT NULL,
                    as_of INTEGER NOT NULL,
                    rules_name TEXT NOT NULL,
                    rules_toml TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    report_json TEXT NOT NULL
                );
                CREATE INDEX run_by_year ON run(plan_year, as_of, id);
                CREATE TABLE run_warning (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    warning_key TEXT NOT NULL,
                    code TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    investor TEXT,
                    body_json TEXT NOT NULL,
                    PRIMARY KEY (run_id, warning_key)
                );
                """)
        }
        m.registerMigration("v3: portal users") { db in
            try db.execute(sql: """
                CREATE TABLE app_user (
                    id INTEGER PRIMARY KEY,
                    login TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('dpi', 'investor')),
                    investor TEXT,
                    created_at TEXT NOT NULL,
                    CHECK ((role = 'investor') = (investor IS NOT NULL))
                );
                """)
        }
        m.registerMigration("v4: ledger index by date") { db in
            // Entries arrive in date order, so an index led by the date (and the id, which grows)
            // takes new entries at its end instead of at random places, which made importing a
            // million entries several times slower; checks read the year's range up to the as-of
            // date and sum per project themselves.
            try db.execute(sql: """
                DROP INDEX ledger_as_of;
                CREATE INDEX ledger_by_date ON ledger_entry(plan_year, date, id, project_id, tranche, disbursed_delta, advance_delta);
                """)
        }
        m.registerMigration("v5: ledger totals per project and year") { db in
            // Running totals of amounts, so an import checks the overflow bound on what it touched
            // instead of scanning the whole ledger (which doubled the time of a 1M-row import).
            try db.execute(sql: """
                CREATE TABLE ledger_total (
                    project_id INTEGER NOT NULL REFERENCES project(id),
                    plan_year INTEGER NOT NULL,
                    total REAL NOT NULL,
                    PRIMARY KEY (project_id, plan_year)
                ) WITHOUT ROWID;
                INSERT INTO ledger_total (project_id, plan_year, total)
                    SELECT project_id, plan_year, TOTAL(amount) FROM ledger_entry GROUP BY project_id, plan_year;
                """)
        }
        m.registerMigration("v6: stable investor slugs") { db in try Store.addInvestorSlugs(db) }
        m.registerMigration("v7: incomplete weeks") { db in
            // A weekly run made while a file of its inbox was rejected says so, and withholds the
            // new warnings the missing data could change (announced = 0) until a later run.
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN incomplete_json TEXT NOT NULL DEFAULT '';
                ALTER TABLE run_warning ADD COLUMN announced INTEGER NOT NULL DEFAULT 1;
                """)
        }
        m.registerMigration("v8: advance plans and fund sources in the ledger index") { db in
            // The tranche column takes 2 (advance_plan). Widening a CHECK changes no stored row,
            // so SQLite's documented in-place edit of the schema text serves (sqlite.org/lang_altertable,
            // "making other kinds of table schema changes"); the schema version is bumped so every
            // connection re-reads it, and the result is checked.
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: """
                UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (tranche IN (0, 1))', 'CHECK (tranche IN (0, 1, 2))')
                WHERE type = 'table' AND name IN ('plan_line', 'ledger_entry')
                """)
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
            guard check == ["ok"] else { throw StoreError.invalid("migration v8 left the schema damaged: \(check.prefix(3))") }
            // The fund source joins the covering index, so a check sums per fund source in the
            // same index-only scan.
            try db.execute(sql: """
                DROP INDEX ledger_by_date;
                CREATE INDEX ledger_by_date ON ledger_entry(plan_year, date, id, project_id, tranche, fund_source,
                    disbursed_delta, advance_delta);
                """)
        }
        m.registerMigration("v9: the province's capital envelope, key projects") { db in
            try db.execute(sql: """
                CREATE TABLE envelope_line (
                    id INTEGER PRIMARY KEY,
                    plan_year INTEGER NOT NULL,
                    level TEXT NOT NULL CHECK (level IN ('prime_minister', 'province')),
                    tranche INTEGER NOT NULL CHECK (tranche IN (0, 1, 2)),
                    fund_source TEXT NOT NULL DEFAULT '',
                    amount INTEGER NOT NULL,
                    effective_on INTEGER NOT NULL,
                    decision_ref TEXT NOT NULL DEFAULT '',
                    occurrence INTEGER NOT NULL,
                    import_id INTEGER NOT NULL REFERENCES import(id),
                    source_line INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX envelope_line_identity ON envelope_line(plan_year, level, tranche, fund_source,
                    effective_on, decision_ref, amount, occurrence);
                ALTER TABLE project ADD COLUMN key_project INTEGER NOT NULL DEFAULT 0;
                """)
        }
        m.registerMigration("v10: fund sources of plan lines in the form reports key them") { db in
            // Plan lines are identified by their content, fund source included: stored as
            // `FundSource.key` makes it (upper case, normalised), a file that spells a code
            // another way repeats the same lines instead of adding them. A line that would then
            // collide with a stored one keeps its spelling (it was imported twice before).
            for text in try String.fetchAll(db, sql: "SELECT DISTINCT fund_source FROM plan_line") {
                let key = FundSource.key(text)
                if key != text {
                    try db.execute(sql: "UPDATE OR IGNORE plan_line SET fund_source = ? WHERE fund_source = ?", arguments: [key, text])
                }
            }
        }
        m.registerMigration("v11-schedules") { db in
            // Every submission is kept: the schedule in force at a date is, per project and month,
            // the latest submitted on or before it. A submission is identified by its project,
            // year, month and date; the same key with another figure is a conflict, never an
            // overwrite. `submitted_by` names the portal user who uploaded it ('' for a CLI import).
            try db.execute(sql: """
                CREATE TABLE schedule_line (
                    id INTEGER PRIMARY KEY,
                    project_id INTEGER NOT NULL REFERENCES project(id),
                    plan_year INTEGER NOT NULL,
                    period TEXT NOT NULL,
                    planned INTEGER NOT NULL CHECK (planned >= 0),
                    submitted_on INTEGER NOT NULL,
                    submitted_by TEXT NOT NULL DEFAULT '',
                    import_id INTEGER NOT NULL REFERENCES import(id),
                    source_line INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX schedule_line_identity ON schedule_line(project_id, plan_year, period, submitted_on);
                CREATE INDEX schedule_line_by_year ON schedule_line(plan_year);
                """)
        }
        m.registerMigration("v12-successions: dated changes of a project's investor") { db in try Store.createSuccessions(db) }
        m.registerMigration("v13-former-province: projects brought in by giaingan merge") { db in try Store.addFormerProvince(db) }
        m.registerMigration("v14-districts: old districts and communes and the units that replaced them") { db in
            try Store.createDistrictMap(db)
        }
        m.registerMigration("v15-mail: contacts and what each weekly run mailed") { db in try Store.createMailTables(db) }
        m.registerMigration("v16-ledger-pack: a packed copy of the ledger for the checks") { db in
            try LedgerPack.createTables(db)
            try LedgerPack.catchUp(db)
        }
        m.registerMigration("v17-ledger-index: the date index without the columns the checks read from the pack") { db in
            // The checks and the seasonal profile read the packed ledger since v16, so the covering
            // columns of ledger_by_date were written by every import for no reader: a quarter of a
            // 10M-row import's time. What still reads the index needs only these columns: the plan
            // years (seeks on plan_year) and a project's entries on the portal (plan_year and a
            // date range, filtered by project in the index before any row is read). It stays led
            // by the date, so that new entries go at its end.
            try db.execute(sql: """
                DROP INDEX ledger_by_date;
                CREATE INDEX ledger_by_date ON ledger_entry(plan_year, date, project_id);
                """)
        }
        return m
    }
}

// MARK: - Encodings shared by the store's SQL

extension Tranche {
    var storeCode: Int64 {
        switch self { case .current: 0; case .carriedOver: 1; case .advancePlan: 2 }
    }
    init(storeCode: Int64) {
        switch storeCode { case 0: self = .current; case 1: self = .carriedOver; default: self = .advancePlan }
    }
}

extension EntryType {
    var storeCode: Int64 {
        switch self { case .advance: 0; case .payment: 1; case .advanceRecovery: 2; case .refund: 3 }
    }
    init(storeCode: Int64) {
        switch storeCode { case 0: self = .advance; case 1: self = .payment; case 2: self = .advanceRecovery; default: self = .refund }
    }
}

/// An exclusive lock on a file, waited for; nil-safe when the folder is not writable (the open
/// then goes ahead unserialised, as SQLite itself would).
final class OpenLock {
    private let fd: Int32

    init?(path: String) {
        fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { return nil }
        flock(fd, LOCK_EX)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

// MARK: - The file itself

extension Store {
    /// The real path of the database file (symbolic links and `..` resolved), so that locks kept
    /// beside it are the same for every path that names the same file. For a file that does not
    /// exist yet, its folder is resolved and the name appended.
    public static func canonicalPath(_ path: String) -> String {
        func real(_ p: String) -> String? {
            guard let resolved = realpath(p, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if let file = real(path) { return file }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        return (real(folder) ?? folder) + "/" + url.lastPathComponent
    }

    /// The bytes of the database file and its WAL.
    static func fileBytes(_ path: String) -> Int64 {
        func size(_ p: String) -> Int64 {
            var status = stat()
            return stat(p, &status) == 0 ? Int64(status.st_size) : 0
        }
        return size(path) + size(path + "-wal")
    }

    /// A writer checks the whole file when it is at most this large (about 300,000 ledger
    /// entries, several years of a real province; `PRAGMA quick_check` takes under 0.1 s there).
    /// Above it, the smaller tables are checked in full and the ledger's pages as they are read
    /// (`cell_size_check`); the weekly run checks the whole file every week (see
    /// `verifyIntegrity`). A full check of a 195 MB national-scale file took 0.6 s of CPU here,
    /// half the time of the million-row import it would precede.
    public static let fullCheckBytes: Int64 = 64 << 20

    /// A zero-length file at the database path is refused, not turned into a new empty database:
    /// it is what a failed copy or a truncation leaves, and the data it should hold would
    /// silently be gone. (A new database's main file can be empty while its WAL holds the
    /// schema, so a non-empty WAL beside it makes it a database.)
    static func refuseEmptyFile(at path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw StoreError.invalid("\(path) is not a regular file: a GiaiNgan database is a file")
        }
        var wal = stat()
        if status.st_size == 0 && !(stat(path + "-wal", &wal) == 0 && wal.st_size > 0) {
            throw StoreError.invalid("\(path) is an empty file (0 bytes), not a GiaiNgan database: restore it from a backup "
                + "or move it away; a new database is created only where no file exists")
        }
    }

    /// Refuses to write a database that fails SQLite's `quick_check`: writing into damaged
    /// pages can spread the damage and hide it. `full` checks every table; otherwise every table
    /// but the ledger is checked, and the ledger's pages are checked as the import reads them.
    static func verifyIntegrity(_ reader: some DatabaseReader, path: String, full: Bool) throws {
        let problems: [String] = try reader.read { db in
            let tables: [String?]
            if full {
                tables = [nil]
            } else {
                tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('ledger_entry') AND name NOT LIKE 'sqlite_%'
                    """)
            }
            var out: [String] = []
            for table in tables {
                // The table name comes from the database's own schema, quoted as an identifier.
                let sql = table.map { "PRAGMA quick_check(\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\")" } ?? "PRAGMA quick_check"
                out += try String.fetchAll(db, sql: sql).filter { $0 != "ok" }
            }
            return out
        }
        guard problems.isEmpty else {
            throw StoreError.invalid("the database \(path) is damaged (SQLite's quick_check: \(problems.prefix(3).joined(separator: "; "))"
                + (problems.count > 3 ? "; and \(problems.count - 3) more" : "") + "): nothing was written. Restore it from a "
                + "backup, or recover what is readable with `sqlite3 \(path) .recover | sqlite3 recovered.sqlite`")
        }
    }

    /// Checks the whole database file (the weekly run does it once per run, whatever its size).
    public func verifyIntegrity() throws {
        do {
            try Store.verifyIntegrity(pool, path: path, full: true)
        } catch let e as DatabaseError {
            throw Store.translate(e, path: path, busyTimeout: busyTimeout)
        }
    }
}
