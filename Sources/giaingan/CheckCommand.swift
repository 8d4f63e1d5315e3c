import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganForms
import GiaiNganReport
import GiaiNganStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check projects, investors, classes and the province against the checkpoints.",
        discussion: """
        Shows plan, disbursed and rate as of a date; for every checkpoint passed, met or missed on its own \
        date; for the next one, on track, at risk or off track, with the amount still needed, days left and \
        recent pace; and warnings grouped by severity, each with its figures.

        Formats: text (a report to read, Vietnamese unless --lang en), json (for scripts: see README \
        "JSON output"), csv (one row per project, opens in Excel), md, html (one self-contained page), \
        xlsx (an Excel workbook, one sheet per section; with --out FILE or standard output redirected). \
        --investor NAME restricts everything to that investor's projects; only the provincial average rate \
        comes from outside.

        Exit status: 0 when no warning reaches --fail-on (default critical), 1 when one does, 2 on bad usage \
        or bad input. Reports go to standard output, errors to standard error.

        Examples:
          giaingan check --as-of 2023-09-15
          giaingan check --as-of 2023-09-15 --format html > bao-cao.html
          giaingan check --investor "UBND huyện Năm Căn" --lang en
          giaingan check --format json --fail-on warning | jq .province
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Show only this investor's projects (chủ đầu tư).", valueName: "NAME"))
    var investor: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 1 when a warning of this severity or worse exists: critical, warning or never."))
    var failOn: FailOn = .critical

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output (written whole or not at all).", valueName: "FILE"))
    var out: String?

    func validate() throws { try ReportDestination(out: out, binary: output.format.isBinary).validate() }

    func run() throws {
        let store = try openExisting(database)
        let rules = try period.ruleSet()
        var scope = ReportScope.province
        var investorID: InvestorID?
        if let investor {
            let id = try CheckService.matchInvestor(investor, among: try store.investorNames())
            investorID = id
            scope = .investor(id)
        }
        let result = try CheckService.evaluate(store: store, rules: rules, asOf: period.asOf, investor: investorID,
                                               since: period.since, rankBy: period.rank)
        if result.province.projects.isEmpty {
            let years = try store.planYears().map(String.init).joined(separator: ", ")
            printErr("giaingan: note: nothing in the database for plan year \(rules.planYear) as of \(period.asOf)"
                     + (years.isEmpty ? "; import files first" : "; plan years present: \(years) (use --year or --as-of)"))
        }
        if let out {
            try ReportDestination(out: out, binary: output.format.isBinary)
                .write(try output.format.data(result.view, lang: output.lang, scope: scope))
        } else {
            try output.format.write(result.view, lang: output.lang, scope: scope) { writeStdout($0) }
        }
        let reached = failOn.isReached(by: result.view.warnings)
        ProcessEnd.keep(result)
        if reached { throw ExitCode(1) }
    }
}

/// Values a command hands to the end of the process instead of freeing them.
///
/// The process ends right after a report is written, and the operating system takes its memory
/// back at once; freeing a large province's results one value at a time (20,000 projects and
/// 35,000 warnings, each with its arrays and strings) cost about 5 % of a `check`. Only what
/// is kept here is spared; nothing in it is written or read again.
enum ProcessEnd {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) { kept.append(value) }
}

/// Opens the database for reading reports; a missing file is a clear error, not a new empty database.
func openExisting(_ database: DatabaseOptions) throws -> Store {
    guard FileManager.default.fileExists(atPath: database.path) else {
        throw CommandError("no database at \(database.path): import files first (giaingan import …), pass --db PATH, or try "
            + "`giaingan demo --keep demo.sqlite`")
    }
    return try database.openForReading()
}

struct Investors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank every investor by shortfall, against the provincial average.",
        discussion: """
        One line per investor (chủ đầu tư): plan, disbursed, rate, above or below the provincial average, \
        projects below their threshold at the last checkpoint, projects at risk toward the next one, and \
        the amount still needed — the way DPI reports are written ("10 of 17 investors are above the \
        provincial average"). Investors at 0% are named.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var period: PeriodOptions

    @Option(help: ArgumentHelp("Report language: vi or en.", valueName: "LANG"))
    var lang: Language = .vi

    @Flag(help: "JSON instead of a table (the `investors` array of `check --format json`).")
    var json = false

    @Option(help: ArgumentHelp("text (default), json (as --json) or xlsx (a workbook with the summary and the ranking).", valueName: "FORMAT"))
    var format: ReportFormat?

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
    var out: String?

    func validate() throws {
        if let format, ![.text, .json, .xlsx].contains(format) {
            throw ValidationError("investors --format: text, json or xlsx (the other formats are check's)")
        }
        try ReportDestination(out: out, binary: format == .xlsx).validate()
    }

    func run() throws {
        let store = try openExisting(database)
        let e = try CheckService.evaluate(store: store, rules: try period.ruleSet(), asOf: period.asOf, since: period.since,
                                          rankBy: period.rank).province
        let destination = ReportDestination(out: out, binary: format == .xlsx)
        if format == .xlsx {
            return try destination.write(Data(try ReportWorkbook.render(e, lang: lang, scope: .province, investorsOnly: true)))
        }
        if json || format == .json {
            let full = JSONReport.value(e, lang: lang, scope: .province)
            if case .object(let pairs) = full, let investors = pairs.first(where: { $0.0 == "investors" })?.1 {
                try destination.write(Data(investors.serialized().utf8))
            }
            return
        }
        let table = Format.terminalSafe(InvestorRanking.render(e, lang: lang))
        if out != nil { return try destination.write(Data(table.utf8)) }
        writeStdout(table)
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one report file per investor, for sending out.",
        discussion: """
        Each file holds only that investor's projects, figures and warnings, plus the provincial average \
        rate. File names are the investor's name in plain ASCII (ban-qlda-tinh.html).

        Example:
          giaingan report --per-investor out/2023-09-15 --format html --as-of 2023-09-15
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var period: PeriodOptions

    @Option(name: .customLong("per-investor"), help: ArgumentHelp("The folder to write one file per investor into (created if needed).", valueName: "DIR"))
    var directory: String

    @Option(help: ArgumentHelp("Output format: text, json, csv, md, html or xlsx.", valueName: "FORMAT"))
    var format: ReportFormat = .html

    @Option(help: ArgumentHelp("Report language: vi or en.", valueName: "LANG"))
    var lang: Language = .vi

    func run() throws {
        let store = try openExisting(database)
        let written = try PerInvestorReports.write(store: store, rules: try period.ruleSet(), asOf: period.asOf,
                                                   directory: directory, format: format, lang: lang,
                                                   since: period.since, rankBy: period.rank)
        for w in written { print(w) }
        printErr("\(written.count) files written to \(directory)")
    }
}

struct Imports: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the import history: files, SHA-256, rows added and already present.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try openExisting(database)
        let records = try store.importHistory()
        if records.isEmpty { print("no imports yet"); return }
        var t = TextTable(headers: ["#", "kind", "file", "imported at (UTC)", "rows", "added", "present", "updated", "sha256"],
                          aligns: [.right, .left, .left, .left, .right, .right, .right, .right, .left], maxWidth: 40)
        for r in records {
            t.add(["\(r.id)", r.kind, r.fileName, r.importedAt, "\(r.rowsRead)", "\(r.rowsAdded)", "\(r.rowsPresent)",
                   "\(r.rowsUpdated)", String(r.sha256.prefix(16))])
        }
        writeStdout(Format.terminalSafe(t.render(indent: "")))
    }
}
