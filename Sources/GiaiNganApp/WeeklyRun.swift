import Foundation
import GiaiNganCore
import GiaiNganImport
import GiaiNganReport
import GiaiNganRules
import GiaiNganStore

/// The unattended weekly run: import what arrived, check, store the run, compare with the last
/// one, and write the dated folder of reports.
///
/// - Inbox: every regular file directly in the inbox (not in sub-folders, not hidden, not a
///   symbolic link) is a candidate. Its kind is recognised from its header; a file imported before
///   (same SHA-256) is skipped; each file is imported in its own transaction, projects first, then
///   plans, then ledgers. A file that cannot be imported is moved to `INBOX/rejected/` with
///   `NAME.errors.txt` beside it; nothing is ever deleted.
/// - Output: `OUT/<as-of>/` holds `summary.json`, `report.html`, `report.csv`, `report.json`,
///   `report.txt`, `report.xlsx` and `investors/` with one HTML and one `.xlsx` file per investor. The folder is written beside
///   and renamed into place, so a reader never sees half a folder.
/// - Two runs at once: the second refuses with a clear message (a lock beside the database).
public struct WeeklyRun {
    public var store: Store
    public var databasePath: String
    public var inbox: String
    public var out: String
    public var rules: RuleSet
    public var asOf: CivilDate
    public var lang: Language = .vi
    public var today: CivilDate
    /// Compare with this date instead of the previous stored run.
    public var since: CivilDate?
    public var rankBy: RankOrder = .rate

    public init(store: Store, databasePath: String, inbox: String, out: String, rules: RuleSet, asOf: CivilDate,
                lang: Language = .vi, today: CivilDate, since: CivilDate? = nil, rankBy: RankOrder = .rate) {
        self.since = since
        self.rankBy = rankBy
        self.store = store
        self.databasePath = databasePath
        self.inbox = inbox
        self.out = out
        self.rules = rules
        self.asOf = asOf
        self.lang = lang
        self.today = today
    }

    public struct FileOutcome: Sendable {
        public var file: String
        public var kind: String?
        /// `imported`, `already_imported` or `rejected`.
        public var status: String
        public var detail: String
    }

    public struct Outcome: Sendable {
        public var runID: Int64
        public var previousRunID: Int64?
        public var folder: String
        public var files: [FileOutcome]
        public var new: [StoredWarning]
        public var resolved: [StoredWarning]
        public var persisting: [StoredWarning]
        /// New warnings not announced because a rejected file could change them; a later run
        /// announces those that remain once the data is whole.
        public var withheld: [StoredWarning] = []
        /// What changed since the comparison (the previous run or `--since`), in one sentence.
        public var change: String?
        /// Whether a new critical warning appeared (exit status 1).
        public var newCritical: Bool { new.contains { $0.severity == Severity.critical.rawValue } }
        /// The files of the inbox that were rejected: when any was, the week's data is incomplete.
        public var rejected: [FileOutcome] { files.filter { $0.status == "rejected" } }
        public var dataComplete: Bool { rejected.isEmpty }
    }

    /// Whether a warning of `code` could change if the rejected files had been imported.
    ///
    /// A missing ledger can change every figure of disbursement, so every warning but the
    /// milestone ones (which come from the registry and the plan's classes); a missing registry
    /// or plan file, or one whose kind was not recognised, can change anything.
    public static func couldChange(code: String, rejectedKinds: Set<String?>) -> Bool {
        guard !rejectedKinds.isEmpty else { return false }
        if rejectedKinds == [FileKind.disbursements.rawValue] {
            return code != WarningCode.milestoneMissed.rawValue && code != WarningCode.milestoneDue.rawValue
        }
        return true
    }

