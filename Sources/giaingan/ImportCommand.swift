import ArgumentParser
import Foundation
import GiaiNganApp
import GiaiNganCore
import GiaiNganImport
import GiaiNganStore

extension FileKind: ExpressibleByArgument {}
extension AmountUnit: ExpressibleByArgument {}
extension DateOrder: ExpressibleByArgument {}
extension DecimalSeparator: ExpressibleByArgument {}
extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "windows-1258", "cp1258", "windows1258": self = .windows1258
        case "utf-16le", "utf16le": self = .utf16le
        case "utf-16be", "utf16be": self = .utf16be
        default: return nil
        }
    }
}

/// The `--delimiter` values: a comma, a semicolon, a tab or a bar.
struct DelimiterArgument: ExpressibleByArgument {
    var byte: UInt8
    init?(argument: String) {
        switch argument.lowercased() {
        case ",", "comma": byte = UInt8(ascii: ",")
        case ";", "semicolon": byte = UInt8(ascii: ";")
        case "tab", "\\t", "\t": byte = UInt8(ascii: "\t")
        case "|", "bar": byte = UInt8(ascii: "|")
        default: return nil
        }
    }
    static var allValueStrings: [String] { [",", ";", "tab", "|"] }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import projects, capital plan lines, the capital envelope, investors' schedules or treasury ledger entries from CSV files or .xlsx workbooks.",
        discussion: """
        KIND is projects, plan, envelope (the capital the Prime Minister and the province assigned), \
        schedules (investors' monthly disbursement schedules), disbursements (the treasury ledger), \
        successions (projects passing to a new investor on a date) or districts (old districts and communes \
        and the units that replaced them; README "Reorganisation"). Files are CSV (UTF-8, with or without \
        BOM; Excel's "CSV UTF-8"; UTF-16 with a byte-order mark) separated by commas, semicolons or tabs, or \
        .xlsx workbooks (the first sheet, or --sheet NAME), with the column names of FORMATS.md or their \
        Vietnamese aliases; title and metadata rows above the header are passed over. .xls and .ods files are \
        refused: save them as .xlsx or CSV UTF-8.

        What a file does not say is decided from its own values: the order of day and month (a first part \
        above 12 is day first), the decimal separator of million-VND amounts (1.395,6 or 1,395.6). A file that \
        gives no sign reads its dates day first (the summary shows their range) and is refused if its amounts \
        read two ways; --date-order and --decimal-separator decide instead.

        All files of one command are one transaction: if any row of any file is wrong, nothing is written \
        and every problem is listed (file, line, column, value, what was expected), up to 50. \
        A file imported before (same SHA-256) is skipped. A treasury entry (txn_id) seen again with the \
        same content counts once; with different content the import is refused and both versions shown. \
        Entries whose project is not in the registry refuse the import: import projects.csv first.

        Examples:
          giaingan import projects projects.csv
          giaingan import plan ke-hoach-von-2023.csv --unit million
          giaingan import disbursements kbnn-t1.csv kbnn-t2.csv
          giaingan import disbursements export.csv --profile kbnn.profile
          giaingan import envelope giao-von-2023.csv
          giaingan import schedules ke-hoach-giai-ngan-2023.csv
          giaingan import successions sap-xep-2025.csv
          giaingan import districts dia-ban-2025.csv
        """)

    @Argument(help: ArgumentHelp("What the files hold: projects, plan, envelope, schedules, disbursements, successions or districts.", valueName: "KIND"))
    var kind: FileKind

    @Argument(help: ArgumentHelp("The CSV or .xlsx files.", valueName: "FILE"))
    var files: [String]

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Amount unit of the files: vnd (whole đồng) or million (triệu đồng, decimal comma: 1.395,6).",
                               discussion: "Default: the unit the amount column's header names, as in \"Số tiền (triệu đồng)\" or "
                                   + "\"Kế hoạch vốn (đồng)\", else vnd. Given, it must agree with such a header.",
                               valueName: "UNIT"))
    var unit: AmountUnit?

    @Option(help: ArgumentHelp("A mapping profile for an export whose columns, type words or date format differ.",
                               discussion: "See fixtures/profiles/ for an example.", valueName: "FILE"))
    var profile: String?

    @Option(help: ArgumentHelp("The field separator of CSV files: , ; tab or | (default: found from the header line).",
                               valueName: "SEP"))
    var delimiter: DelimiterArgument?

    @Option(help: ArgumentHelp("The encoding of CSV files: utf-8 (default; UTF-16 with a byte-order mark is read too), "
                               + "windows-1258, utf-16le or utf-16be.", valueName: "NAME"))
    var encoding: TextEncoding?

    @Option(name: .customLong("date-order"),
            help: ArgumentHelp("The order of dates written with slashes: dmy (31/03/2023), mdy (03/31/2023) or ymd "
                               + "(default: decided per file from its dates, else day first).", valueName: "ORDER"))
    var dateOrder: DateOrder?

    @Option(name: .customLong("decimal-separator"),
            help: ArgumentHelp("The decimal separator of million-VND amounts: , (1.395,6) or . (1,395.6) "
                               + "(default: decided per file from its amounts).", valueName: "SEP"))
    var decimalSeparator: DecimalSeparator?

    @Option(help: ArgumentHelp("The worksheet of .xlsx files to read (default: the first).", valueName: "NAME"))
    var sheet: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one CSV file to import") }
        for f in files where !FileManager.default.isReadableFile(atPath: f) {
            throw ValidationError("cannot read \(f): no such file or no permission")
        }
    }

    /// A progress line on standard error: rows, MB/s, seconds left.
    static func progressLine(started: Date) -> @Sendable (ImportProgress) -> Void {
        return { p in
            let elapsed = max(0.001, Date().timeIntervalSince(started))
            let mbps = Double(p.bytesDone) / 1_048_576 / elapsed
            let left = p.bytesDone > 0 ? elapsed * Double(p.bytesTotal - p.bytesDone) / Double(p.bytesDone) : 0
            let name = URL(fileURLWithPath: p.file).lastPathComponent
            let line = "\r\(name): \(p.rows) rows, \(Int(mbps.rounded())) MB/s, \(Int(left.rounded())) s left   "
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func run() throws {
        var options = ReadOptions(unit: unit ?? .vnd)
        options.unitIsGiven = unit != nil
        options.delimiter = delimiter?.byte
        options.encoding = encoding
        options.dateOrder = dateOrder
        options.decimalSeparator = decimalSeparator
        options.sheet = sheet
        if let profile {
            options.profile = try MappingProfile.load(path: profile)
            if let u = options.profile?.unit { options.unit = u }
        }
        let store = try database.open()
        let started = Date()
        var progress: (@Sendable (ImportProgress) -> Void)?
        if stderrIsTerminal { progress = Import.progressLine(started: started) }
        do {
            let summaries = try store.importFiles(kind: kind, paths: files, options: options, today: Dates.today(), progress: progress)
            if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            for s in summaries {
                print(s.line)
                for n in s.notes { print("  note: \(n)") }
            }
            let seconds = Date().timeIntervalSince(started)
            let rows = summaries.reduce(0) { $0 + $1.rowsRead }
            if rows > 0 { printErr("imported in \((seconds * 100).rounded() / 100) s") }
        } catch let refused as ImportRefused {
            if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            throw CommandError(refused.description, isAboutUsage: false)
        }
    }
}
