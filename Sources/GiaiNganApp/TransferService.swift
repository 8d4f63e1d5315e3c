import Foundation
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore
import GiaiNganXLSX

/// `giaingan transfers`: proposals to move capital, written as a draft decision table and a plan
/// adjustment file that `giaingan import plan` reads as it is (README "Transfer proposals").
public enum TransferService {
    /// The proposals at `asOf`, and the evaluation they were made from.
    public static func propose(store: Store, rules: RuleSet, asOf: CivilDate, roundVND: VND, within scope: TransferScope,
                               donorProjection: DonorProjection = .bestPace) throws -> (proposals: [TransferProposal], evaluation: Evaluation) {
        let (e, _) = try CheckService.evaluateProvince(store: store, rules: rules, asOf: asOf)
        let schedule = Schedule(lines: try store.scheduleLines(planYear: rules.planYear), planYear: rules.planYear, inForceOn: asOf)
        return (try TransferPlanner.propose(evaluation: e, schedule: schedule, roundVND: roundVND, within: scope,
                                            donorProjection: donorProjection), e)
    }

    /// The reason of a line as a sentence with its figures.
    public static func reason(_ l: TransferLine, _ lang: Language) -> String {
        func a(_ v: VND) -> String { Format.vnd(v, lang) }
        switch l.reason {
        case .surplus(let surplus):
            return lang.t("dự kiến giải ngân đến hết thời hạn \(a(l.projectedVND)) / kế hoạch \(a(l.planVND)): dư \(a(surplus))",
                          "projected to disburse \(a(l.projectedVND)) of its \(a(l.planVND)) plan by the window end: \(a(surplus)) surplus")
        case .scheduleBeyondPlan(let scheduled):
            return lang.t("kế hoạch giải ngân đăng ký \(a(scheduled)) vượt kế hoạch vốn \(a(l.planVND))",
                          "its schedule, \(a(scheduled)), exceeds its plan of \(a(l.planVND))")
        case .paceBeyondPlan(let reach, let best, let days):
            return lang.t("với tốc độ 28 ngày cao nhất \(a(best)), \(days) ngày còn lại đạt \(a(reach)) > kế hoạch \(a(l.planVND))",
                          "at its best 28-day pace, \(a(best)), the \(days) days left reach \(a(reach)), beyond its plan of \(a(l.planVND))")
        }
    }

    /// The decision table's header.
    public static func decisionHeader(_ lang: Language) -> [String] {
        ["proposal", "project_code", "project_name", "investor", "fund_source", "tranche", "plan_vnd", "disbursed_vnd",
         "projected_vnd", "change_vnd", "new_plan_vnd", "reason"]
    }

    /// The decision table's rows, proposal by proposal, decreases first; each proposal ends with
    /// its balance row.
    public static func decisionRows(_ proposals: [TransferProposal], _ lang: Language) -> [[String]] {
        var rows: [[String]] = []
        for (i, p) in proposals.enumerated() {
            for l in p.lines {
                rows.append(["\(i + 1)", l.projectCode, l.projectName, l.investor.name, l.fundSource, l.tranche.rawValue,
                             "\(l.planVND)", "\(l.disbursedVND)", "\(l.projectedVND)", "\(l.changeVND)", "\(l.newPlanVND)",
                             reason(l, lang)])
            }
            let scope = p.investor.map { lang.t(", chủ đầu tư \($0.name)", ", investor \($0.name)") } ?? ""
            rows.append(["\(i + 1)", "", lang.t("Cân đối", "Balance"), "", p.fundSource, p.tranche.rawValue, "", "", "", "0", "",
                         lang.t("giảm \(Format.vnd(p.totalVND, lang)) = tăng \(Format.vnd(p.totalVND, lang)) (năm \(p.planYear)\(scope))",
                                "decreases \(Format.vnd(p.totalVND, lang)) = increases \(Format.vnd(p.totalVND, lang)) (plan year \(p.planYear)\(scope))")])
        }
        return rows
    }

    /// The plan-adjustment lines: one dated line per project, in the columns of FORMATS.md's plan.csv.
    public static func adjustmentRows(_ proposals: [TransferProposal], effectiveOn: CivilDate, decisionRef: String) -> [[String]] {
        proposals.flatMap { p in
            p.lines.map { l in
                [l.projectCode, "\(p.planYear)", l.projectClass.rawValue, l.tranche.rawValue, l.fundSource, "\(l.changeVND)",
                 effectiveOn.description, decisionRef]
            }
        }
    }

    public static let adjustmentHeader = ["project_code", "plan_year", "class", "tranche", "fund_source", "amount_vnd", "effective_on",
                                          "decision_ref"]

    /// Writes `transfers.csv`, `transfers.xlsx` and `plan-adjustments.csv` into `directory`; returns their paths.
    public static func write(_ proposals: [TransferProposal], lang: Language, effectiveOn: CivilDate, decisionRef: String,
                             directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let rows = decisionRows(proposals, lang)
        let table = path("transfers.csv"), book = path("transfers.xlsx"), plan = path("plan-adjustments.csv")
        try csv(decisionHeader(lang), rows).write(to: URL(fileURLWithPath: table), options: .atomic)
        let amountColumns: Set<Int> = [6, 7, 8, 9, 10]
        let sheet = DataSheet(name: lang.t("Dự thảo điều chuyển", "Draft transfers"), headers: decisionHeader(lang),
                              rows: rows.map { r in
                                  r.enumerated().map { c, v in
                                      amountColumns.contains(c) && !v.isEmpty ? (Double(v).map { .number($0, format: "#,##0") } ?? .text(v)) : .text(v)
                                  }
                              },
                              preamble: [lang.t("Dự thảo điều chuyển vốn (chưa có hiệu lực: nhập plan-adjustments.csv sau khi được phê duyệt)",
                                                "Draft capital transfers (no effect until plan-adjustments.csv is imported once approved)")])
        try Workbook.write(to: book) { b in try sheet.write(into: b) }
        try csv(adjustmentHeader, adjustmentRows(proposals, effectiveOn: effectiveOn, decisionRef: decisionRef))
            .write(to: URL(fileURLWithPath: plan), options: .atomic)
        return [table, book, plan]
    }

    /// RFC 4180 text with a UTF-8 BOM (as the check's CSV), cells defused against formulas.
    static func csv(_ header: [String], _ rows: [[String]]) -> Data {
        func field(_ raw: String) -> String {
            let cell = CSVReport.neutralize(raw)
            guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var out = "\u{FEFF}"
        for r in [header] + rows { out += r.map(field).joined(separator: ",") + "\r\n" }
        return Data(out.utf8)
    }

    /// The backtest: the proposal at `asOf` measured on the figures at the window end.
    public static func backtest(store: Store, rules: RuleSet, proposals: [TransferProposal]) throws -> TransferBacktest {
        let (final, _) = try CheckService.evaluateProvince(store: store, rules: rules, asOf: rules.windowEnd)
        var finals: [String: Position] = [:]
        for p in final.projects { finals[p.project.code] = p.result.position }
        return TransferBacktest.measure(proposals: proposals, finals: finals)
    }
}
