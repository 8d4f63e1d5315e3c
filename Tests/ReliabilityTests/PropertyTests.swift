import Foundation
import XCTest
import GiaiNganCore
import GiaiNganImport
import GiaiNganReport
import GiaiNganStore
import GiaiNganApp

/// Properties of the import and the figures, each checked on many random provinces
/// (``ProvinceGenerator``, seeded: a failure names its seed). Files go through the real import
/// (``Store/importFiles``) and figures through the real check pipeline (``CheckService``).
final class PropertyTests: XCTestCase {
    static let seeds: [UInt64] = Array(1...12)
    static let today = CivilDate(year: 2024, month: 2, day: 15)!
    static let asOfDates = ["2023-03-31", "2023-06-30", "2023-08-17", "2023-12-31", "2024-01-31"].map { CivilDate(iso: $0)! }

    // MARK: - Helpers

    final class Province {
        let scratch = Scratch()
        var files = 0
        let store: Store

        init() throws { store = try Store(path: scratch.path + "/db.sqlite") }

        func write(_ text: String) -> String {
            files += 1
            return scratch.file("file-\(files).csv", text)
        }

        @discardableResult
        func importFiles(_ kind: FileKind, _ texts: [String]) throws -> [FileImportSummary] {
            try store.importFiles(kind: kind, paths: texts.map(write), today: PropertyTests.today)
        }

        func evaluate(_ asOf: CivilDate) throws -> Evaluation {
            try CheckService.evaluate(store: store, rules: .caMau2023, asOf: asOf).province
        }

        /// Everything a user can see of the province at `asOf`: the JSON report.
        func figures(_ asOf: CivilDate) throws -> String {
            ReportFormat.json.render(try evaluate(asOf), lang: .en, scope: .province)
        }
    }

    func registry(_ g: inout ProvinceGenerator, _ p: ProvinceGenerator.Province) throws -> Province {
        let db = try Province()
        try db.importFiles(.projects, [g.projectsCSV(p.projects)])
        try db.importFiles(.plan, [g.planCSV(p.plan)])
        return db
    }

    /// `a ≥ b` for two rates of the same subject (exact: cross-multiplied in 128 bits).
    func atLeast(_ a: Rate?, _ b: Rate?) -> Bool {
        guard let a, let b else { return (a == nil) == (b == nil) }
        return Int128(a.disbursedVND) * Int128(b.planVND) >= Int128(b.disbursedVND) * Int128(a.planVND)
    }

    // MARK: - Properties

    /// Splitting a ledger into several files (overlapping, as treasury exports do), in any order,
    /// imported in one command or in several, gives exactly the figures of the whole ledger.
    func test_splittingALedgerIntoFilesInAnyOrderGivesTheSameFigures() throws {
        for seed in Self.seeds {
            var g = ProvinceGenerator(seed: seed)
            let p = g.province()
            let whole = try registry(&g, p)
            try whole.importFiles(.disbursements, [g.ledgerCSV(p.ledger)])

            let split = try registry(&g, p)
            let parts = g.int(2...5)
            var files = [[LedgerEntry]](repeating: [], count: parts)
            for e in p.ledger {
                files[g.int(0...parts - 1)].append(e)
                if g.chance(0.15) { files[g.int(0...parts - 1)].append(e) }  // overlapping exports repeat entries
            }
            let texts = g.shuffled(files).map { g.ledgerCSV(g.shuffled($0)) }
            if g.chance(0.5) {
                try split.importFiles(.disbursements, texts)
            } else {
                for text in texts { try split.importFiles(.disbursements, [text]) }
            }
            XCTAssertEqual(try DatabaseContent.count(split.store.path, "ledger_entry"), p.ledger.count, "seed \(seed)")
            XCTAssertNotEqual(try whole.evaluate(Self.asOfDates.last!).province.position.disbursedVND, 0, "seed \(seed): a ledger to compare")
            for asOf in Self.asOfDates {
                XCTAssertEqual(try split.figures(asOf), try whole.figures(asOf), "seed \(seed), \(parts) files, as of \(asOf)")
            }
        }
    }

