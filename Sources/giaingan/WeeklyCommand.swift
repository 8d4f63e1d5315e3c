import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore

struct Weekly: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The unattended weekly run: import the inbox, check, compare with last week, write the reports.",
        discussion: """
        1. Imports every new file in --inbox (kind recognised from its header; a file imported before is \
        skipped; a bad file is moved to INBOX/rejected/ with NAME.errors.txt beside it, the others still \
        import; nothing is deleted).
        2. Checks the plan year as of --as-of and stores the run (every figure and warning), so this week's \
        warnings stay reproducible after late treasury entries arrive.
        3. Compares with the previous stored run (same plan year, same as-of date or the latest earlier): \
        warnings new, resolved and persisting.
        4. Writes OUT/<as-of>/: summary.json, report.html, report.csv, report.json, report.txt and \
        report.xlsx and investors/ (one HTML and one .xlsx file per investor, for sending out).

        Exit status: 0 when nothing new is critical, 1 when a new critical warning appeared, 2 when the run \
        could not be made (another run holds the database, a bad option), 3 when the run was made but a file \
        of the inbox was rejected: the week's data is incomplete, the summary says so first, and new warnings \
        the missing file could change are withheld until a later run. With --mail, 4 when the run was made, \
        nothing new is critical and the data is complete, but a delivery failed (1 and 3 take precedence; the \
        failure is printed either way and retried by the next run of the date). For cron and systemd examples see \
        scripts/cron/.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var period: PeriodOptions
    @OptionGroup var mail: MailOptions

    @Option(help: ArgumentHelp("The folder where treasury and DPI files arrive.", valueName: "DIR"))
    var inbox: String

    @Option(help: ArgumentHelp("The folder to write OUT/<as-of>/ into.", valueName: "DIR"))
    var out: String

    @Option(help: ArgumentHelp("Report language: vi or en.", valueName: "LANG"))
    var lang: Language = .vi

    func run() throws {
        let store = try database.open()
        let weekly = WeeklyRun(store: store, databasePath: database.path, inbox: inbox, out: out,
                               rules: try period.ruleSet(), asOf: period.asOf, lang: lang, today: Dates.today(),
                               since: period.since, rankBy: period.rank)
        let o = try weekly.run()
        if !o.dataComplete {
            // First and on both streams: cron mails standard output, a terminal shows standard error.
            let banner = "THIS WEEK'S DATA IS INCOMPLETE (DỮ LIỆU TUẦN NÀY CHƯA ĐỦ): \(o.rejected.count) file(s) of the inbox "
                + "were rejected; the figures below lack them, and \(o.withheld.count) new warning(s) they could change are "
                + "withheld until the files are fixed and put back in the inbox:\n"
                + o.rejected.map { "  \($0.file) (\($0.kind ?? "kind not recognised")): \($0.detail)" }.joined(separator: "\n")
            print(banner)
            printErr("giaingan: " + banner)
        }
        for f in o.files { print("\(f.status): \(f.file) — \(f.detail)") }
        print("run #\(o.runID) as of \(period.asOf)" + (o.previousRunID.map { ", compared with run #\($0)" } ?? ", the first run of this plan year"))
        print("warnings: \(o.new.count) new (\(o.new.filter { $0.severity == "critical" }.count) critical), \(o.resolved.count) resolved, "
              + "\(o.persisting.count) persisting" + (o.dataComplete ? "" : ", \(o.withheld.count) withheld"))
        if let change = o.change { print(change) }
        print("reports: \(o.folder)")
        let mailed = mail.mail ? try mail.send(store: store, outcome: o, planYear: weekly.rules.planYear, asOf: period.asOf, lang: lang) : true
        if !o.dataComplete { throw ExitCode(3) }
        if o.newCritical { throw ExitCode(1) }
        if !mailed { throw ExitCode(4) }
    }
}
