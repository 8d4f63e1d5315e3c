import XCTest
import GiaiNganCore
@testable import GiaiNganReport

func d(_ text: String) -> CivilDate { CivilDate(iso: text)! }

/// A small world to evaluate, built by the test: projects, plan lines and treasury entries.
struct World {
    var projects: [Project] = []
    var lines: [PlanLine] = []
    var entries: [LedgerEntry] = []
    var nextTxn = 1

    mutating func project(_ code: String, name: String? = nil, investor: String, district: String? = nil,
                          class c: ProjectClass = .transitional, plan: VND, on date: String = "2023-01-05") {
        projects.append(Project(code: code, name: name ?? "Dự án \(code)", investor: InvestorID(investor),
                                district: district))
        lines.append(PlanLine(projectCode: code, planYear: 2023, projectClass: c, amountVND: plan, effectiveOn: d(date)))
    }

    mutating func carriedOver(_ code: String, plan: VND, class c: ProjectClass = .transitional) {
        lines.append(PlanLine(projectCode: code, planYear: 2023, projectClass: c, tranche: .carriedOver,
                              amountVND: plan, effectiveOn: d("2023-01-05")))
    }

    mutating func pay(_ code: String, _ amount: VND, on date: String, type: EntryType = .payment,
                      tranche: Tranche = .current) {
        entries.append(LedgerEntry(txnID: "T\(nextTxn)", projectCode: code, planYear: 2023, tranche: tranche,
                                   date: d(date), type: type, amountVND: amount))
        nextTxn += 1
    }

    func snapshots(asOf: String) throws -> (EvaluationRequest, [ProjectSnapshot]) {
        let request = EvaluationRequest(planYear: 2023, asOf: d(asOf), rules: .caMau2023)
        return (request, try SnapshotBuilder.snapshots(request: request, projects: projects, planLines: lines,
                                                       entries: entries))
    }

    /// The whole province.
    func evaluate(asOf: String) throws -> Evaluation {
        let (request, snaps) = try snapshots(asOf: asOf)
        return try Evaluator.evaluate(request: request, snapshots: snaps)
    }

    /// One investor's projects only, compared with the whole province's average: what the
    /// caller of an investor-scope report passes.
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
    static func world() -> World {
        var w = World()
        w.project("001", name: "Đường Cà Mau – Đầm Dơi", investor: roads, district: "Đầm Dơi", plan: 1_000_000_000)
        w.pay("001", 400_000_000, on: "2023-03-20", type: .advance)   // Q1: 40% ≥ 35%, met
        w.pay("001", 100_000_000, on: "2023-05-01")
        w.carriedOver("001", plan: 300_000_000)
        w.pay("001", 50_000_000, on: "2023-02-10", tranche: .carriedOver)
        w.project("002", name: "Cầu Gành Hào", investor: roads, class: .newStart, plan: 2_000_000_000)
        w.pay("002", 100_000_000, on: "2023-03-15")                  // Q1: 5% < 20%, missed
        w.project("003", name: trickyProject, investor: hostile, plan: 500_000_000)   // nothing paid
        w.project("004", name: "Trường tiểu học Tân Hưng", investor: commune, plan: 400_000_000)
        w.pay("004", 300_000_000, on: "2023-03-01")
        return w
    }

    static let asOf = "2023-05-15"
}