    /// Importing the same data again, as the same file or respelled and reordered, adds nothing
    /// and changes no figure.
    func test_reimportIsANoOp() throws {
        for seed in Self.seeds {
            var g = ProvinceGenerator(seed: seed)
            let p = g.province()
            let db = try registry(&g, p)
            let ledger = g.ledgerCSV(p.ledger)
            try db.importFiles(.disbursements, [ledger])
            let before = try DatabaseContent.rows(db.store.path)
            let figures = try Self.asOfDates.map(db.figures)

            let same = try db.importFiles(.disbursements, [ledger])
            XCTAssertTrue(same.allSatisfy { if case .alreadyImported = $0.status { return true } else { return false } }, "seed \(seed)")
            let projects = try db.importFiles(.projects, [g.projectsCSV(g.shuffled(p.projects))])
            let plan = try db.importFiles(.plan, [g.planCSV(g.shuffled(p.plan))])
            let entries = try db.importFiles(.disbursements, [g.ledgerCSV(g.shuffled(p.ledger))])
            XCTAssertEqual(projects.map(\.added) + projects.map(\.updated), [0, 0], "seed \(seed): projects re-import")
            XCTAssertEqual(plan.map(\.added), [0], "seed \(seed): plan re-import")
            XCTAssertEqual(entries.map(\.added), [0], "seed \(seed): ledger re-import")
            let after = try DatabaseContent.rows(db.store.path)
            for table in DatabaseContent.tables where table != "import" {
                XCTAssertEqual(after[table], before[table], "seed \(seed): \(table) changed on re-import")
            }
            XCTAssertEqual(try Self.asOfDates.map(db.figures), figures, "seed \(seed)")
        }
    }

    /// One more advance or payment never lowers any rate: not a project's, an investor's, a
    /// class's or the province's, now or at any checkpoint passed.
    func test_addingADisbursementNeverLowersARate() throws {
        for seed in Self.seeds {
            var g = ProvinceGenerator(seed: seed)
            let p = g.province(entries: 80)
            let db = try registry(&g, p)
            try db.importFiles(.disbursements, [g.ledgerCSV(p.ledger)])
            let before = try Self.asOfDates.map(db.evaluate)
            let added = (0..<g.int(1...3)).map { n in g.entry(n, projects: p.projects, prefix: "EXTRA", type: g.pick([.advance, .payment])) }
            try db.importFiles(.disbursements, [g.ledgerCSV(added)])
            let after = try Self.asOfDates.map(db.evaluate)
            XCTAssertFalse(before[0].projects.isEmpty, "seed \(seed)")
            for (b, a) in zip(before, after) {
                let context = "seed \(seed), as of \(b.asOf), added \(added.map { "\($0.projectCode) \($0.date) \($0.amountVND)" })"
                func check(_ old: SubjectResult, _ new: SubjectResult, _ who: String) {
                    XCTAssertTrue(atLeast(new.rate, old.rate), "\(who): \(String(describing: old.rate)) → \(String(describing: new.rate)); \(context)")
                    for (oc, nc) in zip(old.checkpoints, new.checkpoints) where oc.atCheckpoint != nil {
                        XCTAssertTrue(atLeast(nc.atCheckpoint?.rate, oc.atCheckpoint?.rate), "\(who) at \(oc.checkpoint.name); \(context)")
                    }
                }
                check(b.province, a.province, "province")
                for old in b.groups { check(old.result, a.groups.first { $0.projectClass == old.projectClass }!.result, "\(old.projectClass)") }
                for old in b.investors { check(old.result, a.investors.first { $0.investor == old.investor }!.result, old.investor.name) }
                for old in b.projects { check(old.result, a.projects.first { $0.project.code == old.project.code }!.result, old.project.code) }
            }
        }
    }

