import Foundation
import GiaiNganCore
import GiaiNganImport
import GRDB

/// What one file of an import did.
public struct FileImportSummary: Sendable {
    public enum Status: Sendable, Equatable {
        case imported
        /// The same content (SHA-256) was imported before, as import `id` on `date`.
        case alreadyImported(id: Int64, importedAt: String)
    }
    public var file: String
    public var sha256: String
    public var kind: FileKind
    public var status: Status
    public var rowsRead = 0
    public var added = 0
    public var present = 0
    public var updated = 0
    public var notes: [String] = []

    /// One line for the terminal: `disbursements-h1.csv: 1.204 rows: 1.180 added, 24 already present, 0 conflicts`.
    public var line: String {
        switch status {
        case .alreadyImported(let id, let at):
            return "\(file): already imported (import #\(id), \(at)); nothing to do"
        case .imported:
            var parts = ["\(added) added", "\(present) already present"]
            if kind == .projects { parts.append("\(updated) updated") }
            parts.append("0 conflicts")
            return "\(file): \(rowsRead) rows: " + parts.joined(separator: ", ")
        }
    }
}

/// An import refused: every problem found (up to a limit), nothing written.
public struct ImportRefused: Error, CustomStringConvertible, Sendable {
    public var issues: [ImportIssue]
    /// All problems found, including those past the listed limit.
    public var totalIssues: Int
    public var description: String {
        var lines = issues.map(\.description)
        if totalIssues > issues.count { lines.append("… and \(totalIssues - issues.count) more problems") }
        lines.append("nothing was imported: fix the file\(Set(issues.map(\.file)).count > 1 ? "s" : "") and run the import again")
        return lines.joined(separator: "\n")
    }
}

/// Who submits a schedule through the portal: the signed-in user and the investor it speaks for.
/// Every row must name one of that investor's projects, or the whole upload is refused.
public struct ScheduleSubmitter: Sendable {
    public var user: String
    public var investor: InvestorID
    public init(user: String, investor: InvestorID) {
        self.user = user
        self.investor = investor
    }
}

/// Progress of a running import, for a terminal progress line.
public struct ImportProgress: Sendable {
    public var file: String
    public var rows: Int
    public var bytesDone: Int
    public var bytesTotal: Int
}

extension Store {
    /// How many problems an import lists before it only counts them.
    public static let issueListLimit = 50

    /// Imports `paths` of one kind in a single transaction: every row of every file valid →
    /// everything written; any problem → nothing written and `ImportRefused` thrown.
    ///
    /// A file whose SHA-256 was imported before is skipped. Ledger entries are keyed by txn_id:
    /// one seen again with the same content is counted once; with different content it is a
    /// conflict that refuses the import, naming both versions. Unknown project codes refuse the
    /// import too, every code listed: money that no investor owns would vanish from every report.
    ///
    /// - parameter submitter: for a schedule uploaded in the portal, who submits it; its rows may
    ///   name only that investor's projects.
    public func importFiles(kind: FileKind, paths: [String], options: ReadOptions = .init(), today: CivilDate,
                            submitter: ScheduleSubmitter? = nil,
                            progress: (@Sendable (ImportProgress) -> Void)? = nil) throws -> [FileImportSummary] {
        // Every file is opened once and checked on the descriptor (a regular file, not a FIFO or
        // a device); every read below reads that file (PinnedFile), whatever its name becomes.
        var pins: [PinnedFile] = []
        var refusals: [ImportIssue] = []
        for path in paths {
            if let already = PinnedFile.pinned[path] { pins.append(already); continue }
            do {
                pins.append(try PinnedFile.open(path, followLinks: true))
            } catch {
                refusals.append(ImportIssue(file: path, line: nil, column: nil, columnNumber: nil, value: nil,
                                            expected: "a regular file; this one \(error.reason)"))
            }
        }
        guard refusals.isEmpty else { throw ImportRefused(issues: refusals, totalIssues: refusals.count) }
        return try PinnedFile.withPinned(pins) {
            try importPinned(kind: kind, paths: paths, options: options, today: today, submitter: submitter, progress: progress)
        }
    }

