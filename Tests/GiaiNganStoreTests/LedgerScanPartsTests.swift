import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
@testable import GiaiNganStore

/// A check's ledger sums, read from the packed copy (`LedgerPack`) and the table by several
/// threads (`Store.snapshots`), are exactly the figures the reference definition computes from
/// the ledger entries themselves (`SnapshotBuilder`), however the ledger is packed and however
/// many threads share it.
final class LedgerScanPartsTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Writes a province of two plan years: projects of several investors, plans in every tranche
    /// and several fund sources (one spelled two ways), and a ledger of every entry type, with
    /// refunds and recoveries (negative deltas), entries on every checkpoint day, on the as-of
    /// dates the test uses and on the days around them, and entries after them.
    func writeProvince(_ tmp: TempDir, seed: UInt64,
                       sources: [String] = ["NSTW", "NSĐP", "nstw", "ODA", "", "XSKT"]) -> (projects: String, plan: String, ledger: String) {
        var random = Random(state: seed)
        let projectCount = 30
        var projects = "project_code,project_name,investor,district,procedures_completed_on,construction_started_on\n"
        for p in 0..<projectCount {
            projects += "P\(100 + p),Dự án số \(p),Chủ đầu tư \(p % 4),Huyện \(p % 3),2022-01-10,2022-02-10\n"
        }
        let tranches = ["current", "current", "current", "carried_over", "advance_plan"]
        var plan = "project_code,plan_year,class,tranche,fund_source,amount_vnd,effective_on,decision_ref\n"
        for year in [2022, 2023] {
            for p in 0..<projectCount {
                let projectClass = p % 3 == 0 ? "new_start" : "transitional"
                for (k, tranche) in ["current", "carried_over", "advance_plan"].enumerated() where k == 0 || random.int(3) == 0 {
                    plan += "P\(100 + p),\(year),\(projectClass),\(tranche),\(["NSTW", "NSĐP", "ODA"][random.int(3)]),"
                        + "\(1_000_000_000 + random.int(50) * 100_000_000),\(year)-01-0\(1 + random.int(5)),\(k + 1)/QĐ-UBND\n"
                }
                if random.int(4) == 0 {
                    // A plan raised during the year.
                    plan += "P\(100 + p),\(year),\(projectClass),current,NSTW,\(500_000_000 + random.int(9) * 10_000_000),"
                        + "\(year)-07-0\(1 + random.int(9)),9\(p)/QĐ-UBND\n"
                }
            }
        }
        // Days that cut windows and checkpoints: every checkpoint, the as-of dates below and
        // the days either side of each, plus days all over both years.
        var days: [CivilDate] = []
        for year in [2022, 2023] {
            for date in LedgerScanPartsTests.asOfDates(year) + RuleSet.footnote4(planYear: year).checkpoints.map(\.date) {
                days += [date.adding(days: -28), date.adding(days: -1), date, date.adding(days: 1)]
            }
            let start = CivilDate.startOfYear(year)
            for _ in 0..<120 { days.append(start.adding(days: random.int(396))) }
            days.append(start.adding(days: -3))   // before the plan year starts
        }
        var ledger = "txn_id,project_code,plan_year,tranche,fund_source,date,type,amount_vnd,note\n"
        var txn = 0
        for day in days {
            for _ in 0..<(1 + random.int(4)) {
                txn += 1
                let year = day.year <= 2022 ? 2022 : (day.year == 2023 && random.int(6) == 0 ? 2022 : 2023)
                let type: String
                switch random.int(10) {
                case 0, 1: type = "advance"
                case 2: type = "advance_recovery"
                case 3: type = "refund"
                default: type = "payment"
                }
                let amount = type == "refund" || type == "advance_recovery"
                    ? 1_000_000 + random.int(90) * 1_000_000 : 10_000_000 + random.int(200) * 1_000_000
                ledger += "T\(txn),P\(100 + random.int(projectCount)),\(year),\(tranches[random.int(tranches.count)]),"
                    + "\(sources[random.int(sources.count)]),\(day),\(type),\(amount),\n"
            }
        }
        return (tmp.file("projects.csv", projects), tmp.file("plan.csv", plan), tmp.file("ledger.csv", ledger))
    }

    static func asOfDates(_ year: Int) -> [CivilDate] {
        ["\(year)-01-01", "\(year)-01-28", "\(year)-02-14", "\(year)-03-31", "\(year)-06-29", "\(year)-06-30",
         "\(year)-09-15", "\(year)-12-31", "\(year + 1)-01-31", "\(year + 1)-02-01"].map(d)
    }

    func test_ledgerScanCutIntoPartsOnSeveralThreadsEqualsTheFiguresComputedFromTheEntries() throws {
        try checkScans(seeds: [1, 2])
    }

    /// More fund sources than a group has room for at first (8): every group's table is widened
    /// during the scan and while parts are merged, and codes longer than 8 bytes that share
    /// their first 8 are told apart.
    func test_manyFundSourcesWidenTheTablesWithoutLosingASum() throws {
        let sources = (1...12).map { "NGUON\($0)" } + ["CTMTQG-2021", "CTMTQG-2022", "CTMTQG-2022-B", "ctmtqg-2021", "", "NSĐP"]
        try checkScans(seeds: [3], sources: sources)
    }

    func checkScans(seeds: [UInt64], sources: [String]? = nil) throws {
        for seed in seeds {
            let tmp = TempDir()
            let store = try tmp.store()
            let files = sources.map { writeProvince(tmp, seed: seed, sources: $0) } ?? writeProvince(tmp, seed: seed)
            let today = d("2024-03-01")
            _ = try store.importFiles(kind: .projects, paths: [files.projects], today: today)
            _ = try store.importFiles(kind: .plan, paths: [files.plan], today: today)
            _ = try store.importFiles(kind: .disbursements, paths: [files.ledger], today: today)

            var projects: [Project] = [], lines: [PlanLine] = [], entries: [LedgerEntry] = []
            let r1 = try TableReader(path: files.projects, kind: .projects)
            while let row = try r1.nextProject() { projects.append(try XCTUnwrap(row.value)) }
            let r2 = try TableReader(path: files.plan, kind: .plan)
            while let row = try r2.nextPlanLine() { lines.append(try XCTUnwrap(row.value)) }
            let r3 = try TableReader(path: files.ledger, kind: .disbursements)
            while let row = try r3.nextLedgerEntry() { entries.append(try XCTUnwrap(row.value)) }
            XCTAssertEqual(try store.count("ledger_entry"), entries.count, "every generated entry is stored")
            XCTAssertTrue(entries.contains { $0.type == .refund } && entries.contains { $0.type == .advanceRecovery })

            // The packed copy as the import made it, in segments of other sizes, covering part of
            // the ledger only (the rest read from the table), or none of it.
            let highest = try store.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ledger_entry") ?? 0 }
            let packings: [(name: String, segment: Int?, through: Int64?)] = [
                ("as imported", nil, nil), ("segments of 1", 1, nil), ("segments of 97", 97, nil),
                ("first half in segments of 50", 50, highest / 2), ("none", 50, 0),
            ]
            for packing in packings {
                if let segment = packing.segment {
                    try store.write { db in try LedgerPack.repack(db, segmentEntries: segment, through: packing.through) }
                }
                try checkYearCurves(store, entries: entries, label: "seed \(seed), packing \(packing.name)")
                for year in [2022, 2023] {
                    for asOf in LedgerScanPartsTests.asOfDates(year) {
                        var rules = RuleSet.footnote4(planYear: year)
                        for tranches in [Set([Tranche.current]), Set(Tranche.allCases)] {
                            rules.countedTranches = tranches
                            let request = EvaluationRequest(planYear: year, asOf: asOf, rules: rules)
                            let reference = try SnapshotBuilder.snapshots(request: request, projects: projects, planLines: lines, entries: entries)
                            XCTAssertFalse(reference.isEmpty)
                            for threads in [1, 2, 3, 4] {
                                let sql = try store.snapshots(for: request, investor: nil, ledgerThreads: threads)
                                let label = "seed \(seed), as of \(asOf), tranches \(tranches.map(\.rawValue).sorted()), \(threads) threads, packing \(packing.name)"
                                XCTAssertEqual(sql.count, reference.count, label)
                                for (a, b) in zip(sql, reference) {
                                    XCTAssertEqual(a.project.code, b.project.code, label)
                                    XCTAssertEqual(a.positions, b.positions, "\(label) \(a.project.code)")
                                    XCTAssertEqual(a.uncounted, b.uncounted, "\(label) \(a.project.code)")
                                    XCTAssertEqual(a.activity, b.activity, "\(label) \(a.project.code)")
                                    XCTAssertEqual(a.breakdown, b.breakdown, "\(label) \(a.project.code)")
                                }
                                if threads == 1 {
                                    // In one transaction, as the fallback after a concurrent import reads it.
                                    let one = try store.read { db in try Store.snapshots(db, request: request, investor: nil) }
                                    XCTAssertEqual(one.map(\.positions), reference.map(\.positions), label)
                                    XCTAssertEqual(one.map(\.breakdown), reference.map(\.breakdown), label)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The seasonal profile's past curves, summed from the packed ledger and the table, are the
    /// month-end running totals of the entries' disbursed deltas: for each plan year, the
    /// counted tranches, entries dated up to each month end of the year's window.
    func checkYearCurves(_ store: Store, entries: [LedgerEntry], label: String) throws {
        let cases: [(before: Int, asOf: CivilDate, years: [Int])] = [
            (2024, d("2024-03-01"), [2022, 2023]), (2024, d("2024-01-30"), [2022]), (2024, d("2024-01-31"), [2022, 2023]),
            (2023, d("2024-03-01"), [2022]), (2022, d("2024-03-01"), []),
        ]
        for c in cases {
            for tranches in [Set([Tranche.current]), Set([Tranche.carriedOver, .advancePlan]), Set(Tranche.allCases)] {
                let curves = try store.yearCurves(before: c.before, asOf: c.asOf, tranches: tranches)
                let what = "\(label), before \(c.before), as of \(c.asOf), tranches \(tranches.map(\.rawValue).sorted())"
                XCTAssertEqual(curves.map(\.planYear), c.years, what)
                for curve in curves {
                    let ends = (1...12).map { CivilDate.endOfMonth(year: curve.planYear, month: $0) } + [d("\(curve.planYear + 1)-01-31")]
                    let expected = ends.map { end in
                        entries.filter { $0.planYear == curve.planYear && tranches.contains($0.tranche) && $0.date <= end }
                            .reduce(Int64(0)) { $0 + $1.type.disbursedSign * $1.amountVND }
                    }
                    XCTAssertEqual(curve.points.map(\.date), ends, what)
                    XCTAssertEqual(curve.points.map(\.disbursedVND), expected, "\(what), plan year \(curve.planYear)")
                    XCTAssertEqual(curve.finalVND, expected.last, what)
                    XCTAssertNotEqual(expected.first, expected.last, "the entries span the year: \(what)")
                }
            }
        }
    }

    /// The plan years listed by seeking in the date index are those of the ledger and the plans.
    func test_planYearsAreEveryYearOfTheLedgerAndThePlans() throws {
        let tmp = TempDir()
        let store = try tmp.store()
        XCTAssertEqual(try store.planYears(), [])
        try store.importProvince()
        let direct = try store.read { db in
            try Int.fetchAll(db, sql: "SELECT plan_year FROM plan_line UNION SELECT DISTINCT plan_year FROM ledger_entry ORDER BY 1")
        }
        XCTAssertFalse(direct.isEmpty)
        XCTAssertEqual(try store.planYears(), direct)
        XCTAssertEqual(try store.read { db in try Store.ledgerPlanYears(db) },
                       try store.read { db in try Int.fetchAll(db, sql: "SELECT DISTINCT plan_year FROM ledger_entry ORDER BY 1") })
    }
}