    /// A checkpoint's figures and status, evaluated on its date, are what every later evaluation
    /// says about it, whatever is entered or decided after that date.
    func test_aCheckpointJudgedLaterEqualsItsJudgementOnItsDate() throws {
        for seed in Self.seeds {
            var g = ProvinceGenerator(seed: seed)
            let p = g.province()
            for checkpoint in RuleSet.caMau2023.checkpoints.dropLast() {
                let d = checkpoint.date
                let db = try registry(&g, p)
                try db.importFiles(.disbursements, [g.ledgerCSV(p.ledger.filter { $0.date <= d })])
                let onTheDay = try db.evaluate(d)
                XCTAssertNotNil(onTheDay.province.checkpoints.first { $0.checkpoint.name == checkpoint.name }?.atCheckpoint,
                                "seed \(seed): \(checkpoint.name) is judged on its own date")
                // Late news: entries dated after the checkpoint, plan changes effective after it.
                try db.importFiles(.disbursements, [g.ledgerCSV(p.ledger.filter { $0.date > d })])
                let later = (0..<g.int(1...4)).map { _ in
                    let line = g.pick(p.plan)
                    return PlanLine(projectCode: line.projectCode, planYear: 2023, projectClass: line.projectClass,
                                    amountVND: Int64(g.int(-20...60)) * 10_000_000, effectiveOn: g.date(from: d.adding(days: 1)),
                                    decisionRef: "late")
                }
                try db.importFiles(.plan, [g.planCSV(later)])
                for asOf in Self.asOfDates where asOf > d {
                    let e = try db.evaluate(asOf)
                    func same(_ then: SubjectResult, _ now: SubjectResult?, _ who: String) {
                        let a = then.checkpoints.first { $0.checkpoint.name == checkpoint.name }
                        let b = now?.checkpoints.first { $0.checkpoint.name == checkpoint.name }
                        XCTAssertEqual(a?.atCheckpoint, b?.atCheckpoint, "seed \(seed), \(who) at \(checkpoint.name) seen on \(asOf)")
                        XCTAssertEqual(a?.status, b?.status, "seed \(seed), \(who) at \(checkpoint.name) seen on \(asOf)")
                    }
                    same(onTheDay.province, e.province, "province")
                    for i in onTheDay.investors { same(i.result, e.investors.first { $0.investor == i.investor }?.result, i.investor.name) }
                    for pr in onTheDay.projects where pr.projectClass != nil {
                        same(pr.result, e.projects.first { $0.project.code == pr.project.code }?.result, pr.project.code)
                    }
                }
            }
        }
    }

    /// However an investor's name is spelled (NFC or NFD, spaces, no-break spaces), it is one
    /// investor: in the registry, in the figures, when a person types it, and on re-import.
    func test_nfcAndNfdSpellingsNeverSplitAnInvestor() throws {
        for seed in Self.seeds {
            var g = ProvinceGenerator(seed: seed)
            let p = g.province(projects: 20, entries: 60)
            let db = try registry(&g, p)
            try db.importFiles(.disbursements, [g.ledgerCSV(p.ledger)])
            let names = Set(p.projects.map(\.investor.name))
            XCTAssertEqual(Set(try db.store.investorNames()), names, "seed \(seed)")
            let e = try db.evaluate(CivilDate(iso: "2023-09-15")!)
            XCTAssertEqual(e.investors.count, names.count, "seed \(seed)")
            for i in e.investors {
                XCTAssertEqual(i.projectCount, p.projects.filter { $0.investor == i.investor }.count, "seed \(seed): \(i.investor)")
                let typed = g.variant(i.investor.name)
                XCTAssertEqual(try CheckService.matchInvestor(typed, among: try db.store.investorNames()), i.investor, "seed \(seed)")
            }
            // The registry again, every name respelled: nothing changes hands.
            let again = try db.importFiles(.projects, [g.projectsCSV(p.projects)])
            XCTAssertEqual(again.first?.updated, 0, "seed \(seed)")
            XCTAssertEqual(try DatabaseContent.count(db.store.path, "investor_change"), 0, "seed \(seed)")
            XCTAssertEqual(try DatabaseContent.count(db.store.path, "investor"), names.count, "seed \(seed)")
        }
    }