    private func importPinned(kind: FileKind, paths: [String], options: ReadOptions, today: CivilDate,
                              submitter: ScheduleSubmitter?,
                              progress: (@Sendable (ImportProgress) -> Void)?) throws -> [FileImportSummary] {
        // Hash first, outside the write lock: a long hash must not hold other writers back.
        var hashed: [(String, String)] = []
        for path in paths {
            do {
                hashed.append((path, try FileDigest.sha256Hex(ofFile: path)))
            } catch {
                throw ImportRefused(issues: [ImportIssue(file: path, line: nil, column: nil, columnNumber: nil, value: nil,
                                                         expected: "a readable file (\(error))")], totalIssues: 1)
            }
        }
        // A file that decides how it is read (its date order, its decimal separator) only after
        // values were read the other way is read again, as it decided, in a new transaction.
        var decisions: [String: ReadDecisions] = [:]
        while true {
            do {
                return try importOnce(kind: kind, hashed: hashed, options: options, decisions: decisions, today: today,
                                      submitter: submitter, progress: progress)
            } catch let again as Reread {
                let known = decisions[again.path] ?? ReadDecisions()
                let merged = known.merging(again.decisions)
                guard merged != known else { throw ImportRefused(issues: [again.issue], totalIssues: 1) }
                decisions[again.path] = merged
            }
        }
    }

    /// A file to read again with what it decided.
    private struct Reread: Error {
        var path: String
        var decisions: ReadDecisions
        var issue: ImportIssue
    }

    private func importOnce(kind: FileKind, hashed: [(String, String)], options: ReadOptions, decisions: [String: ReadDecisions],
                            today: CivilDate, submitter: ScheduleSubmitter?, progress: (@Sendable (ImportProgress) -> Void)?) throws -> [FileImportSummary] {
        var issues: [ImportIssue] = []
        var total = 0
        var reread: Reread?
        func note(_ issue: ImportIssue) {
            if let decided = issue.reread {
                if reread == nil { reread = Reread(path: issue.file, decisions: decided, issue: issue) }
                return
            }
            total += 1
            if issues.count < Store.issueListLimit { issues.append(issue) }
        }
        do {
            // A ledger import checks every project code itself (unknown codes refuse the import),
            // so SQLite's foreign-key lookup per row would only repeat it.
            return try write(bulk: kind == .disbursements) { db in
            var out: [FileImportSummary] = []
            var seenHashes = Set<String>()
            for (path, sha) in hashed {
                if let r = try Row.fetchOne(db, sql: "SELECT id, imported_at FROM import WHERE kind = ? AND sha256 = ?",
                                            arguments: [kind.rawValue, sha]) {
                    out.append(FileImportSummary(file: path, sha256: sha, kind: kind,
                                                 status: .alreadyImported(id: r[0], importedAt: r[1])))
                    continue
                }
                if !seenHashes.insert(sha).inserted {
                    out.append(FileImportSummary(file: path, sha256: sha, kind: kind, status: .imported,
                                                 notes: ["same content as another file of this import; counted once"]))
                    continue
                }
                var fileOptions = options
                fileOptions.decided = decisions[path] ?? ReadDecisions()
                out.append(try importOne(db, kind: kind, path: path, sha: sha, options: fileOptions, today: today,
                                         submitter: submitter, note: note, progress: progress))
                if reread != nil { throw RollbackSignal() }
                if total == 0 && kind == .plan { try Store.noteTotalsOverLimit(db, kind: kind, file: path, note: note) }
            }
            if total > 0 { throw RollbackSignal() }
            return out
            }
        } catch is RollbackSignal {
            if let reread { throw reread }
            throw ImportRefused(issues: issues, totalIssues: total)
        }
    }

