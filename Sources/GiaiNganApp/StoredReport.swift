import Foundation
import GiaiNganCore
import GiaiNganStore

/// Reads back the figures of a stored run's JSON report, to compare a new run with what was
/// published then (not with the past recomputed from today's data, which late entries change).
public enum StoredReport {
    /// The comparison the stored report of `run` gives, or nil when its JSON cannot be read.
    public static func comparison(of run: StoredRun) -> Comparison? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(run.reportJSON.utf8)) as? [String: Any] else { return nil }
        func position(_ o: Any?) -> Position? {
            guard let o = o as? [String: Any], let plan = (o["plan_vnd"] as? NSNumber)?.int64Value,
                  let disbursed = (o["disbursed_vnd"] as? NSNumber)?.int64Value else { return nil }
            return Position(planVND: plan, disbursedVND: disbursed,
                            outstandingAdvanceVND: (o["outstanding_advance_vnd"] as? NSNumber)?.int64Value ?? 0)
        }
        var c = Comparison(kind: .previousReport, planYear: run.planYear, asOf: run.asOf, runID: run.id)
        c.province = position(object["province"])
        for g in object["groups"] as? [[String: Any]] ?? [] {
            if let name = g["class"] as? String, let cls = ProjectClass(rawValue: name), let p = position(g) { c.groups[cls] = p }
        }
        for i in object["investors"] as? [[String: Any]] ?? [] {
            guard let name = i["investor"] as? String, let p = position(i) else { continue }
            let id = InvestorID(name)
            c.investors[id] = p
            if let above = i["above_province_average"] as? Bool { c.investorsAboveAverage[id] = above }
        }
        for p in object["projects"] as? [[String: Any]] ?? [] {
            guard let code = p["project_code"] as? String, let figures = position(p) else { continue }
            c.projects[code] = figures
            if let investor = p["investor"] as? String { c.projectInvestors[code] = InvestorID(investor) }
        }
        for f in (object["province"] as? [String: Any])?["fund_sources"] as? [[String: Any]] ?? [] {
            if let p = position(f) { c.fundSources[(f["fund_source"] as? String) ?? FundSource.unspecified] = p }
        }
        return c
    }
}
