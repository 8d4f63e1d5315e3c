import Foundation
import GiaiNganCore

/// Random small provinces for the property tests: projects, a 2023 plan and a treasury ledger,
/// written as CSV in every spelling the formats allow (aliases, amount and date styles, NFC or
/// NFD, BOM, CRLF), so that a property also holds whatever the files look like.
///
/// Deterministic for a seed (``SeededRandom``): a failure message names the seed to replay.
struct ProvinceGenerator {
    var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    static let investorNames = ["UBND huyện Năm Căn", "Ban QLDA tỉnh Cà Mau", "UBND xã Tân Hưng Đông", "Sở Y tế",
                                "Ban Quản lý dự án đầu tư xây dựng khu vực Đất Mũi"]
    static let year = 2023
    static let firstDay = CivilDate(year: 2023, month: 1, day: 3)!
    static let lastDay = CivilDate(year: 2024, month: 1, day: 31)!

    struct Province {
        var projects: [Project]
        var plan: [PlanLine]
        var ledger: [LedgerEntry]
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
    mutating func shuffled<T>(_ items: [T]) -> [T] { items.shuffled(using: &random) }

    mutating func date(from: CivilDate = firstDay, to: CivilDate = lastDay) -> CivilDate {
        from.adding(days: int(0...(to.dayNumber - from.dayNumber)))
    }

    // MARK: - A province

    mutating func province(projects count: Int = 12, entries: Int = 150) -> Province {
        var projects: [Project] = [], plan: [PlanLine] = [], ledger: [LedgerEntry] = []
        for k in 1...count {
            let code = String(format: "%07d", 60_000 + k * 37)
            projects.append(Project(code: code, name: "Dự án số \(k), ấp Kinh \(k % 5)", investor: InvestorID(pick(Self.investorNames)),
                                    district: chance(0.5) ? "Năm Căn" : nil))
            let projectClass: ProjectClass = chance(0.6) ? .transitional : .newStart
            let allocation = Int64(int(1...200)) * 100_000_000
            plan.append(PlanLine(projectCode: code, planYear: Self.year, projectClass: projectClass, fundSource: fundSource(),
                                 amountVND: allocation, effectiveOn: CivilDate(year: 2023, month: 1, day: 5)!, decisionRef: "12/QĐ-UBND"))
            if chance(0.3) {
                // A second fund source for the same project.
                plan.append(PlanLine(projectCode: code, planYear: Self.year, projectClass: projectClass, fundSource: fundSource(),
                                     amountVND: Int64(int(1...80)) * 100_000_000, effectiveOn: date(), decisionRef: "77/QĐ-UBND"))
            }
            if chance(0.15) {
                plan.append(PlanLine(projectCode: code, planYear: Self.year, projectClass: projectClass, tranche: .advancePlan,
                                     fundSource: "NSTW", amountVND: Int64(int(1...30)) * 100_000_000, effectiveOn: date()))
            }
            if chance(0.3) {
                let change = Int64(int(-40...80)) * 10_000_000
                plan.append(PlanLine(projectCode: code, planYear: Self.year, projectClass: projectClass, fundSource: fundSource(),
                                     amountVND: change, effectiveOn: date(), decisionRef: "\(int(100...900))/QĐ-UBND"))
            }
            if chance(0.2) {
                plan.append(PlanLine(projectCode: code, planYear: Self.year, projectClass: projectClass, tranche: .carriedOver,
                                     amountVND: Int64(int(1...50)) * 10_000_000, effectiveOn: CivilDate(year: 2023, month: 1, day: 5)!))
            }
        }
        for n in 0..<entries { ledger.append(entry(n, projects: projects)) }
        return Province(projects: projects, plan: plan, ledger: ledger)
    }

    /// A fund source as files write them: mixed case, or none.
    mutating func fundSource() -> String? { pick(["NSĐP", "NSTW", "nstw", "ODA", "CTMTQG", nil]) }

    mutating func entry(_ n: Int, projects: [Project], prefix: String = "KB", type: EntryType? = nil,
                        from: CivilDate = firstDay, to: CivilDate = lastDay) -> LedgerEntry {
        let roll = int(0...99)
        let type = type ?? (roll < 15 ? .advance : roll < 85 ? .payment : roll < 95 ? .advanceRecovery : .refund)
        return LedgerEntry(txnID: "\(prefix)-\(String(format: "%06d", n))", projectCode: pick(projects).code, planYear: Self.year,
                           tranche: chance(0.1) ? .carriedOver : chance(0.05) ? .advancePlan : .current, fundSource: fundSource(),
                           date: date(from: from, to: to), type: type, amountVND: Int64(int(1...5_000)) * 100_000,
                           note: chance(0.3) ? "Thanh toán đợt \(int(1...9)), gói thầu \"XL-0\(int(1...9))\"" : nil)
    }

