import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganForms
import GiaiNganReport

extension FormFormat: ExpressibleByArgument {}

/// `giaingan form`: the official report forms.
struct Form: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an official report form (01a/TTKHN, 01b/TTKHN, the appendix by investor) for a month.",
        discussion: """
        A form is a TOML file: its title, rows, columns (measures), headers over several rows with merged cells, unit \
        and number formats. Built in: 01a (monthly, by fund source, year's plan / carried over / advance plans apart), \
        01b (project detail: key projects, then every project under its investor), phu-luc-cdt (the monthly appendix \
        by investor). Start your own with `giaingan form show 01a > 01a.toml`, edit it to match the printed form, and \
        pass its path instead of the name.

        For --month YYYY-MM the actual figures are those at the end of the previous month (D) and the estimate is for \
        the end of the month (E), from the early-warning projection: an estimate, labelled as such in the form.

        Examples:
          giaingan form 01a --month 2023-09 --out 01a-2023-09.xlsx
          giaingan form 01b --month 2023-09 --format html --out 01b.html
          giaingan form phu-luc-cdt --month 2023-09 --format csv > phu-luc.csv
          giaingan form measures
        """,
        subcommands: [FormFill.self, FormList.self, FormShow.self, FormValidate.self, FormMeasures.self],
        defaultSubcommand: FormFill.self)
}

struct FormFill: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Fill a form for a reporting month.")

    @Argument(help: ArgumentHelp("A built-in form (01a, 01b, phu-luc-cdt) or the path of a form file (.toml).", valueName: "FORM"))
    var form: String

    @Option(help: ArgumentHelp("The reporting month: actual to the end of the month before, estimate to the end of this one.", valueName: "YYYY-MM"))
    var month: String

    @Option(help: ArgumentHelp("xlsx (default), csv or html (print-ready on A4 landscape).", valueName: "FORMAT"))
    var format: FormFormat = .xlsx

    @Option(help: ArgumentHelp("Write to this file instead of standard output (written whole or not at all).", valueName: "FILE"))
    var out: String?

    @Option(help: ArgumentHelp("Words GiaiNgan adds (the total, classes, the unit line): vi or en.", valueName: "LANG"))
    var lang: Language = .vi

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The plan year. Default: the one whose window holds the end of the month (in January, the previous year).", valueName: "YYYY"))
    var year: Int?

    @Option(help: ArgumentHelp("A rules file (TOML) for another year or province.", valueName: "FILE"))
    var rules: String?

    @Option(help: ArgumentHelp("How investors are ranked: rate or shortfall.", valueName: "ORDER"))
    var rank: RankOrder = .rate

    var reportingMonth: ReportingMonth? { ReportingMonth(month) }

    func validate() throws {
        guard reportingMonth != nil else {
            throw ValidationError("--month \"\(month)\" is not a month: expected YYYY-MM, e.g. 2023-09, of a supported year")
        }
        if let year, let problem = SupportedRange.problem(planYear: year) { throw ValidationError("--year: \(problem)") }
        try ReportDestination(out: out, binary: format == .xlsx).validate()
    }

    func run() throws {
        guard let month = reportingMonth else { throw ValidationError("--month \"\(month)\" is not a month") }
        let spec: FormSpec
        do { spec = try FormFile.load(form) } catch let p as FormFile.Problem { throw CommandError(p.description, isAboutUsage: false) }
        let store = try openExisting(database)
        let ruleSet = try CheckService.rules(path: rules, year: year, asOf: month.estimateDate)
        let table = try FormService.table(store: store, rules: ruleSet, spec: spec, month: month, rankBy: rank, lang: lang)
        if table.isEmptyYear {
            let years = try store.planYears().map(String.init).joined(separator: ", ")
            printErr("giaingan: note: nothing in the database for plan year \(table.planYear) as of \(month.actualDate)"
                     + (years.isEmpty ? "; import files first" : "; plan years present: \(years) (use --year or another --month)"))
        }
        let data: Data
        switch format {
        case .xlsx: data = Data(try FormRender.xlsx(table, lang: lang))
        case .csv: data = Data(FormRender.csv(table).utf8)
        case .html: data = Data(FormRender.html(table, lang: lang).utf8)
        }
        try ReportDestination(out: out, binary: format == .xlsx).write(data)
        if let out { printErr("form \(spec.id) for \(month) written to \(out)") }
    }
}

struct FormList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the built-in forms.")

    func run() throws {
        for id in BuiltInForms.ids {
            let spec = try FormFile.load(id)
            print("\(id)\t\(spec.formCode ?? "")\t\(spec.title.first ?? "")")
        }
    }
}

struct FormShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a built-in form's file, to start your own.")

    @Argument(help: ArgumentHelp("01a, 01b or phu-luc-cdt.", valueName: "FORM"))
    var form: String

    func run() throws {
        guard let text = BuiltInForms.text(id: form) else {
            throw ValidationError("no built-in form \"\(form)\"; built in: " + BuiltInForms.ids.joined(separator: ", "))
        }
        writeStdout(text)
    }
}

struct FormValidate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a form file; every bad key is named.")

    @Argument(help: ArgumentHelp("The form file.", valueName: "FILE"))
    var file: String

    func run() throws {
        do {
            let spec = try FormFile.load(file)
            print("\(file): form \(spec.id), \(spec.columns.count) columns, \(spec.rows.count) row groups, \(spec.headerDepth) header rows: OK")
        } catch let p as FormFile.Problem {
            throw CommandError(p.description, isAboutUsage: false)
        }
    }
}

struct FormMeasures: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "measures", abstract: "What each measure a form column can show means.")

    func run() throws {
        for m in Measure.allCases { print("\(m.rawValue)\t\(m.meaning)") }
    }
}
