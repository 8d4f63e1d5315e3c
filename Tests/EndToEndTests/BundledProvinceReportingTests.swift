import Foundation
import XCTest

/// Issue 13 on the bundled province: its envelope (with capital added after 30/9), advance-plan
/// capital, key projects and previous year, each figure pinned against the generator's own
/// figures (`expected.json`, "reporting_2023").
final class BundledProvinceReportingTests: XCTestCase {
    /// The whole province, every file of it, imported once.
    static let database: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("giaingan-reporting-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let db = dir + "/db.sqlite"
        let p = CLI.province
        for (kind, files) in [("projects", ["projects.csv"]), ("plan", ["plan.csv", "plan-2023-advance.csv"]), ("envelope", ["envelope.csv"]),
                              ("disbursements", ["disbursements-2022.csv", "disbursements-2023-h1.csv", "disbursements-2023-h2.csv",
                                                 "disbursements-2023-advance.csv"])] {
            let r = try? CLI.run(["import", kind] + files.map { p + "/" + $0 } + ["--db", db])
            precondition(r?.status == 0, r?.stderr ?? "import failed")
        }
        return db
    }()

    nonisolated(unsafe) static let expected: [String: Any] = {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: CLI.province + "/expected.json"))) ?? Data()
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return json?["reporting_2023"] as? [String: Any] ?? [:]
    }()

    func check(_ asOf: String, rules: String? = nil) throws -> [String: Any] {
        var args = ["check", "--db", Self.database, "--as-of", asOf, "--format", "json", "--fail-on", "never"]
        if let rules { args += ["--rules", CLI.fixtures + "/rules/" + rules] }
        let r = try CLI.run(args)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
    }

    func test_theEnvelopeAndItsAdditionAfterQ3() throws {
        let expected = try XCTUnwrap(Self.expected["envelope_at_2023_12_31"] as? [String: Int])
        let beforeAddition = try XCTUnwrap(Self.expected["envelope_at_2023_09_30"] as? [String: Int])
        let december = try check("2023-12-31", rules: "camau-2023-reporting.toml")
        let total = try XCTUnwrap((december["envelope"] as? [String: Any])?["total"] as? [String: Any])
        XCTAssertEqual(total["prime_minister_vnd"] as? Int, expected["prime_minister_vnd"])
        XCTAssertEqual(total["province_vnd"] as? Int, expected["province_vnd"])
        XCTAssertEqual(total["adjusted_vnd"] as? Int, beforeAddition["prime_minister_vnd"], "the addition after 30/9 left out")
        let province = try XCTUnwrap(december["province"] as? [String: Any])
        XCTAssertEqual(total["allocated_vnd"] as? Int, province["plan_vnd"] as? Int)
        XCTAssertEqual(total["disbursed_vnd"] as? Int, province["disbursed_vnd"] as? Int)
        XCTAssertEqual(total["unallocated_vnd"] as? Int, (expected["province_vnd"] ?? 0) - (province["plan_vnd"] as? Int ?? 0))
        // The same at 30/9: the addition is not there yet.
        let september = try check("2023-09-30", rules: "camau-2023-reporting.toml")
        let atQ3 = try XCTUnwrap((september["envelope"] as? [String: Any])?["total"] as? [String: Any])
        XCTAssertEqual(atQ3["prime_minister_vnd"] as? Int, beforeAddition["prime_minister_vnd"])
        XCTAssertEqual(atQ3["adjusted_vnd"] as? Int, beforeAddition["prime_minister_vnd"])
        // XSKT is grouped under NSĐP by the rules: one row each for the five sources, four shown.
        let sources = (province["fund_sources"] as? [[String: Any]] ?? []).compactMap { $0["fund_source"] as? String }
        XCTAssertEqual(sources, ["CTMTQG", "NSTW", "NSĐP", "ODA"])
    }

    /// The Prime Minister's lines of the bundled envelope hold no NSĐP (local capital he does not
    /// assign): the total rate on his plan counts only the disbursement of the sources his lines
    /// hold, so NSĐP money cannot lift it (it read 113% before), and the same for the province.
    func test_theRateOnEachLevelsPlanCountsOnlyTheFundSourcesThatLevelAssigned() throws {
        let september = try check("2023-09-30", rules: "camau-2023-reporting.toml")
        let envelope = try XCTUnwrap(september["envelope"] as? [String: Any])
        let total = try XCTUnwrap(envelope["total"] as? [String: Any])
        let rows = try XCTUnwrap(envelope["fund_sources"] as? [[String: Any]])
        func int(_ r: [String: Any], _ k: String) -> Int { r[k] as? Int ?? 0 }
        let underPM = rows.filter { int($0, "prime_minister_lines") > 0 }.reduce(0) { $0 + int($1, "disbursed_vnd") }
        let underProvince = rows.filter { int($0, "province_lines") > 0 }.reduce(0) { $0 + int($1, "disbursed_vnd") }
        XCTAssertTrue(rows.contains { int($0, "prime_minister_lines") == 0 && int($0, "disbursed_vnd") > 0 },
                      "a source disbursed that the Prime Minister's lines do not hold")
        XCTAssertLessThan(underPM, int(total, "disbursed_vnd"))
        func floorRate(_ d: Int, _ p: Int) -> String {
            let micro = d * 1_000_000 / p
            return String(format: "%d.%06d", micro / 1_000_000, micro % 1_000_000)
                .replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
        }
        XCTAssertEqual((total["rate_on_prime_minister"] as? NSNumber)?.stringValue,
                       floorRate(underPM, int(total, "prime_minister_vnd")))
        XCTAssertEqual((total["rate_on_province"] as? NSNumber)?.stringValue,
                       floorRate(underProvince, int(total, "province_vnd")))
        XCTAssertLessThan((total["rate_on_prime_minister"] as? Double) ?? 9, 1, "not above 100% on NSĐP money")
        // A source without a line of a level has no rate on that level's plan.
        for r in rows where int(r, "prime_minister_lines") == 0 {
            XCTAssertTrue(r["rate_on_prime_minister"] is NSNull, "\(r)")
        }
    }

    func test_advancePlanCapitalIsReportedApart_andCountedWhenTheRulesSaySo() throws {
        let advance = try XCTUnwrap(Self.expected["advance_plan"] as? [String: [String: Int]])
        let december = try check("2023-12-31")
        let province = try XCTUnwrap(december["province"] as? [String: Any])
        let apart = try XCTUnwrap(province["advance_plan"] as? [String: Any])
        XCTAssertEqual(apart["plan_vnd"] as? Int, advance.values.reduce(0) { $0 + ($1["plan_vnd"] ?? 0) })
        XCTAssertEqual(apart["disbursed_vnd"] as? Int, advance.values.reduce(0) { $0 + ($1["disbursed_vnd"] ?? 0) })
        // The counted figures are those of the current tranche, as before advance plans existed.
        let q4 = (Self.expectedPlanYear2023()?.last)
        XCTAssertEqual(try check("2024-01-31")["province"].flatMap { ($0 as? [String: Any])?["disbursed_vnd"] as? Int },
                       q4?["disbursed_vnd"] as? Int)
        let projects = try XCTUnwrap(december["projects"] as? [[String: Any]])
        for (code, figures) in advance {
            let p = try XCTUnwrap(projects.first { $0["project_code"] as? String == code })
            XCTAssertEqual((p["advance_plan"] as? [String: Any])?["plan_vnd"] as? Int, figures["plan_vnd"])
            XCTAssertEqual((p["advance_plan"] as? [String: Any])?["disbursed_vnd"] as? Int, figures["disbursed_vnd"])
        }
    }

    static func expectedPlanYear2023() -> [[String: Any]]? {
        let data = try? Data(contentsOf: URL(fileURLWithPath: CLI.province + "/expected.json"))
        return ((data.flatMap { try? JSONSerialization.jsonObject(with: $0) }) as? [String: Any])?["plan_year_2023"] as? [[String: Any]]
    }

    func test_keyProjectsAndTheirShareOfThePlan_lastYearBesideEachRate() throws {
        let december = try check("2023-12-31")
        let key = try XCTUnwrap(december["key_projects"] as? [[String: Any]])
        XCTAssertEqual(Set(key.compactMap { $0["project_code"] as? String }), Set(Self.expected["key_projects"] as? [String] ?? []))
        let plan = try XCTUnwrap((december["province"] as? [String: Any])?["plan_vnd"] as? Int)
        for k in key {
            let share = try XCTUnwrap((k["share_of_plan"] as? NSNumber)?.doubleValue)
            XCTAssertEqual(share, Double(k["plan_vnd"] as? Int ?? 0) / Double(plan), accuracy: 1e-6)
        }
        let lastYear = try XCTUnwrap((december["province"] as? [String: Any])?["same_period_last_year"] as? [String: Any])
        XCTAssertEqual(lastYear["as_of"] as? String, "2022-12-31")
        let twentyTwo = try check("2022-12-31")
        XCTAssertEqual(lastYear["disbursed_vnd"] as? Int, (twentyTwo["province"] as? [String: Any])?["disbursed_vnd"] as? Int)
        XCTAssertEqual(lastYear["plan_vnd"] as? Int, (twentyTwo["province"] as? [String: Any])?["plan_vnd"] as? Int)
    }
}