    // MARK: - Issue 13: parts always sum to totals

    /// For every subject, the fund-source parts sum exactly to its totals, the tranche parts to
    /// its counted and uncounted figures, and each fund source's investors to the province's
    /// part, whichever tranches the rules count.
    func test_fundSourceAndTrancheParts_sumToTheTotals() throws {
        for seed in Self.seeds {
            var g = ProvinceGenerator(seed: seed)
            let p = g.province(projects: 14, entries: 220)
            let db = try registry(&g, p)
            try db.importFiles(.disbursements, [g.ledgerCSV(p.ledger)])
            for counted in [Set([Tranche.current]), [.current, .carriedOver], Set(Tranche.allCases)] {
                var rules = RuleSet.caMau2023
                rules.countedTranches = counted
                if g.chance(0.5) { rules.fundSourceGroups = ["ODA": "NSTW"] }
                for asOf in Self.asOfDates {
                    let e = try CheckService.evaluate(store: db.store, rules: rules, asOf: asOf).province
                    let subjects = [e.province] + e.groups.map(\.result) + e.investors.map(\.result) + e.projects.map(\.result)
                    for (k, r) in subjects.enumerated() {
                        let label = "seed \(seed), \(counted), \(asOf), subject \(k)"
                        XCTAssertEqual(r.fundSources.reduce(0) { $0 + $1.position.planVND }, r.position.planVND, label)
                        XCTAssertEqual(r.fundSources.reduce(0) { $0 + $1.position.disbursedVND }, r.position.disbursedVND, label)
                        XCTAssertEqual(r.fundSources.reduce(0) { $0 + $1.position.outstandingAdvanceVND }, r.position.outstandingAdvanceVND, label)
                        let countedParts = r.tranches.filter { counted.contains($0.tranche) }.map(\.position)
                        let others = r.tranches.filter { !counted.contains($0.tranche) }.map(\.position)
                        XCTAssertEqual(countedParts.reduce(0) { $0 + $1.planVND }, r.position.planVND, label)
                        XCTAssertEqual(countedParts.reduce(0) { $0 + $1.disbursedVND }, r.position.disbursedVND, label)
                        XCTAssertEqual(others.reduce(0) { $0 + $1.planVND }, r.uncounted.planVND, label)
                        XCTAssertEqual(others.reduce(0) { $0 + $1.disbursedVND }, r.uncounted.disbursedVND, label)
                        XCTAssertEqual(r.remainingVND, r.position.planVND - r.position.disbursedVND, label)
                        if !rules.fundSourceGroups.isEmpty { XCTAssertFalse(r.fundSources.contains { $0.fundSource == "ODA" }, label) }
                        XCTAssertFalse(r.fundSources.contains { $0.fundSource == "nstw" }, "\(label): one key per code whatever its case")
                    }
                    for part in e.province.fundSources {
                        let byInvestors = e.investors.compactMap { $0.result.fundSources.first { $0.fundSource == part.fundSource } }
                        XCTAssertEqual(byInvestors.reduce(0) { $0 + $1.position.disbursedVND }, part.position.disbursedVND,
                                       "seed \(seed), \(asOf), \(part.fundSource)")
                        XCTAssertEqual(byInvestors.reduce(0) { $0 + $1.position.planVND }, part.position.planVND,
                                       "seed \(seed), \(asOf), \(part.fundSource)")
                    }
                }
            }
        }
    }
}
