import GiaiNganCore
import GiaiNganStore

/// Replays the early warning over a finished plan year: as of each month end, which projects
/// and investors were flagged (`at_risk` or `off_track`) toward the next checkpoint, against
/// whether they then missed it.
///
/// A flag that precedes a miss is a hit; a flag on a subject that then met the checkpoint is a
/// false alarm; a miss with no flag at that month end is a miss unflagged. Precision = hits ÷
/// flags; recall = hits ÷ misses.
public enum Backtest {
    public struct Row: Sendable {
        public var asOf: CivilDate
        public var checkpoint: String
        public var subjects: Int
        public var flagged: Int
        public var hits: Int
        public var falseAlarms: Int
        public var missesUnflagged: Int
    }

    public struct Result: Sendable {
        public var rows: [Row]
        /// Distinct (subject, checkpoint) misses, and how many were flagged at least once before.
        public var misses: Int
        public var missesFlaggedInAdvance: Int

        public var flagged: Int { rows.reduce(0) { $0 + $1.flagged } }
        public var hits: Int { rows.reduce(0) { $0 + $1.hits } }
        public var falseAlarms: Int { rows.reduce(0) { $0 + $1.falseAlarms } }
        public var missesUnflagged: Int { rows.reduce(0) { $0 + $1.missesUnflagged } }
        /// Per mille, rounded down.
        public var precisionPerMille: Int { flagged == 0 ? 0 : hits * 1000 / flagged }
        public var recallPerMille: Int { hits + missesUnflagged == 0 ? 0 : hits * 1000 / (hits + missesUnflagged) }
    }

    public static func run(store: Store, rules: RuleSet) throws -> Result {
        let planYear = rules.planYear
        // The final figures: as of the window end, every checkpoint has passed.
        let (final, _) = try CheckService.evaluate(store: store, rules: rules, asOf: rules.windowEnd)
        var outcome: [String: CheckpointStatus] = [:]   // "subject|checkpoint" → met/missed
        for p in final.projects {
            for c in p.result.checkpoints { outcome["project:\(p.project.code)|\(c.checkpoint.name)"] = c.status }
        }
        for i in final.investors {
            for c in i.result.checkpoints { outcome["investor:\(i.investor.name)|\(c.checkpoint.name)"] = c.status }
        }
        var rows: [Row] = []
        var flaggedMisses = Set<String>()
        let monthEnds = (1...12).map { CivilDate.endOfMonth(year: planYear, month: $0) }
        for asOf in monthEnds {
            guard let next = rules.nextCheckpoint(after: asOf) else { continue }
            let (e, _) = try CheckService.evaluate(store: store, rules: rules, asOf: asOf)
            var subjects: [(String, RiskStatus?)] = e.projects.map { ("project:\($0.project.code)", $0.result.risk?.status) }
            subjects += e.investors.map { ("investor:\($0.investor.name)", $0.result.risk?.status) }
            var row = Row(asOf: asOf, checkpoint: next.name, subjects: 0, flagged: 0, hits: 0, falseAlarms: 0, missesUnflagged: 0)
            for (subject, risk) in subjects {
                let key = "\(subject)|\(next.name)"
                guard let result = outcome[key] else { continue }
                row.subjects += 1
                let flagged = risk == .atRisk || risk == .offTrack
                let missed = result == .missed
                if flagged { row.flagged += 1 }
                if flagged && missed { row.hits += 1; flaggedMisses.insert(key) }
                if flagged && !missed { row.falseAlarms += 1 }
                if !flagged && missed { row.missesUnflagged += 1 }
            }
            rows.append(row)
        }
        let misses = outcome.filter { $0.value == .missed }.count
        return Result(rows: rows, misses: misses, missesFlaggedInAdvance: flaggedMisses.count)
    }
}
