import GiaiNganCore
import GiaiNganImport
import GRDB

/// Bounds on the totals the store sums, so that no check ever meets an overflow.
///
/// Each amount fits in `Int64`, but two valid amounts may not add up to one: SQLite's `SUM` then
/// fails with "integer overflow" and Swift's `+` traps, on every later check of that plan year.
/// Since nothing in GiaiNgan deletes a stored row, an import must not leave such totals behind.
extension Store {
    /// The largest total, in absolute values, of one project's plan lines or of its ledger entries
    /// in one plan year: 9 × 10^18 VND, a margin below `Int64.max` (9.22 × 10^18) that floating-point
    /// totals cannot blur. Every sum a check computes for a project (at any date, in either or both
    /// tranches, over any window) is bounded by it, so it is exact.
    public static let largestProjectYearTotalVND: Double = 9e18

    /// Notes an issue for every project and plan year whose plan lines now add up (in absolute
    /// values) beyond ``largestProjectYearTotalVND``; `file` is the file just imported.
    ///
    /// Used for plan files (a plan is small); ledger files keep running totals (`LedgerTotals`).
    static func noteTotalsOverLimit(_ db: Database, kind: FileKind, file: String, note: (ImportIssue) -> Void) throws {
        guard kind == .plan else { return }
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.code, t.plan_year, t.total, t.project_id FROM (
                SELECT plan_year, project_id, TOTAL(ABS(amount)) AS total FROM plan_line GROUP BY plan_year, project_id
            ) t JOIN project p ON p.id = t.project_id WHERE t.total >= ? ORDER BY p.code, t.plan_year
            """, arguments: [largestProjectYearTotalVND])
        for row in rows {
            let code: String = row[0], year: Int = row[1], total: Double = row[2], projectID: Int64 = row[3]
            // The file's last row of that project and year: the place to start looking.
            let line = try Int.fetchOne(db, sql: """
                SELECT MAX(source_line) FROM plan_line WHERE import_id = (SELECT MAX(id) FROM import) AND plan_year = ? AND project_id = ?
                """, arguments: [year, projectID])
            note(ImportIssue(file: file, line: line, column: "project_code", value: code,
                             expected: "amounts that GiaiNgan can add up exactly; project \(code)'s plan lines for plan year \(year) "
                                + "would add up to about \(scientific(total)) VND, beyond the limit of 9 × 10^18 VND per project "
                                + "and year: an amount in this file is probably wrong"))
        }
    }

    /// `1.0 × 10^19`, for a message about totals too large to write out.
    static func scientific(_ value: Double) -> String {
        var exponent = 0
        var mantissa = value
        while mantissa >= 10 { mantissa /= 10; exponent += 1 }
        let tenths = Int((mantissa * 10).rounded(.down))
        return "\(tenths / 10).\(tenths % 10) × 10^\(exponent)"
    }
}

/// The running total, per project and plan year, of the amounts of every stored ledger entry
/// (table `ledger_total`), kept by each ledger import so that the bound of
/// `Store.largestProjectYearTotalVND` is checked on the projects and years a file touches only,
/// without scanning the ledger. The sum of amounts bounds every disbursed, advance and window sum
/// a check computes for that project and year.
struct LedgerTotals {
    let db: Database
    private var lastID: Int64 = 0
    private var added: [Key: (total: Double, line: Int)] = [:]
    struct Key: Hashable { var projectID: Int64; var planYear: Int }

    init(db: Database) { self.db = db }

    mutating func start() throws {
        lastID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM ledger_entry") ?? 0
    }

    /// Counts a row the caller knows was inserted.
    mutating func add(projectID: Int64, planYear: Int, amount: VND, line: Int) {
        let key = Key(projectID: projectID, planYear: planYear)
        let previous = added[key] ?? (0, 0)
        added[key] = (previous.total + Double(amount), max(previous.line, line))
    }

    /// Moves past `count` rows inserted and counted with `add` (row ids are given in order, one
    /// writer at a time, inside the import's transaction).
    mutating func advance(by count: Int) { lastID += Int64(count) }

    /// Adds the rows inserted since the last call, read back by their row ids: for a batch where
    /// some rows were already stored, so that only the new ones count.
    mutating func collectAdded() throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT project_id, plan_year, TOTAL(amount), MAX(source_line), MAX(id) FROM ledger_entry
            WHERE id > ? GROUP BY project_id, plan_year
            """, arguments: [lastID])
        var newLast = lastID
        while let r = try rows.next() {
            let key = Key(projectID: r[0], planYear: r[1])
            let previous = added[key] ?? (0, 0)
            added[key] = (previous.total + (r[2] as Double), max(previous.line, r[3] as Int))
            newLast = max(newLast, r[4] as Int64)
        }
        lastID = newLast
    }

    /// Adds this file's totals to the stored ones and notes every project and year beyond the bound.
    func finish(file: String, note: (ImportIssue) -> Void) throws {
        // Every stored total is below the bound; a key whose stored total cannot reach it with
        // this file's part needs no read back.
        let largestStored = try Double.fetchOne(db, sql: "SELECT MAX(total) FROM ledger_total") ?? 0
        let upsert = try db.makeStatement(sql: """
            INSERT INTO ledger_total (project_id, plan_year, total) VALUES (?, ?, ?)
            ON CONFLICT (project_id, plan_year) DO UPDATE SET total = total + excluded.total
            """)
        var suspects: [(Key, Int)] = []
        for (key, value) in added {
            try upsert.execute(arguments: [key.projectID, key.planYear, value.total])
            if largestStored + value.total >= Store.largestProjectYearTotalVND { suspects.append((key, value.line)) }
        }
        for (key, line) in suspects.sorted(by: { $0.1 < $1.1 }) {
            let total = try Double.fetchOne(db, sql: "SELECT total FROM ledger_total WHERE project_id = ? AND plan_year = ?",
                                            arguments: [key.projectID, key.planYear]) ?? 0
            guard total >= Store.largestProjectYearTotalVND else { continue }
            let code = try String.fetchOne(db, sql: "SELECT code FROM project WHERE id = ?", arguments: [key.projectID]) ?? "#\(key.projectID)"
            note(ImportIssue(file: file, line: line, column: "project_code", value: code,
                             expected: "amounts that GiaiNgan can add up exactly; project \(code)'s ledger entries for plan year \(key.planYear) "
                                + "would add up to about \(Store.scientific(total)) VND, beyond the limit of 9 × 10^18 VND per project "
                                + "and year: an amount in this file is probably wrong"))
        }
    }
}

extension Int64 {
    /// Adds `other`, or throws a message a user can act on where `+=` would trap.
    mutating func add(_ other: Int64, what: @autoclosure () -> String) throws {
        let (sum, overflow) = addingReportingOverflow(other)
        guard !overflow else {
            throw StoreError.invalid("\(what()) exceeds the largest amount (9.223.372.036.854.775.807 VND): an amount "
                + "stored in the database is wrong; `giaingan imports` lists the files imported")
        }
        self = sum
    }

    /// `self - other`, or a message a user can act on where `-` would trap.
    func minus(_ other: Int64, what: @autoclosure () -> String) throws -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard !overflow else {
            throw StoreError.invalid("\(what()) exceeds the largest amount (9.223.372.036.854.775.807 VND): an amount "
                + "stored in the database is wrong; `giaingan imports` lists the files imported")
        }
        return difference
    }
}