    private func importOne(_ db: Database, kind: FileKind, path: String, sha: String, options: ReadOptions,
                           today: CivilDate, submitter: ScheduleSubmitter?, note: (ImportIssue) -> Void,
                           progress: (@Sendable (ImportProgress) -> Void)?) throws -> FileImportSummary {
        let reader: TableReader
        do {
            reader = try TableReader(path: path, kind: kind, options: options)
        } catch {
            note(error)
            return FileImportSummary(file: path, sha256: sha, kind: kind, status: .imported)
        }
        let importID = try ImportSession.begin(db: db, kind: kind.rawValue, fileName: (path as NSString).lastPathComponent,
                                               sha256: sha, unit: reader.unit.rawValue)
        let session = try ImportSession(db: db, importID: importID, today: today)
        if let submitter {
            session.submittedBy = submitter.user
            session.onlyInvestorID = try Int64.fetchOne(db, sql: "SELECT id FROM investor WHERE name = ?",
                                                        arguments: [submitter.investor.name]) ?? -1
        }
        var summary = FileImportSummary(file: path, sha256: sha, kind: kind, status: .imported)
        var unknown: [String: (line: Int, count: Int)] = [:]
        let outerNote = note

        func record(_ outcome: ImportSession.Outcome, line: Int, key: String, column: String, code: String) {
            func note(_ issue: ImportIssue) { outerNote(reader.placed(issue, column: column)) }
            switch outcome {
            case .added: summary.added += 1
            case .present: summary.present += 1
            case .updated: summary.updated += 1
            case .unknownProject:
                let u = unknown[code]
                unknown[code] = (u?.line ?? line, (u?.count ?? 0) + 1)
            case .otherInvestor:
                note(ImportIssue(file: path, line: line, column: "project_code", columnNumber: nil, value: code,
                                 expected: "a project of your own: \(code) belongs to another investor, and an investor "
                                    + "submits schedules for its own projects only"))
            case .conflict(let stored) where kind == .schedules:
                note(ImportIssue(file: path, line: line, column: column, columnNumber: nil, value: key,
                                 expected: "the figure already stored for this project and month with the same submitted_on "
                                    + "(\(stored))"))
            case .duplicateInFile(let first) where kind == .schedules:
                note(ImportIssue(file: path, line: line, column: column, columnNumber: nil, value: key,
                                 expected: "one planned_vnd per project, plan year, period and submitted_on: line \(first) of "
                                    + "this file gives another figure for the same"))
            case .conflict(let stored):
                note(ImportIssue(file: path, line: line, column: column, columnNumber: nil, value: key,
                                 expected: "the same content as the entry already stored with this txn_id (\(stored)); a treasury entry is never overwritten"))
            case .duplicateInFile(let first):
                note(ImportIssue(file: path, line: line, column: column, columnNumber: nil, value: key,
                                 expected: "a unique \(column): line \(first) of this file has the same \(column) with different content"))
            case .leadingZeroCollision(let existing):
                note(ImportIssue(file: path, line: line, column: column, columnNumber: nil, value: key,
                                 expected: "a project code that is not another one's without its leading zeros; \(key) looks "
                                    + "like \(existing), already in the registry: the spreadsheet dropped its leading zeros; "
                                    + "format the column as Text and type the codes again, so that the project is not added twice"))
            }
        }

        do {
            if kind == .disbursements {
                let rows = try writeLedger(reader: reader, session: session, path: path, note: note, record: record,
                                           count: { summary.added += $0; summary.present += $1 }, progress: progress)
                summary.rowsRead += rows
            }
            var rows = 0
            while kind != .disbursements {
                rows += 1
                if rows % 16_384 == 0, let progress {
                    progress(ImportProgress(file: path, rows: rows, bytesDone: reader.bytesConsumed, bytesTotal: reader.fileSize))
                }
                switch kind {
                case .projects:
                    guard let row = try reader.nextProject() else { break }
                    summary.rowsRead += 1
                    row.issues.forEach(note)
                    if let p = row.value {
                        record(try session.add(p, line: row.line, keyProjectGiven: reader.hasKeyProjectColumn), line: row.line,
                               key: p.code, column: "project_code", code: p.code)
                    }
                    continue
                case .plan:
                    guard let row = try reader.nextPlanLine() else { break }
                    summary.rowsRead += 1
                    row.issues.forEach(note)
                    if let l = row.value { record(try session.add(l, line: row.line), line: row.line, key: l.projectCode, column: "project_code", code: l.projectCode) }
                    continue
                case .envelope:
                    guard let row = try reader.nextEnvelopeLine() else { break }
                    summary.rowsRead += 1
                    row.issues.forEach(note)
                    if let l = row.value {
                        record(try session.add(l), line: row.line, key: "\(l.planYear)", column: "plan_year", code: "")
                    }
                    continue
                case .schedules:
                    guard let row = try reader.nextScheduleLine() else { break }
                    summary.rowsRead += 1
                    row.issues.forEach(note)
                    if let l = row.value {
                        record(try session.add(l, line: row.line), line: row.line, key: "\(l.plannedVND)", column: "planned_vnd",
                               code: l.projectCode)
                    }
                    continue
                case .successions:
                    guard let row = try reader.nextSuccession() else { break }
                    summary.rowsRead += 1
                    row.issues.forEach(note)
                    if let r = row.value {
                        do {
                            let o = try Store.record(r, db: db)
                            summary.added += o.added.count
                            summary.present += o.present.count
                        } catch let problem as SuccessionProblem {
                            note(reader.placed(ImportIssue(file: path, line: row.line, column: problem.column, columnNumber: nil,
                                                           value: problem.value, expected: problem.expected), column: problem.column))
                        }
                    }
                    continue
                case .districts:
                    guard let row = try reader.nextDistrictChange() else { break }
                    summary.rowsRead += 1
                    row.issues.forEach(note)
                    if let c = row.value {
                        switch try Store.record(c, db: db) {
                        case .added: summary.added += 1
                        case .present: summary.present += 1
                        case .conflict(let stored):
                            note(reader.placed(ImportIssue(file: path, line: row.line, column: "old_unit", columnNumber: nil, value: c.oldUnit,
                                                           expected: "one new unit per old unit: \(stored) is already recorded"),
                                               column: "old_unit"))
                        }
                    }
                    continue
                case .disbursements:
                    break
                }
                break
            }
        } catch let issue as ImportIssue {
            note(issue)
        }
        reader.endOfFileIssues().forEach(note)
        if kind == .schedules, let code = try String.fetchOne(db, sql: """
            SELECT p.code FROM schedule_line s JOIN project p ON p.id = s.project_id
            GROUP BY s.project_id, s.plan_year HAVING TOTAL(s.planned) > 9e18 LIMIT 1
            """) {
            note(ImportIssue(file: path, line: 0, column: "planned_vnd", columnNumber: nil, value: code,
                             expected: "schedule figures of project \(code) that add up to at most 9 × 10^18 VND: beyond that "
                                + "the sums a check makes would overflow; an amount in this file is probably wrong"))
        }
        if kind == .envelope, let year = try session.envelopeYearOverLimit() {
            note(ImportIssue(file: path, line: 0, column: "amount_vnd", columnNumber: nil, value: "\(year)",
                             expected: "envelope lines of plan year \(year) that add up to at most 9 × 10^18 VND in absolute "
                                + "values: beyond that the sums a check makes would overflow"))
        }
        for (code, u) in unknown.sorted(by: { $0.value.line < $1.value.line }) {
            let rows = u.count == 1 ? "1 row uses" : "\(u.count) rows use"
            func note(_ issue: ImportIssue) { outerNote(reader.placed(issue, column: "project_code")) }
            if let padded = session.registryCode(matchingAfterLeadingZeros: code) {
                note(ImportIssue(file: path, line: u.line, column: "project_code", columnNumber: nil, value: code,
                                 expected: "a project in the registry (\(rows) this code); \(code) looks like \(padded) in the "
                                    + "registry: the spreadsheet dropped its leading zeros; format the column as Text and "
                                    + "type the codes again (or save the file from the system that exported it)"))
            } else {
                note(ImportIssue(file: path, line: u.line, column: "project_code", columnNumber: nil, value: code,
                                 expected: "a project in the registry (\(rows) this code): import projects.csv with it first"))
            }
        }
        summary.notes = reader.notes + session.notes
        if kind == .disbursements, let writer = session.ledgerWriter {
            for (year, entries) in try writer.planYearsWithoutPlan() {
                summary.notes.append("accepted \(entries) entries drawing on plan year \(year), which has no plan yet: they count once its plan is imported")
            }
        }
        try session.finish(read: summary.rowsRead, added: summary.added, present: summary.present,
                           updated: summary.updated, notes: summary.notes)
        return summary
    }

