import GiaiNganCore
import GiaiNganStore

/// Adds the schedules' figures to a check: performance in the as-of month and every project's class.
public enum ScheduleService {
    /// Fills `e.schedule` when investors submitted schedules for the plan year; otherwise leaves
    /// it nil, and no report shows a schedule section.
    public static func attach(store: Store, to e: inout Evaluation) throws {
        let lines = try store.scheduleLines(planYear: e.planYear)
        guard !lines.isEmpty, !e.isEmptyYear else { return }
        e.schedule = try ScheduleReport.make(evaluation: e, lines: lines,
                                             disbursedBeforeMonth: try disbursedBeforeMonth(store: store, evaluation: e))
    }

    /// Each project's counted disbursement on the last day of the month before the as-of date's.
    static func disbursedBeforeMonth(store: Store, evaluation e: Evaluation) throws -> [String: VND] {
        let before = ScheduleMonth(of: e.asOf).firstDay.adding(days: -1)
        guard before >= CivilDate.startOfYear(e.planYear) else { return [:] }
        let request = EvaluationRequest(planYear: e.planYear, asOf: before, rules: e.rules)
        var out: [String: VND] = [:]
        for s in try store.snapshots(for: request) {
            out[s.project.code] = s.positions[before]?.disbursedVND ?? 0
        }
        return out
    }
}
