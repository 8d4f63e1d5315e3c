import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganImport
import GiaiNganReport
import GiaiNganStore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the main job on the bundled fictional province and print the report.",
        discussion: """
        Imports fixtures/province (53 projects, 12 investors, the 2022 and 2023 plans, the 2023 capital envelope and treasury ledgers) \
        into a temporary database, checks it as of 15/09/2023 — two weeks before Q3 — and prints the report. \
        Nothing is written outside the temporary folder unless --keep PATH is given: then the database is \
        kept at PATH, so the tour can go on (giaingan check --db PATH --as-of 2023-09-15, giaingan investors, \
        giaingan serve). Try --lang en, --format html, or --as-of 2023-03-15.
        """)

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Check as of this date.", valueName: "DATE"))
    var asOfText = "2023-09-15"

    @Option(help: ArgumentHelp("Output format: text, json, csv, md or html.", valueName: "FORMAT"))
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Report language: vi or en.", valueName: "LANG"))
    var lang: Language = .vi

    @Option(help: ArgumentHelp("The folder holding the demo files.", discussion: "Default: fixtures/province of this source tree.", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("Keep the demo database at this path (created, or reused: importing the same files again adds nothing).",
                               valueName: "PATH"))
    var keep: String?

    func validate() throws {
        try ReportDestination(out: nil, binary: format.isBinary).validate()
        guard let d = Dates.parse(asOfText), (2023...2024).contains(d.year) else {
            throw ValidationError("--as-of \"\(asOfText)\": the demo data covers 01/01/2023 to 31/01/2024")
        }
    }

    static var bundledData: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures/province").standardized.path
    }

    func run() throws {
        let dir = data ?? Demo.bundledData
        let fm = FileManager.default
        guard fm.fileExists(atPath: dir + "/projects.csv") else {
            throw CommandError("the demo files are not at \(dir): run from a clone of the source tree or pass --data DIR")
        }
        let tmp = fm.temporaryDirectory.appendingPathComponent("giaingan-demo-\(ProcessInfo.processInfo.processIdentifier)")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: tmp) }
        let store = try Store(path: keep ?? tmp.appendingPathComponent("demo.sqlite").path)
        let names = try fm.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".csv") }.sorted()
        let ledgers = names.filter { $0.hasPrefix("disbursements") }
        let plans = names.filter { $0.hasPrefix("plan") }
        let envelopes = names.filter { $0.hasPrefix("envelope") }
        let today = Dates.today()
        for (kind, files) in [(FileKind.projects, ["projects.csv"]), (.plan, plans), (.envelope, envelopes), (.disbursements, ledgers)] {
            for s in try store.importFiles(kind: kind, paths: files.map { dir + "/" + $0 }, today: today) {
                printErr("demo: import \(kind.rawValue): " + s.line.replacingOccurrences(of: dir + "/", with: ""))
            }
        }
        guard let asOf = Dates.parse(asOfText) else { throw ValidationError("--as-of \"\(asOfText)\" is not a date") }
        let rules = try CheckService.rules(path: nil, year: nil, asOf: asOf)
        let e = try CheckService.evaluate(store: store, rules: rules, asOf: asOf).province
        printErr("demo: check as of \(asOf) with \(rules.name)\n")
        try format.write(e, lang: lang, scope: .province) { writeStdout($0) }
        if let keep {
            let db = keep.contains(" ") ? "\"\(keep)\"" : keep
            printErr(lang.t("demo: cơ sở dữ liệu mẫu được giữ tại \(keep). Thử tiếp:", "demo: the demo database is kept at \(keep). Next:")
                + "\n  giaingan check --db \(db) --as-of \(asOf)\n  giaingan investors --db \(db) --as-of \(asOf)"
                + "\n  giaingan check --db \(db) --as-of \(asOf) --investor \"UBND huyện Năm Căn\"\n  giaingan imports --db \(db)")
        } else if format == .text {
            writeStdout(lang.t("\nThử tiếp: giaingan demo --keep demo.sqlite (giữ cơ sở dữ liệu mẫu), rồi giaingan check --db demo.sqlite --as-of \(asOf) · giaingan demo --format html > demo.html · giaingan check --help\n",
                               "\nNext: giaingan demo --keep demo.sqlite (keeps the demo database), then giaingan check --db demo.sqlite --as-of \(asOf) · giaingan demo --format html > demo.html · giaingan check --help\n"))
        }
    }
}