    /// Reads a disbursements file on a second thread and writes its rows as they are decoded;
    /// returns the number of rows read. Every row's problems and outcome reach `note` and `record`
    /// in file order, as the other kinds' row-by-row loop reports them; rows that are simply new or
    /// already present are only counted.
    private func writeLedger(reader: TableReader, session: ImportSession, path: String,
                             note: (ImportIssue) -> Void,
                             record: (ImportSession.Outcome, _ line: Int, _ key: String, _ column: String, _ code: String) -> Void,
                             count: (_ added: Int, _ present: Int) -> Void,
                             progress: (@Sendable (ImportProgress) -> Void)?) throws -> Int {
        let writer = try session.beginLedger()
        let ahead = LedgerReadAhead(reader: reader, projectIDs: session.projectIDsByCode)
        defer { ahead.stop() }
        // What this file adds per project and plan year, to keep the stored totals bounded
        // (Store+Limits): the rows a batch added are those above the largest id before it.
        var totals = LedgerTotals(db: session.db)
        try totals.start()
        // The packed copy the checks read (LedgerPack), kept in the same transaction.
        var packer = try LedgerPack.Packer(db: session.db)
        var insertable: [Int] = []
        var rowsRead = 0
        var nextProgress = 16_384
        while let batch = ahead.next() {
            let rows = batch.rows
            insertable.removeAll(keepingCapacity: true)
            for i in 0..<rows.count where rows.isValid(i) && batch.projectIDs[i] >= 0 { insertable.append(i) }
            var outcomes: [LedgerWriter.Outcome] = []
            switch try writer.write(insertable[...], of: rows, projectIDs: batch.projectIDs) {
            case .counts(let added, let present):
                count(added, present)
                if added == insertable.count {
                    // Every row was new: their totals are at hand.
                    for i in insertable {
                        totals.add(projectID: batch.projectIDs[i], planYear: rows.planYear[i], amount: rows.amountVND[i], line: rows.lines[i])
                    }
                    totals.advance(by: added)
                    try rows.text.withUnsafeBufferPointer { text in
                        for i in insertable {
                            let fund = rows.fundSource[i], amount = rows.amountVND[i], type = rows.type[i]
                            let bytes = fund.isAbsent || fund.count == 0 ? UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                                : UnsafeBufferPointer(rebasing: text[fund.offset..<(fund.offset + fund.count)])
                            try packer.add(planYear: rows.planYear[i], day: rows.date[i].dayNumber, projectID: batch.projectIDs[i],
                                           tranche: rows.tranche[i].storeCode, fundSource: bytes,
                                           disbursed: type.disbursedSign * amount, advance: type.advanceSign * amount)
                        }
                    }
                } else {
                    try totals.collectAdded()
                    try packer.readBack()
                }
            case .outcomes(let list):
                outcomes = list
                try totals.collectAdded()
                try packer.readBack()
            }
            var k = 0
            for i in 0..<rows.count {
                if let issues = rows.issues[i] { issues.forEach(note); continue }
                let line = rows.lines[i]
                if batch.projectIDs[i] < 0 {
                    let code = rows.string(rows.projectCode[i])!
                    record(.unknownProject, line, code, "project_code", code)
                    continue
                }
                guard !outcomes.isEmpty else { continue }
                let outcome: ImportSession.Outcome
                switch outcomes[k] {
                case .added: outcome = .added
                case .present: outcome = .present
                case .conflict(let stored): outcome = .conflict(stored)
                case .duplicateInFile(let first): outcome = .duplicateInFile(line: first)
                }
                k += 1
                record(outcome, line, rows.string(rows.txnID[i])!, "txn_id", rows.string(rows.projectCode[i])!)
            }
            rowsRead += rows.count
            if let failure = rows.failure { note(failure) }
            if let progress, rowsRead >= nextProgress {
                nextProgress = rowsRead + 16_384
                progress(ImportProgress(file: path, rows: rowsRead, bytesDone: rows.bytesConsumed, bytesTotal: reader.fileSize))
            }
            ahead.recycle(batch)
        }
        try totals.finish(file: path, note: note)
        try packer.finish()
        return rowsRead
    }

    /// The import history, newest first.
    public func importHistory(limit: Int = 200) throws -> [ImportRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, file_name, sha256, imported_at, unit, rows_read, rows_added, rows_present, rows_updated, notes
                FROM import ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).map {
                ImportRecord(id: $0[0], kind: $0[1], fileName: $0[2], sha256: $0[3], importedAt: $0[4], unit: $0[5],
                             rowsRead: $0[6], rowsAdded: $0[7], rowsPresent: $0[8], rowsUpdated: $0[9], notes: $0[10])
            }
        }
    }
}

/// One row of the import history.
public struct ImportRecord: Sendable, Codable {
    public var id: Int64
    public var kind: String
    public var fileName: String
    public var sha256: String
    public var importedAt: String
    public var unit: String
    public var rowsRead: Int
    public var rowsAdded: Int
    public var rowsPresent: Int
    public var rowsUpdated: Int
    public var notes: String
}

/// Thrown inside a write transaction to roll it back after problems were collected.
struct RollbackSignal: Error {}