    /// Runs the whole job. Throws `UsageProblem` when another run holds the lock.
    ///
    /// Crash safety: the imports are one transaction per file; the reports are written into a
    /// hidden folder beside `OUT/<as-of>/`, and the run is stored in the same transaction that
    /// renames that folder into place. A run killed at any point therefore leaves either nothing
    /// or a stored run whose folder was published, and the next run reports the same new warnings
    /// (so an exit status 1 is never lost). Folders left behind by a killed run are cleaned up
    /// by the next one.
    public func run() throws -> Outcome {
        // Beside the real file: two paths to one database (a symbolic link) share one lock.
        let lock = try RunLock(path: Store.canonicalPath(databasePath) + ".weekly.lock")
        defer { lock.release() }
        // Once a week, whatever the size, the whole file is checked before anything is written.
        try store.verifyIntegrity()
        let fm = FileManager.default
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        cleanUpAfterKilledRuns()
        let files = try importInbox()
        var (province, snapshots) = try CheckService.evaluateProvince(store: store, rules: rules, asOf: asOf, rankBy: rankBy)
        // Only runs whose reports were published are stored, so the latest is the one to compare with.
        let previous = try store.previousRun(planYear: rules.planYear, asOf: asOf)
        var baselines = try CheckService.baselines(store: store, rules: rules, asOf: asOf, since: since)
        if since == nil, let previous, let reported = StoredReport.comparison(of: previous) {
            baselines.since = .stored(reported)
        }
        try baselines.attach(to: &province, investor: nil)

        let reportJSON = JSONReport.render(province, lang: lang, scope: .province)
        let names = Dictionary(province.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        let warnings = province.warnings.map { w in
            StoredWarning(key: w.key, code: w.code.rawValue, severity: w.severity.rawValue, subject: w.subject.description,
                          investor: w.investor?.name,
                          bodyJSON: JSONReport.warning(w, lang: lang, names: names).serialized(pretty: false))
        }
        // Compared with what the previous run announced: a warning it withheld is still news.
        let before = (try previous.map { try store.warnings(ofRun: $0.id) } ?? []).filter(\.announced)
        let beforeKeys = Set(before.map(\.key)), nowKeys = Set(warnings.map(\.key))
        let rejectedKinds = Set(files.filter { $0.status == "rejected" }.map(\.kind))
        var new: [StoredWarning] = [], withheld: [StoredWarning] = []
        for var w in warnings where !beforeKeys.contains(w.key) {
            if WeeklyRun.couldChange(code: w.code, rejectedKinds: rejectedKinds) {
                w.announced = false
                withheld.append(w)
            } else {
                new.append(w)
            }
        }
        let withheldKeys = Set(withheld.map(\.key))
        let stored = warnings.map { w in
            var w = w
            w.announced = !withheldKeys.contains(w.key)
            return w
        }
        let resolved = before.filter { !nowKeys.contains($0.key) }
        let persisting = warnings.filter { beforeKeys.contains($0.key) }
        let incompleteJSON = rejectedKinds.isEmpty ? ""
            : JSONValue.array(files.filter { $0.status == "rejected" }.map(\.json)).serialized(pretty: false)

        // Write the dated folder beside its final place.
        let final = (out as NSString).appendingPathComponent(asOf.description)
        let staging = (out as NSString).appendingPathComponent(".\(asOf.description).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(atPath: staging)
        do {
            return try writeAndPublish(staging: staging, final: final, province: province, snapshots: snapshots, baselines: baselines,
                             reportJSON: reportJSON, stored: stored, incompleteJSON: incompleteJSON, files: files,
                             previous: previous, new: new, resolved: resolved, persisting: persisting, withheld: withheld)
        } catch let error where WeeklyRun.isDiskFull(error) {
            try? fm.removeItem(atPath: staging)
            throw UsageProblem("the disk is full at \(out): nothing was published and the run was not stored (the files "
                + "imported from the inbox stay imported); free some space and run again")
        } catch {
            try? fm.removeItem(atPath: staging)
            throw error
        }
    }

    /// Whether an error says the disk (or the user's quota) is full: Foundation's
    /// `fileWriteOutOfSpace`, `ENOSPC` or `EDQUOT` from the system, or SQLite's `SQLITE_FULL`.
    static func isDiskFull(_ error: Error) -> Bool {
        if let cocoa = error as? CocoaError, cocoa.code == .fileWriteOutOfSpace { return true }
        if let posix = error as? POSIXError, posix.code == .ENOSPC || posix.code == .EDQUOT { return true }
        if case StoreError.io(let message) = error, message.contains("the disk is full") { return true }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain && (ns.code == Int(ENOSPC) || ns.code == Int(EDQUOT)) { return true }
        if ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileWriteOutOfSpace.rawValue { return true }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error { return isDiskFull(underlying) }
        return false
    }

    /// Writes the dated folder in `staging`, then stores the run and publishes the folder.
    private func writeAndPublish(staging: String, final: String, province: Evaluation, snapshots: [ProjectSnapshot], baselines: Baselines,
                       reportJSON: String, stored: [StoredWarning], incompleteJSON: String, files: [FileOutcome],
                       previous: StoredRun?, new: [StoredWarning], resolved: [StoredWarning],
                       persisting: [StoredWarning], withheld: [StoredWarning]) throws -> Outcome {
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(name)))
        }
        try put("report.json", reportJSON)
        try put("report.html", ReportFormat.html.render(province, lang: lang, scope: .province))
        try put("report.csv", ReportFormat.csv.render(province, lang: lang, scope: .province))
        try put("report.txt", ReportFormat.text.render(province, lang: lang, scope: .province))
        try ReportFormat.xlsx.data(province, lang: lang, scope: .province)
            .write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent("report.xlsx")))
        // Slugs are read after the snapshots: they are never changed or removed, so every
        // investor of the evaluation has one.
        _ = try PerInvestorReports.write(province: province, snapshots: snapshots, slugs: try PerInvestorReports.slugs(store),
                                         directory: (staging as NSString).appendingPathComponent("investors"),
                                         formats: [.html, .xlsx], lang: lang, baselines: baselines)
        // Store the run and publish the folder in one transaction (see above).
        var outcome: Outcome?
        _ = try store.saveRun(planYear: rules.planYear, asOf: asOf, rulesName: rules.name,
                              rulesTOML: RulesFile.render(rules), reportJSON: reportJSON, warnings: stored,
                              incompleteJSON: incompleteJSON) { runID in
            var o = Outcome(runID: runID, previousRunID: previous?.id, folder: final, files: files, new: new,
                            resolved: resolved, persisting: persisting, withheld: withheld)
            o.change = changeSentence(province)
            try put("summary.json", summary(o, province: province, previous: previous).serialized())
            try publish(staging, as: final, replacedSuffix: "\(runID)")
            outcome = o
        }
        guard let outcome else { throw UsageProblem("the run was not stored") }
        return outcome
    }

    /// Renames `staging` into `final`. An earlier folder of the same date is moved aside first and
    /// removed after; if the process dies between the two renames, the next run puts it back.
    func publish(_ staging: String, as final: String, replacedSuffix: String) throws {
        let fm = FileManager.default
        if WeeklyRun.entryExists(final) {
            let name = (final as NSString).lastPathComponent
            let old = (out as NSString).appendingPathComponent(".\(name).replaced-\(replacedSuffix)")
            try fm.moveItem(atPath: final, toPath: old)
            try fm.moveItem(atPath: staging, toPath: final)
            try? fm.removeItem(atPath: old)
        } else {
            try fm.moveItem(atPath: staging, toPath: final)
        }
    }

    /// Removes the hidden folders a killed run leaves in OUT: a staging folder whose process is gone,
    /// and a folder moved aside to be replaced (put back when the replacement never arrived).
    func cleanUpAfterKilledRuns() {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: out) else { return }
        for name in names where name.hasPrefix(".") {
            let path = (out as NSString).appendingPathComponent(name)
            if let range = name.range(of: ".partial-"), let pid = Int32(name[range.upperBound...]) {
                if pid == ProcessInfo.processInfo.processIdentifier || (kill(pid, 0) != 0 && errno == ESRCH) {
                    try? fm.removeItem(atPath: path)
                }
            } else if let range = name.range(of: ".replaced-") {
                let final = (out as NSString).appendingPathComponent(String(name[name.index(after: name.startIndex)..<range.lowerBound]))
                if WeeklyRun.entryExists(final) {
                    try? fm.removeItem(atPath: path)
                } else {
                    try? fm.moveItem(atPath: path, toPath: final)
                }
            }
        }
    }

    /// Writes a file that must not exist yet, refusing to follow a symbolic link at `path`.
    static func createNew(_ path: String, contents: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw UsageProblem("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try contents.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw UsageProblem("cannot write \(path): \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
    }

    /// Whether anything is at `path`, a dangling symbolic link included (`fileExists` follows links).
    static func entryExists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    // MARK: - Inbox

    func importInbox() throws -> [FileOutcome] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: inbox, isDirectory: &isDir), isDir.boolValue else {
            throw UsageProblem("the inbox \(inbox) is not a folder")
        }
        var candidates: [(path: String, name: String, kind: FileKind?)] = []
        var outcomes: [FileOutcome] = []
        // Each file is opened once, without following a link, and checked on the descriptor;
        // everything after (hash, kind, import) reads that descriptor, so a name swapped for a
        // link between the listing and the import still imports nothing from outside the inbox.
        var pins: [PinnedFile] = []
        for name in try fm.contentsOfDirectory(atPath: inbox).sorted() where !name.hasPrefix(".") {
            let path = (inbox as NSString).appendingPathComponent(name)
            if name.hasSuffix(".errors.txt") { continue }
            do {
                pins.append(try PinnedFile.open(path, followLinks: false))
            } catch {
                // Folders (rejected/ among them) are passed over; anything else is said.
                if error.isSymbolicLink {
                    outcomes.append(FileOutcome(file: name, kind: nil, status: "skipped",
                                                detail: "a symbolic link: only regular files in the inbox are imported"))
                } else if !error.isFolder {
                    outcomes.append(FileOutcome(file: name, kind: nil, status: "skipped",
                                                detail: String(error.reason.drop { $0 == " " })))
                }
                continue
            }
        }
        return try PinnedFile.withPinned(pins) {
            try importPinnedInbox(pins.map(\.path), candidates: &candidates, outcomes: &outcomes)
        }
    }

    private func importPinnedInbox(_ paths: [String], candidates: inout [(path: String, name: String, kind: FileKind?)],
                                   outcomes: inout [FileOutcome]) throws -> [FileOutcome] {
        for path in paths {
            let name = (path as NSString).lastPathComponent
            if try store.isImported(sha256: try FileDigest.sha256Hex(ofFile: path)) {
                outcomes.append(FileOutcome(file: name, kind: nil, status: "already_imported", detail: "same SHA-256 as an earlier import"))
                continue
            }
            do {
                candidates.append((path, name, try FileKind.detect(path: path)))
            } catch {
                outcomes.append(try reject(path: path, name: name, kind: nil, message: error.description))
            }
        }
        let order: [FileKind] = [.projects, .plan, .envelope, .schedules, .disbursements]
        for kind in order {
            for c in candidates where c.kind == kind {
                do {
                    let s = try store.importFiles(kind: kind, paths: [c.path], today: today)[0]
                    outcomes.append(FileOutcome(file: c.name, kind: kind.rawValue, status: "imported",
                                                detail: s.line.replacingOccurrences(of: c.path, with: c.name)))
                } catch let refused as ImportRefused {
                    outcomes.append(try reject(path: c.path, name: c.name, kind: kind, message: refused.description))
                }
            }
        }
        return outcomes
    }

    /// Moves a bad file to `INBOX/rejected/` with its error report beside it.
    ///
    /// Nothing is written outside the inbox: `rejected` must be a real folder (a symbolic link
    /// there stops the run), a name already taken, even by a dangling link, is never reused, and
    /// the report is created new, without following a link.
    func reject(path: String, name: String, kind: FileKind?, message: String) throws -> FileOutcome {
        let fm = FileManager.default
        let folder = (inbox as NSString).appendingPathComponent("rejected")
        var status = stat()
        if lstat(folder, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw UsageProblem("\(folder) is not a folder (a symbolic link or a file): bad files are set aside only in a real "
                    + "rejected/ folder inside the inbox; remove it and run again")
            }
        } else {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: false)
        }
        var target = (folder as NSString).appendingPathComponent(name)
        var n = 2
        while WeeklyRun.entryExists(target) || WeeklyRun.entryExists(target + ".errors.txt") {
            target = (folder as NSString).appendingPathComponent("\(n)-\(name)")
            n += 1
        }
        try fm.moveItem(atPath: path, toPath: target)
        let report = "GiaiNgan could not import \(name) (\(kind?.rawValue ?? "unknown kind")) on \(today):\n\n"
            + message.replacingOccurrences(of: path, with: name) + "\n\nFix the file and put it back in the inbox.\n"
        try WeeklyRun.createNew(target + ".errors.txt", contents: Data(report.utf8))
        // The first problem says why; the report beside the file has them all.
        let why = message.replacingOccurrences(of: path, with: name).split(separator: "\n")
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { String($0.prefix(300)) } ?? "see the error report"
        return FileOutcome(file: name, kind: kind?.rawValue, status: "rejected",
                           detail: "\(why) (moved to rejected/\((target as NSString).lastPathComponent), every error in "
                               + "\((target as NSString).lastPathComponent).errors.txt)")
    }

    // MARK: - Summary

    /// The province's change since a comparison, and the investors that crossed the provincial
    /// average ("moved from below to above the average"), or null without a comparison.
    func changes(_ e: Evaluation, _ c: Comparison?) -> JSONValue {
        guard let c, let then = c.province else { return .null }
        let change = Change(now: e.province.position, then: then)
        var movedUp: [JSONValue] = [], movedDown: [JSONValue] = []
        for i in e.investors {
            guard let now = i.aboveProvinceAverage, let before = c.investorsAboveAverage[i.investor], now != before else { continue }
            if now { movedUp.append(.string(i.investor.name)) } else { movedDown.append(.string(i.investor.name)) }
        }
        return .object([
            ("kind", .string(c.kind.rawValue)),
            ("as_of", .string(c.asOf.description)),
            ("run_id", c.runID.map { .int($0) } ?? .null),
            ("rate_then", JSONReport.rate(then.rate)),
            ("disbursed_change_vnd", .int(change.disbursedVND)),
            ("points_change", change.pointsHundredths.map { .number(JSONReport.pointsText($0)) } ?? .null),
            ("moved_above_average", .array(movedUp)),
            ("moved_to_or_below_average", .array(movedDown)),
        ])
    }

    /// "since 2023-09-08: disbursed +12.345.678.000 đồng, +1,25 points; above the average now: A; no longer: B".
    func changeSentence(_ e: Evaluation) -> String? {
        guard let c = e.sinceLast, let then = c.province else { return nil }
        let change = Change(now: e.province.position, then: then)
        var parts = [lang.t("giải ngân thêm \(Format.vnd(change.disbursedVND, lang)) đồng", "disbursed \(Format.vnd(change.disbursedVND, lang)) VND more")]
        if let points = change.pointsHundredths {
            let text = JSONReport.pointsText(points)
            parts.append(lang.t("\(points >= 0 ? "+" : "")\(text.replacingOccurrences(of: ".", with: ",")) điểm %", "\(points >= 0 ? "+" : "")\(text) points"))
        }
        let up = e.investors.filter { i in i.aboveProvinceAverage == true && c.investorsAboveAverage[i.investor] == false }.map(\.investor.name)
        let down = e.investors.filter { i in i.aboveProvinceAverage == false && c.investorsAboveAverage[i.investor] == true }.map(\.investor.name)
        if !up.isEmpty { parts.append(lang.t("lên trên mức bình quân: ", "moved above the average: ") + up.joined(separator: ", ")) }
        if !down.isEmpty { parts.append(lang.t("xuống bằng hoặc dưới mức bình quân: ", "moved to or below the average: ") + down.joined(separator: ", ")) }
        return lang.t("so với \(c.kind == .previousReport ? "lần chạy #\(c.runID ?? 0), " : "")ngày \(Format.date(c.asOf, lang)): ",
                      "since \(c.kind == .previousReport ? "run #\(c.runID ?? 0), " : "")\(Format.date(c.asOf, lang)): ") + parts.joined(separator: "; ")
    }

    func summary(_ o: Outcome, province e: Evaluation, previous: StoredRun?) -> JSONValue {
        func warningArray(_ ws: [StoredWarning]) -> JSONValue {
            .array(ws.map { w in
                .object([("key", .string(w.key)), ("code", .string(w.code)), ("severity", .string(w.severity)),
                         ("subject", .string(w.subject)), ("investor", w.investor.map { .string($0) } ?? .null),
                         ("warning", .raw(w.bodyJSON))])
            })
        }
        let headline = JSONValue.object([
            ("plan_vnd", .int(e.province.position.planVND)),
            ("disbursed_vnd", .int(e.province.position.disbursedVND)),
            ("rate", e.province.rate.map { .number($0.fractionText(digits: 6)) } ?? .null),
            ("checkpoints", .array(e.province.checkpoints.map { c in
                .object([("name", .string(c.checkpoint.name)), ("date", .string(c.checkpoint.date.description)),
                         ("threshold", .number(c.threshold.fractionText)), ("status", .string(c.status.rawValue))])
            })),
            ("investors", .int(Int64(e.investors.count))),
            ("investors_above_average", .int(Int64(e.investors.filter { $0.aboveProvinceAverage == true }.count))),
            ("projects", .int(Int64(e.projects.count))),
            ("warnings", .object(Severity.allCases.map { s in (s.rawValue, .int(Int64(e.warnings.filter { $0.severity == s }.count))) })),
        ])
        return .object([
            ("format", .string("giaingan.weekly/1")),
            // First, so that nobody reads the figures below without knowing they lack a file.
            ("data_complete", .bool(o.dataComplete)),
            ("incomplete", .array(o.rejected.map(\.json))),
            ("as_of", .string(asOf.description)),
            ("plan_year", .int(Int64(rules.planYear))),
            ("rules", .string(rules.name)),
            ("run_id", .int(o.runID)),
            ("previous_run", previous.map { .object([("id", .int($0.id)), ("as_of", .string($0.asOf.description))]) } ?? .null),
            ("headline", headline),
            ("since_last", changes(e, e.sinceLast)),
            ("same_period_last_year", changes(e, e.lastYear)),
            ("schedule", e.schedule.map { ScheduleWords.summaryJSON($0, lang: lang) } ?? .null),
            ("files", .array(o.files.map(\.json))),
            ("new_critical", .bool(o.newCritical)),
            ("new", warningArray(o.new)),
            ("resolved", warningArray(o.resolved)),
            ("persisting", warningArray(o.persisting)),
            ("withheld", warningArray(o.withheld)),
        ])
    }
}

extension WeeklyRun.FileOutcome {
    /// `{file, kind, status, detail}`, as `summary.json` lists files.
    var json: JSONValue {
        .object([("file", .string(file)), ("kind", kind.map { .string($0) } ?? .null),
                 ("status", .string(status)), ("detail", .string(detail))])
    }
}

/// An exclusive lock on a file, so two weekly runs never interleave.
final class RunLock {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw UsageProblem("cannot create the lock file \(path)") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw UsageProblem("another weekly run is using this database (lock \(path)); it was not disturbed: try again when it has finished")
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
