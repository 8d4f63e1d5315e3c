import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganReport

extension TransferScope: ExpressibleByArgument {}
extension DonorProjection: ExpressibleByArgument {}

struct TransfersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfers",
        abstract: "Propose moving capital from projects that will not use it to projects that can absorb more.",
        discussion: """
        Donors are projects whose projected disbursement at the window end (the early warning's projection) \
        is below their plan; recipients are projects whose schedule for the window, or whose best 28-day pace, \
        goes beyond their plan. Capital moves only within one plan year, tranche and fund source (and one \
        investor with --within investor), in multiples of --round, and every proposal balances to the đồng.

        Writes into --out: transfers.csv and transfers.xlsx (the draft decision table, each line with its \
        reason) and plan-adjustments.csv (dated plan lines that `giaingan import plan` reads as they are). \
        Nothing changes in the database until a person imports that file.

        With --backtest (a finished plan year), also prints the capital left unspent at the window end with \
        and without the proposal (README "Transfer proposals").

        Example: giaingan transfers --db demo.sqlite --as-of 2023-09-30 --round 1000000 --out de-xuat/
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var period: PeriodOptions

    @Option(help: ArgumentHelp("Round every amount moved down to a multiple of this many đồng.", valueName: "VND"))
    var round: Int64 = 1_000_000

    @Option(help: ArgumentHelp("What a proposal stays within besides the plan year, tranche and fund source: fund-source or investor.",
                               valueName: "SCOPE"))
    var within: TransferScope = .fundSource

    @Option(name: .customLong("donor-projection"),
            help: ArgumentHelp("How a donor's disbursement at the window end is projected: best-pace (the larger of the early "
                               + "warning's projection and its best 28-day pace; default) or early-warning (that projection alone).",
                               valueName: "MODEL"))
    var donorProjection: DonorProjection = .bestPace

    @Option(help: ArgumentHelp("The folder to write the proposal into.", valueName: "DIR"))
    var out: String

    @Option(name: .customLong("effective-on"), help: ArgumentHelp("The date of the plan-adjustment lines (default: the as-of date).",
                                                                  valueName: "DATE"))
    var effectiveOnText: String?

    @Option(name: .customLong("decision-ref"), help: ArgumentHelp("The decision number written on the plan-adjustment lines.",
                                                                  valueName: "TEXT"))
    var decisionRef: String?

    @Flag(help: "Also measure the proposal on the figures at the window end (a finished plan year).")
    var backtest = false

    @Option(help: ArgumentHelp("Language of the reasons: vi or en.", valueName: "LANG"))
    var lang: Language = .vi

    func validate() throws {
        guard round > 0, round <= 1_000_000_000_000 else { throw ValidationError("--round \(round): expected 1 to 10^12 đồng") }
        if let t = effectiveOnText {
            guard let d = Dates.parse(t) else { throw ValidationError("--effective-on \"\(t)\" is not a date: expected yyyy-MM-dd or dd/MM/yyyy") }
            if let problem = SupportedRange.problem(date: d) { throw ValidationError("--effective-on: \(problem)") }
        }
        if let decisionRef, decisionRef.count > 200 { throw ValidationError("--decision-ref: at most 200 characters") }
    }

    func run() throws {
        let store = try openExisting(database)
        let rules = try period.ruleSet()
        let asOf = period.asOf
        let (proposals, _) = try TransferService.propose(store: store, rules: rules, asOf: asOf, roundVND: round, within: within,
                                                              donorProjection: donorProjection)
        let effectiveOn = effectiveOnText.flatMap(Dates.parse) ?? asOf
        let ref = decisionRef ?? lang.t("Dự thảo điều chuyển \(asOf)", "Draft transfer \(asOf)")
        let paths = try TransferService.write(proposals, lang: lang, effectiveOn: effectiveOn, decisionRef: ref, directory: out)
        let moved = proposals.reduce(Int64(0)) { $0 + $1.totalVND }
        print(lang.t("\(proposals.count) đề xuất, chuyển \(Format.vnd(moved, lang)) đồng", "\(proposals.count) proposals, moving \(Format.vnd(moved, lang)) VND"))
        for p in paths { print(p) }
        if backtest {
            let b = try TransferService.backtest(store: store, rules: rules, proposals: proposals)
            print(lang.t("backtest đến \(rules.windowEnd): vốn không giải ngân được \(Format.vnd(b.unspentWithoutVND, lang)) đồng khi không điều chuyển, "
                         + "\(Format.vnd(b.unspentWithVND, lang)) đồng khi điều chuyển; cắt quá mức \(Format.vnd(b.overCutVND, lang)) đồng",
                         "backtest to \(rules.windowEnd): unspent \(Format.vnd(b.unspentWithoutVND, lang)) VND without the proposal, "
                         + "\(Format.vnd(b.unspentWithVND, lang)) VND with it; cut beyond need \(Format.vnd(b.overCutVND, lang)) VND"))
        }
    }
}
