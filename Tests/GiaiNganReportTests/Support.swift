import XCTest
import GiaiNganCore
@testable import GiaiNganReport

func d(_ text: String) -> CivilDate { CivilDate(iso: text)! }

/// A small world to evaluate, built by the test: projects, plan lines and treasury entries, and
/// optionally the province's envelope and other rules.
struct World {
    var planYear = 2023
    var projects: [Project] = []
    var lines: [PlanLine] = []
    var entries: [LedgerEntry] = []
    var envelope: [EnvelopeLine] = []
    /// The rules; nil is the built-in set for `planYear`.
    var rules: RuleSet?
    var rankBy: RankOrder = .rate
    var nextTxn = 1

    mutating func project(_ code: String, name: String? = nil, investor: String, district: String? = nil,
                          class c: ProjectClass = .transitional, plan: VND, on date: String? = nil,
                          fundSource: String? = nil, key: Bool = false) {
        var p = Project(code: code, name: name ?? "Dự án \(code)", investor: InvestorID(investor), district: district)
        p.isKeyProject = key
        projects.append(p)
        lines.append(PlanLine(projectCode: code, planYear: planYear, projectClass: c, fundSource: fundSource, amountVND: plan,
                              effectiveOn: d(date ?? "\(planYear)-01-05")))
    }

    /// Another plan line for a project already registered.
    mutating func plan(_ code: String, _ amount: VND, class c: ProjectClass = .transitional, tranche: Tranche = .current,
                       fundSource: String? = nil, on date: String? = nil) {
        lines.append(PlanLine(projectCode: code, planYear: planYear, projectClass: c, tranche: tranche, fundSource: fundSource,
                              amountVND: amount, effectiveOn: d(date ?? "\(planYear)-01-05")))
    }

    mutating func carriedOver(_ code: String, plan: VND, class c: ProjectClass = .transitional) {
        self.plan(code, plan, class: c, tranche: .carriedOver)
    }

    mutating func pay(_ code: String, _ amount: VND, on date: String, type: EntryType = .payment,
                      tranche: Tranche = .current, fundSource: String? = nil) {
        entries.append(LedgerEntry(txnID: "T\(nextTxn)", projectCode: code, planYear: planYear, tranche: tranche,
                                   fundSource: fundSource, date: d(date), type: type, amountVND: amount))
        nextTxn += 1
    }

    /// An envelope line: the plan assigned by the Prime Minister or the province to one fund source.
    mutating func assigned(_ level: EnvelopeLevel, _ amount: VND, fundSource: String?, on date: String? = nil) {
        envelope.append(EnvelopeLine(planYear: planYear, level: level, fundSource: fundSource, amountVND: amount,
                                     effectiveOn: d(date ?? "\(planYear)-01-05")))
    }

    var ruleSet: RuleSet { rules ?? .footnote4(planYear: planYear) }

    func snapshots(asOf: String) throws -> (EvaluationRequest, [ProjectSnapshot]) {
        let request = EvaluationRequest(planYear: planYear, asOf: d(asOf), rules: ruleSet, rankBy: rankBy)
        return (request, try SnapshotBuilder.snapshots(request: request, projects: projects, planLines: lines,
                                                       entries: entries))
    }

    /// The whole province.
    func evaluate(asOf: String) throws -> Evaluation {
        let (request, snaps) = try snapshots(asOf: asOf)
        return try Evaluator.evaluate(request: request, snapshots: snaps, envelope: envelope)
    }

    /// One investor's projects only, compared with the whole province's average: what the
    /// caller of an investor-scope report passes (no envelope, as the app gives none).
    func evaluate(asOf: String, investor: String) throws -> Evaluation {
        let (request, snaps) = try snapshots(asOf: asOf)
        let average = try Evaluator.evaluate(request: request, snapshots: snaps).province.rate
        let own = snaps.filter { $0.project.investor == InvestorID(investor) }
        return try Evaluator.evaluate(request: request, snapshots: own, provinceAverage: .some(average))
    }
}

/// The investors of the sample province.
enum Sample {
    static let roads = "Ban QLDA công trình giao thông"
    /// A name that would run a script and break entities if it were not escaped.
    static let hostile = "<script>alert(\"x\")</script> & Sons | Co"
    static let commune = "UBND xã Tân Hưng"
    /// A project name with a comma, quotes, a pipe, markup and a line break.
    static let trickyProject = "Kè \"sông\" Gành Hào, <b>giai đoạn 2</b> | A\nB"

    /// Three investors at 2023-05-15 (after Q1, before Q2), with carried-over capital on 001.
    ///
    /// Fund sources: NSTW plan 2,500 million (001, and 1,500 of 002), 500 disbursed; NSĐP plan
    /// 900 (500 of 002, 004), 400 disbursed; 003's 500 names none. 002 is a key project
    /// (2,000 of the province's 3,900 million: 51.28%).
    static func world() -> World {
        var w = World()
        w.project("001", name: "Đường Cà Mau – Đầm Dơi", investor: roads, district: "Đầm Dơi", plan: 1_000_000_000, fundSource: "NSTW")
        w.pay("001", 400_000_000, on: "2023-03-20", type: .advance, fundSource: "NSTW")   // Q1: 40% ≥ 35%, met
        w.pay("001", 100_000_000, on: "2023-05-01", fundSource: "NSTW")
        w.carriedOver("001", plan: 300_000_000)
        w.pay("001", 50_000_000, on: "2023-02-10", tranche: .carriedOver)
        w.project("002", name: "Cầu Gành Hào", investor: roads, class: .newStart, plan: 1_500_000_000, fundSource: "NSTW", key: true)
        w.plan("002", 500_000_000, class: .newStart, fundSource: "NSĐP")
        w.pay("002", 100_000_000, on: "2023-03-15", fundSource: "NSĐP")                    // Q1: 5% < 20%, missed
        w.project("003", name: trickyProject, investor: hostile, plan: 500_000_000)   // nothing paid, no fund source
        w.project("004", name: "Trường tiểu học Tân Hưng", investor: commune, plan: 400_000_000, fundSource: "NSĐP")
        w.pay("004", 300_000_000, on: "2023-03-01", fundSource: "NSĐP")
        return w
    }

