import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore

/// `--db PATH`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file.", discussion: "Default: $GIAINGAN_DB, else ./giaingan.sqlite.", valueName: "PATH"))
    var db: String?

    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["GIAINGAN_DB"], !env.isEmpty { return env }
        return Store.defaultFileName
    }

    /// Seconds to wait for another process writing the database: `GIAINGAN_BUSY_TIMEOUT`, else 30.
    var busyTimeout: Double {
        guard let text = ProcessInfo.processInfo.environment["GIAINGAN_BUSY_TIMEOUT"], !text.isEmpty else {
            return Store.busyTimeoutSeconds
        }
        guard let seconds = Double(text), seconds >= 0, seconds <= 86_400 else {
            printErr("giaingan: GIAINGAN_BUSY_TIMEOUT=\"\(text)\" is not a number of seconds (0–86400); waiting \(Int(Store.busyTimeoutSeconds)) s")
            return Store.busyTimeoutSeconds
        }
        return seconds
    }

    func open(readOnly: Bool = false) throws -> Store { try Store(path: path, readOnly: readOnly, busyTimeout: busyTimeout) }

    /// Opens the database for a command that only reads it: read-only, so it works on a
    /// read-only file or file system and never takes the write lock. A database made by an
    /// earlier version is migrated first when the file can be written.
    func openForReading() throws -> Store {
        do {
            return try open(readOnly: true)
        } catch StoreError.needsMigration(let message) {
            guard FileManager.default.isWritableFile(atPath: path) else { throw StoreError.needsMigration(message) }
            _ = try open()
            return try open(readOnly: true)
        }
    }
}

/// `--year`, `--as-of`, `--rules`, shared by the commands that check.
struct PeriodOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The plan year to check.", discussion: """
        Default: the plan year whose disbursement window holds the as-of date. A year's capital may be \
        disbursed until 31 January of the next year, so in January the default is the previous year; \
        pass --year to look at the new year's plan then.
        """, valueName: "YYYY"))
    var year: Int?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Figures as of this date (entries dated on it count).",
                                                            discussion: "yyyy-MM-dd or dd/MM/yyyy. Default: today.", valueName: "DATE"))
    var asOfText: String?

    @Option(help: ArgumentHelp("A rules file (TOML) for another year or province.",
                               discussion: "Default: the built-in Cà Mau 2023 rules (01/CTr-UBND, footnote 4). See fixtures/rules/.",
                               valueName: "FILE"))
    var rules: String?

    @Option(name: .customLong("since"), help: ArgumentHelp("Compare with the figures as of this earlier date of the same plan year.",
                               discussion: "Each rate is shown beside the rate then, with the change in points and in disbursed money. "
                                   + "The weekly run compares with the previous stored run without it.", valueName: "DATE"))
    var sinceText: String?

    @Option(help: ArgumentHelp("How investors are ranked: rate (highest first, as DPI reports rank them) or shortfall (largest amount still needed to the next checkpoint first).",
                               valueName: "ORDER"))
    var rank: RankOrder = .rate

    var since: CivilDate? { sinceText.flatMap(Dates.parse) }

    func validate() throws {
        if let sinceText {
            guard let date = Dates.parse(sinceText) else {
                throw ValidationError("--since \"\(sinceText)\" is not a date: expected yyyy-MM-dd or dd/MM/yyyy")
            }
            if let problem = SupportedRange.problem(date: date) { throw ValidationError("--since: \(problem)") }
            if date >= asOf { throw ValidationError("--since \(date) is not before the as-of date \(asOf)") }
        }
        if let asOfText {
            guard let date = Dates.parse(asOfText) else {
                throw ValidationError("--as-of \"\(asOfText)\" is not a date: expected yyyy-MM-dd or dd/MM/yyyy")
            }
            if let problem = SupportedRange.problem(date: date) { throw ValidationError("--as-of: \(problem)") }
            if year == nil, rules == nil,
               let problem = SupportedRange.problem(planYear: RuleSet.defaultPlanYear(asOf: date)) {
                throw ValidationError("--as-of \(date) falls in \(problem); pass --year")
            }
        }
        if let year, let problem = SupportedRange.problem(planYear: year) { throw ValidationError("--year: \(problem)") }
    }

    var asOf: CivilDate { asOfText.flatMap(Dates.parse) ?? Dates.today() }

    func ruleSet() throws -> RuleSet { try CheckService.rules(path: rules, year: year, asOf: asOf) }
}

enum Dates {
    static func parse(_ text: String) -> CivilDate? {
        if let d = CivilDate(iso: text) { return d }
        let parts = text.split(separator: "/")
        if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 {
            return CivilDate(year: y, month: m, day: d)
        }
        return nil
    }

    /// Today's civil date on this machine's calendar. The only clock read in GiaiNgan.
    static func today() -> CivilDate {
        let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CivilDate(computedYear: c.year ?? 2000, month: c.month ?? 1, day: c.day ?? 1)
    }
}

/// `--format`, `--lang`.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output format: text, json, csv, md, html or xlsx.", valueName: "FORMAT"))
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Report language: vi (Vietnamese) or en (English).", valueName: "LANG"))
    var lang: Language = .vi
}

extension ReportFormat: ExpressibleByArgument {}
extension RankOrder: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

/// `--fail-on`.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case critical, warning, never

    /// Whether any warning reaches this level.
    func isReached(by warnings: [Warning]) -> Bool {
        switch self {
        case .never: return false
        case .critical: return warnings.contains { $0.severity == .critical }
        case .warning: return warnings.contains { $0.severity == .critical || $0.severity == .warning }
        }
    }
}

/// Writes a message to standard error, control characters shown escaped (a value from a file or a
/// name can hold terminal escape sequences).
func printErr(_ s: String) { FileHandle.standardError.write(Data((Format.terminalSafe(s) + "\n").utf8)) }

func writeStdout(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}

/// Writes bytes to standard output without copying them first.
func writeStdout(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    FileHandle.standardOutput.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count,
                                         deallocator: .none))
}

var stderrIsTerminal: Bool { isatty(2) == 1 }

/// Every line the commands print goes through here: names, file names and values that came
/// from files can hold terminal escape sequences, shown escaped (`Format.terminalSafe`).
/// Reports in machine formats (JSON, CSV, HTML, Markdown) go out through `writeStdout` as is.
func print(_ text: String, terminator: String = "\n") {
    FileHandle.standardOutput.write(Data((Format.terminalSafe(text) + terminator).utf8))
}
