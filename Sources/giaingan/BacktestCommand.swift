import ArgumentParser
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay the early warning over a finished plan year and score it.",
        discussion: """
        As of each month end, every project and investor flagged at risk or off track toward the next \
        checkpoint is compared with whether it then missed it. Prints hits, false alarms, misses that were \
        not flagged, precision and recall. Needs the whole year in the database (through 31 January).

        Example (the bundled province): giaingan backtest --db demo.sqlite --year 2023
        """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The plan year to replay.", valueName: "YYYY"))
    var year: Int

    @Option(help: ArgumentHelp("A rules file (TOML); default the built-in rules.", valueName: "FILE"))
    var rules: String?

    func validate() throws {
        if let problem = SupportedRange.problem(planYear: year) { throw ValidationError("--year: \(problem)") }
    }

    func run() throws {
        let store = try openExisting(database)
        let ruleSet = try CheckService.rules(path: rules, year: year, asOf: CivilDate(computedYear: year + 1, month: 12, day: 31))
        let r = try Backtest.run(store: store, rules: ruleSet)
        var t = TextTable(headers: ["as of", "next", "subjects", "flagged", "hits", "false alarms", "missed, not flagged"],
                          aligns: [.left, .left, .right, .right, .right, .right, .right])
        for row in r.rows {
            t.add([row.asOf.description, row.checkpoint, "\(row.subjects)", "\(row.flagged)", "\(row.hits)", "\(row.falseAlarms)", "\(row.missesUnflagged)"])
        }
        t.add(["total", "", "", "\(r.flagged)", "\(r.hits)", "\(r.falseAlarms)", "\(r.missesUnflagged)"])
        print(t.render(indent: ""), terminator: "")
        print("precision \(Double(r.precisionPerMille) / 10)%, recall \(Double(r.recallPerMille) / 10)%")
        print("\(r.missesFlaggedInAdvance) of \(r.misses) checkpoint misses (projects and investors) were flagged at least one month end before")
    }
}