    static let asOf = "2023-05-15"

    /// The sample world with advance-plan capital on 004 (100 million, 20 paid), and the
    /// province's envelope: the Prime Minister assigned NSTW 2,500 and NSĐP 1,000 million; the
    /// province assigned NSTW 2,500 and NSĐP 1,200, then 300 more NSĐP on 2023-04-10, which the
    /// rules' adjusted denominator leaves out (capital added after 31/3).
    static func richWorld() -> World {
        var w = world()
        w.plan("004", 100_000_000, tranche: .advancePlan, fundSource: "NSĐP")
        w.pay("004", 20_000_000, on: "2023-04-01", tranche: .advancePlan, fundSource: "NSĐP")
        w.assigned(.primeMinister, 2_500_000_000, fundSource: "NSTW")
        w.assigned(.primeMinister, 1_000_000_000, fundSource: "NSĐP")
        w.assigned(.province, 2_500_000_000, fundSource: "NSTW")
        w.assigned(.province, 1_200_000_000, fundSource: "NSĐP")
        w.assigned(.province, 300_000_000, fundSource: "NSĐP", on: "2023-04-10")
        var rules = RuleSet.caMau2023
        rules.adjustedDenominator = AdjustedDenominator(basis: .provinceAssigned, excludesAddedAfter: d("2023-03-31"),
                                                        label: "không tính vốn bổ sung sau 31/3")
        w.rules = rules
        return w
    }

    /// The same province on the same day of 2022: roads 2,000 million planned, 300 paid (15%);
    /// the commune 400, 100 paid (25%); no project of the third investor. 400 of 2,400 = 16.66%.
    static func lastYear() -> World {
        var w = World(planYear: 2022)
        w.project("001", investor: roads, plan: 2_000_000_000, fundSource: "NSTW")
        w.pay("001", 300_000_000, on: "2022-04-01", fundSource: "NSTW")
        w.project("004", investor: commune, plan: 400_000_000, fundSource: "NSĐP")
        w.pay("004", 100_000_000, on: "2022-03-01", fundSource: "NSĐP")
        return w
    }

    /// The previous report's date: 001's 100 million of 2023-05-01 came after it, so the
    /// province went from 800 to 900 of 3,900 million (20.51% to 23.07%: +2.56 points).
    static let previousReport = "2023-04-30"

    /// `e` with the same day last year and the previous report set, as the app sets them.
    static func compared(_ e: Evaluation, world: World = world(), investor: String? = nil) throws -> Evaluation {
        var e = e
        let last = lastYear()
        let before = world
        if let investor {
            e.lastYear = try Comparison(kind: .sameDayLastYear, evaluation: last.evaluate(asOf: "2022-05-15", investor: investor))
            e.sinceLast = try Comparison(kind: .previousReport, evaluation: before.evaluate(asOf: previousReport, investor: investor),
                                         runID: 7)
        } else {
            e.lastYear = try Comparison(kind: .sameDayLastYear, evaluation: last.evaluate(asOf: "2022-05-15"))
            e.sinceLast = try Comparison(kind: .previousReport, evaluation: before.evaluate(asOf: previousReport), runID: 7)
        }
        return e
    }
}

/// The cells of each line of a terminal table: the line cut at runs of two or more spaces.
func textRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").map { line in
        var cells: [String] = []
        var cell = ""
        var spaces = 0
        for ch in line {
            if ch == " " {
                spaces += 1
                continue
            }
            if spaces >= 2 && !cell.isEmpty { cells.append(cell); cell = "" } else if spaces == 1 && !cell.isEmpty { cell += " " }
            spaces = 0
            cell.append(ch)
        }
        if !cell.isEmpty { cells.append(cell) }
        return cells
    }
}

/// The rows of the Markdown table that follows `heading` (the first table after it), without
/// the header and delimiter rows, cells unescaped of the backslashes the renderer adds.
func markdownRows(_ markdown: String, after heading: String) -> [[String]]? {
    guard let range = markdown.range(of: heading) else { return nil }
    guard let table = markdownTables(String(markdown[range.upperBound...])).first else { return nil }
    return table.dropFirst(2).map { line in
        line.dropFirst(2).dropLast(2).components(separatedBy: " | ").map { $0.replacingOccurrences(of: "\\", with: "") }
    }
}

/// The heading row of the Markdown table that follows `heading`.
func markdownHeader(_ markdown: String, after heading: String) -> [String]? {
    guard let range = markdown.range(of: heading) else { return nil }
    guard let table = markdownTables(String(markdown[range.upperBound...])).first else { return nil }
    return table[0].dropFirst(2).dropLast(2).components(separatedBy: " | ").map { $0.replacingOccurrences(of: "\\", with: "") }
}
