import Foundation
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore

/// One report file per investor, each holding only that investor's projects.
public enum PerInvestorReports {
    /// Writes the files and returns their paths. Names come from `CheckService.fileSlug`, so no
    /// investor name can write outside `directory`.
    public static func write(store: Store, rules: RuleSet, asOf: CivilDate, directory: String,
                             format: ReportFormat, lang: Language) throws -> [String] {
        let province = try CheckService.evaluate(store: store, rules: rules, asOf: asOf).province
        let request = province.request
        let all = try store.snapshots(for: request)
        return try write(province: province, snapshots: all, directory: directory, format: format, lang: lang)
    }

    /// Writes the files from an evaluation already made and its snapshots.
    public static func write(province: Evaluation, snapshots: [ProjectSnapshot], directory: String,
                             format: ReportFormat, lang: Language) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var used = Set<String>()
        var written: [String] = []
        for investor in province.investors.map(\.investor).sorted() {
            let own = snapshots.filter { $0.project.investor == investor }
            let view = try Evaluator.evaluate(request: province.request, snapshots: own, profile: province.profile,
                                              provinceAverage: .some(province.province.rate))
            var slug = CheckService.fileSlug(investor)
            var n = 2
            while used.contains(slug) { slug = CheckService.fileSlug(investor) + "-\(n)"; n += 1 }
            used.insert(slug)
            let path = (directory as NSString).appendingPathComponent("\(slug).\(format.fileExtension)")
            try Data(format.render(view, lang: lang, scope: .investor(investor)).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }
}
