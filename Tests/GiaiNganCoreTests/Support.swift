import XCTest
@testable import GiaiNganCore

func d(_ text: String) -> CivilDate { CivilDate(iso: text)! }

/// A small world to evaluate: projects, plan lines and entries built by the test.
struct World {
    var projects: [Project] = []
    var lines: [PlanLine] = []
    var entries: [LedgerEntry] = []
    var nextTxn = 1

    mutating func project(_ code: String, investor: String = "Ban QLDA tỉnh", class c: ProjectClass = .transitional,
                          plan: VND, year: Int = 2023, on date: String = "2023-01-05",
                          procedures: String? = nil, started: String? = nil) {
        projects.append(Project(code: code, name: "Dự án \(code)", investor: InvestorID(investor),
                                proceduresCompletedOn: procedures.map(d), constructionStartedOn: started.map(d)))
        lines.append(PlanLine(projectCode: code, planYear: year, projectClass: c, amountVND: plan, effectiveOn: d(date)))
    }

    mutating func adjust(_ code: String, by amount: VND, on date: String, class c: ProjectClass = .transitional,
                         year: Int = 2023, tranche: Tranche = .current) {
        lines.append(PlanLine(projectCode: code, planYear: year, projectClass: c, tranche: tranche,
                              amountVND: amount, effectiveOn: d(date)))
    }

    mutating func pay(_ code: String, _ amount: VND, on date: String, type: EntryType = .payment,
                      year: Int = 2023, tranche: Tranche = .current) {
        entries.append(LedgerEntry(txnID: "T\(nextTxn)", projectCode: code, planYear: year, tranche: tranche,
                                   date: d(date), type: type, amountVND: amount))
        nextTxn += 1
    }

    func snapshots(_ request: EvaluationRequest) throws -> [ProjectSnapshot] {
        try SnapshotBuilder.snapshots(request: request, projects: projects, planLines: lines, entries: entries)
    }

    func evaluate(asOf: String, year: Int = 2023, rules: RuleSet = .caMau2023,
                  profile: SeasonalProfile = .national) throws -> Evaluation {
        let request = EvaluationRequest(planYear: year, asOf: d(asOf), rules: rules)
        let snaps = try SnapshotBuilder.snapshots(request: request, projects: projects, planLines: lines, entries: entries)
        return try Evaluator.evaluate(request: request, snapshots: snaps, profile: profile)
    }
}

extension Evaluation {
    func project(_ code: String) -> ProjectResult { projects.first { $0.project.code == code }! }
    func investor(_ name: String) -> InvestorResult? { investors.first { $0.investor == InvestorID(name) } }
}

extension SubjectResult {
    func checkpoint(_ name: String) -> CheckpointResult { checkpoints.first { $0.checkpoint.name == name }! }
}
