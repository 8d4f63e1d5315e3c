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
///   `report.txt` and `investors/` with one HTML file per investor. The folder is written beside
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

    public init(store: Store, databasePath: String, inbox: String, out: String, rules: RuleSet, asOf: CivilDate,
                lang: Language = .vi, today: CivilDate) {
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
        /// Whether a new critical warning appeared (exit status 1).
        public var newCritical: Bool { new.contains { $0.severity == Severity.critical.rawValue } }
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
        let lock = try RunLock(path: databasePath + ".weekly.lock")
        defer { lock.release() }
        let fm = FileManager.default
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        cleanUpAfterKilledRuns()
        let files = try importInbox()
        let (province, _) = try CheckService.evaluate(store: store, rules: rules, asOf: asOf)
        let snapshots = try store.snapshots(for: province.request)

        let reportJSON = JSONReport.render(province, lang: lang, scope: .province)
        let names = Dictionary(province.projects.map { ($0.project.code, $0.project.name) }, uniquingKeysWith: { a, _ in a })
        let warnings = province.warnings.map { w in
            StoredWarning(key: w.key, code: w.code.rawValue, severity: w.severity.rawValue, subject: w.subject.description,
                          investor: w.investor?.name,
                          bodyJSON: JSONReport.warning(w, lang: lang, names: names).serialized(pretty: false))
        }
        // Only runs whose reports were published are stored, so the latest is the one to compare with.
        let previous = try store.previousRun(planYear: rules.planYear, asOf: asOf)
        let before = try previous.map { try store.warnings(ofRun: $0.id) } ?? []
        let beforeKeys = Set(before.map(\.key)), nowKeys = Set(warnings.map(\.key))
        let new = warnings.filter { !beforeKeys.contains($0.key) }
        let resolved = before.filter { !nowKeys.contains($0.key) }
        let persisting = warnings.filter { beforeKeys.contains($0.key) }

        // Write the dated folder beside its final place.
        let final = (out as NSString).appendingPathComponent(asOf.description)
        let staging = (out as NSString).appendingPathComponent(".\(asOf.description).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(name)))
        }
        try put("report.json", reportJSON)
        try put("report.html", ReportFormat.html.render(province, lang: lang, scope: .province))
        try put("report.csv", ReportFormat.csv.render(province, lang: lang, scope: .province))
        try put("report.txt", ReportFormat.text.render(province, lang: lang, scope: .province))
        _ = try PerInvestorReports.write(province: province, snapshots: snapshots,
                                         directory: (staging as NSString).appendingPathComponent("investors"),
                                         format: .html, lang: lang)
        // Store the run and publish the folder in one transaction (see above).
        var outcome: Outcome?
        _ = try store.saveRun(planYear: rules.planYear, asOf: asOf, rulesName: rules.name,
                              rulesTOML: RulesFile.render(rules), reportJSON: reportJSON, warnings: warnings) { runID in
            let o = Outcome(runID: runID, previousRunID: previous?.id, folder: final, files: files, new: new,
                            resolved: resolved, persisting: persisting)
            try put("summary.json", summary(o, province: province, previous: previous).serialized())
            try publish(staging, as: final, replacedSuffix: "\(runID)")
            outcome = o
        }
        return outcome!
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
        for name in try fm.contentsOfDirectory(atPath: inbox).sorted() where !name.hasPrefix(".") {
            let path = (inbox as NSString).appendingPathComponent(name)
            let attributes = try fm.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                    outcomes.append(FileOutcome(file: name, kind: nil, status: "skipped",
                                                detail: "a symbolic link: only regular files in the inbox are imported"))
                }
                continue
            }
            if name.hasSuffix(".errors.txt") { continue }
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
        let order: [FileKind] = [.projects, .plan, .disbursements]
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
        return FileOutcome(file: name, kind: kind?.rawValue, status: "rejected",
                           detail: "moved to rejected/\((target as NSString).lastPathComponent) with its errors beside it")
    }

    // MARK: - Summary

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
            ("as_of", .string(asOf.description)),
            ("plan_year", .int(Int64(rules.planYear))),
            ("rules", .string(rules.name)),
            ("run_id", .int(o.runID)),
            ("previous_run", previous.map { .object([("id", .int($0.id)), ("as_of", .string($0.asOf.description))]) } ?? .null),
            ("headline", headline),
            ("files", .array(o.files.map { f in
                .object([("file", .string(f.file)), ("kind", f.kind.map { .string($0) } ?? .null),
                         ("status", .string(f.status)), ("detail", .string(f.detail))])
            })),
            ("new_critical", .bool(o.newCritical)),
            ("new", warningArray(o.new)),
            ("resolved", warningArray(o.resolved)),
            ("persisting", warningArray(o.persisting)),
        ])
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
