import Foundation
import GiaiNganCore
import GiaiNganReport
import GiaiNganStore

/// One report file per investor, each holding only that investor's projects.
public enum PerInvestorReports {
    /// Writes the files and returns their paths. Each is named by the investor's stored slug
    /// (`Store.investorKeys()`): the same investor has the same file name every week, no two
    /// investors share one, and no name can write outside `directory`.
    public static func write(store: Store, rules: RuleSet, asOf: CivilDate, directory: String,
                             format: ReportFormat, lang: Language, since: CivilDate? = nil,
                             rankBy: RankOrder = .rate) throws -> [String] {
        var (province, all) = try CheckService.evaluateProvince(store: store, rules: rules, asOf: asOf, rankBy: rankBy)
        let baselines = try CheckService.baselines(store: store, rules: rules, asOf: asOf, since: since)
        try baselines.attach(to: &province, investor: nil)
        return try write(province: province, snapshots: all, slugs: try slugs(store), directory: directory,
                         format: format, lang: lang, baselines: baselines)
    }

    /// The stored slug of every investor, by investor.
    public static func slugs(_ store: Store) throws -> [InvestorID: String] {
        Dictionary(try store.investorKeys().map { ($0.investor, $0.slug) }, uniquingKeysWith: { a, _ in a })
    }

    /// Writes the files from an evaluation already made and its snapshots.
    ///
    /// - throws: `UsageProblem` when an investor of the evaluation has no stored slug (the
    ///   database changed under the evaluation).
    public static func write(province: Evaluation, snapshots: [ProjectSnapshot], slugs: [InvestorID: String],
                             directory: String, format: ReportFormat, lang: Language,
                             baselines: Baselines = Baselines()) throws -> [String] {
        try write(province: province, snapshots: snapshots, slugs: slugs, directory: directory, formats: [format], lang: lang,
                  baselines: baselines)
    }

    /// Writes one file per investor in each of `formats`, each investor's view evaluated once.
    public static func write(province: Evaluation, snapshots: [ProjectSnapshot], slugs: [InvestorID: String],
                             directory: String, formats: [ReportFormat], lang: Language,
                             baselines: Baselines = Baselines()) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        for investor in province.investors.map(\.investor).sorted() {
            guard let slug = slugs[investor] else {
                throw UsageProblem("investor \"\(investor.name)\" has no stored file name; run the command again")
            }
            let own = snapshots.filter { $0.project.investor == investor }
            var view = try Evaluator.evaluate(request: province.request, snapshots: own, profile: province.profile,
                                              provinceAverage: .some(province.province.rate))
            try baselines.attach(to: &view, investor: investor)
            view.schedule = province.schedule?.only(investor)
            for format in formats {
                let path = (directory as NSString).appendingPathComponent("\(slug).\(format.fileExtension)")
                try format.data(view, lang: lang, scope: .investor(investor)).write(to: URL(fileURLWithPath: path), options: .atomic)
                written.append(path)
            }
        }
        return written
    }
}