    // MARK: - Spellings

    /// `name` spelled in NFC or NFD, with extra inner spaces, a no-break space, or spaces around it.
    mutating func variant(_ name: String) -> String {
        var text = chance(0.5) ? name.decomposedStringWithCanonicalMapping : name.precomposedStringWithCanonicalMapping
        if chance(0.3) { text = text.replacingOccurrences(of: " ", with: pick(["  ", "\u{00A0}", " \t"])) }
        if chance(0.3) { text = " " + text + "  " }
        return text
    }

    mutating func amount(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var groups: [String] = []
        var rest = Substring(digits)
        while rest.count > 3 { groups.insert(String(rest.suffix(3)), at: 0); rest = rest.dropLast(3) }
        groups.insert(String(rest), at: 0)
        let sign = value < 0 ? "-" : ""
        switch int(0...2) {
        case 0: return sign + digits
        case 1: return sign + groups.joined(separator: ".")
        default: return "\"" + sign + groups.joined(separator: ",") + "\""
        }
    }

    mutating func date(_ d: CivilDate) -> String {
        switch int(0...2) {
        case 0: return d.description
        case 1: return String(format: "%02d/%02d/%04d", d.day, d.month, d.year)
        default: return "\(d.day)/\(d.month)/\(d.year)"
        }
    }

    mutating func quoted(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) || chance(0.2)
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    mutating func header(_ canonical: [String], _ aliases: [String]) -> String {
        zip(canonical, aliases).map { c, a in
            let name = chance(0.5) ? c : a
            return chance(0.2) ? name.uppercased() : name
        }.joined(separator: ",")
    }

    mutating func file(_ header: String, _ rows: [String]) -> String {
        let newline = chance(0.5) ? "\r\n" : "\n"
        return (chance(0.5) ? "\u{FEFF}" : "") + ([header] + rows).joined(separator: newline) + newline
    }

    mutating func projectsCSV(_ projects: [Project]) -> String {
        file(header(["project_code", "project_name", "investor", "district"], ["mã dự án", "tên dự án", "chủ đầu tư", "địa bàn"]),
             projects.map { p in
                 [p.code, quoted(variant(p.name)), quoted(variant(p.investor.name)), p.district.map { quoted(variant($0)) } ?? ""]
                     .joined(separator: ",")
             })
    }

    mutating func planCSV(_ lines: [PlanLine]) -> String {
        file(header(["project_code", "plan_year", "class", "tranche", "fund_source", "amount_vnd", "effective_on", "decision_ref"],
                    ["mã dự án", "năm kế hoạch", "loại dự án", "loại vốn", "nguồn vốn", "kế hoạch vốn", "ngày hiệu lực", "số quyết định"]),
             lines.map { l in
                 let projectClass = l.projectClass == .transitional ? pick(["transitional", "chuyển tiếp"]) : pick(["new_start", "khởi công mới"])
                 return [l.projectCode, "\(l.planYear)", projectClass, trancheWord(l.tranche), l.fundSource ?? "", amount(l.amountVND),
                         date(l.effectiveOn), l.decisionRef ?? ""].joined(separator: ",")
             })
    }

    mutating func trancheWord(_ t: Tranche) -> String {
        switch t {
        case .current: pick(["", "current", "trong năm"])
        case .carriedOver: pick(["carried_over", "kéo dài"])
        case .advancePlan: pick(["advance_plan", "ứng trước", "vốn ứng trước"])
        }
    }

    mutating func ledgerCSV(_ entries: [LedgerEntry]) -> String {
        let words: [EntryType: [String]] = [.advance: ["advance", "tạm ứng"], .payment: ["payment", "thanh toán", "Thanh Toán"],
                                            .advanceRecovery: ["advance_recovery", "thu hồi tạm ứng"], .refund: ["refund", "nộp trả"]]
        return file(header(["txn_id", "project_code", "plan_year", "tranche", "fund_source", "date", "type", "amount_vnd", "note"],
                           ["số chứng từ", "mã dự án", "năm kế hoạch", "loại vốn", "nguồn vốn", "ngày", "loại", "số tiền", "diễn giải"]),
                    entries.map { e in
                        [e.txnID, e.projectCode, "\(e.planYear)", trancheWord(e.tranche),
                         e.fundSource ?? "", date(e.date), pick(words[e.type]!), amount(e.amountVND), e.note.map { quoted(variant($0)) } ?? ""]
                            .joined(separator: ",")
                    })
    }
}
